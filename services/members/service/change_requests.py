"""A member's change requests for their own record (phone, address, education with evidence),
filed through the member's own view and reviewed by an administrator whose scope holds the
member: approved, the change is applied and the history names both the member who asked and the
reviewer; rejected (with its reason), the record stays as it was."""

import uuid
from typing import Any, cast

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.audit import note_unmasked
from services.kit.db import on_its_shard
from services.kit.pagination import keyset_page, page_of
from services.kit.problems import field_error
from services.kit.tree import within_node
from services.members.enums import ChangeDecision, ChangeRequestStatus, MemberEventKind
from services.members.errors import CHANGE_REQUEST_DECIDED, CHANGE_REQUEST_OPEN, INVALID_CHANGE_REQUEST, NOT_FOUND
from services.members.models import ChangeRequest, Member, org_replica
from services.members.rules.change_requests import (
    ADDRESS,
    CHANGEABLE,
    EDUCATION,
    PHONE,
    decision_errors,
    evidence_file,
    request_errors,
)
from services.members.rules.records import mask_phone
from services.members.schemas.change_requests import ChangeRequest as ChangeRequestOut
from services.members.schemas.change_requests import ChangeRequestCreate, ChangeRequestDecision
from services.members.service import counties
from services.members.service.common import MembersContext, add_history, in_scope, publish
from services.members.service.own import own_member


def _current(member: Member, ctx: MembersContext) -> dict[str, Any]:
    phone = ctx.cipher.decrypt("phone", member.phone_cipher) if member.phone_cipher else None
    return {PHONE: phone, ADDRESS: member.address, EDUCATION: member.education}


def _refused(errors: list[tuple[str, str]], detail: str) -> Exception:
    return INVALID_CHANGE_REQUEST(detail, errors=[field_error(field, message) for field, message in errors])


def present(request: ChangeRequest, member_name: str, ctx: MembersContext) -> ChangeRequestOut:
    phone = ctx.cipher.decrypt("phone", request.phone_cipher) if request.phone_cipher else None
    if phone and ctx.unmasked:
        note_unmasked([request.member_id])
    return ChangeRequestOut(
        id=request.id,
        member_id=request.member_id,
        member_name=member_name,
        org_id=request.org_id,
        status=ChangeRequestStatus(request.status),
        fields=list(request.fields),
        phone=phone if phone is None or ctx.unmasked else mask_phone(phone),
        address=request.address if ctx.unmasked else None,
        education=request.education,
        evidence_note=request.evidence_note,
        evidence_filename=request.evidence_filename,
        evidence_media_type=request.evidence_media_type,
        has_evidence_file=request.evidence is not None,
        reason=request.reason,
        requested_by=request.requested_by,
        requested_on=request.requested_on,
        reviewed_by=request.reviewed_by,
        reviewed_on=request.reviewed_on,
        review_note=request.review_note,
        version=request.version,
        created_at=request.created_at,
    )


async def submit(session: AsyncSession, ctx: MembersContext, data: ChangeRequestCreate) -> ChangeRequestOut:
    """File the caller's own change request (one waiting at a time)."""
    member = await own_member(session, ctx, for_update=True)
    evidence: tuple[bytes, str] | None = None
    errors: list[tuple[str, str]] = []
    if data.evidence_base64 is not None:
        decoded = evidence_file(data.evidence_base64)
        if isinstance(decoded, str):
            errors.append(("evidence_base64", decoded))
        else:
            evidence = decoded
            if not data.evidence_filename:
                errors.append(("evidence_filename", "a file needs its name"))
    asked: dict[str, Any] = {
        PHONE: data.phone,
        ADDRESS: data.address,
        EDUCATION: data.education,
    }
    errors += request_errors(asked, _current(member, ctx), has_evidence=bool(data.evidence_note or data.evidence_base64))
    if errors:
        raise _refused(errors, "The change request cannot be filed")
    waiting = await session.scalar(
        select(ChangeRequest.id).where(
            counties.beside(member, ChangeRequest), ChangeRequest.status == ChangeRequestStatus.pending.value
        )
    )
    if waiting is not None:
        raise CHANGE_REQUEST_OPEN("A change request of this member is waiting for review", pending_id=str(waiting))
    request = ChangeRequest(
        id=uuid.uuid4(),
        member_id=member.id,
        county_id=member.county_id,
        org_id=member.org_id,
        status=ChangeRequestStatus.pending.value,
        fields=[field for field in CHANGEABLE if asked[field] is not None],
        phone_cipher=ctx.cipher.encrypt("phone", data.phone) if data.phone else None,
        address=data.address,
        education=data.education.value if data.education else None,
        evidence_note=data.evidence_note,
        evidence_filename=data.evidence_filename if evidence else None,
        evidence_media_type=evidence[1] if evidence else None,
        evidence=evidence[0] if evidence else None,
        reason=data.reason,
        requested_by=ctx.actor,
        requested_on=ctx.today,
        version=1,
    )
    session.add(request)
    await session.flush()
    return present(request, member.name, ctx)


