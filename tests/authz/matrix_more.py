"""More rows of the authorization matrix (tests/authz/matrix_rows.py adds them): the election
routes (their scope, another township's election 404, is in tests/orgs/test_elections.py) and
rewards and discipline on the member record, and the training register."""

import uuid
from collections.abc import Callable
from typing import Any


def _election(w: dict[str, Any]) -> dict[str, Any]:
    return {"kind": "term_change", "held_on": "2026-03-01", "eligible_voters": 9, "seats": [{"role": "secretary", "seats": 1}]}


def _constant(body: dict[str, Any]) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda w: body


STEPS: list[tuple[str, str, dict[str, Any] | None]] = [
    ("GET", "", None),
    ("POST", "/candidates", {"member_id": str(uuid.UUID(int=1)), "role": "secretary"}),
    ("POST", "/candidates/{rand}/vetting", {"passed": True}),
    ("POST", "/ballot", None),
    ("POST", "/ballots", {"ballots": [[]]}),
    ("POST", "/count", {"voters_present": 9}),
    ("POST", "/approval", {}),
]


def _commendation(w: dict[str, Any]) -> dict[str, Any]:
    return {"kind": "excellent_member", "awarded_on": "2026-07-01", "awarded_by": "街道黨工委"}


def _warning(w: dict[str, Any]) -> dict[str, Any]:
    return {"measure": "warning", "decided_on": "2026-06-01", "decided_by": "紀工委"}


def _course(w: dict[str, Any]) -> dict[str, Any]:
    return {
        "org_id": w["org"],
        "kind": "party_school",
        "title": "t",
        "started_on": "2026-03-02",
        "ended_on": "2026-03-06",
        "hours": "8",
    }


def more_rows(row: Callable[..., Any], read: str, write: str) -> list[Any]:
    """`row` is matrix.Row, `read` and `write` its access classes."""
    return [
        row("orgs", "POST", "/api/v1/orgs/{org}/elections", write, "org", body=_election),
        row("orgs", "GET", "/api/v1/orgs/{org}/elections", read, "org"),
        *(
            row(
                "orgs",
                method,
                "/api/v1/elections/{rand}" + end,
                read if method == "GET" else write,
                body=None if body is None else _constant(body),
            )
            for method, end, body in STEPS
        ),
        row("members", "GET", "/api/v1/members/{member}/commendations", read, "member"),
        row("members", "POST", "/api/v1/members/{member}/commendations", write, "member", body=_commendation),
        row("members", "GET", "/api/v1/members/{member}/discipline", read, "member"),
        row("members", "POST", "/api/v1/members/{member}/discipline", write, "member", body=_warning),
        row("activities", "POST", "/api/v1/training/courses", write, "org", body=_course, hidden=422),
        row("activities", "GET", "/api/v1/training/courses?within={org}", read, "org"),
        row("activities", "GET", "/api/v1/training/courses/{rand}", read),
        row(
            "activities",
            "POST",
            "/api/v1/training/courses/{rand}/attendees",
            write,
            body=_constant({"attendees": [{"member_id": str(uuid.UUID(int=1))}]}),
        ),
        row("activities", "GET", "/api/v1/training/members/{member}", read, "member"),
    ]
