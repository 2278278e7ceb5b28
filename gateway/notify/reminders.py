"""The reminder job: what is due, read from the services' own lists over HTTP (as the gateway's
service identity, which reads the whole deployment), recorded once per due item and responsible
account (`service.record_reminders`); an item a member owes themselves (a floating member's
periodic report) goes to that member's linked account too.

Each list is read to its end, page by page; a list that cannot be read (its service away) is
skipped for this run and named in the job's outcome — the next run reads it again, and what was
recorded already is not recorded twice. The lists that need a level to ask from (overdue tasks,
study) are asked once per root of the org tree.
"""

import logging
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.enums import NoticeChannel, NoticeKind
from gateway.events.models import org_replica
from gateway.notify import rules, service
from services.kit.context import today_in
from services.kit.pagination import MAX_LIMIT
from services.kit.peers import PeerClient

logger = logging.getLogger("gateway.notify")

JOB_NAME = "notify.reminders"
MAX_PAGES = 500  # 100 000 items of one list: a run stops there rather than never ending

Parse = Callable[[date, Iterable[Mapping[str, Any]]], list[rules.DueItem]]


@dataclass(frozen=True)
class Source:
    kind: NoticeKind
    service: str
    path: str
    params: dict[str, str]
    parse: Parse
    per_root: bool = False  # asked once per root of the org tree (the list needs a level)
    as_of: bool = True  # the list takes the run's day (the others take the service's own today)


SOURCES = (
    Source(NoticeKind.term, "orgs", "/api/v1/terms", {}, lambda _d, items: rules.term_items(items)),
    Source(
        NoticeKind.rectification,
        "orgs",
        "/api/v1/rectifications",
        {"overdue": "true"},
        lambda _d, items: rules.rectification_items(items),
        as_of=False,
    ),
    Source(
        NoticeKind.task,
        "orgs",
        "/api/v1/tasks/overdue",
        {},
        lambda _d, items: rules.task_items(items),
        per_root=True,
        as_of=False,
    ),
    Source(
        NoticeKind.probation,
        "members",
        "/api/v1/members/due",
        {"kind": "full"},
        lambda _d, items: rules.member_due_items(NoticeKind.probation, items),
    ),
    Source(
        NoticeKind.lost_contact,
        "members",
        "/api/v1/members/due",
        {"kind": "suspension"},
        lambda _d, items: rules.member_due_items(NoticeKind.lost_contact, items),
    ),
    Source(NoticeKind.dues, "members", "/api/v1/dues/unpaid", {}, rules.dues_items),
    Source(
        NoticeKind.study,
        "activities",
        "/api/v1/study/below-requirement",
        {},
        lambda _d, items: rules.study_items(items),
        per_root=True,
    ),
    Source(
        NoticeKind.floating_report,
        "members",
        "/api/v1/members/worklists/floating-reports",
        {"missing_only": "true"},
        lambda _d, items: rules.floating_report_items(items),
    ),
)


async def read_list(peer: PeerClient, path: str, params: dict[str, str]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    for _ in range(MAX_PAGES):
        page = await peer.get_json(path, params={**params, "limit": str(MAX_LIMIT), **({"cursor": cursor} if cursor else {})})
        items += page["items"]
        cursor = page.get("next_cursor")
        if not cursor:
            break
    return items


async def roots(session: AsyncSession) -> list[uuid.UUID]:
    return list((await session.scalars(select(org_replica.c.id).where(org_replica.c.parent_id.is_(None)))).all())


async def due_items(
    peers: Mapping[str, PeerClient], root_ids: list[uuid.UUID], today: date
) -> tuple[list[rules.DueItem], list[str]]:
    """Every due item the services list, and the names of the lists that could not be read."""
    found: list[rules.DueItem] = []
    failed: list[str] = []
    for source in SOURCES:
        params = source.params | ({"as_of": today.isoformat()} if source.as_of else {})
        askings = [params | {"within": str(root)} for root in root_ids] if source.per_root else [params]
        for asking in askings:
            try:
                found += source.parse(today, await read_list(peers[source.service], source.path, asking))
            except httpx.HTTPStatusError as error:
                # A root of the gateway's copy of the tree that this service does not know (dissolved,
                # or never its): nothing is due under it, and the other roots are read all the same.
                if source.per_root and error.response.status_code == 404:
                    continue
                logger.warning("reminder source unread", extra={"source": source.kind.value, "error": type(error).__name__})
                if source.kind.value not in failed:
                    failed.append(source.kind.value)
            except Exception as error:  # a service away, an error status, an answer of another shape
                # This list waits for the next run; the exception's type only (no personal data in logs).
                logger.warning("reminder source unread", extra={"source": source.kind.value, "error": type(error).__name__})
                if source.kind.value not in failed:
                    failed.append(source.kind.value)
    return found, failed


async def run_reminders(
    session: AsyncSession,
    peers: Mapping[str, PeerClient],
    settings: rules.NotifySettings,
    timezone: str,
    *,
    now: datetime | None = None,
) -> str:
    """One run: read what is due today (in the deployment's zone), record what is new. The outcome."""
    moment = now or datetime.now(UTC)
    today = today_in(timezone, moment)
    items, failed = await due_items(peers, await roots(session), today)
    channels: list[NoticeChannel] = settings.channels()
    send_at = rules.first_send_at(moment, rules.parse_quiet_hours(settings.quiet_hours), timezone)
    made = await service.record_reminders(session, items, now=moment, channels=channels, send_at=send_at)
    outcome = f"{len(items)} due, {made} new notices"
    return outcome + (f"; unread: {', '.join(failed)}" if failed else "")
