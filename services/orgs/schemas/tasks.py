"""Shapes of tasks sent down (下發任務): the task, its recipients, their replies and the decisions."""

import uuid
from datetime import date

from pydantic import ConfigDict, Field, model_validator

from services.kit.schemas import InputSchema, Schema
from services.orgs.enums import AssignmentStatus, DiagnosticRule, Evidence, ReplyDecision, TaskRecipients, WorkList
from services.orgs.schemas.common import TEXT_MAX, Name

MAX_REFERENCES = 50
MAX_RECIPIENTS = 5000


class RecipientsIn(InputSchema):
    """Who receives the task, always within the issuer's subtree (the issuer itself never)."""

    mode: TaskRecipients
    org_ids: list[uuid.UUID] = Field(default_factory=list, max_length=MAX_RECIPIENTS, description="For `listed`")
    worklist: WorkList | None = Field(default=None, description="For mode `work_list`: the communities on that list, today")
    rule: DiagnosticRule | None = Field(default=None, description="For `diagnostic`: the organizations with that problem, today")

    @model_validator(mode="after")
    def _one_way(self) -> "RecipientsIn":
        # Each mode but `all_communities` has its one selection, and no mode takes another's.
        given = {
            TaskRecipients.listed: bool(self.org_ids),
            TaskRecipients.work_list: self.worklist is not None,
            TaskRecipients.diagnostic: self.rule is not None,
        }
        if self.mode in given and not given[self.mode]:
            raise ValueError(f"mode {self.mode.value} needs its selection (org_ids, worklist or rule)")
        if any(present for mode, present in given.items() if mode is not self.mode):
            raise ValueError(f"a selection given does not go with mode {self.mode.value}")
        return self


class TaskCreate(InputSchema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "issuer_org_id": "0b5f6a8e-4f7e-4a59-9a53-2f3c0a6f1b10",
                    "title": "充實社區後備幹部隊伍",
                    "content": "各社區於月底前每村至少確定2名後備幹部人選並報鎮黨委。",
                    "deadline": "2026-12-31",
                    "evidence_required": [Evidence.text, Evidence.attachment],
                    "recipients": {"mode": TaskRecipients.work_list, "worklist": WorkList.reserve_pools},
                }
            ]
        }
    )

    issuer_org_id: uuid.UUID = Field(description="The organization sending the task down (in the caller's scope)")
    title: str = Name
    content: str = Field(min_length=1, max_length=TEXT_MAX)
    deadline: date
    evidence_required: list[Evidence] = Field(default_factory=list, max_length=len(Evidence))
    evidence_note: str | None = Field(default=None, max_length=TEXT_MAX, description="What the evidence should show")
    recipients: RecipientsIn


class ReplyCreate(InputSchema):
    """A recipient's reply. Activity and attachment ids are kept as references to the activities
    service's records, as given: this service cannot see them (no replica of activities), and the
    issuer opens them there, where its own scope applies."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "text": "已確定後備幹部2名,名單見附件。",
                    "attachment_ids": ["5d1c9b1e-1f0a-4a3b-8c67-0f4d7e2a9b11"],
                    "activity_ids": [],
                }
            ]
        }
    )

    text: str | None = Field(default=None, max_length=TEXT_MAX)
    activity_ids: list[uuid.UUID] = Field(default_factory=list, max_length=MAX_REFERENCES)
    attachment_ids: list[uuid.UUID] = Field(default_factory=list, max_length=MAX_REFERENCES)

    @model_validator(mode="after")
    def _something(self) -> "ReplyCreate":
        if not (self.text or self.activity_ids or self.attachment_ids):
            raise ValueError("a reply carries text, attachments or activities")
        return self


class DecisionCreate(InputSchema):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"decision": ReplyDecision.return_, "note": "名單缺少學歷情況,請補充。"}]}
    )

    decision: ReplyDecision
    note: str | None = Field(default=None, max_length=TEXT_MAX, description="Required when returning: what is missing")

    @model_validator(mode="after")
    def _why(self) -> "DecisionCreate":
        if self.decision is ReplyDecision.return_ and not self.note:
            raise ValueError("a returned reply says why (note)")
        return self


class Reply(Schema):
    number: int
    text: str | None
    activity_ids: list[uuid.UUID]
    attachment_ids: list[uuid.UUID]
    replied_on: date
    decision: ReplyDecision | None
    note: str | None


class Assignment(Schema):
    """One recipient of a task: where it stands, its replies in order."""

    task_id: uuid.UUID
    org_id: uuid.UUID
    org_name: str
    status: AssignmentStatus
    overdue: bool
    replied_on: date | None
    accepted_on: date | None
    replies: list[Reply]
    version: int


class StatusCounts(Schema):
    pending: int = 0
    replied: int = 0
    returned: int = 0
    accepted: int = 0
    overdue: int = 0


class Task(Schema):
    id: uuid.UUID
    issuer_org_id: uuid.UUID
    title: str
    content: str
    deadline: date
    evidence_required: list[Evidence]
    evidence_note: str | None
    issued_on: date
    recipients_mode: TaskRecipients
    counts: StatusCounts = Field(description="The recipients the caller may see, by status")
    version: int


class TaskDetail(Task):
    recipients: list[Assignment] = Field(description="The recipients in the caller's scope (all of them for the issuer's side)")


class OverdueItem(Schema):
    """A recipient past a task's deadline and still owing a reply."""

    task_id: uuid.UUID
    title: str
    issuer_org_id: uuid.UUID
    deadline: date
    org_id: uuid.UUID
    org_name: str
    status: AssignmentStatus
    days_overdue: int
