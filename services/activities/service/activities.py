"""Activities: create, change, hold, cancel, read and list; each change goes out as an event."""

import uuid
from datetime import date
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.activities import errors
from services.activities.enums import ActivityStatus
from services.activities.models import Activity, ActivityType, Attendance, Venue, org_replica, outbox
from services.activities.rules import activities as rules
from services.activities.schemas.activities import ActivityCreate, ActivitySnapshot, ActivityUpdate
from services.activities.service import counties
from services.activities.service.common import (
    ActivitiesContext,
    in_scope,
    referenced_member,
    referenced_members,
    referenced_org,
    referenced_units,
)
from services.activities.service.study import check_moved_attendance
from services.kit.db import on_its_shard
from services.kit.outbox import record_event
from services.kit.pagination import keyset_page, page_of
from services.kit.problems import NotFound
from services.kit.tree import within_node
from services.kit.versioning import ANY_VERSION, Preconditions


async def get_activity(
    session: AsyncSession, ctx: ActivitiesContext, activity_id: uuid.UUID, *, for_update: bool = False
) -> Activity:
    stmt = (
        select(Activity).join(org_replica, org_replica.c.id == Activity.org_id).where(Activity.id == activity_id, in_scope(ctx))
    )
    if for_update:
        stmt = stmt.where(await on_its_shard(session, Activity, activity_id)).with_for_update(of=Activity)
    activity = (await session.execute(stmt)).scalar_one_or_none()
    if activity is None:
        raise NotFound("Activity", activity_id)
    return activity


async def list_activities(
    session: AsyncSession,
    ctx: ActivitiesContext,
    *,
    within: uuid.UUID | None,
    org_id: uuid.UUID | None = None,
    type: str | None = None,
    status: ActivityStatus | None = None,
    campaign: str | None = None,
    from_day: date | None = None,
    to_day: date | None = None,
    cursor: str | None,
    limit: int,
) -> tuple[list[Activity], str | None]:
    stmt = select(Activity).join(org_replica, org_replica.c.id == Activity.org_id).where(in_scope(ctx))
    if within is not None:
        stmt = stmt.where(within_node(within, org_replica.c.path, org_replica.c.id, org_replica.c.path))
    if org_id is not None:
        stmt = stmt.where(Activity.org_id == org_id)
    if type is not None:
        stmt = stmt.where(Activity.type == type)
    if status is not None:
        stmt = stmt.where(Activity.status == status.value)
    if campaign is not None:
        stmt = stmt.where(Activity.campaign == campaign)
    if from_day is not None:
        stmt = stmt.where(Activity.starts_on >= from_day)
    if to_day is not None:
        stmt = stmt.where(Activity.starts_on <= to_day)
    rows = (await session.execute(keyset_page(stmt, [Activity.starts_at, Activity.id], cursor, limit))).scalars().all()
    return page_of(rows, limit, lambda activity: [activity.starts_at, activity.id])


async def _event(session: AsyncSession, type: str, activity: Activity) -> None:
    payload = ActivitySnapshot.model_validate(activity).model_dump(mode="json")
    await record_event(session, outbox, type=type, aggregate_id=activity.id, payload=payload)


async def _check_references(session: AsyncSession, ctx: ActivitiesContext, values: dict[str, Any]) -> None:
    """The references and rules of an activity's (new) state; raises the first violation."""
    if not await session.get(ActivityType, values["type"]):
        raise errors.UNKNOWN_ACTIVITY_TYPE.on("type", "unknown activity type")
    reason = rules.schedule_error(values["starts_at"], values.get("ends_at"))
    if reason:
        raise errors.INVALID_SCHEDULE.on("ends_at", reason)
    campaign = values.get("campaign")
    campaigns = ctx.policy.campaigns
    if campaign is not None and campaign not in campaigns:
        raise errors.UNKNOWN_CAMPAIGN.on("campaign", f"not one of {', '.join(campaigns)}")
    venue_id = values.get("venue_id")
    if venue_id is not None:
        venue = (
            await session.execute(
                select(Venue.id).join(org_replica, org_replica.c.id == Venue.org_id).where(Venue.id == venue_id, in_scope(ctx))
            )
        ).first()
        if venue is None:
            raise errors.UNKNOWN_VENUE.on("venue_id", "unknown venue")
    host = values.get("host_member_id")
    if host is not None:
        # In the caller's scope like every member a body names: a host from above (a township
        # official leading a community's study day) is named by an administrator above.
        await referenced_member(session, ctx, host, field="host_member_id")
    expected = values.get("expected_member_ids")
    if expected:
        await referenced_members(session, ctx, expected, field="expected_member_ids")
    units = values.get("unit_ids")
    if units:
        # Checked when named, like the host: units named from above stay when the community edits.
        await referenced_units(session, ctx, units, field="unit_ids")
    served = values.get("served_member_id")
    if values["type"] in ctx.policy.served_member_types and served is None:
        raise errors.SERVED_MEMBER_REQUIRED.on("served_member_id", "a home service names the member served")
    if served is not None:
        await referenced_member(session, ctx, served, field="served_member_id")


