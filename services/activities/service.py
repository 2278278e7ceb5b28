"""Activity operations. They take a session, flush, and never commit."""

import uuid

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.activities import rules
from services.activities.models import Activity, org_replica
from services.activities.schemas import ActivityCreate
from services.kit.auth import Caller
from services.kit.pagination import keyset_page, page_of
from services.kit.problems import Unprocessable
from services.kit.tree import within_node


def _caller_orgs(caller: Caller) -> ColumnElement[bool]:
    return within_node(caller.scope_org_id, org_replica.c.path, org_replica.c.id, org_replica.c.path)


async def list_activities(
    session: AsyncSession, caller: Caller, *, within: uuid.UUID | None, cursor: str | None, limit: int
) -> tuple[list[Activity], str | None]:
    stmt = select(Activity).join(org_replica, org_replica.c.id == Activity.org_id).where(_caller_orgs(caller))
    if within is not None:
        stmt = stmt.where(within_node(within, org_replica.c.path, org_replica.c.id, org_replica.c.path))
    rows = (await session.execute(keyset_page(stmt, [Activity.starts_at, Activity.id], cursor, limit))).scalars().all()
    return page_of(rows, limit, lambda activity: [activity.starts_at, activity.id])


async def create_activity(session: AsyncSession, caller: Caller, data: ActivityCreate) -> Activity:
    status = await session.scalar(select(org_replica.c.status).where(org_replica.c.id == data.org_id, _caller_orgs(caller)))
    if status is None:
        raise Unprocessable(
            "The organization does not exist", slug="unknown-organization", errors=[{"field": "org_id", "message": "unknown"}]
        )
    reason = rules.cannot_organize(status)
    if reason:
        raise Unprocessable(reason, slug="organization-cannot-organize", errors=[{"field": "org_id", "message": reason}])
    activity = Activity(**data.model_dump())
    session.add(activity)
    await session.flush()
    return activity
