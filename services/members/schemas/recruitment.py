"""The recruitment pipeline (發展黨員): applications, their steps, work lists and statistics."""

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from services.kit.schemas import InputSchema, Schema
from services.members.enums import (
    Education,
    Occupation,
    RecruitmentDueKind,
    RecruitmentStage,
    RecruitmentStepKind,
    RecruitStatsDimension,
    Sex,
)
from services.members.schemas.common import MonthOut
from services.members.schemas.records import PersonCreate

Documents = Annotated[
    list[Annotated[str, Field(min_length=1, max_length=200)]],
    Field(default=[], max_length=30, description="the documents of the step (names or file references)"),
]


class ApplicationCreate(PersonCreate):
    """The application (入黨申請書) received by the organization that will hold the member."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "張𠮷祥",
                    "sex": Sex.male,
                    "ethnicity": "漢族",
                    "id_number": "511322199609081514",
                    "birth_date": "1996-09-08",
                    "phone": "15982761234",
                    "education": Education.college,
                    "occupation": Occupation.self_employed,
                    "org_id": "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d",
                    "residence_community_id": "0e5a2c1b-7d3f-4b8e-9c6a-2f1d3e4b5a60",
                    "applied_on": "2026-03-02",
                    "deciding_body": "中共青山鎮柳河社區第一支部委員會",
                    "documents": ["入黨申請書"],
                }
            ]
        }
    )

    org_id: uuid.UUID = Field(description="the branch receiving the application; it will hold the member")
    residence_community_id: uuid.UUID | None = None
    applied_on: date
    deciding_body: str | None = Field(default=None, max_length=200, description="who received the application")
    documents: Documents


class _Step(InputSchema):
    effective_on: date
    deciding_body: str = Field(min_length=1, max_length=200, description="the body (or person) that decided or did the step")
    documents: Documents
    reason: str | None = Field(default=None, max_length=500)


class TalkStep(_Step):
    """談話: within the policy's month of the application, or later with a reason."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "kind": RecruitmentStepKind.talk,
                    "effective_on": "2026-03-20",
                    "deciding_body": "中共青山鎮柳河社區第一支部委員會",
                    "documents": ["談話記錄"],
                }
            ]
        }
    )

    kind: Literal[RecruitmentStepKind.talk]


class ActivistStep(_Step):
    """確定為入黨積極分子, with the policy's 1-2 full members as contacts (培養聯系人)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "kind": RecruitmentStepKind.activist,
                    "effective_on": "2026-04-15",
                    "deciding_body": "中共青山鎮柳河社區第一支部委員會",
                    "documents": ["支委會會議記錄", "入黨積極分子推薦表"],
                    "contact_ids": ["5d6e7f80-9a1b-4c2d-8e3f-4a5b6c7d8e9f", "7c1e9a52-3b4d-4f6a-8e2c-9d0b1a2c3e4f"],
                }
            ]
        }
    )

    kind: Literal[RecruitmentStepKind.activist]
    contact_ids: list[uuid.UUID] = Field(max_length=10)


class ReviewStep(_Step):
    """考察 of an activist (the work list names activists not reviewed for the policy's months)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "kind": RecruitmentStepKind.review,
                    "effective_on": "2026-10-15",
                    "deciding_body": "中共青山鎮柳河社區第一支部委員會",
                    "documents": ["入黨積極分子考察登記表"],
                }
            ]
        }
    )

    kind: Literal[RecruitmentStepKind.review]


class TargetStep(_Step):
    """確定為發展對象: an activist for at least the policy's year."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "kind": RecruitmentStepKind.development_target,
                    "effective_on": "2027-04-20",
                    "deciding_body": "中共青山鎮柳河社區第一支部委員會",
                    "documents": ["支委會會議記錄", "政治審查報告"],
                }
            ]
        }
    )

    kind: Literal[RecruitmentStepKind.development_target]


class AdmissionStep(_Step):
    """支部大會討論接收 (effective_on is the meeting): the training, the two introducers and the public notice."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "kind": RecruitmentStepKind.admission,
                    "effective_on": "2027-07-01",
                    "deciding_body": "中共青山鎮柳河社區第一支部委員會",
                    "documents": ["入黨志願書", "支部大會會議記錄"],
                    "introducer_ids": ["5d6e7f80-9a1b-4c2d-8e3f-4a5b6c7d8e9f", "7c1e9a52-3b4d-4f6a-8e2c-9d0b1a2c3e4f"],
                    "training_days": 3,
                    "training_hours": 24,
                    "notice_from": "2027-06-10",
                    "notice_to": "2027-06-16",
                }
            ]
        }
    )

    kind: Literal[RecruitmentStepKind.admission]
    introducer_ids: list[uuid.UUID] = Field(max_length=10)
    training_days: int = Field(ge=0, le=366)
    training_hours: int = Field(ge=0, le=10_000)
    notice_from: date
    notice_to: date


