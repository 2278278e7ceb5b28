"""Rows of the authorization matrix (tests/authz/matrix.py) for the lifecycles of reserve cadres,
posts and co-building agreements, as `Row` keyword arguments (access `read` / `write`, as
matrix.READ / matrix.WRITE). One cadre or agreement is checked for admission here; their scope
in tests/orgs/test_communities_reserve.py and tests/orgs/test_units_lifecycle.py."""

from typing import Any

LIFECYCLE_ROWS: list[dict[str, Any]] = [
    {"app": "orgs", "method": "GET", "path": "/api/v1/reserve-cadres?within={township}", "access": "read"},
    {"app": "orgs", "method": "GET", "path": "/api/v1/reserve-cadres/{rand}", "access": "read"},
    {
        "app": "orgs",
        "method": "PATCH",
        "path": "/api/v1/reserve-cadres/{rand}",
        "access": "write",
        "body": lambda w: {"name": "x"},
    },
    {
        "app": "orgs",
        "method": "POST",
        "path": "/api/v1/reserve-cadres/{rand}/end",
        "access": "write",
        "body": lambda w: {"until": "2025-01-01", "reason": "left"},
    },
    {"app": "orgs", "method": "GET", "path": "/api/v1/co-building/{rand}", "access": "read"},
    {
        "app": "orgs",
        "method": "PATCH",
        "path": "/api/v1/co-building/{rand}",
        "access": "write",
        "body": lambda w: {"content": "x"},
    },
    {
        "app": "orgs",
        "method": "POST",
        "path": "/api/v1/co-building/{rand}/end",
        "access": "write",
        "body": lambda w: {"ended_on": "2025-01-01", "reason": "x"},
    },
    {"app": "orgs", "method": "GET", "path": "/api/v1/co-building/{rand}/revisions", "access": "read"},
    {"app": "orgs", "method": "GET", "path": "/api/v1/posts/holdings?member_id={member}", "access": "read"},
    {"app": "orgs", "method": "GET", "path": "/api/v1/posts/{post}", "access": "read", "target": "post"},
    {
        "app": "orgs",
        "method": "POST",
        "path": "/api/v1/posts/{post}/holders",
        "access": "write",
        "target": "post",
        "body": lambda w: {"member_id": w["member"], "since": "2026-01-01"},
    },
    {
        "app": "orgs",
        "method": "POST",
        "path": "/api/v1/posts/{post}/close",
        "access": "write",
        "target": "post",
        "body": lambda w: {"closed_on": "2026-01-01"},
    },
]