def _stored(values: dict[str, Any]) -> dict[str, Any]:
    out = dict(values)
    for key in ("unit_ids", "expected_member_ids"):
        if out.get(key) is not None:
            out[key] = [str(v) for v in out[key]]
    if isinstance(out.get("status"), ActivityStatus):
        out["status"] = out["status"].value
    return out


async def create_activity(session: AsyncSession, ctx: ActivitiesContext, data: ActivityCreate) -> Activity:
    org = await referenced_org(session, ctx, data.org_id)
    reason = rules.cannot_organize(org.status)
    if reason:
        raise errors.ORGANIZATION_CANNOT_ORGANIZE.on("org_id", reason)
    values = data.model_dump()
    await _check_references(session, ctx, values)
    starts_on = rules.local_day(data.starts_at, ctx.policy.timezone)
    county_id = await counties.of_org(session, org.id)
    activity = Activity(id=uuid.uuid4(), version=1, starts_on=starts_on, county_id=county_id, **_stored(values))
    session.add(activity)
    await session.flush()
    await _event(session, "activity.created", activity)
    return activity


async def update_activity(
    session: AsyncSession,
    ctx: ActivitiesContext,
    activity_id: uuid.UUID,
    data: ActivityUpdate,
    *,
    preconditions: Preconditions,
) -> Activity:
    activity = await get_activity(session, ctx, activity_id, for_update=True)
    preconditions.check(activity.version)
    changes = data.model_dump(exclude_unset=True)
    if activity.status == ActivityStatus.cancelled and changes:
        raise errors.ACTIVITY_CANCELLED.on("status", "a cancelled activity cannot change")
    for key in ("type", "title", "starts_at", "status"):
        if key in changes and changes[key] is None:
            raise errors.RULE_VIOLATION.on(key, "cannot be null")
    # The host and the units are checked when named: ones named from above stay when the community edits.
    current = {
        "type": activity.type,
        "starts_at": activity.starts_at,
        "ends_at": activity.ends_at,
        "campaign": activity.campaign,
        "venue_id": activity.venue_id,
        "served_member_id": activity.served_member_id,
    }
    if "status" in changes:
        reason = rules.status_change_error(activity.status, changes["status"])
        if reason:
            raise errors.INVALID_STATUS_CHANGE.on("status", reason)
    await _check_references(session, ctx, {**current, **changes})
    if "starts_at" in changes:
        await check_moved_attendance(session, ctx, activity.id, rules.local_day(changes["starts_at"], ctx.policy.timezone))
    old_status = activity.status
    for key, value in _stored(changes).items():
        setattr(activity, key, value)
    if "starts_at" in changes:
        activity.starts_on = rules.local_day(changes["starts_at"], ctx.policy.timezone)
        await session.execute(
            update(Attendance).where(counties.of_activity(Attendance, activity)).values(starts_on=activity.starts_on)
        )
    activity.version += 1
    await session.flush()
    new_status = activity.status
    moved = new_status != old_status
    await _event(session, _MOVED_EVENTS.get(new_status, "activity.updated") if moved else "activity.updated", activity)
    return activity


# The event of a change into a status; a change into `planned`, or none, is `activity.updated`.
_MOVED_EVENTS: dict[str, str] = {ActivityStatus.held: "activity.held", ActivityStatus.cancelled: "activity.cancelled"}


async def set_status(session: AsyncSession, ctx: ActivitiesContext, activity_id: uuid.UUID, status: ActivityStatus) -> Activity:
    activity = await get_activity(session, ctx, activity_id, for_update=True)
    if activity.status == status:
        return activity
    return await update_activity(session, ctx, activity_id, ActivityUpdate(status=status), preconditions=ANY_VERSION)
