"""The members service's public shapes, its enums and their Chinese labels."""

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

from services.kit.schemas import InputSchema, Schema


class Sex(StrEnum):
    male = "male"
    female = "female"


class Education(StrEnum):
    postgraduate = "postgraduate"
    bachelor = "bachelor"
    college = "college"
    secondary = "secondary"
    junior_high = "junior_high"
    primary_or_below = "primary_or_below"


class Occupation(StrEnum):
    in_service = "in_service"
    laid_off = "laid_off"
    retired = "retired"
    farmer = "farmer"
    migrant_worker = "migrant_worker"
    self_employed = "self_employed"
    student = "student"
    other = "other"


class PartyStatus(StrEnum):
    probationary = "probationary"
    full = "full"


class MemberState(StrEnum):
    normal = "normal"
    lost_contact = "lost_contact"
    suspended = "suspended"
    retained = "retained"
    left = "left"
    deceased = "deceased"
    transferred_out = "transferred_out"


class Whereabouts(StrEnum):
    resident = "resident"
    not_transferred = "not_transferred"
    floating_out = "floating_out"
    displaced = "displaced"


class MemberEventKind(StrEnum):
    joined = "joined"
    became_full = "became_full"
    state_changed = "state_changed"
    whereabouts_changed = "whereabouts_changed"
    org_changed = "org_changed"
    details_changed = "details_changed"
    care_enrolled = "care_enrolled"
    care_updated = "care_updated"


class DueKind(StrEnum):
    suspension = "suspension"
    full = "full"
    transfer = "transfer"


def _labels(**pairs: tuple[str, str]) -> dict[str, dict[str, str]]:
    return {code: {"zh_hant": hant, "zh_hans": hans} for code, (hant, hans) in pairs.items()}


ENUM_LABELS: dict[str, dict[str, dict[str, str]]] = {
    "sex": _labels(male=("男", "男"), female=("女", "女")),
    "education": _labels(
        postgraduate=("研究生", "研究生"),
        bachelor=("大學本科", "大学本科"),
        college=("大學專科", "大学专科"),
        secondary=("中專/高中", "中专/高中"),
        junior_high=("初中", "初中"),
        primary_or_below=("小學及以下", "小学及以下"),
    ),
    "occupation": _labels(
        in_service=("在職", "在职"),
        laid_off=("下崗/失業", "下岗/失业"),
        retired=("退休", "退休"),
        farmer=("農民", "农民"),
        migrant_worker=("外出務工", "外出务工"),
        self_employed=("個體", "个体"),
        student=("學生", "学生"),
        other=("其他", "其他"),
    ),
    "party_status": _labels(probationary=("預備黨員", "预备党员"), full=("正式黨員", "正式党员")),
    "member_state": _labels(
        normal=("正常", "正常"),
        lost_contact=("失聯", "失联"),
        suspended=("停止黨籍", "停止党籍"),
        retained=("保留黨籍", "保留党籍"),
        left=("出黨", "出党"),
        deceased=("去世", "去世"),
        transferred_out=("已轉出", "已转出"),
    ),
    "whereabouts": _labels(
        resident=("在本社區", "在本社区"),
        not_transferred=("組織關係未轉入", "组织关系未转入"),
        floating_out=("外出流動", "外出流动"),
        displaced=("拆遷過渡在外", "拆迁过渡在外"),
    ),
    "member_event_kind": _labels(
        joined=("入黨", "入党"),
        became_full=("轉正", "转正"),
        state_changed=("狀態變更", "状态变更"),
        whereabouts_changed=("去向變更", "去向变更"),
        org_changed=("組織關係變更", "组织关系变更"),
        details_changed=("信息變更", "信息变更"),
        care_enrolled=("納入關愛", "纳入关爱"),
        care_updated=("關愛變更", "关爱变更"),
    ),
    "stats_population": _labels(
        members=("黨員 (組織關係在此)", "党员 (组织关系在此)"),
        not_transferred=("組織關係未轉入", "组织关系未转入"),
        all=("全部記錄", "全部记录"),
    ),
    "transfer_kind": _labels(
        within=("系統內轉接", "系统内转接"), out=("轉出系統外", "转出系统外"), **{"in": ("從系統外轉入", "从系统外转入")}
    ),
    "transfer_status": _labels(
        requested=("已申請", "已申请"),
        approved=("已開具介紹信", "已开具介绍信"),
        received=("已接收", "已接收"),
        rejected=("已拒絕", "已拒绝"),
        cancelled=("已撤銷", "已撤销"),
        expired=("介紹信已過期", "介绍信已过期"),
    ),
    "care_program": _labels(green_channel=("綠色通道", "绿色通道"), education_upgrade=("學歷進修", "学历进修")),
    "care_ground": _labels(elderly=("老黨員", "老党员"), needy=("困難黨員", "困难党员")),
    "care_service": _labels(
        home_study_delivery=("上門送學", "上门送学"), life_pairing=("生活結對", "生活结对"), work_help=("工作幫扶", "工作帮扶")
    ),
    "due_kind": _labels(
        suspension=("應停止黨籍", "应停止党籍"), full=("應按期轉正", "应按期转正"), transfer=("應轉接組織關係", "应转接组织关系")
    ),
}

