"""`/api/v1/contacts`: the contact log with members."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from services.activities import errors
from services.activities.routes.deps import AsOfDep, Reader, Writer
from services.activities.schemas.contacts import ContactCreate, ContactOut, ContactSummary
from services.activities.service import contacts
from services.kit.db import ReadSessionDep, WriteSessionDep
from services.kit.idempotency import Idempotent
from services.kit.pagination import DEFAULT_LIMIT, CursorQuery, LimitQuery, Page
from services.kit.problems import answers

router = APIRouter(prefix="/api/v1/contacts", tags=["contacts"])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=ContactOut,
    dependencies=[Idempotent],
    responses=answers(errors.VALIDATION_ERROR, errors.UNKNOWN_ORGANIZATION, errors.UNKNOWN_MEMBER),
)
async def create_contact(data: ContactCreate, session: WriteSessionDep, ctx: Writer) -> ContactOut:
    return ContactOut.model_validate(await contacts.create_contact(session, ctx, data))


@router.get("", response_model=Page[ContactOut])
async def list_contacts(
    session: ReadSessionDep,
    ctx: Reader,
    within: Annotated[uuid.UUID | None, Query(description="Only contacts made by this organization's subtree")] = None,
    member_id: uuid.UUID | None = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_LIMIT,
) -> Page[ContactOut]:
    rows, next_cursor = await contacts.list_contacts(session, ctx, within=within, member_id=member_id, cursor=cursor, limit=limit)
    return Page(items=[ContactOut.model_validate(c) for c in rows], next_cursor=next_cursor)


@router.get("/summary", response_model=ContactSummary, responses=answers(errors.NOT_FOUND))
async def contact_summary(
    session: ReadSessionDep,
    ctx: Reader,
    within: uuid.UUID,
    as_of: AsOfDep,
    days: Annotated[int | None, Query(ge=1, le=3650, description="Default: the policy's")] = None,
) -> ContactSummary:
    """Per organization of the subtree: followed members (floating, displaced …) and those
    contacted within `days` before `as_of` (the counterpart of `/compliance/uncontacted-members`)."""
    return await contacts.summary(session, ctx, within, as_of=as_of, days=days)
