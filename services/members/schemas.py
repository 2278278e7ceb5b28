"""The members service's public shapes, its enums and their Chinese labels."""

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, Field
from typing_extensions import TypedDict  # pydantic needs this one before Python 3.12

from services.kit.event_types import EventType
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
    "recruitment_stage": _labels(
        applicant=("入黨申請人", "入党申请人"),
        activist=("入黨積極分子", "入党积极分子"),
        development_target=("發展對象", "发展对象"),
        probationary=("預備黨員", "预备党员"),
        full=("正式黨員", "正式党员"),
        cancelled=("已終止", "已终止"),
    ),
    "recruitment_step_kind": _labels(
        applied=("遞交入黨申請書", "递交入党申请书"),
        talk=("談話", "谈话"),
        activist=("確定為入黨積極分子", "确定为入党积极分子"),
        review=("考察", "考察"),
        development_target=("確定為發展對象", "确定为发展对象"),
        admission=("支部大會討論接收", "支部大会讨论接收"),
        approval=("上級黨委審批", "上级党委审批"),
        extension=("延長預備期", "延长预备期"),
        full=("預備黨員轉正", "预备党员转正"),
        cancelled=("終止/取消預備黨員資格", "终止/取消预备党员资格"),
    ),
    "recruitment_due_kind": _labels(
        talk=("逾期未談話", "逾期未谈话"),
        review=("積極分子待考察", "积极分子待考察"),
        probation_ending=("預備期即將屆滿", "预备期即将届满"),
        approval=("逾期未審批", "逾期未审批"),
    ),
    "recruit_stats_dimension": _labels(
        age_band=("年齡段", "年龄段"), education=("學歷", "学历"), sex=("性別", "性别"), occupation=("職業", "职业")
    ),
    "dues_category": _labels(
        salaried=("在職", "在职"),
        retiree=("離退休", "离退休"),
        farmer=("農民", "农民"),
        student=("學生", "学生"),
        unemployed=("下崗失業", "下岗失业"),
        basic_allowance=("享受低保", "享受低保"),
    ),
    "dues_reduction": _labels(reduced=("減交", "减交"), exempt=("免交", "免交")),
    "due_kind": _labels(
        suspension=("應停止黨籍", "应停止党籍"), full=("應按期轉正", "应按期转正"), transfer=("應轉接組織關係", "应转接组织关系")
    ),
}

PHONE_PATTERN = r"^\+?[0-9][0-9 -]{4,19}$"
MONTH_PATTERN = r"^[1-9][0-9]{3}-(0[1-9]|1[0-2])$"


def _month_of(value: object) -> object:
    return f"{value.year:04d}-{value.month:02d}" if isinstance(value, date) else value


# A month as the API shows it (YYYY-MM), read from the first day of the month the tables hold.
MonthOut = Annotated[str, BeforeValidator(_month_of)]


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


class PersonCreate(InputSchema):
    """The facts about a person that a member record and an application to join both carry."""

    name: str = Field(min_length=1, max_length=100)
    sex: Sex
    ethnicity: str | None = Field(default=None, max_length=32)
    id_number: str = Field(min_length=15, max_length=24, description="GB 11643, 18 characters; a lower-case x is accepted")
    birth_date: date
    phone: str | None = Field(default=None, max_length=20, pattern=PHONE_PATTERN)
    education: Education
    occupation: Occupation


class MemberCreate(PersonCreate):
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


class Member(Schema):
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
    dues_paid_through: MonthOut | None = Field(
        default=None, description="YYYY-MM: last month of the unbroken run of settled dues (transfer letters print it)"
    )


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


class OrgCounts(TypedDict):
    """A typed dict, not a model: a survey sends one per community (thousands), and validating
    that many model instances cost more than the query that counted them."""

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
    version: int  # the enrolment's ETag is `"<version>"` (If-Match of its PATCH)


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


class RecruitmentStage(StrEnum):
    applicant = "applicant"
    activist = "activist"
    development_target = "development_target"
    probationary = "probationary"
    full = "full"
    cancelled = "cancelled"


class RecruitmentStepKind(StrEnum):
    applied = "applied"
    talk = "talk"
    activist = "activist"
    review = "review"
    development_target = "development_target"
    admission = "admission"
    approval = "approval"
    extension = "extension"
    full = "full"
    cancelled = "cancelled"


Documents = Annotated[
    list[Annotated[str, Field(min_length=1, max_length=200)]],
    Field(default=[], max_length=30, description="the documents of the step (names or file references)"),
]


class ApplicationCreate(PersonCreate):
    """The application (入黨申請書) received by the organization that will hold the member."""

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

    kind: Literal["talk"]


class ActivistStep(_Step):
    """確定為入黨積極分子, with the policy's 1-2 full members as contacts (培養聯系人)."""

    kind: Literal["activist"]
    contact_ids: list[uuid.UUID] = Field(max_length=10)


class ReviewStep(_Step):
    """考察 of an activist (the work list names activists not reviewed for the policy's months)."""

    kind: Literal["review"]


class TargetStep(_Step):
    """確定為發展對象: an activist for at least the policy's year."""

    kind: Literal["development_target"]


class AdmissionStep(_Step):
    """支部大會討論接收 (effective_on is the meeting): the training, the two introducers and the public notice."""

    kind: Literal["admission"]
    introducer_ids: list[uuid.UUID] = Field(max_length=10)
    training_days: int = Field(ge=0, le=366)
    training_hours: int = Field(ge=0, le=10_000)
    notice_from: date
    notice_to: date


