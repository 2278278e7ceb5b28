"""docs/operations.md documents every setting the code reads: each field of every Settings class
(nested policy numbers included) and every environment variable read directly; and its backup and
restore commands for Compose are the ones `make test-compose` runs."""

import re
import shlex
from pathlib import Path

import pytest
from pydantic import BaseModel
from pydantic_settings import BaseSettings

from gateway.settings import GatewaySettings
from services.activities.settings import ActivitiesSettings
from services.kit import tracing
from services.kit.settings import ProcessSettings, ServiceSettings
from services.members.settings import MembersSettings
from services.orgs.settings import OrgsSettings
from tests.compose import drill

ROOT = Path(__file__).resolve().parents[1]
DOC = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
SETTINGS: list[type[BaseSettings]] = [GatewaySettings, OrgsSettings, MembersSettings, ActivitiesSettings]
_DIRECT_READ = re.compile(r"""os\.environ(?:\.get\(|\[)\s*["']([A-Z][A-Z0-9_]*)["']""")


def documented_names(cls: type[BaseSettings]) -> list[str]:
    """The names the doc must show for `cls`: shared fields in their generic form, others as they are."""
    prefix = str(cls.model_config.get("env_prefix", ""))
    names = []
    for name, field in cls.model_fields.items():
        if name in ProcessSettings.model_fields:
            names.append(f"<P>_{name.upper()}")
        elif issubclass(cls, ServiceSettings) and name in ServiceSettings.model_fields:
            names.append(f"<S>_{name.upper()}")
        elif isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel):
            names += [f"{prefix}{name.upper()}__{sub.upper()}" for sub in field.annotation.model_fields]
        elif field.validation_alias is not None and hasattr(field.validation_alias, "choices"):
            names += [str(choice) for choice in field.validation_alias.choices]
        else:
            names.append(f"{prefix}{name.upper()}")
    return names


@pytest.mark.parametrize("cls", SETTINGS, ids=lambda cls: cls.__name__)
def test_every_setting_is_documented(cls: type[BaseSettings]) -> None:
    missing = [name for name in documented_names(cls) if f"`{name}`" not in DOC]
    assert missing == [], f"add these to docs/operations.md: {missing}"


def test_every_variable_read_directly_is_documented() -> None:
    read = set(tracing.ENDPOINT_VARIABLES)
    for folder in ("services", "gateway", "stack"):
        for path in (ROOT / folder).rglob("*.py"):
            read |= set(_DIRECT_READ.findall(path.read_text(encoding="utf-8")))
    assert {"PORT", "HOST", "POSTGRES_ADMIN_URL"} <= read  # the scan finds what it should
    missing = sorted(name for name in read if f"`{name}`" not in DOC)
    assert missing == [], f"add these to docs/operations.md: {missing}"


def test_the_generic_prefixes_name_every_process() -> None:
    assert "`GATEWAY`, `ORGS`, `MEMBERS` or `ACTIVITIES`" in DOC
    assert "`ORGS`, `MEMBERS` or `ACTIVITIES`" in DOC


def documented_compose_commands(after: str) -> list[tuple[tuple[str, ...], str | None]]:
    """The `docker compose` commands of the first shell block after `after` in the backup section:
    their arguments, and the file each writes or reads, named without its date."""
    section = DOC[DOC.index("## Backups and restore") :]
    block = section[section.index(after) :].split("```sh\n", 1)[1].split("```", 1)[0]
    commands = []
    for line in block.splitlines():
        command = re.fullmatch(r"docker compose (?P<args>.*?)(?: [<>] (?P<file>.+))?", line)
        if command is None:
            continue
        file = command.group("file")
        named = re.fullmatch(r"([a-z-]+?)-(?:\$\(date \+%F\)|\d{4}-\d\d-\d\d)(\.\w+)", file) if file else None
        assert file is None or named, f"an unexpected file name in {line!r}"
        commands.append((tuple(shlex.split(command.group("args"))), named.group(1) + named.group(2) if named else None))
    return commands


def test_the_drill_runs_the_documented_backup() -> None:
    assert documented_compose_commands("**Compose:") == list(drill.BACKUP)


def test_the_drill_runs_the_documented_restore() -> None:
    documented = documented_compose_commands("**Restore**")
    assert documented[-1] == (("up", "-d", "--wait"), None)  # the drill's Compose.up, with a time limit
    assert documented[:-1] == list(drill.RESTORE)
