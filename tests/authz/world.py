"""The objects the authorization matrix reads and writes, made through the services' APIs.

The tree (every node a branch, so each can hold members and activities):

    county → township → community (general branch) → PARENT → OWN → CHILD
                                                      PARENT → SIBLING

The member and the activity live in OWN. The orgs feed is applied to the members and activities
replicas and the members feed to the activities replica, as the running consumers would.
A caller scoped at OWN sees them in its own subtree, at PARENT in a child subtree; scoped at
CHILD they are in its parent, at SIBLING in a sibling subtree.
"""

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from services.activities.events import apply_member_event as activities_member_event
from services.activities.events import apply_org_event as activities_org_event
from services.kit.db import Database
from services.kit.outbox import START, FeedEvent, FeedPage
from services.members.events import apply_org_event as members_org_event
from tests.builders import create_org, member_body
from tests.support import SuiteDatabase, Tokens

Apply = Callable[[AsyncSession, FeedEvent], Awaitable[None]]

# How far each (feed, replica) pair was read: the suite shares one database, so a later world
# goes on from there instead of reading every earlier test's events again.
_read_up_to: dict[tuple[str, str], str] = {}


async def _relay(source: httpx.AsyncClient, tokens: Tokens, ids: set[str], target: Database, apply: Apply) -> None:
    """Apply the source's feed events about `ids` to the target's replica."""
    headers = tokens.headers("service", scopes=("events:read",))
    key = (str(source.base_url) + target.url + apply.__module__, target.url)
    after = _read_up_to.get(key, START)
    while True:
        response = await source.get("/internal/events", params={"after": after, "limit": 500}, headers=headers)
        assert response.status_code == 200, response.text
        page = FeedPage.model_validate(response.json())
        if not page.events:
            _read_up_to[key] = after
            return
        async with target.write_sessions() as session:
            for event in page.events:
                if str(event.aggregate_id) in ids:
                    await apply(session, event)
            await session.commit()
        after = page.next_cursor


async def build_world(
    test_db: SuiteDatabase,
    tokens: Tokens,
    orgs: httpx.AsyncClient,
    members: httpx.AsyncClient,
    activities: httpx.AsyncClient,
    known_members: dict[str, dict[str, Any]],
) -> dict[str, Any]:
    admin = tokens.headers("org_admin")
    county = await create_org(orgs, admin, tier="county")
    township = await create_org(orgs, admin, tier="township", parent_id=county["id"])
    community = await create_org(orgs, admin, tier="community", kind="general_branch", parent_id=township["id"])
    parent = await create_org(orgs, admin, tier="inner", kind="branch", parent_id=community["id"])
    own = await create_org(orgs, admin, tier="inner", kind="branch", parent_id=parent["id"])
    child = await create_org(orgs, admin, tier="inner", kind="branch", parent_id=own["id"])
    sibling = await create_org(orgs, admin, tier="inner", kind="branch", parent_id=parent["id"])
    org_ids = {o["id"] for o in (county, township, community, parent, own, child, sibling)}

    members_db = Database(test_db.urls["members"], "members")
    activities_db = Database(test_db.urls["activities"], "activities")
    try:
        await _relay(orgs, tokens, org_ids, members_db, members_org_event)
        await _relay(orgs, tokens, org_ids, activities_db, activities_org_event)
        body = member_body(org_id=own["id"])
        created = await members.post("/api/v1/members", json=body, headers=admin)
        assert created.status_code == 201, created.text
        member = created.json()
        await _relay(members, tokens, {member["id"]}, activities_db, activities_member_event)
    finally:
        await members_db.dispose()
        await activities_db.dispose()
    known_members[member["id"]] = {"birth_date": body["birth_date"], "education": body["education"]}

    activity = await activities.post(
        "/api/v1/activities",
        json={
            "org_id": own["id"],
            "type": "study_day",
            "title": "t",
            "starts_at": "2026-03-10T09:00:00+08:00",
            "status": "planned",
        },
        headers=admin,
    )
    assert activity.status_code == 201, activity.text
    return {
        "org": own["id"],
        "parent": parent["id"],
        "child": child["id"],
        "sibling": sibling["id"],
        "member": member["id"],
        "member_id_number": body["id_number"],
        "activity": activity.json()["id"],
        "rand": str(uuid.uuid4()),
    }
