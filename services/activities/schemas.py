"""The activities service's public shapes, and the Chinese labels of every code it uses."""

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Generic, TypeVar

from pydantic import AwareDatetime, Field

from services.kit.event_types import EventType
from services.kit.schemas import InputSchema, Schema

T = TypeVar("T")
Code = Field(min_length=1, max_length=64, pattern=r"^[a-z_]+$")


class ActivityStatus(StrEnum):
    planned = "planned"
    held = "held"
    cancelled = "cancelled"


class AttendanceStatus(StrEnum):
    present = "present"
    excused = "excused"
    absent = "absent"


class Frequency(StrEnum):
    monthly = "monthly"
    quarterly = "quarterly"
    yearly = "yearly"


class AttachmentKind(StrEnum):
    photo = "photo"
    minutes = "minutes"
    other = "other"


class ContactKind(StrEnum):
    regular = "regular"
    random = "random"


class ContactChannel(StrEnum):
    visit = "visit"
    phone = "phone"
    message = "message"


class ReviewGrade(StrEnum):
    excellent = "excellent"
    qualified = "qualified"
    basically_qualified = "basically_qualified"
    unqualified = "unqualified"


class EvaluationGrade(StrEnum):
    excellent = "excellent"
    good = "good"
    # `pass` is a Python keyword, so the member has another name; the code stays "pass".
    pass_ = "pass"  # noqa: S105
    fail = "fail"


class StudyRecordStatus(StrEnum):
    pending = "pending"
    approved = "approved"
    rejected = "rejected"


class StudyDecisionStatus(StrEnum):
    approved = "approved"
    rejected = "rejected"


def _l(hant: str, hans: str) -> dict[str, str]:
    return {"zh_hant": hant, "zh_hans": hans}


# The seeded activity types (DOMAIN.md "Activities"): code → (繁, 简, organization kinds).
_HOLDERS = ["committee", "general_branch", "branch", "joint_branch"]
SEED_TYPES: dict[str, tuple[str, str, list[str]]] = {
    "study_day": ("黨員學習日/主題黨日", "党员学习日/主题党日", _HOLDERS),
    "general_meeting": ("支部黨員大會", "支部党员大会", ["general_branch", "branch", "joint_branch"]),
    "committee_meeting": ("支委會", "支委会", ["committee", "general_branch"]),
    "group_meeting": ("黨小組會", "党小组会", ["group"]),
    "party_lecture": ("黨課", "党课", _HOLDERS),
    "life_meeting": ("組織生活會", "组织生活会", _HOLDERS),
    "democratic_review": ("民主評議", "民主评议", _HOLDERS),
    "volunteer_service": ("志愿服務", "志愿服务", [*_HOLDERS, "group"]),
    "home_visit": ("走訪/串百家門", "走访/串百家门", [*_HOLDERS, "group"]),
    "home_study_delivery": ("上門送學", "上门送学", [*_HOLDERS, "group"]),
    "co_building": ("共建活動", "共建活动", _HOLDERS),
    "training": ("培訓", "培训", _HOLDERS),
    "public_talk": ("民情懇談", "民情恳谈", _HOLDERS),
    "onsite_meeting": ("現場會", "现场会", _HOLDERS),
    "joint_meeting": ("聯席會議", "联席会议", _HOLDERS),
    "inspection": ("督查", "督查", _HOLDERS),
    "duty_report": ("述職", "述职", [*_HOLDERS, "group"]),
}

