"""The members service's codes, each with its Chinese labels (traditional, simplified).

Every code the service stores, accepts or answers with is written here once; schemas, rules,
models (and the SQL text of their indexes) and the service take it from these enums. `GET
/labels` serves `ENUM_LABELS`, and the gateway merges it into `/api/v1/meta/enums`.
"""

from enum import StrEnum

from services.kit.labels import Coded


class Sex(Coded):
    male = "male", "男", "男"
    female = "female", "女", "女"


class Education(Coded):
    postgraduate = "postgraduate", "研究生", "研究生"
    bachelor = "bachelor", "大學本科", "大学本科"
    college = "college", "大學專科", "大学专科"
    secondary = "secondary", "中專/高中", "中专/高中"
    junior_high = "junior_high", "初中", "初中"
    primary_or_below = "primary_or_below", "小學及以下", "小学及以下"


class Occupation(Coded):
    in_service = "in_service", "在職", "在职"
    laid_off = "laid_off", "下崗/失業", "下岗/失业"
    retired = "retired", "退休", "退休"
    farmer = "farmer", "農民", "农民"
    migrant_worker = "migrant_worker", "外出務工", "外出务工"
    self_employed = "self_employed", "個體", "个体"
    student = "student", "學生", "学生"
    other = "other", "其他", "其他"


class PartyStatus(Coded):
    probationary = "probationary", "預備黨員", "预备党员"
    full = "full", "正式黨員", "正式党员"


class MemberState(Coded):
    normal = "normal", "正常", "正常"
    lost_contact = "lost_contact", "失聯", "失联"
    suspended = "suspended", "停止黨籍", "停止党籍"
    retained = "retained", "保留黨籍", "保留党籍"
    left = "left", "出黨", "出党"
    deceased = "deceased", "去世", "去世"
    transferred_out = "transferred_out", "已轉出", "已转出"


class Whereabouts(Coded):
    resident = "resident", "在本社區", "在本社区"
    not_transferred = "not_transferred", "組織關係未轉入", "组织关系未转入"
    floating_out = "floating_out", "外出流動", "外出流动"
    displaced = "displaced", "拆遷過渡在外", "拆迁过渡在外"


class MemberEventKind(Coded):
    joined = "joined", "入黨", "入党"
    became_full = "became_full", "轉正", "转正"
    probation_extended = "probation_extended", "延長預備期", "延长预备期"
    state_changed = "state_changed", "狀態變更", "状态变更"
    whereabouts_changed = "whereabouts_changed", "去向變更", "去向变更"
    org_changed = "org_changed", "組織關係變更", "组织关系变更"
    details_changed = "details_changed", "信息變更", "信息变更"
    care_enrolled = "care_enrolled", "納入關愛", "纳入关爱"
    care_updated = "care_updated", "關愛變更", "关爱变更"


# The record clocks' work lists.
class DueKind(Coded):
    suspension = "suspension", "應停止黨籍", "应停止党籍"
    full = "full", "應按期轉正", "应按期转正"
    transfer = "transfer", "應轉接組織關係", "应转接组织关系"


class StatsPopulation(Coded):
    members = "members", "黨員 (組織關係在此)", "党员 (组织关系在此)"
    not_transferred = "not_transferred", "組織關係未轉入", "组织关系未转入"
    all = "all", "全部記錄", "全部记录"


# What the statistics group by: a field of the record, an age band, the reform date, the community's setting.
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


# A community's setting, as the orgs service publishes it.
class Setting(StrEnum):
    rural = "rural"
    urban = "urban"


class TabularFormat(StrEnum):
    xlsx = "xlsx"
    csv = "csv"


class TransferKind(Coded):
    within = "within", "系統內轉接", "系统内转接"
    out = "out", "轉出系統外", "转出系统外"
    in_ = "in", "從系統外轉入", "从系统外转入"


class TransferStatus(Coded):
    requested = "requested", "已申請", "已申请"
    approved = "approved", "已開具介紹信", "已开具介绍信"
    received = "received", "已接收", "已接收"
    rejected = "rejected", "已拒絕", "已拒绝"
    cancelled = "cancelled", "已撤銷", "已撤销"
    expired = "expired", "介紹信已過期", "介绍信已过期"


class TransferSide(Coded):
    """The two sides of a transfer: the organization the member leaves and the one they join."""

    sending = "sending", "轉出方", "转出方"
    receiving = "receiving", "接收方", "接收方"


class CareProgram(Coded):
    green_channel = "green_channel", "綠色通道", "绿色通道"
    education_upgrade = "education_upgrade", "學歷進修", "学历进修"


