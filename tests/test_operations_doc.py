"""docs/operations.md documents every setting the code reads: each field of every Settings class
(nested policy numbers included) and every environment variable read directly."""

import re
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
