"""Mass assignment and size limits, read from every app's OpenAPI: every JSON request body
object forbids extra fields (additionalProperties false), every string has a maxLength, every
array a maxItems, every page size a maximum — in bodies, query strings and headers alike.

Not flagged: strings with a closed set of values (enum, const) or a fixed format (uuid, date,
date-time, binary), and the string form of a decimal (its digits are capped by validation).
"""

from typing import Any

import pytest
from fastapi import FastAPI

from services.kit.outbox import FEED_MAX_LIMIT
from services.kit.pagination import MAX_LIMIT
from tests.authz.apps import build_apps
from tests.support import SuiteDatabase

FIXED_FORMATS = {"uuid", "date", "date-time", "binary", "time", "duration"}


class Walker:
    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self.problems: set[str] = set()

    def walk(self, schema: Any, where: str, *, json_body: bool, seen: frozenset[str] = frozenset()) -> None:
        if not isinstance(schema, dict):
            return
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            if name not in seen:
                self.walk(self.document["components"]["schemas"][name], name, json_body=json_body, seen=seen | {name})
            return
        alternatives = [s for key in ("anyOf", "oneOf", "allOf") for s in schema.get(key, [])]
        numeric = any(isinstance(s, dict) and s.get("type") in ("number", "integer") for s in alternatives)
        for sub in alternatives:
            if numeric and isinstance(sub, dict) and sub.get("type") == "string":
                continue  # a decimal's string form
            self.walk(sub, where, json_body=json_body, seen=seen)
        kind = schema.get("type")
        if kind == "object":
            if json_body and schema.get("properties") and schema.get("additionalProperties") is not False:
                self.problems.add(f"{where}: extra fields allowed")
            for name, sub in schema.get("properties", {}).items():
                self.walk(sub, f"{where}.{name}", json_body=json_body, seen=seen)
            if isinstance(schema.get("additionalProperties"), dict):
                if "maxProperties" not in schema:
                    self.problems.add(f"{where}: no maxProperties")
                self.walk(schema["additionalProperties"], f"{where}{{}}", json_body=json_body, seen=seen)
        elif kind == "string":
            closed = "enum" in schema or "const" in schema or schema.get("format") in FIXED_FORMATS
            if not closed and "maxLength" not in schema:
                self.problems.add(f"{where}: no maxLength")
        elif kind == "array":
            if "maxItems" not in schema:
                self.problems.add(f"{where}: no maxItems")
            self.walk(schema.get("items"), f"{where}[]", json_body=json_body, seen=seen)

    def walk_document(self) -> set[str]:
        for path, item in self.document.get("paths", {}).items():
            for method, operation in item.items():
                where = f"{method.upper()} {path}"
                body = operation.get("requestBody", {}).get("content", {})
                for media_type, media in body.items():
                    self.walk(media.get("schema"), f"{where} body", json_body=media_type == "application/json")
                for parameter in operation.get("parameters", []):
                    schema = parameter.get("schema", {})
                    self.walk(schema, f"{where} {parameter['name']}", json_body=False)
                    # The event feeds (the services' own, and the gateway's for other systems) page
                    # larger, up to the feed's own cap.
                    cap = FEED_MAX_LIMIT if path.startswith("/internal/") or path == "/api/v1/events" else MAX_LIMIT
                    if parameter["name"] == "limit" and parameter["in"] == "query" and not 0 < _maximum(schema) <= cap:
                        self.problems.add(f"{where} limit: page size not capped at {cap}")
        return self.problems


def _maximum(schema: dict[str, Any]) -> float:
    values = [schema.get("maximum")] + [s.get("maximum") for s in schema.get("anyOf", [])]
    found = [v for v in values if v is not None]
    return min(found) if found else float("inf")


@pytest.fixture(scope="module")
def apps(test_db: SuiteDatabase) -> dict[str, FastAPI]:
    return build_apps(test_db)


@pytest.mark.parametrize("name", ["gateway", "orgs", "members", "activities"])
def test_every_input_is_closed_and_bounded(apps: dict[str, FastAPI], name: str) -> None:
    assert sorted(Walker(apps[name].openapi()).walk_document()) == []


def test_the_walker_finds_open_and_unbounded_inputs() -> None:
    document = {
        "paths": {
            "/x": {
                "post": {
                    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/In"}}}},
                    "parameters": [{"name": "limit", "in": "query", "schema": {"type": "integer"}}],
                }
            }
        },
        "components": {
            "schemas": {
                "In": {
                    "type": "object",
                    "properties": {"name": {"type": "string"}, "tags": {"type": "array", "items": {"type": "string"}}},
                }
            }
        },
    }
    assert Walker(document).walk_document() == {
        "In: extra fields allowed",
        "In.name: no maxLength",
        "In.tags: no maxItems",
        "In.tags[]: no maxLength",
        f"POST /x limit: page size not capped at {MAX_LIMIT}",
    }


async def test_an_extra_field_is_refused_and_nothing_written(members_client: Any, tokens: Any) -> None:
    from tests.builders import member_body

    body = member_body(org_id="00000000-0000-0000-0000-000000000001") | {"version": 99}
    response = await members_client.post("/api/v1/members", json=body, headers=tokens.headers())
    assert response.status_code == 422
    assert any(error["field"].endswith("version") for error in response.json()["errors"])
