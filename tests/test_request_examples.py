"""Every example a request shape shows in the API description is a valid request: it passes the
shape's own validation (ID numbers with their check character, date ranges, codes of the enums)."""

import importlib
import pkgutil
from typing import Any

import pytest
from pydantic import BaseModel

from services.kit.schemas import InputSchema

PACKAGES = ("gateway", "services.orgs", "services.members", "services.activities")


def _import_schemas() -> None:
    for package in PACKAGES:
        for module in pkgutil.walk_packages(importlib.import_module(package).__path__, package + "."):
            if ".schemas" in module.name or module.name.endswith("schemas"):
                importlib.import_module(module.name)


def _subclasses(cls: type[BaseModel]) -> list[type[BaseModel]]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found


def _examples() -> list[tuple[str, type[BaseModel], Any]]:
    _import_schemas()
    cases = []
    for shape in _subclasses(InputSchema):
        extra = shape.model_config.get("json_schema_extra")
        for number, example in enumerate(extra.get("examples", []) if isinstance(extra, dict) else []):
            cases.append((f"{shape.__module__}.{shape.__name__}[{number}]", shape, example))
    return cases


EXAMPLES = _examples()


def test_the_walk_sees_the_examples() -> None:
    assert len(EXAMPLES) >= 25


@pytest.mark.parametrize(
    ("shape", "example"), [(shape, example) for _, shape, example in EXAMPLES], ids=[n for n, *_ in EXAMPLES]
)
def test_every_example_is_a_valid_request(shape: type[BaseModel], example: Any) -> None:
    shape.model_validate(example)
