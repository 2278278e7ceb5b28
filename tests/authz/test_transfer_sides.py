"""Each step of a transfer is taken by the side it belongs to (services/members/rules/transfers.py),
through HTTP: for each caller, kind of transfer and step, the status.

The tree: county → township A → branch A, county → township B → branch B, county → township C.
A transfer within the system goes from branch A to branch B; out of the system from branch A; in
from outside into branch B. The callers are administrators (and machine clients with a write
scope) of A (the sending side), B (the receiving side), the county (both sides) and C (neither:
the transfer is not even visible, so 404 as any out-of-scope record). A step of the other side on
a transfer the caller sees is 403, and nothing changes.
"""

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest

from services.kit.context import deployment_timezone, today_in
from tests.builders import member_body
from tests.members.conftest import OrgReplica
from tests.support import Tokens

TODAY = today_in(deployment_timezone())
REQUESTED_ON = (TODAY - timedelta(days=10)).isoformat()
DECIDED_ON = (TODAY - timedelta(days=5)).isoformat()
RECEIVED_ON = (TODAY - timedelta(days=1)).isoformat()

# The caller's position: which township it is scoped at.
SENDER, RECEIVER, BOTH, NEITHER = "A", "B", "county", "C"
CALLERS = (SENDER, RECEIVER, BOTH, NEITHER)


@dataclass(frozen=True)
class Cell:
    kind: str  # within, out, in
    step: str  # create, approve, receive, reject, cancel
    at: str  # the transfer's status before the step: none (create), requested, approved
    answers: dict[str, int]  # caller → status
    lives: str = "branch_a"  # where the member's record is


def _cells() -> list[Cell]:
    sent_only = {SENDER: 200, RECEIVER: 403, BOTH: 200, NEITHER: 404}  # the sending side's step
    received_only = {SENDER: 403, RECEIVER: 200, BOTH: 200, NEITHER: 404}
    return [
        # Within the system: the sender requests, approves, refuses before the letter and may
        # withdraw until receipt; the receiver takes the member in or refuses after the letter.
        Cell("within", "create", "none", {SENDER: 201, RECEIVER: 404, BOTH: 201, NEITHER: 404}),
        Cell("within", "approve", "requested", sent_only),
        Cell("within", "reject", "requested", sent_only),
        Cell("within", "cancel", "requested", sent_only),
        Cell("within", "receive", "approved", received_only),
        Cell("within", "reject", "approved", received_only),
        Cell("within", "cancel", "approved", sent_only),
        # Out of the system: the sender alone, the receiving township is nobody here.
        Cell("out", "create", "none", {SENDER: 201, RECEIVER: 404, BOTH: 201, NEITHER: 404}),
        Cell("out", "approve", "requested", {SENDER: 200, RECEIVER: 404, BOTH: 200, NEITHER: 404}),
        Cell("out", "receive", "approved", {SENDER: 200, RECEIVER: 404, BOTH: 200, NEITHER: 404}),
        Cell("out", "cancel", "approved", {SENDER: 200, RECEIVER: 404, BOTH: 200, NEITHER: 404}),
        # In from outside: the receiver alone. A member living in B is taken into B by B; one
        # living in A (its record there) taken into B: A sees the transfer and may not act on it,
        # nor request it (B's branch is not A's to fill: as unknown as a branch that does not exist).
        Cell("in", "create", "none", {SENDER: 404, RECEIVER: 201, BOTH: 201, NEITHER: 404}, lives="branch_b"),
        Cell("in", "create", "none", {SENDER: 422, RECEIVER: 404, BOTH: 201, NEITHER: 404}),
        Cell("in", "approve", "requested", {SENDER: 403, RECEIVER: 200, BOTH: 200, NEITHER: 404}),
        Cell("in", "receive", "approved", {SENDER: 403, RECEIVER: 200, BOTH: 200, NEITHER: 404}),
        Cell("in", "reject", "approved", {SENDER: 403, RECEIVER: 200, BOTH: 200, NEITHER: 404}),
        Cell("in", "cancel", "requested", {SENDER: 403, RECEIVER: 200, BOTH: 200, NEITHER: 404}),
    ]


CELLS = _cells()
STEP_BODIES = {
    "approve": {"decided_on": DECIDED_ON, "letter_number": "介字第001號"},
    "receive": {"received_on": RECEIVED_ON},
    "reject": {"decided_on": DECIDED_ON, "reason": "材料不全"},
    "cancel": {"decided_on": DECIDED_ON},
}
STATUS_AFTER = {"approve": "approved", "receive": "received", "reject": "rejected", "cancel": "cancelled"}


@pytest.fixture
async def townships(replica: OrgReplica) -> dict[str, dict[str, Any]]:
    county = await replica.add(tier="county")
    a = await replica.add(tier="township", parent=county)
    b = await replica.add(tier="township", parent=county)
    c = await replica.add(tier="township", parent=county)
    branch_a = await replica.add(tier="community", kind="branch", parent=a, setting="rural")
    branch_b = await replica.add(tier="community", kind="branch", parent=b, setting="rural")
    return {"county": county, "A": a, "B": b, "C": c, "branch_a": branch_a, "branch_b": branch_b}