PHONE_PATTERN = r"^\+?[0-9][0-9 -]{4,19}$"


class WhereaboutsDetails(InputSchema):
    """Where the member is, by kind: the relationship's holder (not transferred), the destination,
    contact and whether it is a fixed place (floating out), the temporary address (displaced)."""

    relationship_org: str | None = Field(default=None, max_length=200, description="not_transferred: who holds the relationship")
    destination: str | None = Field(default=None, max_length=200)
    contact_person: str | None = Field(default=None, max_length=100)
    contact_phone: str | None = Field(default=None, max_length=30)
    fixed_place: bool | None = Field(default=None, description="floating_out: settled at one place (counts toward a transfer)")
    temporary_address: str | None = Field(default=None, max_length=300)
    expected_return: date | None = None


class MemberCreate(InputSchema):
    name: str = Field(min_length=1, max_length=100)
    sex: Sex
    ethnicity: str | None = Field(default=None, max_length=32)
    id_number: str = Field(min_length=15, max_length=24, description="GB 11643, 18 characters; a lower-case x is accepted")
    birth_date: date
    phone: str | None = Field(default=None, max_length=20, pattern=PHONE_PATTERN)
    education: Education
    occupation: Occupation
    party_status: PartyStatus
    joined_on: date
    full_on: date | None = None
    org_id: uuid.UUID
    residence_community_id: uuid.UUID | None = None
    whereabouts: Whereabouts = Whereabouts.resident
    whereabouts_details: WhereaboutsDetails | None = None


class MemberUpdate(InputSchema):
    """Plain facts about the person; states, whereabouts and the organization change through their own actions."""

    name: str | None = Field(default=None, min_length=1, max_length=100)
    ethnicity: str | None = Field(default=None, max_length=32)
    phone: str | None = Field(default=None, max_length=20, pattern=PHONE_PATTERN)
    education: Education | None = None
    occupation: Occupation | None = None
    residence_community_id: uuid.UUID | None = None


class StateChange(InputSchema):
    state: MemberState = Field(description="normal restores a member; transferred_out only comes from a received transfer")
    effective_on: date
    reason: str | None = Field(default=None, max_length=500)


class BecomeFull(InputSchema):
    full_on: date


class WhereaboutsChange(InputSchema):
    whereabouts: Whereabouts
    since: date = Field(description="when the member left, was displaced, or (for resident) came back")
    details: WhereaboutsDetails | None = None


class Member(BaseModel):
    id: uuid.UUID
    name: str
    sex: Sex
    ethnicity: str | None
    id_number: str = Field(description="masked (110105********002X) unless the caller's role may see it")
    birth_date: date
    phone: str | None = Field(description="masked (138****5678) unless the caller's role may see it")
    education: Education
    occupation: Occupation
    party_status: PartyStatus
    state: MemberState
    state_since: date
    joined_on: date
    full_on: date | None
    org_id: uuid.UUID
    residence_community_id: uuid.UUID | None
    whereabouts: Whereabouts
    whereabouts_since: date | None
    whereabouts_details: dict[str, Any]
    care_programs: list[str]
    version: int
    created_at: datetime
    masked: bool


class MemberSnapshot(BaseModel):
    """What `member.*` events carry (never the ID number or phone)."""

    id: uuid.UUID
    version: int
    name: str
    sex: Sex
    birth_date: date
    education: Education
    org_id: uuid.UUID
    residence_community_id: uuid.UUID | None
    party_status: PartyStatus
    state: MemberState
    whereabouts: Whereabouts
    joined_on: date
    full_on: date | None
    care_programs: list[str]


class MemberEvent(Schema):
    seq: int
    kind: MemberEventKind
    effective_on: date
    details: dict[str, Any]
    actor: str | None
    recorded_at: datetime


class DueMember(BaseModel):
    member: Member
    kind: DueKind
    since: date = Field(description="when the clock started (lost contact, joined, floating out)")
    due_on: date


class SearchRequest(InputSchema):
    """Exact search by personal numbers in the body, so that they never appear in a URL or its logs."""

    id_number: str | None = Field(default=None, min_length=15, max_length=24)
    phone: str | None = Field(default=None, max_length=30)