class CareGround(Coded):
    elderly = "elderly", "老黨員", "老党员"
    needy = "needy", "困難黨員", "困难党员"


class CareService(Coded):
    home_study_delivery = "home_study_delivery", "上門送學", "上门送学"
    life_pairing = "life_pairing", "生活結對", "生活结对"
    work_help = "work_help", "工作幫扶", "工作帮扶"


class RecruitmentStage(Coded):
    applicant = "applicant", "入黨申請人", "入党申请人"
    activist = "activist", "入黨積極分子", "入党积极分子"
    development_target = "development_target", "發展對象", "发展对象"
    probationary = "probationary", "預備黨員", "预备党员"
    full = "full", "正式黨員", "正式党员"
    cancelled = "cancelled", "已終止", "已终止"


class RecruitmentStepKind(Coded):
    applied = "applied", "遞交入黨申請書", "递交入党申请书"
    talk = "talk", "談話", "谈话"
    activist = "activist", "確定為入黨積極分子", "确定为入党积极分子"
    review = "review", "考察", "考察"
    development_target = "development_target", "確定為發展對象", "确定为发展对象"
    admission = "admission", "支部大會討論接收", "支部大会讨论接收"
    approval = "approval", "上級黨委審批", "上级党委审批"
    extension = "extension", "延長預備期", "延长预备期"
    full = "full", "預備黨員轉正", "预备党员转正"
    cancelled = "cancelled", "終止/取消預備黨員資格", "终止/取消预备党员资格"


class RecruitmentDueKind(Coded):
    talk = "talk", "逾期未談話", "逾期未谈话"
    review = "review", "積極分子待考察", "积极分子待考察"
    probation_ending = "probation_ending", "預備期即將屆滿", "预备期即将届满"
    approval = "approval", "逾期未審批", "逾期未审批"


class RecruitStatsDimension(Coded):
    age_band = "age_band", "年齡段", "年龄段"
    education = "education", "學歷", "学历"
    sex = "sex", "性別", "性别"
    occupation = "occupation", "職業", "职业"


class DuesCategory(Coded):
    salaried = "salaried", "在職", "在职"
    retiree = "retiree", "離退休", "离退休"
    farmer = "farmer", "農民", "农民"
    student = "student", "學生", "学生"
    unemployed = "unemployed", "下崗失業", "下岗失业"
    basic_allowance = "basic_allowance", "享受低保", "享受低保"


class DuesReduction(Coded):
    reduced = "reduced", "減交", "减交"
    exempt = "exempt", "免交", "免交"


class DocumentKind(Coded):
    """The documents the members service prints, each with its number prefix (rules.documents)."""

    transfer_letter = "transfer_letter", "黨員組織關係介紹信", "党员组织关系介绍信"
    membership_certificate = "membership_certificate", "黨員證明", "党员证明"
    recruitment_dossier = "recruitment_dossier", "發展黨員檔案", "发展党员档案"


class DocumentFormat(Coded):
    pdf = "pdf", "PDF文件", "PDF文件"
    html = "html", "網頁", "网页"


class ChangeRequestStatus(Coded):
    pending = "pending", "待審核", "待审核"
    approved = "approved", "已核准", "已核准"
    rejected = "rejected", "已駁回", "已驳回"


class ChangeDecision(Coded):
    approve = "approve", "核准", "核准"
    reject = "reject", "駁回", "驳回"


# What `GET /labels` answers: enum name → code → labels, in this order.
LABELLED: dict[str, type[Coded]] = {
    "sex": Sex,
    "education": Education,
    "occupation": Occupation,
    "party_status": PartyStatus,
    "member_state": MemberState,
    "whereabouts": Whereabouts,
    "member_event_kind": MemberEventKind,
    "stats_population": StatsPopulation,
    "transfer_kind": TransferKind,
    "transfer_status": TransferStatus,
    "care_program": CareProgram,
    "care_ground": CareGround,
    "care_service": CareService,
    "recruitment_stage": RecruitmentStage,
    "recruitment_step_kind": RecruitmentStepKind,
    "recruitment_due_kind": RecruitmentDueKind,
    "recruit_stats_dimension": RecruitStatsDimension,
    "dues_category": DuesCategory,
    "dues_reduction": DuesReduction,
    "due_kind": DueKind,
    "document_kind": DocumentKind,
    "document_format": DocumentFormat,
    "change_request_status": ChangeRequestStatus,
    "change_decision": ChangeDecision,
}
ENUM_LABELS: dict[str, dict[str, dict[str, str]]] = {name: enum.labels() for name, enum in LABELLED.items()}
