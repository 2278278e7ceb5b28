"""An import file read into rows within the policy's limits (kit.tables: a worker process, streamed).

Here the kit's refusals become the members service's problems, each naming the policy's setting
that the file passed (`limit`) and its value (`maximum`).
"""

from services.kit.problems import Unprocessable, field_error
from services.kit.tables import Row, TableFormat, TableLimits, TableTooLarge, TableUnreadable, read_table
from services.members.enums import TabularFormat
from services.members.errors import FILE_OVER_LIMIT, TOO_MANY_ROWS, UNREADABLE_FILE
from services.members.rules import MembersPolicy

# The kit's name of a limit → the policy's.
_POLICY_NAMES = {"memory_bytes": "import_read_memory_bytes", "seconds": "import_read_seconds"}


class NotATable(Unprocessable):
    def __init__(self, detail: str) -> None:
        super().__init__(detail, slug=UNREADABLE_FILE.slug, errors=[field_error("file", detail)])


def table_limits(policy: MembersPolicy) -> TableLimits:
    return TableLimits(
        max_rows=policy.import_max_rows,
        max_columns=policy.import_max_columns,
        max_cells=policy.import_max_cells,
        max_uncompressed_bytes=policy.import_max_uncompressed_bytes,
        max_compression_ratio=policy.import_max_compression_ratio,
        max_zip_entries=policy.import_max_zip_entries,
        max_shared_strings=policy.import_max_shared_strings,
        memory_bytes=policy.import_read_memory_bytes,
        seconds=policy.import_read_seconds,
        parallel_reads=policy.import_parallel_reads,
    )


async def read_rows(data: bytes, fmt: TabularFormat, policy: MembersPolicy) -> list[Row]:
    """The file's rows (header first) as text cells; refuses a file past a limit (413) or one that
    is not what it says (422)."""
    try:
        return await read_table(data, TableFormat(fmt.value), table_limits(policy))
    except TableTooLarge as error:
        name = _POLICY_NAMES.get(error.limit, f"import_{error.limit}")
        if name == "import_max_rows":
            # `max_rows`: the extension this problem has always had.
            raise TOO_MANY_ROWS(error.detail, max_rows=error.maximum, limit=name, maximum=error.maximum) from None
        raise FILE_OVER_LIMIT(error.detail, limit=name, maximum=error.maximum) from None
    except TableUnreadable as error:
        raise NotATable(error.detail) from None
