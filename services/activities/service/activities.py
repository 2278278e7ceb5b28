"""Activities: create, change, hold, cancel, read and list; each change goes out as an event."""

import uuid
from datetime import date
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.activities import rules
from services.activities.models import Activity, ActivityType, Attendance, Venue, org_replica, outbox
from services.activities.rules import ActivitiesPolicy
from services.activities.schemas import ActivityCreate, ActivitySnapshot, ActivityStatus, ActivityUpdate
from services.activities.service.common import in_scope, invalid, referenced_member, referenced_org
from services.activities.service.study import check_moved_attendance
from services.kit.auth import Caller
from services.kit.outbox import record_event
from services.kit.pagination import keyset_page, page_of
from services.kit.problems import NotFound
from services.kit.tree import within_node
from services.kit.versioning import ANY_VERSION, Preconditions


async def get_activity(session: AsyncSession, caller: Caller, activity_id: uuid.UUID, *, for_update: bool = False) -> Activity:
    stmt = (
        select(Activity)
        .join(org_replica, org_replica.c.id == Activity.org_id)
        .where(Activity.id == activity_id, in_scope(caller))
    )
    if for_update:
        stmt = stmt.with_for_update(of=Activity)
    activity = (await session.execute(stmt)).scalar_one_or_none()
    if activity is None:
        raise NotFound("Activity", activity_id)
    return activity


async def list_activities(
    session: AsyncSession,
    caller: Caller,
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
    stmt = select(Activity).join(org_replica, org_replica.c.id == Activity.org_id).where(in_scope(caller))
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


async def _check_references(session: AsyncSession, caller: Caller, values: dict[str, Any], policy: ActivitiesPolicy) -> None:
    """The references and rules of an activity's (new) state; raises the first violation."""
    if not await session.get(ActivityType, values["type"]):
        raise invalid("type", "unknown activity type", slug="unknown-activity-type")
    reason = rules.schedule_error(values["starts_at"], values.get("ends_at"))
    if reason:
        raise invalid("ends_at", reason, slug="invalid-schedule")
    campaign = values.get("campaign")
    if campaign is not None and campaign not in policy.campaigns:
        raise invalid("campaign", f"not one of {', '.join(policy.campaigns)}", slug="unknown-campaign")
    venue_id = values.get("venue_id")
    if venue_id is not None:
        venue = (
            await session.execute(
                select(Venue.id).join(org_replica, org_replica.c.id == Venue.org_id).where(Venue.id == venue_id, in_scope(caller))
            )
        ).first()
        if venue is None:
            raise invalid("venue_id", "unknown venue", slug="unknown-venue")
    host = values.get("host_member_id")
    if host is not None:
        # A host may come from above (a township official leading a community's study day).
        await referenced_member(session, host, field="host_member_id")
    served = values.get("served_member_id")
    if values["type"] in policy.served_member_types and served is None:
        raise invalid("served_member_id", "a home service names the member served", slug="served-member-required")
    if served is not None:
        await referenced_member(session, served, field="served_member_id", caller=caller)


def _stored(values: dict[str, Any]) -> dict[str, Any]:
    out = dict(values)
    for key in ("unit_ids", "expected_member_ids"):
        if out.get(key) is not None:
            out[key] = [str(v) for v in out[key]]
    if isinstance(out.get("status"), ActivityStatus):
        out["status"] = out["status"].value
    return out


async def create_activity(session: AsyncSession, caller: Caller, data: ActivityCreate, policy: ActivitiesPolicy) -> Activity:
    org = await referenced_org(session, caller, data.org_id)
    reason = rules.cannot_organize(org.status)
    if reason:
        raise invalid("org_id", reason, slug="organization-cannot-organize")
    values = data.model_dump()
    await _check_references(session, caller, values, policy)
    activity = Activity(id=uuid.uuid4(), version=1, starts_on=rules.local_day(data.starts_at, policy.timezone), **_stored(values))
    session.add(activity)
    await session.flush()
    await _event(session, "activity.created", activity)
    return activity


async def update_activity(
    session: AsyncSession,
    caller: Caller,
    activity_id: uuid.UUID,
    data: ActivityUpdate,
    policy: ActivitiesPolicy,
    *,
    preconditions: Preconditions,
) -> Activity:
    activity = await get_activity(session, caller, activity_id, for_update=True)
    preconditions.check(activity.version)
    changes = data.model_dump(exclude_unset=True)
    if activity.status == ActivityStatus.cancelled.value and changes:
        raise invalid("status", "a cancelled activity cannot change", slug="activity-cancelled")
    for key in ("type", "title", "starts_at", "status"):
        if key in changes and changes[key] is None:
            raise invalid(key, "cannot be null")
    current = {
        "type": activity.type,
        "starts_at": activity.starts_at,
        "ends_at": activity.ends_at,
        "campaign": activity.campaign,
        "venue_id": activity.venue_id,
        "served_member_id": activity.served_member_id,
        "host_member_id": activity.host_member_id,
    }
    if "status" in changes:
        reason = rules.status_change_error(activity.status, changes["status"].value)
        if reason:
            raise invalid("status", reason, slug="invalid-status-change")
    await _check_references(session, caller, {**current, **changes}, policy)
    if "starts_at" in changes:
        await check_moved_attendance(session, activity.id, rules.local_day(changes["starts_at"], policy.timezone), policy)
    old_status = activity.status
    for key, value in _stored(changes).items():
        setattr(activity, key, value)
    if "starts_at" in changes:
        activity.starts_on = rules.local_day(changes["starts_at"], policy.timezone)
        await session.execute(
            update(Attendance).where(Attendance.activity_id == activity.id).values(starts_on=activity.starts_on)
        )
    activity.version += 1
    await session.flush()
    new_status = activity.status
    kind = "updated" if new_status == old_status else {"held": "held", "cancelled": "cancelled"}.get(new_status, "updated")
    await _event(session, f"activity.{kind}", activity)
    return activity


async def set_status(
    session: AsyncSession, caller: Caller, activity_id: uuid.UUID, status: ActivityStatus, policy: ActivitiesPolicy
) -> Activity:
    activity = await get_activity(session, caller, activity_id, for_update=True)
    if activity.status == status.value:
        return activity
    return await update_activity(session, caller, activity_id, ActivityUpdate(status=status), policy, preconditions=ANY_VERSION)
