"""What this service does with other services' events: it keeps its replica of the org tree and
of the team positions, and when an organization is merged it re-homes that organization's members
in the same transaction. Every organization's county is computed as it arrives, and the records
follow their organization's county (service/counties.py)."""

from datetime import date
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.context import deployment_timezone, today_in
from services.kit.outbox import FeedEvent
from services.kit.replica import snapshot_applier
from services.members.enums import MemberEventKind
from services.members.models import Member, org_replica, position_replica
from services.members.rules.records import CLOSED_STATES
from services.members.service import counties, rollups
from services.members.service.common import add_history, publish

# The orgs service's `org.*` events carry each organization's whole state (id, parent_id,
# path, version, name, kind, tier, status, community_id, setting, merged_into_id): held as it
# comes, newest version wins.
_apply_org_snapshot = snapshot_applier(org_replica, "org.")
# `position.*` events carry a team position's whole state (id, org_id, member_id, role, since,
# until, version): the survey report's team figures need the holders' birth dates and education.
_apply_position_snapshot = snapshot_applier(position_replica, "position.")
FEED_ACTOR = "orgs-feed"


async def apply_org_event(session: AsyncSession, event: FeedEvent) -> None:
    if event.type.startswith("org.") and event.payload.get("id"):
        org_id = UUID(str(event.payload["id"]))
        r = org_replica.c
        node = select(r.path, r.setting, r.tier, r.county_id).where(r.id == org_id)
        held = (await session.execute(node)).first()
        await _apply_org_snapshot(session, event)
        now = (await session.execute(node)).one()
        # A node moved or its setting changed: the roll-ups' subtree totals no longer match the tree.
        if held is not None and (held.path, held.setting) != (now.path, now.setting):
            await rollups.mark_stale(session)
        # Its county is computed when it arrives, moves or changes tier: not for every other event.
        if held is None or now.county_id is None or (held.path, held.tier) != (now.path, now.tier):
            await counties.place_node(session, org_id)
    await _apply_position_snapshot(session, event)
    if event.type == "org.merged" and event.payload.get("merged_into_id"):
        await rehome_members(session, event)


async def rehome_members(session: AsyncSession, event: FeedEvent) -> None:
    """Members of a merged organization now belong to the one it merged into (each with a history event)."""
    merged_id, into_id = UUID(str(event.payload["id"])), UUID(str(event.payload["merged_into_id"]))
    # The day of the merge in the deployment's zone (the UTC date is the day before until 08:00 in Beijing).
    effective_on = today_in(deployment_timezone(), event.occurred_at)
    if event.payload.get("dissolved_on"):
        effective_on = date.fromisoformat(str(event.payload["dissolved_on"]))
    stmt = select(Member).where(Member.org_id == merged_id, Member.state.not_in(CLOSED_STATES)).order_by(Member.id)
    for member in (await session.execute(stmt)).scalars().all():
        member.org_id = into_id
        member.version += 1
        details = {"from_org_id": str(merged_id), "to_org_id": str(into_id), "reason": "merged"}
        await add_history(
            session, member.id, MemberEventKind.org_changed, effective_on=effective_on, details=details, actor=FEED_ACTOR
        )
        await session.flush()
        await publish(session, "member.transferred", member)
    await counties.settle(session, Member.org_id == into_id)
