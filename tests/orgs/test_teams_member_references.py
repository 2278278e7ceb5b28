"""Members named in orgs' request bodies (team positions, post holders, reserve cadres, the people
of a community's bodies) are checked in the caller's scope: township B naming a member of
township A gets the very answer of an id that does not exist, so that the answer is no oracle
for other townships' ids. The members service says where a member is; orgs' tree says whose."""

import uuid
from collections.abc import Callable
from itertools import count
from typing import Any

import httpx
import pytest

from tests.orgs.builders import create_community_tree
from tests.orgs.conftest import MembersStub
from tests.support import Tokens

_TERMS = count(1)

World = dict[str, Any]
Request = tuple[str, dict[str, Any]]


def _position(w: World, member_id: str) -> Request:
    return f"/api/v1/orgs/{w['inner']}/positions", {"member_id": member_id, "role": "secretary", "since": "2025-01-01"}


def _positions_batch(w: World, member_id: str) -> Request:
    positions = [{"member_id": member_id, "role": "secretary", "since": "2025-01-01"}]
    return f"/api/v1/orgs/{w['inner']}/positions/batch", {"positions": positions}


def _post_holders(w: World, member_id: str) -> Request:
    holders = [{"member_id": w["b_member"], "since": "2025-03-01"}, {"member_id": member_id, "since": "2025-03-01"}]
    return "/api/v1/posts", {"org_id": w["inner"], "name": "政策宣傳崗", "holders": holders}


def _reserve_cadre(w: World, member_id: str) -> Request:
    cadre = {"name": "張青年", "birth_date": "1995-05-01", "education": "bachelor", "since": "2025-01-01", "member_id": member_id}
    return f"/api/v1/communities/{w['community']}/reserve-cadres", cadre


def _body_people(w: World, member_id: str) -> Request:
    people = [{"name": "李主任"}, {"member_id": member_id, "name": "王委員"}]
    body = {"kind": "residents_committee", "term_number": next(_TERMS), "started_on": "2021-01-01", "ends_on": "2026-01-01"}
    return f"/api/v1/communities/{w['community']}/bodies", body | {"people": people}


REFERENCES: dict[str, Callable[[World, str], Request]] = {
    "positions.member_id": _position,
    "positions.batch.member_id": _positions_batch,
    "posts.holders.member_id": _post_holders,
    "reserve_cadres.member_id": _reserve_cadre,
    "bodies.people.member_id": _body_people,
}


@pytest.fixture
async def township_b(orgs_api: httpx.AsyncClient, tokens: Tokens, members_stub: MembersStub) -> World:
    """Township B's tree and a member of it; a member of township A (another tree)."""
    admin = tokens.headers("org_admin")
    a = await create_community_tree(orgs_api, admin)
    b = await create_community_tree(orgs_api, admin)
    return {
        "township": b["township"]["id"],
        "inner": b["inner"]["id"],
        "community": b["community"]["id"],
        "b_member": members_stub.new_member(birth_date="1980-01-01", education="college", org_id=b["inner"]["id"]),
        "a_member": members_stub.new_member(birth_date="1980-01-01", education="college", org_id=a["inner"]["id"]),
    }


@pytest.mark.parametrize("reference", list(REFERENCES))
async def test_a_member_of_another_township_is_as_unknown_as_none(
    reference: str, orgs_api: httpx.AsyncClient, tokens: Tokens, township_b: World
) -> None:
    b_admin = tokens.headers("org_admin", scope_org_id=township_b["township"])
    build = REFERENCES[reference]

    own = await _send(orgs_api, build(township_b, township_b["b_member"]), b_admin)
    foreign = await _send(orgs_api, build(township_b, township_b["a_member"]), b_admin)
    unknown = await _send(orgs_api, build(township_b, str(uuid.uuid4())), b_admin)

    assert own.status_code == 201, own.text
    assert foreign.status_code == 422, foreign.text
    assert foreign.json() == unknown.json()
    assert foreign.json()["type"] == "/problems/unknown-reference"
    assert str(township_b["a_member"]) not in foreign.text


async def _send(client: httpx.AsyncClient, request: Request, headers: dict[str, str]) -> httpx.Response:
    path, body = request
    return await client.post(path, json=body, headers=headers)


async def test_an_unscoped_administrator_names_any_member(orgs_api: httpx.AsyncClient, tokens: Tokens, township_b: World) -> None:
    path, body = _reserve_cadre(township_b, township_b["a_member"])

    response = await orgs_api.post(path, json=body, headers=tokens.headers("org_admin"))

    assert response.status_code == 201, response.text