ENUM_LABELS: dict[str, dict[str, dict[str, str]]] = {
    "activity_type": {code: _l(hant, hans) for code, (hant, hans, _) in SEED_TYPES.items()},
    "activity_status": {"planned": _l("計劃", "计划"), "held": _l("已舉行", "已举行"), "cancelled": _l("已取消", "已取消")},
    "attendance_status": {"present": _l("出席", "出席"), "excused": _l("請假", "请假"), "absent": _l("缺席", "缺席")},
    "frequency": {"monthly": _l("每月", "每月"), "quarterly": _l("每季度", "每季度"), "yearly": _l("每年", "每年")},
    "attachment_kind": {"photo": _l("照片", "照片"), "minutes": _l("會議記錄", "会议记录"), "other": _l("其他", "其他")},
    "contact_kind": {"regular": _l("定期聯繫", "定期联系"), "random": _l("隨機聯繫", "随机联系")},
    "contact_channel": {"visit": _l("走訪", "走访"), "phone": _l("電話", "电话"), "message": _l("短信/微信", "短信/微信")},
    "review_grade": {
        "excellent": _l("優秀", "优秀"),
        "qualified": _l("合格", "合格"),
        "basically_qualified": _l("基本合格", "基本合格"),
        "unqualified": _l("不合格", "不合格"),
    },
    "evaluation_grade": {
        "excellent": _l("優秀", "优秀"),
        "good": _l("良好", "良好"),
        "pass": _l("合格", "合格"),
        "fail": _l("不合格", "不合格"),
    },
    "study_record_status": {
        "pending": _l("待審批", "待审批"),
        "approved": _l("已批准", "已批准"),
        "rejected": _l("已駁回", "已驳回"),
    },
    "campaign": {
        "five_good": _l("五好", "五好"),
        "satisfied_community": _l("創滿意社區", "创满意社区"),
        "cohesion_project": _l("凝聚力工程", "凝聚力工程"),
    },
}


# ---------------------------------------------------------------- activity types


class ActivityTypeCreate(InputSchema):
    code: str = Code
    zh_hant: str = Field(min_length=1, max_length=100)
    zh_hans: str = Field(min_length=1, max_length=100)
    org_kinds: list[Annotated[str, Field(max_length=32)]] = Field(min_length=1, max_length=10)
    frequency: Frequency | None = None


class ActivityTypeOut(Schema):
    code: str
    zh_hant: str
    zh_hans: str
    org_kinds: list[str]
    frequency: Frequency | None
    builtin: bool


# ---------------------------------------------------------------- venues


class VenueCreate(InputSchema):
    org_id: uuid.UUID
    name: str = Field(min_length=1, max_length=200)
    address: str | None = Field(default=None, max_length=300)
    area_m2: int | None = Field(default=None, ge=0)
    capacity: int | None = Field(default=None, ge=0)


class VenueOut(Schema):
    id: uuid.UUID
    org_id: uuid.UUID
    name: str
    address: str | None
    area_m2: int | None
    capacity: int | None


# ---------------------------------------------------------------- activities


class ActivityCreate(InputSchema):
    org_id: uuid.UUID
    type: str = Code
    title: str = Field(min_length=1, max_length=200)
    starts_at: AwareDatetime
    ends_at: AwareDatetime | None = None
    location: str | None = Field(default=None, max_length=300)
    venue_id: uuid.UUID | None = None
    host_member_id: uuid.UUID | None = None
    content: str | None = Field(default=None, max_length=20000)
    decisions: str | None = Field(default=None, max_length=20000)
    campaign: str | None = Field(default=None, max_length=64)
    unit_ids: list[uuid.UUID] = Field(default_factory=list, max_length=500)
    served_member_id: uuid.UUID | None = None
    expected_member_ids: list[uuid.UUID] | None = Field(default=None, max_length=5000)
    status: ActivityStatus = ActivityStatus.planned


class ActivityUpdate(InputSchema):
    type: str | None = Field(default=None, min_length=1, max_length=64, pattern=r"^[a-z_]+$")
    title: str | None = Field(default=None, min_length=1, max_length=200)
    starts_at: AwareDatetime | None = None
    ends_at: AwareDatetime | None = None
    location: str | None = Field(default=None, max_length=300)
    venue_id: uuid.UUID | None = None
    host_member_id: uuid.UUID | None = None
    content: str | None = Field(default=None, max_length=20000)
    decisions: str | None = Field(default=None, max_length=20000)
    campaign: str | None = Field(default=None, max_length=64)
    unit_ids: list[uuid.UUID] | None = Field(default=None, max_length=500)
    served_member_id: uuid.UUID | None = None
    status: ActivityStatus | None = None


class Activity(Schema):
    id: uuid.UUID
    org_id: uuid.UUID
    type: str
    title: str
    starts_at: datetime
    ends_at: datetime | None
    starts_on: date | None
    location: str | None
    venue_id: uuid.UUID | None
    host_member_id: uuid.UUID | None
    content: str | None
    decisions: str | None
    campaign: str | None
    unit_ids: list[uuid.UUID]
    served_member_id: uuid.UUID | None
    expected_member_ids: list[uuid.UUID] | None
    status: ActivityStatus
    version: int
    created_at: datetime


