"""`/api/v1/members/import` and `/export`: member records in and out as xlsx or csv."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from services.kit.db import ReadSessionDep, WriteSessionDep
from services.kit.idempotency import Idempotent
from services.kit.problems import answers
from services.kit.script import Script, ScriptDep
from services.members.enums import TabularFormat
from services.members.errors import (
    CONTENT_TOO_LARGE,
    DUPLICATE_ID_NUMBER,
    FILE_OVER_LIMIT,
    IMPORT_REJECTED,
    TOO_MANY_ROWS,
    UNREADABLE_FILE,
)
from services.members.routes.deps import ReaderContext, WriterContext
from services.members.routes.records import Filters
from services.members.schemas.tabular import ImportReport
from services.members.service import tabular, tabular_template

router = APIRouter(prefix="/api/v1/members", tags=["members"])

# The route's own ceiling above the app-wide 10 MB; the policy's import_max_bytes (50 MB by
# default) is enforced below while the upload streams in, before it is ever held whole.
IMPORT_BODY_CEILING = 256 * 1024 * 1024
_MEDIA_TYPES = {TabularFormat.xlsx: tabular.XLSX_MEDIA_TYPE, TabularFormat.csv: tabular.CSV_MEDIA_TYPE}


FILE_RESPONSES: dict[int | str, dict[str, Any]] = {200: {"content": {tabular.XLSX_MEDIA_TYPE: {}, "text/csv": {}}}}


async def read_upload(request: Request, limit: int) -> bytes:
    """The request body, counted as it arrives: past `limit` bytes the request is refused at once."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise CONTENT_TOO_LARGE(f"The file is larger than {limit} bytes", max_bytes=limit)
    chunks: list[bytes] = []
    received = 0
    async for chunk in request.stream():
        received += len(chunk)
        if received > limit:
            raise CONTENT_TOO_LARGE(f"The file is larger than {limit} bytes", max_bytes=limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _format_of(request: Request, given: TabularFormat | None) -> TabularFormat:
    if given is not None:
        return given
    content_type = request.headers.get("content-type", "")
    return TabularFormat.csv if TabularFormat.csv in content_type or content_type.startswith("text/") else TabularFormat.xlsx


@router.post(
    "/import",
    response_model=ImportReport,
    max_body_size=IMPORT_BODY_CEILING,
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "The file itself as the body (not multipart): xlsx or csv, header row first; "
            "Chinese (traditional or simplified) or English column names; see /members/import/template.",
            "content": {
                tabular.XLSX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}},
                "text/csv": {"schema": {"type": "string", "maxLength": IMPORT_BODY_CEILING}, "example": tabular.example_csv()},
            },
        }
    },
    responses=answers(IMPORT_REJECTED, UNREADABLE_FILE, DUPLICATE_ID_NUMBER, TOO_MANY_ROWS, CONTENT_TOO_LARGE, FILE_OVER_LIMIT),
    dependencies=[Idempotent],
)
async def import_members(
    request: Request,
    session: WriteSessionDep,
    ctx: WriterContext,
    script: ScriptDep,
    dry_run: Annotated[bool, Query(description="Check every row and write nothing")] = False,
    format: Annotated[TabularFormat | None, Query(description="Default: from the Content-Type")] = None,
) -> ImportReport:
    """All rows in one transaction or none: with any problem the answer is a 422 whose `report`
    lists every (row, column, problem) — every problem of every row, in the reader's script
    (`Accept-Language`) — and nothing is written; `dry_run=true` only reports."""
    data = await read_upload(request, ctx.policy.import_max_bytes)
    return await tabular.import_members(session, ctx, data, _format_of(request, format), dry_run=dry_run, script=script)


@router.get("/import/template", response_class=Response, responses=FILE_RESPONSES)
async def import_template(_ctx: ReaderContext, script: ScriptDep, format: TabularFormat = TabularFormat.xlsx) -> Response:
    """The file to fill in, in the reader's script (`Accept-Language`): the column headers, an
    example row (skipped by the import), a dropdown of labels on every coded column and a sheet
    of instructions (xlsx); the organization is named by its code or its name path."""
    return _file(tabular_template.template(format, script), format, "members-template", script)


@router.get("/export", response_class=Response, responses={**FILE_RESPONSES, **answers(TOO_MANY_ROWS)})
async def export_members(
    session: ReadSessionDep, ctx: ReaderContext, f: Filters, script: ScriptDep, format: TabularFormat = TabularFormat.xlsx
) -> Response:
    """Any filtered list (the filters of GET /members), masked by the caller's role, cells escaped
    against formulas; codes by their labels and organizations by their name paths, in the reader's script."""
    return _file(await tabular.export_members(session, ctx, f, format, script), format, "members", script)


def _file(content: bytes, fmt: TabularFormat, stem: str, script: Script) -> Response:
    return Response(
        content,
        media_type=_MEDIA_TYPES[fmt],
        headers={
            "Content-Disposition": f'attachment; filename="{stem}.{fmt.value}"',
            "Content-Language": script.value,
        },
    )