class ApprovalStep(_Step):
    """上級黨委審批: the member record is made, probationary from the branch meeting."""

    kind: Literal["approval"]


class ExtensionStep(_Step):
    """延長預備期, once, by the policy's 6-12 months."""

    kind: Literal["extension"]
    months: int = Field(ge=1, le=60)


class FullStep(_Step):
    """轉正 at or after the end of the probation: the record's party status becomes full."""

    kind: Literal["full"]


class CancelStep(_Step):
    """終止 the application, or 取消預備黨員資格 (the record is closed as `left`)."""

    kind: Literal["cancelled"]
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
    birth_date: date
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


class RecruitmentDueKind(StrEnum):
    talk = "talk"
    review = "review"
    probation_ending = "probation_ending"
    approval = "approval"


class RecruitmentDue(BaseModel):
    application: Application
    kind: RecruitmentDueKind
    since: date = Field(description="when the clock started (application, last review, joining, branch meeting)")
    due_on: date


class RecruitStatsDimension(StrEnum):
    age_band = "age_band"
    education = "education"
    sex = "sex"
    occupation = "occupation"


class RecruitStatsRow(BaseModel):
    year: int
    key: str
    count: int


class RecruitStats(BaseModel):
    group_by: RecruitStatsDimension
    age_bands: list[str] | None = Field(description="age at the branch meeting, by the policy's edges")
    rows: list[RecruitStatsRow]


class DuesCategory(StrEnum):
    salaried = "salaried"
    retiree = "retiree"
    farmer = "farmer"
    student = "student"
    unemployed = "unemployed"
    basic_allowance = "basic_allowance"


class DuesReduction(StrEnum):
    reduced = "reduced"
    exempt = "exempt"


# Money in whole fen: a JSON float (even 12.0) or a string is refused, as is a negative amount.
Fen = Annotated[int, Field(strict=True, ge=0, le=10**12)]


class DuesAssess(InputSchema):
    """The month's base and category; the rate and the amount due are computed from the policy."""

    category: DuesCategory
    base_fen: Fen | None = Field(default=None, description="monthly after-tax income in fen (salaried, retiree)")
    unpaid_reason: str | None = Field(
        default=None, max_length=500, description="why the month is not paid (keeps the member off the unpaid list)"
    )


class DuesPayment(InputSchema):
    paid_fen: Fen = Field(description="exactly the amount due, in fen")
    paid_on: date
    paid_by_member_id: uuid.UUID | None = Field(default=None, description="代繳: another member who paid")


class DuesReductionCreate(InputSchema):
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


# The survey report (issue 7): the members' half of its figures, counted in SQL per setting.


class SurveyParameters(BaseModel):
    team_age_min: int
    secretary_age_min: int
    member_age_min: int
    reform_date: date
    college_or_above: list[str]
    junior_high_or_below: list[str]


class MembersSurveyCounts(BaseModel):
    """Counts of one side (rural, urban, or everything in scope); keys are the report's figure keys."""

    team_members: int = 0
    team_members_aged_46_plus: int = 0
    team_members_college_or_above: int = 0
    secretaries: int = 0
    secretaries_aged_45_plus: int = 0
    secretaries_college_or_above: int = 0
    members: int = 0
    members_aged_46_plus: int = 0
    members_junior_high_or_below: int = 0
    members_joined_before_reform: int = 0
    not_transferred: int = 0
    floating_out: int = 0
    displaced: int = 0


class MembersSurvey(BaseModel):
    within: uuid.UUID | None
    as_of: date
    parameters: SurveyParameters
    rural: MembersSurveyCounts
    urban: MembersSurveyCounts
    total: MembersSurveyCounts = Field(description="Everything in scope, incl. organizations outside any community")


class EducationUpgradeGap(BaseModel):
    """A member the education upgrade is for who is not in it."""

    member_id: uuid.UUID
    name: str
    org_id: uuid.UUID
    birth_date: date
    age: int
    education: Education


# ---------------------------------------------------------------- published events


class MemberClockEvent(MemberSnapshot):
    """What the scheduled clock events carry: the member's state and the clock that ran out."""

    clock: DueKind
    since: date
    due_on: date


class MemberDuesArrearsEvent(MemberSnapshot):
    """What the dues-arrears event carries: the member's state, the last month paid, the months unpaid."""

    paid_through: MonthOut | None
    months_unpaid: int


EVENT_TYPES: dict[str, EventType] = {
    "member.created": EventType("a member record was created (joined)", MemberSnapshot),
    "member.updated": EventType("a member record changed (became full, whereabouts, care …)", MemberSnapshot),
    "member.state_changed": EventType("a member's state changed (lost contact, suspended, left …)", MemberSnapshot),
    "member.transferred": EventType("a member's relationship moved to another organization", MemberSnapshot),
    "member.lost_contact_due": EventType("scheduled: lost contact for the policy period (once per spell)", MemberClockEvent),
    "member.floating_due": EventType("scheduled: floating out long enough to move the relationship", MemberClockEvent),
    "member.probation_due": EventType(
        "scheduled: the probation year is over, the member is due to become full", MemberClockEvent
    ),
    "member.dues_arrears": EventType("scheduled: dues unpaid for the policy's months without a reason", MemberDuesArrearsEvent),
}
