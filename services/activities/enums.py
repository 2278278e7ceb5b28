"""Every code the activities service uses, written once, with its Chinese labels.

The service's own codes carry their labels (`GET /labels`, merged by the gateway into
`/api/v1/meta/enums`). The codes of the replicas (organization kinds, member states…) belong to
the orgs and members services, which label them; this service keeps the few it reads, unlabelled,
as their feeds carry them. Activity types are a dictionary an administrator may extend (a table),
so `ActivityType` holds the seeded ones, not every type there may be.

The classes carry no docstrings on purpose: pydantic would put them into the OpenAPI document.
"""

from enum import StrEnum
from typing import Literal, Self

from services.kit.labels import EnumLabels


class Labelled(StrEnum):
    # A code with its traditional and simplified Chinese labels: `member = "code", "繁", "简"`.
    _value_: str
    zh_hant: str
    zh_hans: str

    # The defaults only let a lookup by code (`AttendanceStatus("present")`) type-check: every member has its labels.
    def __new__(cls, code: str, zh_hant: str = "", zh_hans: str = "") -> Self:
        member = str.__new__(cls, code)
        member._value_ = code
        member.zh_hant = zh_hant
        member.zh_hans = zh_hans
        return member


def labels_of(codes: type[Labelled]) -> dict[str, dict[str, str]]:
    return {member.value: {"zh_hant": member.zh_hant, "zh_hans": member.zh_hans} for member in codes}


# ---------------------------------------------------------------- this service's codes


class ActivityType(Labelled):
    # The seeded dictionary (DOMAIN.md "Activities"); the migration wrote each with the organization kinds that hold it.
    study_day = "study_day", "黨員學習日/主題黨日", "党员学习日/主题党日"
    general_meeting = "general_meeting", "支部黨員大會", "支部党员大会"
    committee_meeting = "committee_meeting", "支委會", "支委会"
    group_meeting = "group_meeting", "黨小組會", "党小组会"
    party_lecture = "party_lecture", "黨課", "党课"
    life_meeting = "life_meeting", "組織生活會", "组织生活会"
    democratic_review = "democratic_review", "民主評議", "民主评议"
    volunteer_service = "volunteer_service", "志愿服務", "志愿服务"
    home_visit = "home_visit", "走訪/串百家門", "走访/串百家门"
    home_study_delivery = "home_study_delivery", "上門送學", "上门送学"
    co_building = "co_building", "共建活動", "共建活动"
    training = "training", "培訓", "培训"
    public_talk = "public_talk", "民情懇談", "民情恳谈"
    onsite_meeting = "onsite_meeting", "現場會", "现场会"
    joint_meeting = "joint_meeting", "聯席會議", "联席会议"
    inspection = "inspection", "督查", "督查"
    duty_report = "duty_report", "述職", "述职"


class ActivityStatus(Labelled):
    planned = "planned", "計劃", "计划"
    held = "held", "已舉行", "已举行"
    cancelled = "cancelled", "已取消", "已取消"


class AttendanceStatus(Labelled):
    present = "present", "出席", "出席"
    excused = "excused", "請假", "请假"
    absent = "absent", "缺席", "缺席"


class Frequency(Labelled):
    monthly = "monthly", "每月", "每月"
    quarterly = "quarterly", "每季度", "每季度"
    yearly = "yearly", "每年", "每年"


# The policy's frequencies are typed by this literal (not by `Frequency`) so that its schema is an
# inline list of codes, as it always was.
FrequencyCode = Literal[Frequency.monthly, Frequency.quarterly, Frequency.yearly]


class AttachmentKind(Labelled):
    photo = "photo", "照片", "照片"
    minutes = "minutes", "會議記錄", "会议记录"
    other = "other", "其他", "其他"


class ContactKind(Labelled):
    regular = "regular", "定期聯繫", "定期联系"
    random = "random", "隨機聯繫", "随机联系"


class ContactChannel(Labelled):
    visit = "visit", "走訪", "走访"
    phone = "phone", "電話", "电话"
    message = "message", "短信/微信", "短信/微信"


class ReviewGrade(Labelled):
    excellent = "excellent", "優秀", "优秀"
    qualified = "qualified", "合格", "合格"
    basically_qualified = "basically_qualified", "基本合格", "基本合格"
    unqualified = "unqualified", "不合格", "不合格"


class EvaluationGrade(Labelled):
    excellent = "excellent", "優秀", "优秀"
    good = "good", "良好", "良好"
    # `pass` is a Python keyword, so the member has another name; the code stays "pass".
    pass_ = "pass", "合格", "合格"
    fail = "fail", "不合格", "不合格"


class StudyRecordStatus(Labelled):
    pending = "pending", "待審批", "待审批"
    approved = "approved", "已批准", "已批准"
    rejected = "rejected", "已駁回", "已驳回"


class StudyDecisionStatus(StrEnum):
    # What an administrator may decide of a pending record (labelled as `StudyRecordStatus`).
    approved = StudyRecordStatus.approved.value
    rejected = StudyRecordStatus.rejected.value


class Campaign(Labelled):
    five_good = "five_good", "五好", "五好"
    satisfied_community = "satisfied_community", "創滿意社區", "创满意社区"
    cohesion_project = "cohesion_project", "凝聚力工程", "凝聚力工程"


class FiveGood(Labelled):
    # The seed's 五個好 (對策(三)): the default indicators of the yearly evaluation (policy).
    organization_setup = "organization_setup", "組織設置好", "组织设置好"
    leadership_team = "leadership_team", "領導班子好", "领导班子好"
    member_corps = "member_corps", "黨員隊伍好", "党员队伍好"
    work_mechanism = "work_mechanism", "工作機制好", "工作机制好"
    activity_venue = "activity_venue", "活動陣地好", "活动阵地好"
    role_played = "role_played", "作用發揮好", "作用发挥好"


ENUM_LABELS: EnumLabels = {
    "activity_type": labels_of(ActivityType),
    "activity_status": labels_of(ActivityStatus),
    "attendance_status": labels_of(AttendanceStatus),
    "frequency": labels_of(Frequency),
    "attachment_kind": labels_of(AttachmentKind),
    "contact_kind": labels_of(ContactKind),
    "contact_channel": labels_of(ContactChannel),
    "review_grade": labels_of(ReviewGrade),
    "evaluation_grade": labels_of(EvaluationGrade),
    "study_record_status": labels_of(StudyRecordStatus),
    "campaign": labels_of(Campaign),
}


# ---------------------------------------------------------------- codes of the replicas (orgs and members services)


class OrgKind(StrEnum):
    committee = "committee"
    general_branch = "general_branch"
    branch = "branch"
    joint_branch = "joint_branch"
    group = "group"


class OrgTier(StrEnum):
    community = "community"
    inner = "inner"
    unit = "unit"


class OrgStatus(StrEnum):
    active = "active"


class TeamRole(StrEnum):
    secretary = "secretary"
    deputy_secretary = "deputy_secretary"
    organization_member = "organization_member"
    propaganda_member = "propaganda_member"
    discipline_member = "discipline_member"
    committee_member = "committee_member"


class MemberState(StrEnum):
    normal = "normal"


class PartyStatus(StrEnum):
    probationary = "probationary"


class Whereabouts(StrEnum):
    floating_out = "floating_out"
    displaced = "displaced"
    not_transferred = "not_transferred"


class CareProgram(StrEnum):
    green_channel = "green_channel"
