"""What every member operation shares: its context, scope, presentation (decrypting, masking,
announcing an unmasked read), history and events."""

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from fastapi import Request
from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.audit import note_unmasked
from services.kit.auth import Caller
from services.kit.context import OperationContext
from services.kit.crypto import FieldCipher
from services.kit.db import on_its_shard
from services.kit.outbox import record_event
from services.kit.tree import within_node
from services.members.enums import MemberEventKind
from services.members.errors import NOT_FOUND
from services.members.models import Member, MemberEventRow, org_replica, outbox
from services.members.rules import MembersPolicy
from services.members.rules.dues import month_label
from services.members.rules.records import SUBDIVIDING_KINDS, cannot_hold_members, mask_id_number, mask_phone
from services.members.schemas.records import Member as MemberOut
from services.members.schemas.records import MemberSnapshot

# Who sees ID numbers and phones in clear: these roles, a member reading their own record, and a
# client of another system holding PII_SCOPE. Every such read is announced (kit.audit).
UNMASKED_ROLES = ("org_admin", "service")
PII_SCOPE = "members:pii"


@dataclass(frozen=True, kw_only=True)
class MembersContext(OperationContext[MembersPolicy]):
    """The operation contract with the cipher of the ID numbers and phones."""

    cipher: FieldCipher
    request_id: str | None = None  # a scheduled job works outside any request

    @classmethod
    def extras(cls, request: Request) -> dict[str, Any]:
        return {"cipher": request.app.state.cipher}

    @property
    def by_month(self) -> bool:
        """Ages and birth dates only to the month: a masked view must not learn the birth day
        (rules.records, mask_id_number), not even by moving an `as_of` a day at a time."""
        return not self.unmasked

    @property
    def unmasked(self) -> bool:
        caller = self.caller
        if caller.is_client:
            return PII_SCOPE in caller.scopes
        # A member account reaches no record but its own (`visible`).
        return caller.has_role(*UNMASKED_ROLES) or caller.own_record_only


def in_scope(caller: Caller) -> ColumnElement[bool]:
    return within_node(caller.scope_org_id, org_replica.c.path, org_replica.c.id, org_replica.c.path)


def visible(caller: Caller) -> Select[Member]:
    """Members whose organization is in the caller's subtree, decided inside the query; for a
    member account only their own record."""
    stmt = select(Member).join(org_replica, org_replica.c.id == Member.org_id).where(in_scope(caller))
    if caller.own_record_only:
        stmt = stmt.where(Member.id == caller.member_id)
    return stmt


async def get_visible(session: AsyncSession, ctx: MembersContext, member_id: uuid.UUID, *, for_update: bool = False) -> Member:
    stmt = visible(ctx.caller).where(Member.id == member_id)
    if for_update:
        stmt = stmt.where(await on_its_shard(session, Member, member_id)).with_for_update(of=Member)
    member = (await session.execute(stmt)).scalar_one_or_none()
    if member is None:
        raise NOT_FOUND(f"Member {member_id} was not found")
    return member


def present(member: Member, ctx: MembersContext) -> MemberOut:
    id_number = ctx.cipher.decrypt("id_number", member.id_number_cipher)
    phone = ctx.cipher.decrypt("phone", member.phone_cipher) if member.phone_cipher else None
    details = dict(member.whereabouts_details or {})
    if not ctx.unmasked:
        id_number = mask_id_number(id_number)
        phone = mask_phone(phone) if phone else None
        if details.get("contact_phone"):  # the contact person's phone, like the member's own
            details["contact_phone"] = mask_phone(str(details["contact_phone"]))
    else:
        note_unmasked([member.id])
    return MemberOut(
        id=member.id,
        name=member.name,
        sex=member.sex,
        ethnicity=member.ethnicity,
        id_number=id_number,
        birth_date=member.birth_date if ctx.unmasked else None,
        birth_year_month=member.birth_date,
        phone=phone,
        education=member.education,
        occupation=member.occupation,
        party_status=member.party_status,
        state=member.state,
        state_since=member.state_since,
        joined_on=member.joined_on,
        full_on=member.full_on,
        org_id=member.org_id,
        residence_community_id=member.residence_community_id,
        whereabouts=member.whereabouts,
        whereabouts_since=member.whereabouts_since,
        whereabouts_details=details,
        care_programs=list(member.care_programs or []),
        version=member.version,
        created_at=member.created_at,
        masked=not ctx.unmasked,
        dues_paid_through=month_label(member.dues_paid_through) if member.dues_paid_through else None,
        address=member.address if ctx.unmasked else None,
    )


# The fields a record gives its events (`birth_year_month` is the gateway's, see MemberSnapshot).
SNAPSHOT_FIELDS = tuple(name for name in MemberSnapshot.model_fields if name != "birth_year_month")


def snapshot(member: Member) -> dict[str, Any]:
    return snapshot_of({name: getattr(member, name) for name in SNAPSHOT_FIELDS})


def snapshot_of(values: dict[str, Any]) -> dict[str, Any]:
    """The event payload of a record's values (the MemberSnapshot fields, as JSON values)."""
    return {name: _json_value(values[name]) for name in SNAPSHOT_FIELDS}


def _json_value(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return list(value)
    return value


async def publish(session: AsyncSession, type: str, member: Member) -> None:
    await record_event(session, outbox, type=type, aggregate_id=member.id, payload=snapshot(member))


async def add_history(
    session: AsyncSession,
    member_id: uuid.UUID,
    kind: MemberEventKind,
    *,
    effective_on: date,
    details: dict[str, Any],
    actor: str | None,
) -> None:
    # The history sits with the record, in its county (service/counties.py): both in one read.
    last_seq = select(func.max(MemberEventRow.seq)).where(MemberEventRow.member_id == member_id).scalar_subquery()
    last, county_id = (await session.execute(select(last_seq, Member.county_id).where(Member.id == member_id))).one()
    session.add(
        MemberEventRow(
            member_id=member_id,
            county_id=county_id,
            seq=(last or 0) + 1,
            kind=kind,
            effective_on=effective_on,
            details=details,
            actor=actor,
        )
    )


async def org_holding_error(session: AsyncSession, caller: Caller | None, org_id: uuid.UUID) -> str | None:
    """Why `org_id` cannot take a member (unknown, out of scope, dissolved, a wrong kind), or None."""
    return (await org_holding_errors(session, caller, {org_id}))[org_id]


async def org_holding_errors(
    session: AsyncSession, caller: Caller | None, org_ids: set[uuid.UUID]
) -> dict[uuid.UUID, str | None]:
    """`org_holding_error` for many organizations in two queries (an import names hundreds)."""
    reasons: dict[uuid.UUID, str | None] = dict.fromkeys(org_ids, "the organization does not exist")
    ids = list(org_ids)
    for start in range(0, len(ids), 1000):
        chunk = ids[start : start + 1000]
        stmt = select(org_replica.c.id, org_replica.c.kind, org_replica.c.tier, org_replica.c.status).where(
            org_replica.c.id.in_(chunk)
        )
        if caller is not None:
            stmt = stmt.where(in_scope(caller))
        orgs = (await session.execute(stmt)).all()
        with_branches = set(
            await session.scalars(
                select(org_replica.c.parent_id).where(
                    org_replica.c.parent_id.in_(chunk),
                    org_replica.c.kind.in_(SUBDIVIDING_KINDS),
                    org_replica.c.status == "active",
                )
            )
        )
        for org in orgs:
            reasons[org.id] = cannot_hold_members(
                kind=org.kind, tier=org.tier, status=org.status, has_branches=org.id in with_branches
            )
    return reasons