def _caller(tokens: Tokens, role: str, scope: str) -> dict[str, str]:
    if role == "client_write":
        return tokens.client("members:write", scope_org_id=scope)
    return tokens.headers(role, scope_org_id=scope)


async def _member(client: httpx.AsyncClient, tokens: Tokens, org_id: str, kind: str) -> str:
    extra: dict[str, Any] = {}
    if kind == "in":
        extra = {"whereabouts": "not_transferred", "whereabouts_details": {"relationship_org": "外縣某村支部"}}
    response = await client.post("/api/v1/members", json=member_body(org_id=org_id, **extra), headers=tokens.headers("org_admin"))
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _request(kind: str, member_id: str, tree: dict[str, dict[str, Any]]) -> dict[str, Any]:
    body: dict[str, Any] = {"member_id": member_id, "kind": kind, "requested_on": REQUESTED_ON}
    if kind == "out":
        return body | {"external_org": "外省某支部"}
    return body | {"to_org_id": tree["branch_b"]["id"]}


async def _transfer_at(client: httpx.AsyncClient, tokens: Tokens, cell: Cell, member_id: str, tree: Any) -> str:
    """A transfer of `cell.kind` brought to `cell.at` by an unscoped administrator."""
    admin = tokens.headers("org_admin")
    created = await client.post("/api/v1/transfers", json=_request(cell.kind, member_id, tree), headers=admin)
    assert created.status_code == 201, created.text
    transfer_id = str(created.json()["id"])
    if cell.at == "approved":
        approved = await client.post(f"/api/v1/transfers/{transfer_id}/approve", json=STEP_BODIES["approve"], headers=admin)
        assert approved.status_code == 200, approved.text
    return transfer_id


@pytest.mark.parametrize("role", ["org_admin", "client_write"])
@pytest.mark.parametrize("cell", CELLS, ids=lambda c: f"{c.kind}-{c.step}-at-{c.at}-living-in-{c.lives}")
async def test_each_step_is_taken_by_its_side(
    role: str,
    cell: Cell,
    members_client: httpx.AsyncClient,
    tokens: Tokens,
    townships: dict[str, dict[str, Any]],
) -> None:
    failures = []
    for position in CALLERS:
        headers = _caller(tokens, role, townships[position]["id"])
        member_id = await _member(members_client, tokens, townships[cell.lives]["id"], cell.kind)
        if cell.step == "create":
            response = await members_client.post(
                "/api/v1/transfers", json=_request(cell.kind, member_id, townships), headers=headers
            )
            transfer_id = str(response.json()["id"]) if response.status_code == 201 else None
        else:
            transfer_id = await _transfer_at(members_client, tokens, cell, member_id, townships)
            response = await members_client.post(
                f"/api/v1/transfers/{transfer_id}/{cell.step}", json=STEP_BODIES[cell.step], headers=headers
            )
        expected = cell.answers[position]
        if response.status_code != expected:
            failures.append(f"{position}: expected {expected}, got {response.status_code} {response.text[:200]}")
            continue
        if transfer_id is None:
            continue
        shown = await members_client.get(f"/api/v1/transfers/{transfer_id}", headers=tokens.headers("viewer"))
        wanted = STATUS_AFTER.get(cell.step, "requested") if expected < 300 else cell.at
        if shown.json()["status"] != wanted:
            failures.append(f"{position}: the transfer is {shown.json()['status']}, expected {wanted}")
        if expected == 403:
            problem = response.json()
            if problem["type"] != "/problems/other-side-of-transfer":
                failures.append(f"{position}: problem {problem['type']}")
    assert failures == [], "\n".join(failures)


async def test_a_receiver_who_refuses_leaves_the_member_where_they_were(
    members_client: httpx.AsyncClient, tokens: Tokens, townships: dict[str, dict[str, Any]]
) -> None:
    member_id = await _member(members_client, tokens, townships["branch_a"]["id"], "within")
    cell = Cell("within", "reject", "approved", {})
    transfer_id = await _transfer_at(members_client, tokens, cell, member_id, townships)
    receiver = tokens.headers("org_admin", scope_org_id=townships["B"]["id"])

    refused = await members_client.post(f"/api/v1/transfers/{transfer_id}/reject", json=STEP_BODIES["reject"], headers=receiver)

    assert refused.status_code == 200, refused.text
    record = await members_client.get(f"/api/v1/members/{member_id}", headers=tokens.headers("viewer"))
    assert record.json()["org_id"] == townships["branch_a"]["id"]
    # The receiver no longer sees the member; the sender may request again.
    sender = tokens.headers("org_admin", scope_org_id=townships["A"]["id"])
    again = await members_client.post("/api/v1/transfers", json=_request("within", member_id, townships), headers=sender)
    assert again.status_code == 201, again.text
    assert uuid.UUID(again.json()["id"]) != uuid.UUID(transfer_id)
