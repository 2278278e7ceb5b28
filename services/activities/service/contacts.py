"""Contacts with members (聯繫): the follow-up log of floating, displaced and not-transferred members.
A floating member's own periodic report (held from the members service's feed) counts as a
contact too (`rules.contacts`)."""

import uuid
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Select, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.activities.enums import MemberState
from services.activities.models import Contact, floating_report_replica, member_replica, org_replica
from services.activities.schemas.contacts import ContactCreate, ContactSummary, OrgContacts
from services.activities.service import counties
from services.activities.service.common import ActivitiesContext, in_scope, referenced_member, referenced_org, scope_root
from services.kit.db import is_citus
from services.kit.pagination import keyset_page, page_of
from services.kit.tree import subtree_of, within_node


class LastContact(NamedTuple):
    """Per member row of `member_replica` in a query: the day of their last logged contact
    (`day`), once the query is `joined`."""

    day: ColumnElement[date]
    joined: Callable[[Select[Any]], Select[Any]]


async def last_contacted(session: AsyncSession, as_of: date, *members: ColumnElement[bool]) -> LastContact:
    """The day of the last logged contact by `as_of` of the members of `member_replica` that meet
    `members`. On one server a correlated subquery: one index probe per member. On a Citus
    coordinator, where contacts are distributed by county and the replica is a reference table,
    Citus does not plan that ("correlated subqueries are not supported when the FROM clause
    contains a reference table"): an outer join to each of those members' last day instead."""
    if not await is_citus(session):
        day = select(func.max(Contact.contacted_on)).where(
            Contact.member_id == member_replica.c.id, Contact.contacted_on <= as_of
        )
        return LastContact(day.scalar_subquery(), lambda stmt: stmt)
    last = (
        select(Contact.member_id, func.max(Contact.contacted_on).label("day"))
        .where(Contact.contacted_on <= as_of, Contact.member_id.in_(select(member_replica.c.id).where(*members)))
        .group_by(Contact.member_id)
        .subquery()
    )
    return LastContact(last.c.day, lambda stmt: stmt.outerjoin(last, last.c.member_id == member_replica.c.id))


def last_reported(as_of: date) -> ColumnElement[date]:
    """Per member row of `member_replica`: the day of the member's last own report by `as_of`."""
    reports = floating_report_replica.c
    return (
        select(func.max(reports.reported_on))
        .where(reports.member_id == member_replica.c.id, reports.reported_on <= as_of)
        .scalar_subquery()
    )


async def create_contact(session: AsyncSession, ctx: ActivitiesContext, data: ContactCreate) -> Contact:
    await referenced_org(session, ctx, data.org_id)
    await referenced_member(session, ctx, data.member_id)
    county_id = await counties.of_org(session, data.org_id)
    contact = Contact(**{**data.model_dump(), "kind": data.kind.value, "channel": data.channel.value}, county_id=county_id)
    session.add(contact)
    await session.flush()
    return contact


async def list_contacts(
    session: AsyncSession,
    ctx: ActivitiesContext,
    *,
    within: uuid.UUID | None,
    member_id: uuid.UUID | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[Contact], str | None]:
    stmt = select(Contact).join(org_replica, org_replica.c.id == Contact.org_id).where(in_scope(ctx))
    if within is not None:
        stmt = stmt.where(within_node(within, org_replica.c.path, org_replica.c.id, org_replica.c.path))
    if member_id is not None:
        stmt = stmt.where(Contact.member_id == member_id)
    rows = (await session.execute(keyset_page(stmt, [Contact.contacted_on, Contact.id], cursor, limit))).scalars().all()
    return page_of(rows, limit, lambda c: [c.contacted_on, c.id])


async def summary(
    session: AsyncSession, ctx: ActivitiesContext, within: uuid.UUID, *, as_of: date, days: int | None
) -> ContactSummary:
    """Per organization of the subtree: its living members followed up (the policy's whereabouts:
    floating, displaced …) and those with a contact in the `days` before `as_of` (default: the
    policy's), a member's own report counting as a contact (`rules.contacts.last_contact`). The
    counterpart of the uncontacted work list, counted by the organization holding each member
    (not-transferred residents, whose organization is elsewhere, count there)."""
    root = await scope_root(session, ctx, within)
    days = days or ctx.policy.contact_overdue_days
    cutoff = as_of - timedelta(days=days)
    under = subtree_of(org_replica.c.path, root.path)
    living = (member_replica.c.state == MemberState.normal, member_replica.c.whereabouts.in_(ctx.policy.followed_whereabouts))
    in_subtree = member_replica.c.org_id.in_(select(org_replica.c.id).where(under))
    contacted = await last_contacted(session, as_of, in_subtree, *living)
    followed = contacted.joined(
        select(member_replica.c.org_id, contacted.day.label("contacted"), last_reported(as_of).label("reported"))
        .join(org_replica, org_replica.c.id == member_replica.c.org_id)
        .where(under, *living)
    ).subquery()
    rows = await session.execute(
        select(
            followed.c.org_id,
            func.count(),
            # The later of the two on or after the cutoff: either is (a null day compares to nothing).
            func.sum(case((or_(followed.c.contacted >= cutoff, followed.c.reported >= cutoff), 1), else_=0)),
        )
        .group_by(followed.c.org_id)
        .order_by(followed.c.org_id)
    )
    organizations = [OrgContacts(org_id=org_id, followed=int(n), contacted=int(seen or 0)) for org_id, n, seen in rows]
    return ContactSummary(within=within, as_of=as_of, days=days, organizations=organizations)