class ApprovalStep(_Step):
    """上級黨委審批: the member record is made, probationary from the branch meeting."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "kind": RecruitmentStepKind.approval,
                    "effective_on": "2027-08-20",
                    "deciding_body": "中共青山鎮委員會",
                    "documents": ["黨委審批意見"],
                }
            ]
        }
    )

    kind: Literal[RecruitmentStepKind.approval]


class ExtensionStep(_Step):
    """延長預備期, once, by the policy's 6-12 months."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "kind": RecruitmentStepKind.extension,
                    "effective_on": "2028-07-01",
                    "deciding_body": "中共青山鎮柳河社區第一支部委員會",
                    "documents": ["支部大會會議記錄"],
                    "months": 6,
                    "reason": "預備期內學習不夠深入,需繼續考察。",
                }
            ]
        }
    )

    kind: Literal[RecruitmentStepKind.extension]
    months: int = Field(ge=1, le=60)


class FullStep(_Step):
    """轉正 at or after the end of the probation: the record's party status becomes full."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "kind": RecruitmentStepKind.full,
                    "effective_on": "2028-07-01",
                    "deciding_body": "中共青山鎮柳河社區第一支部委員會",
                    "documents": ["轉正申請書", "支部大會會議記錄"],
                }
            ]
        }
    )

    kind: Literal[RecruitmentStepKind.full]


class CancelStep(_Step):
    """終止 the application, or 取消預備黨員資格 (the record is closed as `left`)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "kind": RecruitmentStepKind.cancelled,
                    "effective_on": "2026-05-10",
                    "deciding_body": "中共青山鎮柳河社區第一支部委員會",
                    "documents": ["撤回申請書"],
                    "reason": "本人書面申請撤回入黨申請。",
                }
            ]
        }
    )

    kind: Literal[RecruitmentStepKind.cancelled]
    reason: str = Field(min_length=1, max_length=500)


RecruitmentStepCreate = Annotated[
    TalkStep | ActivistStep | ReviewStep | TargetStep | AdmissionStep | ApprovalStep | ExtensionStep | FullStep | CancelStep,
    Field(discriminator="kind"),
]


class Application(BaseModel):
    id: uuid.UUID
    org_id: uuid.UUID
    stage: RecruitmentStage
    name: str
    sex: Sex
    ethnicity: str | None
    id_number: str = Field(description="masked unless the caller's role may see it")
    birth_date: date | None = Field(description="null when masked (see /members)")
    birth_year_month: MonthOut
    phone: str | None = Field(description="masked unless the caller's role may see it")
    education: Education
    occupation: Occupation
    residence_community_id: uuid.UUID | None
    applied_on: date
    talked_on: date | None
    activist_on: date | None
    reviewed_on: date | None
    contact_ids: list[uuid.UUID]
    target_on: date | None
    introducer_ids: list[uuid.UUID]
    training: dict[str, int]
    notice_from: date | None
    notice_to: date | None
    meeting_on: date | None = Field(description="the branch meeting; the probation counts from it")
    approved_on: date | None
    member_id: uuid.UUID | None = Field(description="the member record, from the approval on")
    extension_months: int
    probation_ends_on: date | None
    full_on: date | None
    closed_on: date | None
    version: int
    masked: bool


class RecruitmentStepOut(Schema):
    seq: int
    kind: RecruitmentStepKind
    effective_on: date
    deciding_body: str | None
    documents: list[str]
    details: dict[str, Any]
    actor: str | None
    recorded_at: datetime


class RecruitmentDue(BaseModel):
    application: Application
    kind: RecruitmentDueKind
    since: date = Field(description="when the clock started (application, last review, joining, branch meeting)")
    due_on: date


class RecruitStatsRow(BaseModel):
    year: int
    key: str
    count: int


class RecruitStats(BaseModel):
    group_by: RecruitStatsDimension
    age_bands: list[str] | None = Field(description="age at the branch meeting, by the policy's edges")
    rows: list[RecruitStatsRow]
