"""The merged API description (`/api/v1/openapi.json`), its pages (Swagger UI at `/docs`, ReDoc at
`/redoc`), every service's policy (`/api/v1/policy`) and every code's labels (`/api/v1/meta/enums`).

The pages work on an intranet without the internet: their scripts and styles come from the
`fastapi-offline` package and are served by the gateway itself (`/api/v1/docs-assets/`), and
they have no inline script, so a Content-Security-Policy of `'self'` lets them run.
"""

import time
from importlib.resources import files
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from gateway.service import meta
from gateway.settings import OWN_ROUTE_MAX_BODY_BYTES, GatewaySettings
from services.kit.auth import CallerDep
from services.kit.problems import document_problems
from services.kit.script import ScriptDep, chinese, label
from services.kit.versioning import document_preconditions

router = APIRouter(tags=["meta"], max_body_size=OWN_ROUTE_MAX_BODY_BYTES)

OPENAPI_PATH = "/api/v1/openapi.json"
_CACHE_SECONDS = 30.0


@router.get(OPENAPI_PATH, include_in_schema=False)
async def openapi(request: Request) -> dict[str, Any]:
    state = request.app.state
    cached = getattr(state, "openapi_cache", None)
    if cached and cached[0] > time.monotonic():
        return dict(cached[1])
    own = document_preconditions(
        document_problems(get_openapi(title="Party building API", version="1.0.0", routes=request.app.routes))
    )
    merged = await meta.merged_document(own, state.peers)
    if "x-unavailable-services" not in merged:
        state.openapi_cache = (time.monotonic() + _CACHE_SECONDS, merged)
    return merged


@router.get("/api/v1/policy")
async def policy(request: Request, _caller: CallerDep) -> dict[str, Any]:
    """Every service's policy (the numbers its rules use), as configured now."""
    settings: GatewaySettings = request.app.state.settings
    return await meta.policies(settings.policy.model_dump(), request.app.state.peers, request.headers["authorization"])


@router.get("/api/v1/meta/enums")
async def enums(request: Request, script: ScriptDep) -> JSONResponse:
    """Every enum code of the API with its Chinese labels (traditional and simplified), and `label`:
    the one in the reader's script (`Accept-Language`: zh-CN Simplified, zh-TW Traditional); public."""
    merged = await meta.enum_labels(request.app.state.peers)
    shown = {
        enum: {code: {**labels, "label": label(labels, script)} for code, labels in codes.items()}
        for enum, codes in merged.items()
    }
    return JSONResponse(shown, headers={"Content-Language": chinese(script).value})


DOCS_ASSETS_PATH = "/api/v1/docs-assets"
_TITLE = "Party building API"
_SWAGGER_PAGE = f"""<!doctype html>
<html lang="zh">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_TITLE}</title>
<link rel="icon" href="{DOCS_ASSETS_PATH}/favicon.png">
<link rel="stylesheet" href="{DOCS_ASSETS_PATH}/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="{DOCS_ASSETS_PATH}/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>
"""
# The Authorize button offers the document's OAuth2 flows (password, client credentials).
_SWAGGER_INIT = f"""window.ui = SwaggerUIBundle({{
  url: "{OPENAPI_PATH}",
  dom_id: "#swagger-ui",
  deepLinking: true,
  layout: "BaseLayout",
  presets: [SwaggerUIBundle.presets.apis],
  showExtensions: true,
  persistAuthorization: false,
}});
"""
_REDOC_PAGE = f"""<!doctype html>
<html lang="zh">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_TITLE}</title>
<link rel="icon" href="{DOCS_ASSETS_PATH}/favicon.png">
</head>
<body>
<redoc spec-url="{OPENAPI_PATH}"></redoc>
<script src="{DOCS_ASSETS_PATH}/redoc.standalone.js"></script>
</body>
</html>
"""


class _Assets(StaticFiles):
    """The pages' files; they change only with the package, so browsers may keep them a day."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        response.headers.setdefault("Cache-Control", "public, max-age=86400")
        return response


def docs_assets() -> StaticFiles:
    """Swagger UI's and ReDoc's files as the `fastapi-offline` package ships them (mounted by app.py)."""
    return _Assets(directory=Path(str(files("fastapi_offline") / "static")))


@router.get("/docs", include_in_schema=False)
async def docs() -> HTMLResponse:
    return HTMLResponse(_SWAGGER_PAGE)


@router.get("/docs/init.js", include_in_schema=False)
async def docs_init() -> Response:
    return Response(_SWAGGER_INIT, media_type="text/javascript")


@router.get("/redoc", include_in_schema=False)
async def redoc() -> HTMLResponse:
    return HTMLResponse(_REDOC_PAGE)
