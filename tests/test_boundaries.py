"""The shape of the house: kit imports no domain, services import no other service, the gateway
imports no service code but the kit."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SERVICES = ("orgs", "members", "activities")


def imported_modules(folder: Path) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in folder.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
        found[str(path.relative_to(folder))] = names
    return found


def offending(folder: Path, forbidden: tuple[str, ...]) -> list[str]:
    return [
        f"{path} imports {name}"
        for path, names in imported_modules(folder).items()
        for name in sorted(names)
        if any(name == f or name.startswith(f + ".") for f in forbidden)
    ]


def test_the_kit_imports_no_service_and_not_the_gateway() -> None:
    assert offending(ROOT / "services" / "kit", (*(f"services.{s}" for s in SERVICES), "gateway", "stack")) == []


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_imports_no_other_service(service: str) -> None:
    others = tuple(f"services.{s}" for s in SERVICES if s != service)
    assert offending(ROOT / "services" / service, (*others, "gateway")) == []


def test_the_gateway_speaks_http_to_the_services() -> None:
    assert offending(ROOT / "gateway", tuple(f"services.{s}" for s in SERVICES)) == []


def test_the_checker_finds_a_planted_import(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text("from services.orgs.models import Organization\n")
    assert offending(tmp_path, ("services.orgs",)) == ["bad.py imports services.orgs.models"]
