"""One-time link codes through HTTP, the members side: the community's administrator issues one
for a member in scope; the gateway redeems it with the member's ID number; a code is good once,
dies after the policy's wrong tries, and the answer never tells an unknown number from a wrong code."""

from typing import Any

import httpx
import pytest

from tests.members.conftest import OrgReplica
from tests.members.test_own import file_member
from tests.support import Tokens

REDEEM = "/internal/link-codes/redeem"


@pytest.fixture
async def world(members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica) -> dict[str, Any]:
    tree = await replica.tree()
    other = await replica.tree()
    me = await file_member(members_client, tokens, tree["small"]["id"])
    return {
        "me": me,
        "admin": tokens.headers("org_admin", scope_org_id=tree["township"]["id"]),
        "stranger": tokens.headers("org_admin", scope_org_id=other["township"]["id"]),
        "service": tokens.headers("service"),
    }


async def issue(client: httpx.AsyncClient, world: dict[str, Any]) -> str:
    issued = await client.post(f"/api/v1/members/{world['me']['id']}/link-code", headers=world["admin"])
    assert issued.status_code == 201, issued.text
    return str(issued.json()["code"])


async def redeem(client: httpx.AsyncClient, world: dict[str, Any], code: str, id_number: str | None = None) -> Any:
    body = {"id_number": id_number or world["me"]["id_number_in_full"], "code": code}
    response = await client.post(REDEEM, json=body, headers=world["service"])
    assert response.status_code == 200, response.text
    return response.json()["member_id"]


async def test_a_code_links_once(members_client: httpx.AsyncClient, world: dict[str, Any]) -> None:
    code = await issue(members_client, world)
    assert await redeem(members_client, world, code[:4] + " " + code[4:]) == world["me"]["id"]
    assert await redeem(members_client, world, code) is None


async def test_wrong_tries_kill_the_code(members_client: httpx.AsyncClient, world: dict[str, Any]) -> None:
    code = await issue(members_client, world)
    wrong = f"{(int(code) + 1) % 10**8:08d}"
    answers = [await redeem(members_client, world, wrong) for _ in range(5)]
    assert answers == [None] * 5
    assert await redeem(members_client, world, code) is None


async def test_a_new_code_ends_the_earlier_one(members_client: httpx.AsyncClient, world: dict[str, Any]) -> None:
    first = await issue(members_client, world)
    second = await issue(members_client, world)
    assert await redeem(members_client, world, first) is None
    assert await redeem(members_client, world, second) == world["me"]["id"]


async def test_an_unknown_number_answers_as_a_wrong_code(members_client: httpx.AsyncClient, world: dict[str, Any]) -> None:
    code = await issue(members_client, world)
    assert await redeem(members_client, world, code, id_number="11010519491231002X") is None


async def test_only_the_members_scope_issues_and_only_services_redeem(
    members_client: httpx.AsyncClient, tokens: Tokens, world: dict[str, Any]
) -> None:
    out_of_scope = await members_client.post(f"/api/v1/members/{world['me']['id']}/link-code", headers=world["stranger"])
    by_member = await members_client.post(
        REDEEM,
        json={"id_number": "11010519491231002X", "code": "1"},
        headers=tokens.headers("member", member_id=world["me"]["id"]),
    )
    by_admin = await members_client.post(REDEEM, json={"id_number": "11010519491231002X", "code": "1"}, headers=world["admin"])
    assert (out_of_scope.status_code, by_member.status_code, by_admin.status_code) == (404, 403, 403)


async def test_the_code_is_kept_only_as_a_keyed_hash(
    members_client: httpx.AsyncClient, world: dict[str, Any], members_db: Any
) -> None:
    from sqlalchemy import text

    code = await issue(members_client, world)
    async with members_db.read_sessions() as session:
        stored = (await session.execute(text("SELECT code_index FROM members.link_codes"))).scalars().all()
    assert stored
    assert all(code not in value for value in stored)