class LookupRequest(InputSchema):
    ids: list[uuid.UUID] = Field(max_length=1000)


class LookupResult(BaseModel):
    items: list[Member]


class CountsRequest(InputSchema):
    org_ids: list[uuid.UUID] = Field(max_length=5000)


class OrgCounts(BaseModel):
    members: int
    full: int
    probationary: int


class CountsResult(BaseModel):
    counts: dict[str, OrgCounts]


class Setting(StrEnum):
    rural = "rural"
    urban = "urban"


class TabularFormat(StrEnum):
    xlsx = "xlsx"
    csv = "csv"


class ImportProblem(BaseModel):
    row: int = Field(description="1 is the header row")
    column: str | None
    problem: str


class ImportReport(BaseModel):
    rows: int
    dry_run: bool
    imported: int
    errors: list[ImportProblem]


class StatsDimension(StrEnum):
    age_band = "age_band"
    education = "education"
    occupation = "occupation"
    party_status = "party_status"
    state = "state"
    whereabouts = "whereabouts"
    sex = "sex"
    joined_before = "joined_before"
    setting = "setting"


class StatsPopulation(StrEnum):
    members = "members"
    not_transferred = "not_transferred"
    all = "all"


class StatsGroup(BaseModel):
    key: dict[str, str | bool | None]
    count: int
    share: float = Field(description="count / total (the denominator is `total`)")


class MemberStats(BaseModel):
    as_of: date
    population: StatsPopulation
    group_by: list[StatsDimension]
    age_bands: list[str] | None
    joined_before: date | None
    total: int
    groups: list[StatsGroup]


class TransferKind(StrEnum):
    within = "within"
    out = "out"
    in_ = "in"


class TransferStatus(StrEnum):
    requested = "requested"
    approved = "approved"
    received = "received"
    rejected = "rejected"
    cancelled = "cancelled"
    expired = "expired"


class TransferCreate(InputSchema):
    member_id: uuid.UUID
    kind: TransferKind = Field(description="within the system; out of it; in from outside (a 'not transferred' member)")
    to_org_id: uuid.UUID | None = Field(default=None, description="receiving organization (within, in)")
    external_org: str | None = Field(default=None, max_length=200, description="the organization outside (out: to, in: from)")
    across_provinces: bool = False
    letter_number: str | None = Field(default=None, max_length=64, description="introduction letter (介紹信) number")
    requested_on: date
    reason: str | None = Field(default=None, max_length=500)


class TransferApprove(InputSchema):
    decided_on: date
    letter_number: str | None = Field(default=None, max_length=64)
    issued_on: date | None = Field(default=None, description="day the letter was issued (default: decided_on)")


class TransferReceive(InputSchema):
    received_on: date


class TransferClose(InputSchema):
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


class CareProgram(StrEnum):
    green_channel = "green_channel"
    education_upgrade = "education_upgrade"


class CareGround(StrEnum):
    elderly = "elderly"
    needy = "needy"


class CareService(StrEnum):
    home_study_delivery = "home_study_delivery"
    life_pairing = "life_pairing"
    work_help = "work_help"


class CareEnrolmentCreate(InputSchema):
    program: CareProgram
    enrolled_on: date
    grounds: list[CareGround] = Field(
        default=[], max_length=len(CareGround), description="green_channel: elderly (age from policy) and/or needy"
    )
    services: list[CareService] = Field(
        default=[], max_length=len(CareService), description="green_channel: what the member receives"
    )
    partner: str | None = Field(default=None, max_length=200, description="green_channel: the pairing partner (結對人)")
    target_level: Education | None = Field(default=None, description="education_upgrade: the level studied for")
    school: str | None = Field(default=None, max_length=200)


class CareEnrolmentUpdate(InputSchema):
    services: list[CareService] | None = Field(default=None, max_length=len(CareService))
    partner: str | None = Field(default=None, max_length=200)
    school: str | None = Field(default=None, max_length=200)
    completed_on: date | None = Field(default=None, description="education_upgrade: finished; the record's education rises")
    ended_on: date | None = Field(default=None, description="the enrolment ends")


class CareEnrolment(Schema):
    id: uuid.UUID
    member_id: uuid.UUID
    program: CareProgram
    grounds: list[CareGround]
    services: list[CareService]
    partner: str | None
    target_level: Education | None
    school: str | None
    enrolled_on: date
    completed_on: date | None
    ended_on: date | None
    active: bool


class DutyReportCreate(InputSchema):
    reported_on: date
    topic: str = Field(min_length=1, max_length=200)
    content: str | None = Field(default=None, max_length=4000)


class DutyReport(Schema):
    id: uuid.UUID
    member_id: uuid.UUID
    reported_on: date
    topic: str
    content: str | None
