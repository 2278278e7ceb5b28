"""The merged API description (`/api/v1/openapi.json`) and Swagger UI (`/docs`)."""

import asyncio
import json
import time
from typing import Any

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse

from gateway.events.schemas import ENUM_LABELS as EVENT_ENUM_LABELS
from gateway.schemas import ENUM_LABELS
from gateway.settings import OWN_ROUTE_MAX_BODY_BYTES, GatewaySettings
from services.kit.auth import CallerDep
from services.kit.peers import PeerClient
from services.kit.problems import document_problems
from services.kit.versioning import document_preconditions

router = APIRouter(tags=["meta"], max_body_size=OWN_ROUTE_MAX_BODY_BYTES)

OPENAPI_PATH = "/api/v1/openapi.json"
_CACHE_SECONDS = 30.0


async def _service_document(peer: PeerClient) -> dict[str, Any] | None:
    try:
        document: dict[str, Any] = await peer.get_json("/openapi.json")
    except Exception:  # a service that is down is left out and named, the rest still served
        return None
    return document


def _merge(own: dict[str, Any], documents: dict[str, dict[str, Any] | None]) -> dict[str, Any]:
    merged = {**own, "paths": dict(own.get("paths", {}))}
    schemas: dict[str, Any] = dict(own.get("components", {}).get("schemas", {}))
    unavailable = []
    for service, document in documents.items():
        if document is None:
            unavailable.append(service)
            continue
        renames = {}
        for name, schema in document.get("components", {}).get("schemas", {}).items():
            if name in schemas and schemas[name] != schema:
                renames[name] = f"{service}__{name}"
        text = json.dumps(document)
        for old, new in renames.items():
            text = text.replace(f'"#/components/schemas/{old}"', f'"#/components/schemas/{new}"')
        renamed = json.loads(text)
        for name, schema in renamed.get("components", {}).get("schemas", {}).items():
            schemas[renames.get(name, name)] = schema
        for path, item in renamed.get("paths", {}).items():
            if path.startswith("/api/v1/"):
                merged["paths"][path] = item
    merged["components"] = {**own.get("components", {}), "schemas": schemas}
    if unavailable:
        merged["x-unavailable-services"] = unavailable
    return merged


@router.get(OPENAPI_PATH, include_in_schema=False)
async def openapi(request: Request) -> dict[str, Any]:
    state = request.app.state
    cached = getattr(state, "openapi_cache", None)
    if cached and cached[0] > time.monotonic():
        return dict(cached[1])
    own = document_preconditions(
        document_problems(get_openapi(title="Party building API", version="1.0.0", routes=request.app.routes))
    )
    peers: dict[str, PeerClient] = state.peers
    documents = await asyncio.gather(*(_service_document(peer) for peer in peers.values()))
    merged = _merge(own, dict(zip(peers, documents, strict=True)))
    if "x-unavailable-services" not in merged:
        state.openapi_cache = (time.monotonic() + _CACHE_SECONDS, merged)
    return merged


@router.get("/api/v1/policy")
async def policy(request: Request, _caller: CallerDep) -> dict[str, Any]:
    """Every service's policy (the numbers its rules use), as configured now."""
    peers: dict[str, PeerClient] = request.app.state.peers
    headers = {"authorization": request.headers["authorization"]}
    documents = await asyncio.gather(*(peer.get_json("/policy", headers=headers) for peer in peers.values()))
    settings: GatewaySettings = request.app.state.settings
    return {"gateway": settings.policy.model_dump(), **dict(zip(peers, documents, strict=True))}


@router.get("/api/v1/meta/enums")
async def enums(request: Request) -> dict[str, Any]:
    """Every enum code of the API with its Chinese labels (traditional and simplified); public."""
    peers: dict[str, PeerClient] = request.app.state.peers
    documents = await asyncio.gather(*(peer.get_json("/labels") for peer in peers.values()))
    merged: dict[str, dict[str, Any]] = {name: dict(codes) for name, codes in {**ENUM_LABELS, **EVENT_ENUM_LABELS}.items()}
    for document in documents:
        for enum, codes in document.items():
            merged.setdefault(enum, {}).update(codes)
    return merged


@router.get("/docs", include_in_schema=False)
async def docs() -> HTMLResponse:
    return get_swagger_ui_html(openapi_url=OPENAPI_PATH, title="Party building API")
