"""Contacts with members (聯繫): the follow-up log of floating, displaced and not-transferred members."""

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.activities.models import Contact, org_replica
from services.activities.schemas.contacts import ContactCreate
from services.activities.service.common import ActivitiesContext, in_scope, referenced_member, referenced_org
from services.kit.pagination import keyset_page, page_of
from services.kit.tree import within_node


async def create_contact(session: AsyncSession, ctx: ActivitiesContext, data: ContactCreate) -> Contact:
    await referenced_org(session, ctx, data.org_id)
    await referenced_member(session, ctx, data.member_id)
    contact = Contact(**{**data.model_dump(), "kind": data.kind.value, "channel": data.channel.value})
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
