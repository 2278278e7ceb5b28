"""A member's own view, the orgs part (`/api/v1/me/posts`, `zones`, `positions`): the posts the
caller holds (with only their own holding), the zones of those posts, their team positions; a
neighbour's holdings are not shown; only a linked member account gets in."""

import httpx

from tests.orgs.builders import create_community_tree
from tests.orgs.conftest import MembersStub
from tests.support import Tokens


async def test_a_member_sees_their_posts_zones_and_positions(
    orgs_api: httpx.AsyncClient, tokens: Tokens, members_stub: MembersStub
) -> None:
    admin = tokens.headers("org_admin")
    tree = await create_community_tree(orgs_api, admin)
    org_id = tree["inner"]["id"]
    me = members_stub.new_member(org_id=org_id)
    neighbour = members_stub.new_member(org_id=org_id)
    zone = await orgs_api.post(
        "/api/v1/zones", json={"org_id": org_id, "kind": "resident_group_zone", "name": "一號樓責任區"}, headers=admin
    )
    other_zone = await orgs_api.post(
        "/api/v1/zones", json={"org_id": org_id, "kind": "resident_group_zone", "name": "二號樓責任區"}, headers=admin
    )
    shared = await orgs_api.post(
        "/api/v1/posts",
        json={
            "org_id": org_id,
            "zone_id": zone.json()["id"],
            "name": "環境衛生監督崗",
            "holders": [{"member_id": me, "since": "2025-03-01"}, {"member_id": neighbour, "since": "2025-04-01"}],
        },
        headers=admin,
    )
    theirs = await orgs_api.post(
        "/api/v1/posts",
        json={
            "org_id": org_id,
            "zone_id": other_zone.json()["id"],
            "name": "治安巡邏崗",
            "holders": [{"member_id": neighbour, "since": "2025-04-01"}],
        },
        headers=admin,
    )
    appointed = await orgs_api.post(
        f"/api/v1/orgs/{tree['party_org']['id']}/positions",
        json={"member_id": me, "role": "secretary", "since": "2025-01-01"},
        headers=admin,
    )
    assert [r.status_code for r in (zone, other_zone, shared, theirs, appointed)] == [201] * 5

    member = tokens.headers("member", member_id=me)
    posts = await orgs_api.get("/api/v1/me/posts", headers=member)
    zones = await orgs_api.get("/api/v1/me/zones", headers=member)
    positions = await orgs_api.get("/api/v1/me/positions", headers=member)

    assert posts.status_code == 200, posts.text
    assert [(p["name"], p["holders"]) for p in posts.json()] == [
        ("環境衛生監督崗", [{"member_id": me, "since": "2025-03-01", "until": None}])
    ]
    assert neighbour not in posts.text
    assert [z["name"] for z in zones.json()] == ["一號樓責任區"]
    assert [(p["org_id"], p["role"]) for p in positions.json()] == [(tree["party_org"]["id"], "secretary")]


async def test_only_a_linked_member_account_has_an_own_view(orgs_api: httpx.AsyncClient, tokens: Tokens) -> None:
    refused = [tokens.headers("org_admin"), tokens.headers("viewer"), tokens.headers("member"), tokens.headers("service")]
    for path in ("/api/v1/me/posts", "/api/v1/me/zones", "/api/v1/me/positions"):
        assert [(await orgs_api.get(path, headers=h)).status_code for h in refused] == [403] * len(refused)
