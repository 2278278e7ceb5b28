"""The API as one whole: the services' OpenAPI documents merged into the gateway's, every
service's policy, every code's labels. The services are asked over HTTP (`/openapi.json`,
`/policy`, `/labels`); a service that is down is left out of the document and named."""

import asyncio
import json
from typing import Any

from gateway.enums import ENUM_LABELS, ClientScope
from services.kit.auth import BEARER_SCHEME
from services.kit.peers import PeerClient


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
    _document_security(merged)
    if unavailable:
        merged["x-unavailable-services"] = unavailable
    return merged


_SCOPE_LABELS = {scope: ENUM_LABELS["client_scope"][scope.value] for scope in ClientScope}
TOKEN_URL = "/api/v1/auth/token"  # noqa: S105 - a path, not a secret
SECURITY_SCHEMES: dict[str, Any] = {
    "oauth2_password": {
        "type": "oauth2",
        "description": "A person's login (`totp` too once enrolled; send it after the password in the form).",
        "flows": {"password": {"tokenUrl": TOKEN_URL, "refreshUrl": TOKEN_URL, "scopes": {}}},
    },
    "oauth2_client": {
        "type": "oauth2",
        "description": "Another system's registered client (`/api/v1/clients`): HTTP Basic or the body.",
        "flows": {
            "clientCredentials": {
                "tokenUrl": TOKEN_URL,
                "scopes": {scope.value: labels["zh_hans"] for scope, labels in _SCOPE_LABELS.items()},
            }
        },
    },
}
_BEARER = BEARER_SCHEME.scheme_name
# Any of the three: a person's token, a client's token, or a token got some other way.
_ALTERNATIVES: list[dict[str, list[str]]] = [{"oauth2_password": []}, {"oauth2_client": []}, {_BEARER: []}]


def _document_security(document: dict[str, Any]) -> None:
    """The OAuth2 flows beside the services' bearer scheme, so that the docs page can log in: an
    operation that needs a bearer token accepts a token of either flow."""
    components = document.setdefault("components", {})
    components["securitySchemes"] = {
        **components.get("securitySchemes", {}),
        _BEARER: BEARER_SCHEME.model.model_dump(mode="json", by_alias=True, exclude_none=True),
        **SECURITY_SCHEMES,
    }
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            if isinstance(operation, dict) and {_BEARER: []} in operation.get("security", []):
                operation["security"] = _ALTERNATIVES


async def merged_document(own: dict[str, Any], peers: dict[str, PeerClient]) -> dict[str, Any]:
    """The gateway's document with every reachable service's `/api/v1/` paths and schemas."""
    documents = await asyncio.gather(*(_service_document(peer) for peer in peers.values()))
    return _merge(own, dict(zip(peers, documents, strict=True)))


async def policies(own: dict[str, Any], peers: dict[str, PeerClient], authorization: str) -> dict[str, Any]:
    """The gateway's policy and each service's, as configured now (asked with the caller's token)."""
    headers = {"authorization": authorization}
    documents = await asyncio.gather(*(peer.get_json("/policy", headers=headers) for peer in peers.values()))
    return {"gateway": own, **dict(zip(peers, documents, strict=True))}


async def enum_labels(peers: dict[str, PeerClient]) -> dict[str, Any]:
    """Every code of the API with its Chinese labels: the gateway's, then each service's."""
    documents = await asyncio.gather(*(peer.get_json("/labels") for peer in peers.values()))
    merged: dict[str, dict[str, Any]] = {name: dict(codes) for name, codes in ENUM_LABELS.items()}
    for document in documents:
        for enum, codes in document.items():
            merged.setdefault(enum, {}).update(codes)
    return merged