async def list_own(session: AsyncSession, ctx: MembersContext) -> list[ChangeRequestOut]:
    member = await own_member(session, ctx)
    stmt = select(ChangeRequest).where(counties.beside(member, ChangeRequest)).order_by(ChangeRequest.created_at)
    return [present(request, member.name, ctx) for request in (await session.execute(stmt)).scalars().all()]


def _reviewable(ctx: MembersContext) -> Select[Any]:
    """Requests of members whose organization is in the caller's subtree, decided in the query."""
    return cast(
        "Select[Any]",
        select(ChangeRequest, Member.name)
        .join(Member, counties.joined_with_records(ChangeRequest))
        .join(org_replica, org_replica.c.id == Member.org_id)
        .where(in_scope(ctx.caller)),
    )


async def list_for_review(
    session: AsyncSession,
    ctx: MembersContext,
    *,
    within: uuid.UUID | None,
    member_id: uuid.UUID | None,
    status: ChangeRequestStatus | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[ChangeRequestOut], str | None]:
    stmt = _reviewable(ctx)
    if within is not None:
        stmt = stmt.where(within_node(within, org_replica.c.path, org_replica.c.id, org_replica.c.path))
    if member_id is not None:
        stmt = stmt.where(ChangeRequest.member_id == member_id)
    if status is not None:
        stmt = stmt.where(ChangeRequest.status == status.value)
    rows = (await session.execute(keyset_page(stmt, [ChangeRequest.created_at, ChangeRequest.id], cursor, limit))).all()
    found, next_cursor = page_of(list(rows), limit, lambda row: [row[0].created_at, row[0].id])
    return [present(request, name, ctx) for request, name in found], next_cursor


async def _reviewed(
    session: AsyncSession, ctx: MembersContext, request_id: uuid.UUID, *, for_update: bool = False
) -> tuple[ChangeRequest, str]:
    stmt = _reviewable(ctx).where(ChangeRequest.id == request_id)
    if for_update:
        stmt = stmt.where(await on_its_shard(session, ChangeRequest, request_id)).with_for_update(of=ChangeRequest)
    row = (await session.execute(stmt)).first()
    if row is None:
        raise NOT_FOUND(f"Change request {request_id} was not found")
    return row[0], row[1]


async def get_for_review(session: AsyncSession, ctx: MembersContext, request_id: uuid.UUID) -> ChangeRequestOut:
    request, name = await _reviewed(session, ctx, request_id)
    return present(request, name, ctx)


async def evidence_of(session: AsyncSession, ctx: MembersContext, request_id: uuid.UUID) -> tuple[bytes, str, str]:
    """The evidence file of a request in the caller's scope (content, media type, file name)."""
    request, _name = await _reviewed(session, ctx, request_id)
    if request.evidence is None:
        raise NOT_FOUND(f"Change request {request_id} has no evidence file")
    return request.evidence, request.evidence_media_type or "application/octet-stream", request.evidence_filename or "evidence"


async def decide(
    session: AsyncSession, ctx: MembersContext, request_id: uuid.UUID, data: ChangeRequestDecision
) -> ChangeRequestOut:
    """Approve (apply the change, with both names in the history) or reject (with the reason)."""
    errors = decision_errors(data.decision, data.note)
    if errors:
        raise _refused(errors, "A rejection gives its reason")
    request, name = await _reviewed(session, ctx, request_id, for_update=True)
    if request.status != ChangeRequestStatus.pending:
        raise CHANGE_REQUEST_DECIDED(f"The change request is already {request.status}", decided=request.status)
    request.reviewed_by = ctx.actor
    request.reviewed_on = ctx.today
    request.review_note = data.note
    request.version += 1
    if data.decision is ChangeDecision.reject:
        request.status = ChangeRequestStatus.rejected.value
        await session.flush()
        return present(request, name, ctx)
    request.status = ChangeRequestStatus.approved.value
    locked = select(Member).where(Member.id == request.member_id, Member.county_id == request.county_id)
    member = (await session.execute(locked.with_for_update())).scalar_one_or_none()
    if member is None:  # the request's join found it a moment ago
        raise NOT_FOUND(f"Change request {request_id} was not found")
    for field in request.fields:
        if field == PHONE:
            member.phone_cipher = request.phone_cipher
            phone = ctx.cipher.decrypt("phone", request.phone_cipher) if request.phone_cipher else None
            member.phone_index = ctx.cipher.blind_index("phone", phone) if phone else None
        elif field == ADDRESS:
            member.address = request.address
        elif field == EDUCATION and request.education:
            member.education = request.education
    member.version += 1
    # Which fields changed, never their values (the history is read more widely than the record),
    # and both names: the member who asked and the reviewer who approved.
    await add_history(
        session,
        member.id,
        MemberEventKind.details_changed,
        effective_on=ctx.today,
        details={
            "fields": sorted(request.fields),
            "change_request_id": str(request.id),
            "requested_by": request.requested_by,
            "requested_by_member": member.name,
            "requested_on": request.requested_on.isoformat(),
            "reviewed_by": ctx.actor,
        },
        actor=ctx.actor,
    )
    await session.flush()
    await publish(session, "member.updated", member)
    return present(request, name, ctx)
