"""The authorization matrix's rows of the election routes (kept here so that matrix.py stays under
500 lines); their scope (another township's election is 404) is in tests/orgs/test_elections.py."""

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


def election_rows(row: Callable[..., Any], read: str, write: str) -> list[Any]:
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
                body=body and _constant(body),
            )
            for method, end, body in STEPS
        ),
    ]
