"""The routes of notifications: `/api/v1/notifications` (the caller's inbox, a notice with its
deliveries, marking read) and `/api/v1/notifications/contact` (where the caller's notices go)."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response

from gateway.errors import FORBIDDEN, NOT_FOUND
from gateway.notify import service
from gateway.notify.schemas import Contact, ContactIn, MarkedRead, Notification, NotificationDetail
from gateway.settings import OWN_ROUTE_MAX_BODY_BYTES
from services.kit.auth import AUTHORIZATION_DEPENDENCIES, USER_KIND, Caller, CallerDep
from services.kit.crypto import FieldCipher
from services.kit.db import ReadSessionDep, WriteSessionDep
from services.kit.idempotency import Idempotent
from services.kit.pagination import CursorQuery, LimitQuery, Page
from services.kit.problems import answers
from services.kit.versioning import UpsertPreconditionsDep, set_etag

router = APIRouter(prefix="/api/v1/notifications", tags=["notifications"], max_body_size=OWN_ROUTE_MAX_BODY_BYTES)


async def _person(caller: CallerDep) -> Caller:
    if caller.kind != USER_KIND:
        raise FORBIDDEN("Only a person's account has an inbox")
    return caller


AUTHORIZATION_DEPENDENCIES.add(_person)
Person = Annotated[Caller, Depends(_person)]


def _cipher(request: Request) -> FieldCipher:
    return request.app.state.notifier.cipher  # type: ignore[no-any-return]


CipherDep = Annotated[FieldCipher, Depends(_cipher)]


@router.get("", response_model=Page[Notification], responses=answers(FORBIDDEN))
async def inbox(
    session: ReadSessionDep,
    caller: Person,
    unread: Annotated[bool | None, Query(description="true: only unread; false: only read")] = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = 50,
) -> Page[Any]:
    """The caller's notifications, newest first: reminders of what is due in its organizations."""
    items, next_cursor = await service.list_notices(session, caller, unread=unread, cursor=cursor, limit=limit)
    return Page(items=items, next_cursor=next_cursor)


@router.get("/contact", response_model=Contact, responses=answers(FORBIDDEN))
async def get_contact(session: ReadSessionDep, caller: Person, cipher: CipherDep, response: Response) -> dict[str, Any]:
    """Where the caller's notices go besides the inbox (masked); with its ETag once it was set."""
    contact, version = await service.get_contact(session, caller, cipher)
    if version is not None:
        set_etag(response, version)
    return contact


@router.put("/contact", response_model=Contact, dependencies=[Idempotent], responses=answers(FORBIDDEN))
async def put_contact(
    session: WriteSessionDep,
    caller: Person,
    cipher: CipherDep,
    data: ContactIn,
    response: Response,
    preconditions: UpsertPreconditionsDep,
) -> dict[str, Any]:
    """Set the caller's phone (SMS) and WeChat openid; stored encrypted, shown back masked.

    The first time needs no `If-Match` (`If-None-Match: *` makes sure of it: 412 once set); changing
    them needs `If-Match` with the ETag read last (the GET's or the last answer's): 428 without, 412 if stale."""
    contact, version = await service.set_contact(session, caller, cipher, data, preconditions=preconditions)
    set_etag(response, version)
    return contact


@router.post("/read", response_model=MarkedRead, dependencies=[Idempotent], responses=answers(FORBIDDEN))
async def read_all(session: WriteSessionDep, caller: Person) -> MarkedRead:
    """Mark every unread notification of the caller read."""
    return MarkedRead(marked=await service.mark_all_read(session, caller))


@router.get("/{notice_id}", response_model=NotificationDetail, responses=answers(FORBIDDEN, NOT_FOUND))
async def get_notification(session: ReadSessionDep, caller: Person, notice_id: uuid.UUID) -> dict[str, Any]:
    """One notification of the caller with its deliveries (channel, status) and each attempt made."""
    return await service.notice_detail(session, caller, notice_id)


@router.post("/{notice_id}/read", response_model=Notification, dependencies=[Idempotent], responses=answers(FORBIDDEN, NOT_FOUND))
async def read_one(session: WriteSessionDep, caller: Person, notice_id: uuid.UUID) -> Any:
    """Mark one notification read (again: no change)."""
    return await service.mark_read(session, caller, notice_id)
