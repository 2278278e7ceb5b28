"""The events of this service: those it publishes (`EVENT_TYPES`, served at `GET /event-types`) and
what it does with other services' events (replicas of the org tree, the teams, the communities'
units, the members and the floating members' periodic reports). Every organization's county is
computed as it arrives or moves, and the rows of its organizations follow (service/counties.py)."""

from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.activities.enums import CareProgram
from services.activities.models import (
    community_replica,
    floating_report_replica,
    member_replica,
    org_replica,
    position_replica,
    unit_replica,
)
from services.activities.schemas.activities import ActivitySnapshot
from services.activities.schemas.study import StudyClockEvent
from services.activities.service import counties
from services.kit.consumer import Apply
from services.kit.event_types import EventType
from services.kit.outbox import FeedEvent
from services.kit.replica import snapshot_applier

EVENT_TYPES: dict[str, EventType] = {
    "activity.created": EventType("an activity was planned or logged", ActivitySnapshot),
    "activity.updated": EventType("an activity changed", ActivitySnapshot),
    "activity.held": EventType("an activity was held", ActivitySnapshot),
    "activity.cancelled": EventType("an activity was cancelled", ActivitySnapshot),
    "study.below_requirement": EventType(
        "scheduled: a member's study hours are below the requirement so far this year (once a month)", StudyClockEvent
    ),
}

# The orgs service's `org.*` events carry each organization's whole state (id, parent_id,
# path, version, name, kind, tier, status, community_id): held as it comes, newest version wins.
_hold_org = snapshot_applier(org_replica, "org.")
# `position.*` events on the same feed carry a position's whole state (id, version, org_id,
# member_id, role, since, until, ...): the teams, for the study hours team members owe.
_hold_position = snapshot_applier(position_replica, "position.")
# `community.*` and `unit.*` carry a community's and a unit's whole state: the units an activity
# names are checked in the caller's scope through their community's organizations.
_hold_community = snapshot_applier(community_replica, "community.")
_hold_unit = snapshot_applier(unit_replica, "unit.")


async def _apply_orgs_feed_event(session: AsyncSession, event: FeedEvent) -> None:
    if event.type.startswith("org.") and event.payload.get("id"):
        await _hold_node(session, event)
    for hold in (_hold_position, _hold_community, _hold_unit):
        await hold(session, event)


async def _hold_node(session: AsyncSession, event: FeedEvent) -> None:
    org_id = UUID(str(event.payload["id"]))
    node = select(org_replica.c.path, org_replica.c.tier, org_replica.c.county_id).where(org_replica.c.id == org_id)
    held = (await session.execute(node)).first()
    await _hold_org(session, event)
    now = (await session.execute(node)).one()
    # Its county is computed when it arrives, moves or changes tier: not for every other event.
    if held is None or now.county_id is None or (held.path, held.tier) != (now.path, now.tier):
        await counties.place_node(session, org_id)


apply_org_event: Apply = _apply_orgs_feed_event

_hold_member = snapshot_applier(member_replica, "member.")
# `floating_report.submitted` carries a report's id, member and day (version 1: never changed).
_hold_floating_report = snapshot_applier(floating_report_replica, "floating_report.")


def _with_green_channel(event: FeedEvent) -> FeedEvent:
    programs = event.payload.get("care_programs") or []
    green_channel = member_replica.c.green_channel.key
    payload = {**event.payload, "care_programs": list(programs), green_channel: CareProgram.green_channel in programs}
    return event.model_copy(update={"payload": payload})


async def _apply_member_event(session: AsyncSession, event: FeedEvent) -> None:
    if event.type.startswith("member."):
        await _hold_member(session, _with_green_channel(event))
    await _hold_floating_report(session, event)


# The members service's `member.*` events (contracts.md): the member snapshot without ID number
# or phone, with birth_date and joined_on); `green_channel` is derived here so the work list is a plain filter.
# Its `floating_report.submitted` events: the contact work lists count a member's own report.
apply_member_event: Apply = _apply_member_event
