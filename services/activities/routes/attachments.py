"""`/api/v1/activities/{activity_id}/attachments`: an activity's files (photos, minutes); and
`/internal/evidence-orgs`, where the activities and files named as evidence elsewhere belong."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, status
from fastapi.responses import FileResponse

from services.activities import errors
from services.activities.enums import AttachmentKind
from services.activities.routes.deps import Reader, Writer
from services.activities.schemas.attachments import AttachmentOut, EvidenceOrgs, EvidenceRequest
from services.activities.service import attachments
from services.kit.auth import Caller, require_roles
from services.kit.db import ReadSessionDep, WriteSessionDep
from services.kit.filenames import content_disposition
from services.kit.idempotency import Idempotent
from services.kit.problems import answers

router = APIRouter(prefix="/api/v1/activities", tags=["activities"])
internal = APIRouter(prefix="/internal", tags=["internal"])


@router.post(
    "/{activity_id}/attachments",
    status_code=status.HTTP_201_CREATED,
    response_model=AttachmentOut,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                t: {"schema": {"type": "string", "format": "binary"}} for t in ("image/jpeg", "image/png", "application/pdf")
            },
        }
    },
    dependencies=[Idempotent],
    responses=answers(
        errors.NOT_FOUND,
        errors.CONTENT_TOO_LARGE,
        errors.UNSUPPORTED_MEDIA_TYPE,
        errors.VALIDATION_ERROR,
        errors.EMPTY_FILE,
    ),
)
async def upload_attachment(
    activity_id: uuid.UUID,
    request: Request,
    session: WriteSessionDep,
    ctx: Writer,
    filename: Annotated[str, Query(min_length=1, max_length=200)],
    kind: AttachmentKind = AttachmentKind.photo,
) -> AttachmentOut:
    """The file is the raw request body, its type the Content-Type header (no multipart)."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    length = request.headers.get("content-length")
    stored = await attachments.store_attachment(
        session,
        ctx,
        activity_id,
        kind=kind,
        filename=filename,
        media_type=media_type,
        declared_length=int(length) if length and length.isdigit() else None,
        chunks=request.stream(),
    )
    return AttachmentOut.model_validate(stored)


@router.get("/{activity_id}/attachments", response_model=list[AttachmentOut], responses=answers(errors.NOT_FOUND))
async def list_attachments(activity_id: uuid.UUID, session: ReadSessionDep, ctx: Reader) -> list[AttachmentOut]:
    return [AttachmentOut.model_validate(a) for a in await attachments.list_attachments(session, ctx, activity_id)]


@router.get(
    "/{activity_id}/attachments/{attachment_id}/content", response_class=FileResponse, responses=answers(errors.NOT_FOUND)
)
async def download_attachment(
    activity_id: uuid.UUID, attachment_id: uuid.UUID, session: ReadSessionDep, ctx: Reader
) -> FileResponse:
    found = await attachments.get_attachment(session, ctx, activity_id, attachment_id)
    path = attachments.blob_path(ctx.data_dir, found.sha256)
    # Sanitized again: rows stored before names were sanitized at upload.
    return FileResponse(path, media_type=found.media_type, headers={"Content-Disposition": content_disposition(found.filename)})


@internal.post("/evidence-orgs", response_model=EvidenceOrgs)
async def evidence_orgs(
    data: EvidenceRequest, session: ReadSessionDep, _caller: Annotated[Caller, require_roles("service")]
) -> EvidenceOrgs:
    """The organization of each activity and attachment named as evidence in another service (a
    task's reply, a rectification's report), for that service to check them in its caller's scope."""
    return await attachments.evidence_orgs(session, data)
