"""Relationship transfers (組織關係轉接): the request, its decisions, the transfer."""

import uuid
from datetime import date

from pydantic import ConfigDict, Field

from services.kit.schemas import InputSchema, Schema
from services.members.enums import TransferKind, TransferStatus


class TransferCreate(InputSchema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "member_id": "5d6e7f80-9a1b-4c2d-8e3f-4a5b6c7d8e9f",
                    "kind": TransferKind.within,
                    "to_org_id": "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d",
                    "letter_number": "營組轉字2026第015號",
                    "requested_on": "2026-04-08",
                    "reason": "拆遷安置,居住地遷入柳河社區。",
                }
            ]
        }
    )

    member_id: uuid.UUID
    kind: TransferKind = Field(description="within the system; out of it; in from outside (a 'not transferred' member)")
    to_org_id: uuid.UUID | None = Field(default=None, description="receiving organization (within, in)")
    external_org: str | None = Field(default=None, max_length=200, description="the organization outside (out: to, in: from)")
    across_provinces: bool = False
    letter_number: str | None = Field(default=None, max_length=64, description="introduction letter (介紹信) number")
    requested_on: date
    reason: str | None = Field(default=None, max_length=500)


class TransferApprove(InputSchema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"decided_on": "2026-04-10", "letter_number": "營組轉字2026第015號", "issued_on": "2026-04-10"}]
        }
    )

    decided_on: date
    letter_number: str | None = Field(default=None, max_length=64)
    issued_on: date | None = Field(default=None, description="day the letter was issued (default: decided_on)")


class TransferReceive(InputSchema):
    model_config = ConfigDict(json_schema_extra={"examples": [{"received_on": "2026-04-15"}]})

    received_on: date


class TransferClose(InputSchema):
    model_config = ConfigDict(json_schema_extra={"examples": [{"decided_on": "2026-04-12", "reason": "本人申請撤回,暫不轉接。"}]})

    decided_on: date
    reason: str | None = Field(default=None, max_length=500)


class Transfer(Schema):
    id: uuid.UUID
    member_id: uuid.UUID
    kind: TransferKind
    from_org_id: uuid.UUID | None
    to_org_id: uuid.UUID | None
    external_org: str | None
    across_provinces: bool
    letter_number: str | None
    issued_on: date | None
    valid_until: date | None
    status: TransferStatus = Field(description="approved letters past valid_until read as expired")
    requested_on: date
    decided_on: date | None
    received_on: date | None
    reason: str | None
    version: int
