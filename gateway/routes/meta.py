"""The merged API description (`/api/v1/openapi.json`), its pages (Swagger UI at `/docs`, ReDoc at
`/redoc`, served offline by `services.kit.docs`), every service's policy (`/api/v1/policy`) and
every code's labels (`/api/v1/meta/enums`).
"""

import time
from typing import Any

from fastapi import APIRouter, Request
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse

from gateway.service import meta
from gateway.settings import OWN_ROUTE_MAX_BODY_BYTES, GatewaySettings
from services.kit.auth import CallerDep
from services.kit.problems import document_problems
from services.kit.script import ScriptDep, chinese, label
from services.kit.versioning import document_preconditions

router = APIRouter(tags=["meta"], max_body_size=OWN_ROUTE_MAX_BODY_BYTES)

OPENAPI_PATH = "/api/v1/openapi.json"
DOCS_ASSETS_PATH = "/api/v1/docs-assets"
DOCS_TITLE = "Party building API"
_CACHE_SECONDS = 30.0


@router.get(OPENAPI_PATH, include_in_schema=False)
async def openapi(request: Request) -> dict[str, Any]:
    state = request.app.state
    cached = getattr(state, "openapi_cache", None)
    if cached and cached[0] > time.monotonic():
        return dict(cached[1])
    own = document_preconditions(document_problems(get_openapi(title=DOCS_TITLE, version="1.0.0", routes=request.app.routes)))
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