class ActivitySnapshot(Schema):
    """What `activity.*` events carry (contracts.md)."""

    id: uuid.UUID
    version: int
    org_id: uuid.UUID
    type: str
    title: str
    starts_at: datetime
    ends_at: datetime | None
    status: ActivityStatus


# ---------------------------------------------------------------- attendance


class AttendanceRecord(InputSchema):
    member_id: uuid.UUID
    status: AttendanceStatus
    reason: str | None = Field(default=None, max_length=300)
    hours: Decimal | None = Field(default=None, ge=0, max_digits=6, decimal_places=2)
    guest: bool = False


class AttendanceCreate(InputSchema):
    records: list[AttendanceRecord] = Field(min_length=1, max_length=5000)


class AttendanceChange(InputSchema):
    status: AttendanceStatus | None = None
    reason: str | None = Field(default=None, max_length=300)
    hours: Decimal | None = Field(default=None, ge=0, max_digits=6, decimal_places=2)


class AttendanceOut(Schema):
    member_id: uuid.UUID
    status: AttendanceStatus
    reason: str | None
    hours: Decimal | None
    guest: bool
    version: int  # the ETag of this record is `"<version>"` (If-Match of its PATCH)


class AttendanceSheet(Schema):
    activity_id: uuid.UUID
    expected: int
    present: int
    excused: int
    absent: int
    unrecorded: int
    guests: int
    rate: float | None
    volunteer_hours: Decimal
    items: list[AttendanceOut]


# ---------------------------------------------------------------- attachments


class AttachmentOut(Schema):
    id: uuid.UUID
    activity_id: uuid.UUID
    kind: AttachmentKind
    filename: str
    media_type: str
    size: int
    sha256: str
    created_at: datetime


# ---------------------------------------------------------------- contacts


class ContactCreate(InputSchema):
    org_id: uuid.UUID
    member_id: uuid.UUID
    contacted_on: date
    kind: ContactKind
    channel: ContactChannel
    notes: str | None = Field(default=None, max_length=5000)


class ContactOut(Schema):
    id: uuid.UUID
    org_id: uuid.UUID
    member_id: uuid.UUID
    contacted_on: date
    kind: ContactKind
    channel: ContactChannel
    notes: str | None
    created_at: datetime


# ---------------------------------------------------------------- compliance


class ExemptionCreate(InputSchema):
    org_id: uuid.UUID
    type: str = Code
    starts_on: date
    ends_on: date | None = None
    reason: str = Field(min_length=1, max_length=300)


class ExemptionOut(Schema):
    id: uuid.UUID
    org_id: uuid.UUID
    type: str
    starts_on: date
    ends_on: date | None
    reason: str


class TypeCompliance(Schema):
    type: str
    frequency: Frequency
    expected: int
    held: int
    exempt: bool
    met: bool


class OrgCompliance(Schema):
    org_id: uuid.UUID
    name: str
    kind: str
    groups: int
    items: list[TypeCompliance]
    met: bool


class ComplianceReport(Schema):
    within: uuid.UUID
    period: str
    starts_on: date
    ends_on: date
    organizations: list[OrgCompliance]


class OrgRef(Schema):
    org_id: uuid.UUID
    name: str
    held: int


class MemberRef(Schema):
    member_id: uuid.UUID
    name: str
    org_id: uuid.UUID | None
    whereabouts: str | None = None
    last: date | None = None


class WorkList(Schema, Generic[T]):
    as_of: date
    items: list[T]
    next_cursor: str | None = None


# ---------------------------------------------------------------- evaluations and reviews


class ScoreIn(InputSchema):
    indicator: str = Code
    score: Decimal = Field(max_digits=8, decimal_places=2)
    evidence: list[uuid.UUID] = Field(default_factory=list, max_length=200)


class EvaluationCreate(InputSchema):
    org_id: uuid.UUID
    year: int = Field(ge=1990, le=2100)
    scores: list[ScoreIn] = Field(min_length=1, max_length=50)
    comment: str | None = Field(default=None, max_length=5000)


