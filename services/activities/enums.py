"""Every code the activities service uses, written once, with its Chinese labels.

The service's own codes carry their labels (`GET /labels`, merged by the gateway into
`/api/v1/meta/enums`). The codes of the replicas (organization kinds, member states…) belong to
the orgs and members services, which label them; this service keeps the few it reads, unlabelled,
as their feeds carry them. Activity types are a dictionary an administrator may extend (a table),
so `ActivityType` holds the seeded ones, not every type there may be.

The classes carry no docstrings on purpose: pydantic would put them into the OpenAPI document.
"""

from enum import StrEnum
from typing import Literal

from services.kit.labels import Coded, EnumLabels

# ---------------------------------------------------------------- this service's codes


class ActivityType(Coded):
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


class ActivityStatus(Coded):
    planned = "planned", "計劃", "计划"
    held = "held", "已舉行", "已举行"
    cancelled = "cancelled", "已取消", "已取消"


class AttendanceStatus(Coded):
    present = "present", "出席", "出席"
    excused = "excused", "請假", "请假"
    absent = "absent", "缺席", "缺席"


class Frequency(Coded):
    monthly = "monthly", "每月", "每月"
    quarterly = "quarterly", "每季度", "每季度"
    yearly = "yearly", "每年", "每年"


# The policy's frequencies are typed by this literal (not by `Frequency`) so that its schema is an
# inline list of codes, as it always was.
FrequencyCode = Literal[Frequency.monthly, Frequency.quarterly, Frequency.yearly]


class AttachmentKind(Coded):
    photo = "photo", "照片", "照片"
    minutes = "minutes", "會議記錄", "会议记录"
    other = "other", "其他", "其他"


class ContactKind(Coded):
    regular = "regular", "定期聯繫", "定期联系"
    random = "random", "隨機聯繫", "随机联系"


class ContactChannel(Coded):
    visit = "visit", "走訪", "走访"
    phone = "phone", "電話", "电话"
    message = "message", "短信/微信", "短信/微信"


class ReviewGrade(Coded):
    excellent = "excellent", "優秀", "优秀"
    qualified = "qualified", "合格", "合格"
    basically_qualified = "basically_qualified", "基本合格", "基本合格"
    unqualified = "unqualified", "不合格", "不合格"


class EvaluationGrade(Coded):
    excellent = "excellent", "優秀", "优秀"
    good = "good", "良好", "良好"
    # `pass` is a Python keyword, so the member has another name; the code stays "pass".
    pass_ = "pass", "合格", "合格"
    fail = "fail", "不合格", "不合格"


class StudyRecordStatus(Coded):
    pending = "pending", "待審批", "待审批"
    approved = "approved", "已批准", "已批准"
    rejected = "rejected", "已駁回", "已驳回"


class StudyDecisionStatus(StrEnum):
    # What an administrator may decide of a pending record (labelled as `StudyRecordStatus`).
    approved = StudyRecordStatus.approved.value
    rejected = StudyRecordStatus.rejected.value


class Campaign(Coded):
    five_good = "five_good", "五好", "五好"
    satisfied_community = "satisfied_community", "創滿意社區", "创满意社区"
    cohesion_project = "cohesion_project", "凝聚力工程", "凝聚力工程"


class FiveGood(Coded):
    # The seed's 五個好 (對策(三)): the default indicators of the yearly evaluation (policy).
    organization_setup = "organization_setup", "組織設置好", "组织设置好"
    leadership_team = "leadership_team", "領導班子好", "领导班子好"
    member_corps = "member_corps", "黨員隊伍好", "党员队伍好"
    work_mechanism = "work_mechanism", "工作機制好", "工作机制好"
    activity_venue = "activity_venue", "活動陣地好", "活动阵地好"
    role_played = "role_played", "作用發揮好", "作用发挥好"


class TrainingKind(Coded):
    """Courses of the training register (黨員幹部培訓)."""

    party_school = "party_school", "黨校培訓", "党校培训"
    community_school = "community_school", "社區黨校", "社区党校"
    advanced_class = "advanced_class", "進修班", "进修班"


ENUM_LABELS: EnumLabels = {
    "activity_type": ActivityType.labels(),
    "activity_status": ActivityStatus.labels(),
    "attendance_status": AttendanceStatus.labels(),
    "frequency": Frequency.labels(),
    "attachment_kind": AttachmentKind.labels(),
    "contact_kind": ContactKind.labels(),
    "contact_channel": ContactChannel.labels(),
    "review_grade": ReviewGrade.labels(),
    "evaluation_grade": EvaluationGrade.labels(),
    "study_record_status": StudyRecordStatus.labels(),
    "campaign": Campaign.labels(),
    "training_kind": TrainingKind.labels(),
}


# ---------------------------------------------------------------- codes of the replicas (orgs and members services)


class OrgKind(StrEnum):
    committee = "committee"
    general_branch = "general_branch"
    branch = "branch"
    joint_branch = "joint_branch"
    group = "group"


class OrgTier(StrEnum):
    county = "county"
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
