"""Security headers on every answer of every process (issue #17, finding 8): nosniff, no framing,
no referrer, a CSP that loads nothing on JSON and problems, and a documentation page whose
policy names its inline script by hash."""

import re

import httpx
import pytest

from services.kit.headers import STRICT_CSP

FIXED = {"x-content-type-options": "nosniff", "x-frame-options": "DENY", "referrer-policy": "no-referrer"}


def _assert_secured(response: httpx.Response, csp: str | None = STRICT_CSP) -> None:
    for name, value in FIXED.items():
        assert response.headers.get_list(name) == [value], name
    if csp is not None:
        assert response.headers.get_list("content-security-policy") == [csp]


@pytest.mark.parametrize("path", ["/healthz", "/api/v1/orgs", "/api/v1/orgs/not-a-uuid", "/nowhere"])
async def test_every_answer_of_a_service_has_them(orgs_client: httpx.AsyncClient, path: str) -> None:
    _assert_secured(await orgs_client.get(path))


@pytest.mark.parametrize("path", ["/healthz", "/api/v1/audit", "/api/v1/meta/enums", "/nowhere"])
async def test_every_answer_of_the_gateway_has_them(gateway_client: httpx.AsyncClient, path: str) -> None:
    _assert_secured(await gateway_client.get(path))


@pytest.mark.parametrize("app", ["orgs", "gateway"])
async def test_a_documentation_page_runs_only_scripts_of_its_own_origin(
    app: str, orgs_client: httpx.AsyncClient, gateway_client: httpx.AsyncClient
) -> None:
    # Every process serves Swagger UI's files itself (offline intranets) and its initializer as a
    # file too: the page has no inline script, and its policy needs no hash and no other host.
    client = orgs_client if app == "orgs" else gateway_client
    response = await client.get("/docs")
    assert response.status_code == 200
    _assert_secured(response, csp=None)
    (csp,) = response.headers.get_list("content-security-policy")
    assert re.findall(r"<script>(.*?)</script>", response.text, re.DOTALL) == []
    sources = re.findall(r'<(?:script|link) [^>]*(?:src|href)="([^"]+)"', response.text)
    assert sources
    assert all(source.startswith("/") for source in sources)
    for source in sources:
        assert (await client.get(source)).status_code == 200, source
    assert "http" not in csp
    script_src = next(d for d in csp.split("; ") if d.startswith("script-src"))
    assert "'self'" in script_src
    assert "'unsafe-inline'" not in script_src
