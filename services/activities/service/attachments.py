"""Attachments of an activity: streamed to disk with a byte count, content-addressed, checked by type.

The body is never read whole: bytes are counted as they arrive and the upload stops with 413 as
soon as the count passes the policy limit (a declared Content-Length over it is refused before
reading anything). The declared type must be allowed (else 415) and the first bytes must be
those of that type (else 415), so a renamed executable is not stored as a photo.
"""

import contextlib
import hashlib
import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.activities import errors
from services.activities.enums import AttachmentKind
from services.activities.models import Activity, Attachment
from services.activities.rules import attachments as rules
from services.activities.schemas.attachments import EvidenceOrgs, EvidenceRequest
from services.activities.service import counties
from services.activities.service.activities import get_activity
from services.activities.service.common import ActivitiesContext
from services.kit.filenames import safe_filename
from services.kit.problems import NotFound, Problem

HEAD_BYTES = 16


def _too_large(limit: int) -> Problem:
    return errors.CONTENT_TOO_LARGE(f"The file is larger than {limit} bytes", limit=limit)


def _unsupported(detail: str, allowed: tuple[str, ...]) -> Problem:
    return errors.UNSUPPORTED_MEDIA_TYPE(detail, allowed=list(allowed))


def storage_root(data_dir: Path) -> Path:
    return data_dir / "attachments"


def blob_path(data_dir: Path, sha256: str) -> Path:
    return storage_root(data_dir) / sha256[:2] / sha256


async def store_attachment(
    session: AsyncSession,
    ctx: ActivitiesContext,
    activity_id: uuid.UUID,
    *,
    kind: AttachmentKind,
    filename: str,
    media_type: str,
    declared_length: int | None,
    chunks: AsyncIterator[bytes],
) -> Attachment:
    activity = await get_activity(session, ctx, activity_id)
    limit = ctx.policy.attachment_max_bytes
    allowed = ctx.policy.attachment_media_types
    if media_type not in allowed:
        raise _unsupported(f"Files of type {media_type or 'unknown'} are not accepted", allowed)
    if declared_length is not None and declared_length > limit:
        raise _too_large(limit)
    incoming = storage_root(ctx.data_dir) / "incoming"
    incoming.mkdir(parents=True, exist_ok=True)
    temporary = incoming / uuid.uuid4().hex
    digest = hashlib.sha256()
    size = 0
    head = b""
    try:
        with temporary.open("wb") as out:
            async for chunk in chunks:
                size += len(chunk)
                if size > limit:
                    raise _too_large(limit)
                if len(head) < HEAD_BYTES:
                    head += chunk[: HEAD_BYTES - len(head)]
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            # A plain Problem, not the kind's Unprocessable: this answer has never carried `errors`.
            raise Problem(422, "The file is empty", slug=errors.EMPTY_FILE.slug)
        if not rules.content_matches(media_type, head):
            raise _unsupported(f"The content is not {media_type}", allowed)
        sha256 = digest.hexdigest()
        target = blob_path(ctx.data_dir, sha256)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(temporary, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
    attachment = Attachment(
        activity_id=activity.id,
        county_id=activity.county_id,
        kind=kind.value,
        filename=safe_filename(filename),  # a label, never a path (kit/filenames.py)
        media_type=media_type,
        size=size,
        sha256=sha256,
    )
    session.add(attachment)
    await session.flush()
    return attachment


async def list_attachments(session: AsyncSession, ctx: ActivitiesContext, activity_id: uuid.UUID) -> list[Attachment]:
    activity = await get_activity(session, ctx, activity_id)
    stmt = select(Attachment).where(counties.of_activity(Attachment, activity)).order_by(Attachment.created_at, Attachment.id)
    return list((await session.execute(stmt)).scalars().all())


async def get_attachment(
    session: AsyncSession, ctx: ActivitiesContext, activity_id: uuid.UUID, attachment_id: uuid.UUID
) -> Attachment:
    activity = await get_activity(session, ctx, activity_id)
    attachment = await session.scalar(
        select(Attachment).where(Attachment.id == attachment_id, counties.of_activity(Attachment, activity))
    )
    if attachment is None:
        raise NotFound("Attachment", attachment_id)
    return attachment


async def evidence_orgs(session: AsyncSession, data: EvidenceRequest) -> EvidenceOrgs:
    """The organization of each named activity and attachment that exists (the caller, one of our
    services, decides with its own tree whether that is in its caller's scope)."""
    activities: dict[uuid.UUID, uuid.UUID] = {}
    attachments: dict[uuid.UUID, uuid.UUID] = {}
    if data.activity_ids:
        rows = await session.execute(select(Activity.id, Activity.org_id).where(Activity.id.in_(set(data.activity_ids))))
        activities = {row.id: row.org_id for row in rows}
    if data.attachment_ids:
        rows = await session.execute(
            select(Attachment.id, Activity.org_id)
            .join(Activity, counties.with_its_activity(Attachment))
            .where(Attachment.id.in_(set(data.attachment_ids)))
        )
        attachments = {row.id: row.org_id for row in rows}
    return EvidenceOrgs(activities=activities, attachments=attachments)
