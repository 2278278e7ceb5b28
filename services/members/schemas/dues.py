"""The dues ledger (黨費): a member's month, its assessment, payment and reduction; the treasurer's lists."""

import uuid
from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from services.kit.schemas import InputSchema, Schema
from services.members.enums import DuesCategory, DuesReduction
from services.members.schemas.common import MonthOut

MONTH_PATTERN = r"^[1-9][0-9]{3}-(0[1-9]|1[0-2])$"


# Money in whole fen: a JSON float (even 12.0) or a string is refused, as is a negative amount.
Fen = Annotated[int, Field(strict=True, ge=0, le=10**12)]


class DuesAssess(InputSchema):
    """The month's base and category; the rate and the amount due are computed from the policy."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"category": DuesCategory.retiree, "base_fen": 312000}]})

    category: DuesCategory
    base_fen: Fen | None = Field(default=None, description="monthly after-tax income in fen (salaried, retiree)")
    unpaid_reason: str | None = Field(
        default=None, max_length=500, description="why the month is not paid (keeps the member off the unpaid list)"
    )


class DuesPayment(InputSchema):
    model_config = ConfigDict(json_schema_extra={"examples": [{"paid_fen": 1560, "paid_on": "2026-03-05"}]})

    paid_fen: Fen = Field(description="exactly the amount due, in fen")
    paid_on: date
    paid_by_member_id: uuid.UUID | None = Field(default=None, description="代繳: another member who paid")


class DuesReductionCreate(InputSchema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "kind": DuesReduction.reduced,
                    "due_fen": 200,
                    "approved_by": "中共青山鎮柳河社區委員會",
                    "approved_on": "2026-02-26",
                    "reason": "因病生活困難,經支部研究、上級黨委批准減交。",
                }
            ]
        }
    )

    kind: DuesReduction
    due_fen: Fen | None = Field(default=None, description="reduced: the approved amount (below the standard)")
    approved_by: str = Field(min_length=1, max_length=200)
    approved_on: date
    reason: str = Field(min_length=1, max_length=500)


class DuesMonthOut(Schema):
    member_id: uuid.UUID
    org_id: uuid.UUID
    month: MonthOut
    category: DuesCategory
    base_fen: int | None
    rate_bp: int | None = Field(description="basis points of the base (50 = 0.5%); null for a flat amount")
    standard_fen: int = Field(description="the amount by the policy's table")
    due_fen: int = Field(description="the amount due after a reduction or exemption")
    reduction: DuesReduction | None
    reduction_approved_by: str | None
    reduction_approved_on: date | None
    reduction_reason: str | None
    unpaid_reason: str | None
    paid_fen: int | None
    paid_on: date | None
    paid_by_member_id: uuid.UUID | None
    settled: bool
    version: int


class DuesUnpaid(BaseModel):
    member_id: uuid.UUID
    name: str
    org_id: uuid.UUID
    paid_through: MonthOut | None
    months_unpaid: int


class DuesTotal(BaseModel):
    org_id: uuid.UUID
    org_name: str | None
    month: MonthOut
    members: int
    due_fen: int
    paid_fen: int
    unpaid_members: int
