"""The shape a reader relies on: small files, one name per area in every layer, codes typed once.

An area (dues, transfers, terms…) is one module of the same name in a service's `schemas/`,
`rules/`, `service/` and `routes/`; a service's codes are written in its `enums.py` and nowhere
else but the migrations (which are history and must not move when the enums do).
"""

import ast
import enum
import importlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import MetaData

ROOT = Path(__file__).resolve().parents[1]
SERVICES = ("orgs", "members", "activities")
PACKAGES = {**{service: ROOT / "services" / service for service in SERVICES}, "gateway": ROOT / "gateway"}
MAX_LINES = 500
# Generated or historical text, not code a maintainer reads through.
LONG_ALLOWED = ("migrations", "stack/demo/generate.py")
# Modules of a layer that are not an area.
NOT_AREAS = {"__init__", "deps", "common"}


def python_files(folder: Path) -> Iterator[Path]:
    for path in sorted(folder.rglob("*.py")):
        if ".venv" not in path.parts:
            yield path


def test_no_source_file_is_over_500_lines() -> None:
    long = []
    for top in ("services", "gateway", "stack", "tests", "benchmarks"):
        for path in python_files(ROOT / top):
            relative = path.relative_to(ROOT).as_posix()
            if any(part in relative for part in LONG_ALLOWED):
                continue
            lines = len(path.read_text(encoding="utf-8").splitlines())
            if lines > MAX_LINES:
                long.append(f"{relative}: {lines} lines")
    assert long == []


def areas(folder: Path) -> set[str]:
    return {path.stem for path in folder.glob("*.py")} - NOT_AREAS


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_has_the_same_rooms(service: str) -> None:
    folder = PACKAGES[service]
    for room in ("app.py", "settings.py", "enums.py", "errors.py", "migrations"):
        assert (folder / room).exists(), f"services/{service}/{room}"
    # The tables: one module, or a package of them once they outgrow one file (orgs).
    assert (folder / "models.py").exists() or (folder / "models" / "__init__.py").exists(), f"services/{service}/models"
    for layer in ("schemas", "rules", "service", "routes"):
        assert (folder / layer / "__init__.py").exists(), f"services/{service}/{layer}/ is a package"


@pytest.mark.parametrize("service", SERVICES)
def test_an_area_has_one_name_in_every_layer(service: str) -> None:
    folder = PACKAGES[service]
    served = areas(folder / "service")
    # A route module, a schema module and a rule module each belong to an area the service layer has.
    for layer in ("routes", "schemas", "rules"):
        assert areas(folder / layer) - served == set(), f"{layer}/ of {service} names areas service/ does not"
    # Every area reached over HTTP has its tests under the same name.
    tested = {path.stem for path in (ROOT / "tests" / service).glob("test_*.py")}
    untested = {area for area in areas(folder / "routes") if not any(name.startswith(f"test_{area}") for name in tested)}
    assert untested == set(), f"tests/{service}/ has no test_<area>*.py for {sorted(untested)}"


def enum_codes(package: str) -> set[str]:
    module = importlib.import_module(f"{package}.enums")
    codes: set[str] = set()
    for value in vars(module).values():
        if isinstance(value, type) and issubclass(value, enum.Enum) and value.__module__ == module.__name__:
            codes.update(str(member.value) for member in value)
    return codes


def schema_names(package: str) -> set[str]:
    """The names of the package's tables and columns. A statistics dimension is named by the column
    it groups by (`state`, `sex`, `education` …) and a population may share its name with a table
    (`members`): where such a word is written it names a column or a table, not a code."""
    try:
        models = importlib.import_module(f"{package}.models")
    except ModuleNotFoundError:
        return set()
    names: set[str] = set()
    for value in vars(models).values():
        metadata = getattr(value, "metadata", None)
        if isinstance(metadata, MetaData):
            for table in metadata.tables.values():
                names.add(table.name)
                names.update(column.name for column in table.columns)
    return names


def docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def spelled_codes(path: Path, codes: set[str]) -> list[str]:
    """Where a file writes one of `codes` as a string: the whole literal, or quoted inside SQL text."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = docstrings(tree)
    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name
    quoted = {f"'{code}'": code for code in codes}
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Constant) or not isinstance(node.value, str) or id(node) in skip:
            continue
        if node.value in codes:
            found.append(f"{shown}:{node.lineno} {node.value!r}")
        else:
            found.extend(f"{shown}:{node.lineno} {code!r} in SQL text" for q, code in quoted.items() if q in node.value)
    return sorted(found, key=lambda line: int(line.split(":")[1].split(" ")[0]))


@pytest.mark.parametrize("package", [*(f"services.{s}" for s in SERVICES), "gateway"])
def test_no_enum_code_is_spelled_outside_enums(package: str) -> None:
    folder = PACKAGES[package.rsplit(".", 1)[-1]]
    codes = enum_codes(package)
    assert codes, f"{package}.enums declares no codes"
    codes -= schema_names(package)
    spelled = []
    for path in python_files(folder):
        if path.name == "enums.py" or "migrations" in path.parts:
            continue
        spelled.extend(spelled_codes(path, codes))
    assert spelled == []


def test_the_walker_finds_a_planted_code(tmp_path: Path) -> None:
    planted = tmp_path / "planted.py"
    planted.write_text('"""Docstring naming floating_out is fine."""\nSTATE = "floating_out"\nSQL = "state IN (\'left\')"\n')
    found = spelled_codes(planted, {"floating_out", "left"})
    assert [line.split(" ", 1)[1] for line in found] == ["'floating_out'", "'left' in SQL text"]
