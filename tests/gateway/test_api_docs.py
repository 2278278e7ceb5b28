"""The API description as the gateway serves it to the people at the other end: merged from the
real processes, with the OAuth2 security schemes, an example for every request body, the write
headers documented as they are enforced, and the docs page rendering offline in a browser."""

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support import LiveStack

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
REQUIRE_CHROMIUM = os.environ.get("SURVEY_REQUIRE_CHROMIUM") == "1"
METHODS = ("get", "post", "put", "patch", "delete")
TOKEN_URL = "/api/v1/auth/token"

# Operations anyone may call: a token is got here, or the answer holds no records.
PUBLIC = {
    ("post", "/api/v1/auth/token"),
    ("post", "/api/v1/auth/refresh"),
    ("post", "/api/v1/auth/logout"),
    ("get", "/api/v1/meta/enums"),
    ("get", "/api/v1/documents/verify"),  # a printed document's kind, number, organization, date
    ("get", "/healthz"),
    ("get", "/readyz"),
}


@pytest.fixture(scope="module")
def document(live: LiveStack) -> dict[str, Any]:
    response = httpx.get(live.url() + "/api/v1/openapi.json", timeout=60)
    assert response.status_code == 200
    merged: dict[str, Any] = response.json()
    assert "x-unavailable-services" not in merged
    return merged


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def has_example(document: dict[str, Any], media: dict[str, Any]) -> bool:
    """An example for the body as a whole (media type or schema), or for every field of a form."""
    if media.get("example") is not None or media.get("examples"):
        return True
    schema = _resolve(document, media.get("schema", {}))
    if schema.get("example") is not None or schema.get("examples"):
        return True
    alternatives = schema.get("anyOf") or schema.get("oneOf")
    if alternatives:
        shown = [alternative for alternative in alternatives if alternative.get("type") != "null"]
        return all(has_example(document, {"schema": alternative}) for alternative in shown)
    if schema.get("format") == "binary":  # a file as it is (a spreadsheet, a photo): no text to show
        return True
    fields = schema.get("properties", {})
    return bool(fields) and all(
        _resolve(document, field).get("examples") or _resolve(document, field).get("format") == "binary"
        for field in fields.values()
    )


def missing_examples(document: dict[str, Any]) -> list[str]:
    missing = []
    for method, path, operation in operations(document):
        for media_type, media in operation.get("requestBody", {}).get("content", {}).items():
            if not has_example(document, media):
                missing.append(f"{method.upper()} {path} ({media_type})")
    return missing


def test_the_oauth2_security_schemes_are_there_and_every_guarded_operation_names_them(document: dict[str, Any]) -> None:
    schemes = document["components"]["securitySchemes"]
    assert schemes["oauth2_password"]["flows"]["password"]["tokenUrl"] == TOKEN_URL
    assert schemes["oauth2_client"]["flows"]["clientCredentials"]["tokenUrl"] == TOKEN_URL
    assert {"orgs:read", "members:pii", "events:read"} <= set(schemes["oauth2_client"]["flows"]["clientCredentials"]["scopes"])
    assert schemes["bearer"] == {"type": "http", "scheme": "bearer", "description": schemes["bearer"]["description"]}
    unsecured = [
        f"{method.upper()} {path}"
        for method, path, operation in operations(document)
        if (method, path) not in PUBLIC
        and {"oauth2_password": []} not in operation.get("security", [])
        and {"oauth2_client": []} not in operation.get("security", [])
    ]
    assert unsecured == []
    for method, path in PUBLIC:
        assert "security" not in document["paths"][path][method], path


def test_every_request_body_has_an_example(document: dict[str, Any]) -> None:
    bodies = [op for _, _, op in operations(document) if "requestBody" in op]
    assert len(bodies) > 50  # the walk sees the services' operations, not only the gateway's
    assert missing_examples(document) == []


def test_the_walk_finds_a_body_without_an_example(document: dict[str, Any]) -> None:
    planted = {
        "paths": {"/api/v1/x": {"post": {"requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}}}}},
        "components": {"schemas": {}},
    }
    assert missing_examples(planted) == ["POST /api/v1/x (application/json)"]


def test_writes_document_the_headers_they_enforce(document: dict[str, Any]) -> None:
    wrong = []
    for method, path, operation in operations(document):
        headers = {p["name"].lower(): p for p in operation.get("parameters", []) if p["in"] == "header"}
        answers = operation.get("responses", {})
        if method == "patch" and "if-match" not in headers:
            wrong.append(f"PATCH {path}: no If-Match")
        upsert = "if-none-match" in headers  # a PUT that may create: If-Match only for an existing record
        if "428" in answers and not upsert and not headers.get("if-match", {}).get("required"):
            wrong.append(f"{method.upper()} {path}: answers 428 but If-Match is not required")
        if "idempotency-key" in headers and not {"409", "422"} <= set(answers):
            wrong.append(f"{method.upper()} {path}: Idempotency-Key without its 409/422")
    assert wrong == []


def _rendered_offline(url: str, tmp_path: Path) -> str:
    """The page at `url` as headless Chromium renders it when no host but 127.0.0.1 resolves."""
    if not shutil.which(CHROMIUM):
        message = "chromium is not installed: `apt-get install -y chromium` (CI sets SURVEY_REQUIRE_CHROMIUM=1)"
        if REQUIRE_CHROMIUM:
            pytest.fail(message)
        pytest.skip(message)
    page = httpx.get(url)
    assert page.status_code == 200
    origin = url.removesuffix("/docs")
    assert "http" not in page.text.replace(origin, "")  # no outside URL at all
    assert "<script>" not in page.text  # no inline script: a CSP of 'self' lets it run
    flags = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        # An intranet: no name resolves but the process's own address.
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--virtual-time-budget=20000",
        "--run-all-compositor-stages-before-draw",
    ]
    dom = subprocess.run([*flags, "--dump-dom", url], capture_output=True, timeout=180, check=False)
    assert dom.returncode == 0, dom.stderr.decode()[-2000:]
    return dom.stdout.decode()


def test_the_docs_page_renders_the_operations_with_every_outside_host_blocked(live: LiveStack, tmp_path: Path) -> None:
    text = _rendered_offline(live.url() + "/docs", tmp_path)

    assert text.count('class="opblock ') > 100, text[-2000:]  # the operation list, rendered
    assert "/api/v1/members" in text
    assert "btn authorize" in text  # the Authorize button: the document has security schemes


def test_a_services_own_docs_page_renders_offline_too(live: LiveStack, tmp_path: Path) -> None:
    # Operators on the intranet open a service's page directly (behind the gateway, for one service).
    text = _rendered_offline(live.url("activities") + "/docs", tmp_path)

    assert text.count('class="opblock ') > 20, text[-2000:]
    assert "/api/v1/activities" in text