class ScoreOut(Schema):
    indicator: str
    score: Decimal
    max_score: int
    evidence: list[uuid.UUID]


class EvaluationOut(Schema):
    id: uuid.UUID
    org_id: uuid.UUID
    year: int
    scores: list[ScoreOut]
    total: Decimal
    grade: EvaluationGrade
    comment: str | None


class SatisfactionCreate(InputSchema):
    org_id: uuid.UUID
    year: int = Field(ge=1990, le=2100)
    rating: int
    comment: str | None = Field(default=None, max_length=2000)


class SatisfactionSummary(Schema):
    org_id: uuid.UUID
    year: int
    ratings: int
    average: float | None


class ReviewGradeIn(InputSchema):
    member_id: uuid.UUID
    grade: ReviewGrade


class ReviewCreate(InputSchema):
    org_id: uuid.UUID
    year: int = Field(ge=1990, le=2100)
    grades: list[ReviewGradeIn] = Field(min_length=1, max_length=5000)


class ReviewOut(Schema):
    member_id: uuid.UUID
    org_id: uuid.UUID
    year: int
    grade: ReviewGrade


# ---------------------------------------------------------------- statistics


class StatRow(Schema):
    key: str
    activities: int
    held: int
    attendance_records: int
    present: int
    participation_rate: float | None
    volunteer_hours: Decimal


class ActivityStats(Schema):
    within: uuid.UUID
    period: str
    group_by: str
    rows: list[StatRow]


# ---------------------------------------------------------------- study hours


class StudyRecordCreate(InputSchema):
    member_id: uuid.UUID
    studied_on: date
    hours: Decimal = Field(gt=0, max_digits=5, decimal_places=2)
    title: str = Field(min_length=1, max_length=200)
    content: str | None = Field(default=None, max_length=5000)


class StudyDecision(InputSchema):
    status: StudyDecisionStatus
    note: str | None = Field(default=None, max_length=300)


class StudyRecordOut(Schema):
    id: uuid.UUID
    member_id: uuid.UUID
    org_id: uuid.UUID
    studied_on: date
    hours: Decimal
    title: str
    content: str | None
    status: StudyRecordStatus
    recorded_by: str
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str | None
    created_at: datetime


class MemberStudy(Schema):
    """One member's study hours in the year of `as_of`, up to that day, against what is owed so far."""

    member_id: uuid.UUID
    name: str
    org_id: uuid.UUID | None
    year: int
    as_of: date
    months_owed: int = Field(description="months of the year so far the member owes hours for")
    team_months: int = Field(description="of those, months with a team position (the higher requirement)")
    activity_hours: Decimal = Field(description="present at study activities (training, lectures, study days)")
    home_study_hours: Decimal = Field(description="home-delivered study (elderly and needy members only)")
    self_study_hours: Decimal = Field(description="approved self-study")
    hours: Decimal
    required: Decimal
    shortfall: Decimal


class OrgStudy(Schema):
    org_id: uuid.UUID
    name: str
    members: int
    hours: Decimal
    required: Decimal
    shortfall: Decimal = Field(description="the sum of its members' shortfalls")
    below: int = Field(description="members below their requirement so far")


class StudySummary(Schema):
    within: uuid.UUID
    year: int
    as_of: date
    members: int
    hours: Decimal
    required: Decimal
    shortfall: Decimal
    below: int
    organizations: list[OrgStudy]


# ---------------------------------------------------------------- published events


class StudyClockEvent(MemberStudy):
    """What the study-hours clock announces: the member's standing (without the name)."""

    name: str | None = None  # type: ignore[assignment]


EVENT_TYPES: dict[str, EventType] = {
    "activity.created": EventType("an activity was planned or logged", ActivitySnapshot),
    "activity.updated": EventType("an activity changed", ActivitySnapshot),
    "activity.held": EventType("an activity was held", ActivitySnapshot),
    "activity.cancelled": EventType("an activity was cancelled", ActivitySnapshot),
    "study.below_requirement": EventType(
        "scheduled: a member's study hours are below the requirement so far this year (once a month)", StudyClockEvent
    ),
}
