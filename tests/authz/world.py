"""The objects the authorization matrix reads and writes, made through the services' APIs.

The tree (every node a branch, so each can hold members and activities):

    county → township → community (general branch) → PARENT → OWN → CHILD
                                                      PARENT → SIBLING

The member, its transfer and care enrolment, and the activity live in OWN. A community (with a
unit) hangs off the township: a caller scoped at the township has it in its own subtree, at the
county in a child one, at the community organization below the township in its parent, and at
a second township in a sibling one (`scopes` maps each target's positions). The orgs feed is applied to the members and activities
replicas and the members feed to the activities replica, as the running consumers would.
A caller scoped at OWN sees them in its own subtree, at PARENT in a child subtree; scoped at
CHILD they are in its parent, at SIBLING in a sibling subtree.
"""

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from sqlalchemy.exc import IntegrityError
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
    # The in-process clients share one base URL: the applier (one per feed and replica) tells
    # the feeds apart, so one feed's cursor is never used to read another.
    key = (str(source.base_url) + apply.__module__ + apply.__qualname__, target.url)
    after = _read_up_to.get(key, START)
    while True:
        response = await source.get("/internal/events", params={"after": after, "limit": 500}, headers=headers)
        assert response.status_code == 200, response.text
        page = FeedPage.model_validate(response.json())
        if not page.events:
            _read_up_to[key] = after
            return
        for attempt in range(3):
            try:
                async with target.write_sessions() as session:
                    for event in page.events:
                        if str(event.aggregate_id) in ids:
                            await apply(session, event)
                    await session.commit()
                break
            except IntegrityError:
                # On PostgreSQL a live stack's consumer may apply the same event to this shared
                # database first; again, the snapshot is then held and skipped.
                if attempt == 2:
                    raise
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
        body = member_body(org_id=own["id"], birth_date="1990-05-01")  # young enough for every care program
        created = await members.post("/api/v1/members", json=body, headers=admin)
        assert created.status_code == 201, created.text
        member = created.json()
        await _relay(members, tokens, {member["id"]}, activities_db, activities_member_event)
    finally:
        await members_db.dispose()
        await activities_db.dispose()
    known_members[member["id"]] = {"birth_date": body["birth_date"], "education": body["education"], "org_id": own["id"]}

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
    attachment = await activities.post(
        f"/api/v1/activities/{activity.json()['id']}/attachments",
        params={"filename": "photo.png"},
        content=b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
        headers={**admin, "content-type": "image/png"},
    )
    assert attachment.status_code == 201, attachment.text
    contact = await activities.post(
        "/api/v1/contacts",
        json={
            "org_id": own["id"],
            "member_id": member["id"],
            "contacted_on": "2026-01-05",
            "kind": "regular",
            "channel": "visit",
        },
        headers=admin,
    )
    assert contact.status_code == 201, contact.text
    other_township = await create_org(orgs, admin, tier="township", parent_id=county["id"])
    community_record = await orgs.post(
        "/api/v1/communities", json={"name": "c", "township_org_id": township["id"]}, headers=admin
    )
    assert community_record.status_code == 201, community_record.text
    unit = await orgs.post(
        "/api/v1/units", json={"community_id": community_record.json()["id"], "name": "u", "category": "school"}, headers=admin
    )
    assert unit.status_code == 201, unit.text
    transfer = await members.post(
        "/api/v1/transfers",
        json={"member_id": member["id"], "kind": "out", "external_org": "elsewhere", "requested_on": "2026-01-05"},
        headers=admin,
    )
    assert transfer.status_code == 201, transfer.text
    enrolment = await members.post(
        f"/api/v1/members/{member['id']}/care",
        json={"program": "education_upgrade", "enrolled_on": "2026-01-05", "target_level": "college"},
        headers=admin,
    )
    assert enrolment.status_code == 201, enrolment.text
    placed = {}
    for key, client, path, fields in (
        ("zone", orgs, "/api/v1/zones", {"org_id": own["id"], "kind": "resident_group_zone", "name": "z"}),
        ("post", orgs, "/api/v1/posts", {"org_id": own["id"], "name": "p"}),
        ("venue", activities, "/api/v1/venues", {"org_id": own["id"], "name": "v"}),
    ):
        response = await client.post(path, json=fields, headers=admin)
        assert response.status_code == 201, response.text
        placed[key] = response.json()["id"]
    around_own = {"own": own["id"], "child": parent["id"], "parent": child["id"], "sibling": sibling["id"]}
    around_township = {"own": township["id"], "child": county["id"], "parent": community["id"], "sibling": other_township["id"]}
    return {
        "township": township["id"],
        "community": community_record.json()["id"],
        "unit": unit.json()["id"],
        "transfer": transfer.json()["id"],
        "enrolment": enrolment.json()["id"],
        **placed,
        "attachment": attachment.json()["id"],
        "scopes": {
            "org": around_own,
            "zone": around_own,
            "post": around_own,
            "venue": around_own,
            "member": around_own,
            "activity": around_own,
            "attachment": around_own,
            "transfer": around_own,
            "community": around_township,
            "unit": around_township,
        },
        "org": own["id"],
        "parent": parent["id"],
        "child": child["id"],
        "sibling": sibling["id"],
        "member": member["id"],
        "member_id_number": body["id_number"],
        "activity": activity.json()["id"],
        "rand": str(uuid.uuid4()),
        "month": "2026-01",  # a dues month (path segment YYYY-MM)
    }
