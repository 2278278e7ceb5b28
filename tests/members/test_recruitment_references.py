"""Members an application's steps name (an activist's contact people, an admission's introducers)
are checked in the caller's scope: township B naming a member of township A gets the very answer
of an id that does not exist (the field named, never the id), so that the answer is no oracle,
and nothing is written."""

import uuid
from typing import Any

import httpx
import pytest

from tests.members.conftest import OrgReplica
from tests.members.test_recruitment import ACTIVIST, ADMISSION, API, TALK, TARGET, application_body, full_member
from tests.support import Tokens

World = dict[str, Any]


@pytest.fixture
async def township_b(members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica) -> World:
    """Township A (the tree's) with three full members; township B with a branch, three full
    members of its own and an application in its branch that has reached the development target."""
    tree = await replica.tree()
    b_township = await replica.add(tier="township", parent=tree["county"])
    b_branch = await replica.add(tier="community", kind="branch", parent=b_township)
    b_admin = tokens.headers("org_admin", scope_org_id=uuid.UUID(b_township["id"]))
    created = await members_client.post(API, json=application_body(b_branch["id"]), headers=b_admin)
    assert created.status_code == 201, created.text
    world = {
        "b_admin": b_admin,
        "application": created.json()["id"],
        "a_members": [await full_member(members_client, tokens, tree["branch"]["id"]) for _ in range(2)],
        "b_members": [await full_member(members_client, tokens, b_branch["id"]) for _ in range(3)],
    }
    return world


# Each reference: the steps before it, and its step naming `[own member, ref]`.
REFERENCES: dict[str, tuple[list[dict[str, Any]], Any]] = {
    "contact_ids": ([TALK], lambda own, ref: ACTIVIST | {"contact_ids": [own, ref]}),
    "introducer_ids": (
        [TALK, ACTIVIST, TARGET],
        lambda own, ref: ADMISSION | {"introducer_ids": [own, ref]},
    ),
}


@pytest.mark.parametrize("reference", list(REFERENCES))
async def test_a_member_of_another_township_is_as_unknown_as_none(
    reference: str, members_client: httpx.AsyncClient, township_b: World
) -> None:
    path, headers = f"{API}/{township_b['application']}/steps", township_b["b_admin"]
    before, build = REFERENCES[reference]
    own_first, *own_others = township_b["b_members"]
    for step in before:
        body = step | ({"contact_ids": [own_others[1]]} if step is ACTIVIST else {})
        assert (await members_client.post(path, json=body, headers=headers)).status_code == 200
    held = (await members_client.get(f"{API}/{township_b['application']}", headers=headers)).json()

    foreign = await members_client.post(path, json=build(own_first, township_b["a_members"][0]), headers=headers)
    unknown = await members_client.post(path, json=build(own_first, str(uuid.uuid4())), headers=headers)
    unchanged = (await members_client.get(f"{API}/{township_b['application']}", headers=headers)).json()
    own = await members_client.post(path, json=build(own_first, own_others[0]), headers=headers)

    assert foreign.status_code == 422, foreign.text
    assert foreign.json() == unknown.json()
    assert foreign.json()["type"] == "/problems/unknown-member"
    assert [e["field"] for e in foreign.json()["errors"]] == [f"{reference}.1"]
    assert township_b["a_members"][0] not in foreign.text
    assert unchanged == held
    assert own.status_code == 200, own.text
    assert own.json()[reference] == [own_first, own_others[0]]
