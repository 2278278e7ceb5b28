"""A file of an activity, as it is listed (the bytes are the body of the upload)."""

import uuid
from datetime import datetime

from services.activities.enums import AttachmentKind
from services.kit.schemas import Schema


class AttachmentOut(Schema):
    id: uuid.UUID
    activity_id: uuid.UUID
    kind: AttachmentKind
    filename: str
    media_type: str
    size: int
    sha256: str
    created_at: datetime
