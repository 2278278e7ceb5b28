"""The inbox, contact addresses and the recording of reminders. Functions take a session; they
flush, never commit.

An inbox is its account's alone: another account's notice is "not found", whoever asks. Only a
person's account (a user token) has an inbox.
"""

import uuid
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.enums import AccountStatus, DeliveryStatus, NoticeChannel, RoleCode
from gateway.errors import FORBIDDEN, NOT_FOUND
from gateway.events.models import org_replica
from gateway.models import Account
from gateway.notify import rules
from gateway.notify.models import Notice, NoticeAttempt, NoticeContact, NoticeDelivery
from gateway.notify.schemas import ContactIn
from services.kit.auth import USER_KIND, Caller
from services.kit.crypto import FieldCipher
from services.kit.pagination import keyset_page, page_of
from services.kit.versioning import Preconditions

T = TypeVar("T")
# Values per IN list: well under the bound parameters either database takes in one statement.
IN_CHUNK = 500
ADDRESS_FIELDS = {NoticeChannel.sms: "phone", NoticeChannel.wechat: "wechat_openid"}


def _owner(caller: Caller) -> uuid.UUID:
    if caller.kind != USER_KIND:
        raise FORBIDDEN("Only a person's account has an inbox")
    try:
        return uuid.UUID(caller.subject)
    except ValueError:
        raise FORBIDDEN("Only a person's account has an inbox") from None


async def list_notices(
    session: AsyncSession, caller: Caller, *, unread: bool | None, cursor: str | None, limit: int
) -> tuple[list[Notice], str | None]:
    """The caller's notices, newest first."""
    stmt = select(Notice).where(Notice.account_id == _owner(caller))
    if unread is True:
        stmt = stmt.where(Notice.read_at.is_(None))
    elif unread is False:
        stmt = stmt.where(Notice.read_at.is_not(None))
    rows = (
        (await session.execute(keyset_page(stmt, [Notice.created_at, Notice.id], cursor, limit, descending=True))).scalars().all()
    )
    return page_of(rows, limit, lambda row: [row.created_at, row.id])


async def own_notice(session: AsyncSession, caller: Caller, notice_id: uuid.UUID) -> Notice:
    notice = await session.scalar(select(Notice).where(Notice.id == notice_id, Notice.account_id == _owner(caller)))
    if notice is None:
        raise NOT_FOUND(f"Notification {notice_id} was not found")
    return notice


async def notice_detail(session: AsyncSession, caller: Caller, notice_id: uuid.UUID) -> dict[str, Any]:
    """A notice with its deliveries, each with every attempt made."""
    notice = await own_notice(session, caller, notice_id)
    deliveries = (
        (await session.execute(select(NoticeDelivery).where(NoticeDelivery.notice_id == notice.id).order_by(NoticeDelivery.id)))
        .scalars()
        .all()
    )
    attempts = (
        (
            await session.execute(
                select(NoticeAttempt).where(NoticeAttempt.delivery_id.in_([d.id for d in deliveries])).order_by(NoticeAttempt.id)
            )
        )
        .scalars()
        .all()
        if deliveries
        else []
    )
    return {
        **{column: getattr(notice, column) for column in ("id", "kind", "item_id", "due_on", "org_id", "title", "body")},
        "created_at": notice.created_at,
        "read_at": notice.read_at,
        "deliveries": [
            {
                "channel": d.channel,
                "status": d.status,
                "attempts": d.attempts,
                "next_attempt_at": d.next_attempt_at,
                "delivered_at": d.delivered_at,
                "attempt_log": [
                    {"at": a.at, "ok": a.ok, "http_status": a.http_status, "error": a.error}
                    for a in attempts
                    if a.delivery_id == d.id
                ],
            }
            for d in deliveries
        ],
    }


async def mark_read(session: AsyncSession, caller: Caller, notice_id: uuid.UUID) -> Notice:
    notice = await own_notice(session, caller, notice_id)
    if notice.read_at is None:
        notice.read_at = datetime.now(UTC)
        await session.flush()
    return notice


async def mark_all_read(session: AsyncSession, caller: Caller) -> int:
    result = await session.execute(
        update(Notice).where(Notice.account_id == _owner(caller), Notice.read_at.is_(None)).values(read_at=datetime.now(UTC))
    )
    return int(getattr(result, "rowcount", 0) or 0)


# ---------------------------------------------------------------- contact addresses


def _shown(cipher: FieldCipher, contact: NoticeContact | None) -> dict[str, str | None]:
    def plain(field: str) -> str | None:
        blob = getattr(contact, field) if contact else None
        return cipher.decrypt(field, blob) if blob else None

    return {field: rules.mask(plain(field)) for field in ADDRESS_FIELDS.values()}


async def get_contact(session: AsyncSession, caller: Caller, cipher: FieldCipher) -> tuple[dict[str, str | None], int | None]:
    """The caller's addresses, masked (the last four characters), and their version (None: never set)."""
    contact = await session.get(NoticeContact, _owner(caller))
    return _shown(cipher, contact), contact.version if contact else None


