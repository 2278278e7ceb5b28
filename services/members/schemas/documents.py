"""Printed documents: what a verification confirms (no personal data: the kind, the number, the
issuing organization's name and the date)."""

from datetime import date

from pydantic import Field

from services.kit.schemas import Schema
from services.members.enums import DocumentKind


class DocumentVerification(Schema):
    valid: bool = True
    kind: DocumentKind
    kind_label: str = Field(description="the kind in the reader's script")
    number: str
    org_name: str = Field(description="the issuing organization, as printed")
    issued_on: date