async def set_contact(
    session: AsyncSession, caller: Caller, cipher: FieldCipher, data: ContactIn, *, preconditions: Preconditions
) -> tuple[dict[str, str | None], int]:
    """Replace the caller's addresses (null clears one), against the version read last (the first
    time: none); stored encrypted. With the new version."""
    account_id = _owner(caller)
    # The account's row lock serializes two first settings of the same contact too.
    if await session.get(Account, account_id, with_for_update=True) is None:  # a token of an account removed since
        raise NOT_FOUND(f"Account {account_id} was not found")
    contact = await session.get(NoticeContact, account_id, with_for_update=True)
    preconditions.check(contact.version if contact else None)
    if contact is None:
        contact = NoticeContact(account_id=account_id, version=0)
        session.add(contact)
    for field in ADDRESS_FIELDS.values():
        value = getattr(data, field)
        setattr(contact, field, cipher.encrypt(field, value) if value else None)
    contact.updated_at = datetime.now(UTC)
    contact.version += 1
    await session.flush()
    return _shown(cipher, contact), contact.version


# ---------------------------------------------------------------- recording reminders


async def organization_admins(session: AsyncSession) -> list[tuple[uuid.UUID, uuid.UUID | None]]:
    """Active accounts holding org_admin: (account id, scope org id)."""
    rows = (
        await session.execute(
            select(Account.id, Account.roles, Account.scope_org_id).where(Account.status == AccountStatus.active)
        )
    ).all()
    return [(account_id, scope) for account_id, roles, scope in rows if RoleCode.org_admin.value in (roles or [])]


async def member_accounts(session: AsyncSession, member_ids: set[uuid.UUID]) -> dict[uuid.UUID, list[uuid.UUID]]:
    """Active accounts linked to each of these members (the own view's link): member id → account ids."""
    found: dict[uuid.UUID, list[uuid.UUID]] = {}
    for chunk in _chunks(member_ids):
        rows = await session.execute(
            select(Account.id, Account.member_id).where(Account.member_id.in_(chunk), Account.status == AccountStatus.active)
        )
        for account_id, member_id in rows.all():
            if member_id is not None:  # the IN list has none; for the type checker
                found.setdefault(member_id, []).append(account_id)
    return found


def _chunks(values: Iterable[T], size: int = IN_CHUNK) -> list[list[T]]:
    listed = list(values)
    return [listed[start : start + size] for start in range(0, len(listed), size)]


async def org_paths(session: AsyncSession, org_ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    paths: dict[uuid.UUID, str] = {}
    for chunk in _chunks(org_ids):
        rows = await session.execute(select(org_replica.c.id, org_replica.c.path).where(org_replica.c.id.in_(chunk)))
        paths.update({org_id: str(path) for org_id, path in rows.all()})
    return paths


async def record_reminders(
    session: AsyncSession,
    items: Sequence[rules.DueItem],
    *,
    now: datetime,
    channels: Sequence[NoticeChannel],
    send_at: datetime,
) -> int:
    """An inbox entry for each responsible account (and the owing member's own, when linked) that
    has none for the item yet, and a delivery per configured channel the account has an address
    for (due at `send_at`). The new count."""
    admins = await organization_admins(session)
    paths = await org_paths(session, {item.org_id for item in items})
    own = await member_accounts(session, {item.member_id for item in items if item.member_id is not None})
    wanted: dict[tuple[uuid.UUID, str], rules.DueItem] = {}
    for item in items:
        path = paths.get(item.org_id)
        if path is None:  # the replica does not know it yet: the next run will
            continue
        for account_id in rules.recipients(path, admins, own.get(item.member_id, []) if item.member_id else []):
            wanted.setdefault((account_id, item.dedupe_key), item)
    if not wanted:
        return 0
    keys = {key for _, key in wanted}
    existing: set[tuple[uuid.UUID, str]] = set()
    for chunk in _chunks(keys):
        rows = await session.execute(select(Notice.account_id, Notice.dedupe_key).where(Notice.dedupe_key.in_(chunk)))
        existing.update((account_id, key) for account_id, key in rows.all())
    contacts: dict[uuid.UUID, NoticeContact] = {}
    for ids in _chunks({account_id for account_id, _ in wanted}):
        found = (await session.execute(select(NoticeContact).where(NoticeContact.account_id.in_(ids)))).scalars()
        contacts.update({contact.account_id: contact for contact in found})
    made = 0
    for (account_id, key), item in sorted(wanted.items(), key=lambda pair: (str(pair[0][0]), pair[0][1])):
        if (account_id, key) in existing:
            continue
        notice = Notice(
            id=uuid.uuid4(),
            account_id=account_id,
            kind=item.kind.value,
            dedupe_key=key,
            item_id=item.item_id,
            due_on=item.due_on,
            org_id=item.org_id,
            title=rules.title(item),
            body=rules.body(item),
            created_at=now,
        )
        session.add(notice)
        contact = contacts.get(account_id)
        for channel in channels:
            if contact is not None and getattr(contact, ADDRESS_FIELDS[channel]):
                session.add(
                    NoticeDelivery(
                        notice_id=notice.id, channel=channel.value, status=DeliveryStatus.pending, next_attempt_at=send_at
                    )
                )
        made += 1
    await session.flush()
    return made
