"""The orgs service's codes, each with its Chinese labels (traditional and simplified).

The one place a code is spelled: schemas, rules, models and SQL text take their codes from these
enums; `ENUM_LABELS` is served at `GET /labels` (the gateway merges it into `/api/v1/meta/enums`).
"""

from services.kit.labels import Coded, EnumLabels


class OrgKind(Coded):
    committee = "committee", "黨委", "党委"
    general_branch = "general_branch", "黨總支", "党总支"
    branch = "branch", "黨支部", "党支部"
    joint_branch = "joint_branch", "聯合黨支部", "联合党支部"
    group = "group", "黨小組", "党小组"


class OrgTier(Coded):
    county = "county", "區(縣)委", "区(县)委"
    township = "township", "鄉鎮(街道)黨(工)委", "乡镇(街道)党(工)委"
    community = "community", "社區(村)黨組織", "社区(村)党组织"
    inner = "inner", "社區內黨組織", "社区内党组织"
    unit = "unit", "社區單位黨組織", "社区单位党组织"


class OrgStatus(Coded):
    active = "active", "正常", "正常"
    dissolved = "dissolved", "已撤銷", "已撤销"
    merged = "merged", "已合併", "已合并"


class Setting(Coded):
    rural = "rural", "農村社區", "农村社区"
    urban = "urban", "城市社區", "城市社区"


class FormationMode(Coded):
    village_continuation = "village_continuation", "行政村沿襲", "行政村沿袭"
    residential_reorganization = "residential_reorganization", "居民區改組", "居民区改组"
    village_residential_integration = "village_residential_integration", "村居整合", "村居整合"


class GuidanceCategory(Coded):
    integrated = "integrated", "已完成規模整合、基礎較好", "已完成规模整合、基础较好"
    integrating = "integrating", "正在整合", "正在整合"
    converted_from_village = "converted_from_village", "撤村建社區", "撤村建社区"


class BodyKind(Coded):
    party_organization = "party_organization", "社區黨組織", "社区党组织"
    residents_committee = "residents_committee", "社區居民委員會", "社区居民委员会"
    representatives_congress = "representatives_congress", "社區居民代表大會", "社区居民代表大会"
    deliberation_committee = "deliberation_committee", "社區議事協商委員會", "社区议事协商委员会"
    supervisory_committee = "supervisory_committee", "村(居)務監督委員會", "村(居)务监督委员会"
    collective_economic_organization = "collective_economic_organization", "集體經濟組織", "集体经济组织"


class ReserveEndReason(Coded):
    """Why a reserve cadre left the pool."""

    promoted = "promoted", "已提拔任用", "已提拔任用"
    removed = "removed", "調出後備庫", "调出后备库"
    left = "left", "本人離開", "本人离开"


class CoBuildingChange(Coded):
    amended = "amended", "修訂", "修订"
    ended = "ended", "終止", "终止"


class ElectionMethod(Coded):
    members_meeting = "members_meeting", "黨員大會選舉", "党员大会选举"
    delegates_congress = "delegates_congress", "黨員代表大會選舉", "党员代表大会选举"
    public_recommendation_direct = "public_recommendation_direct", "公推直選", "公推直选"


class Role(Coded):
    secretary = "secretary", "書記", "书记"
    deputy_secretary = "deputy_secretary", "副書記", "副书记"
    organization_member = "organization_member", "組織委員", "组织委员"
    propaganda_member = "propaganda_member", "宣傳委員", "宣传委员"
    discipline_member = "discipline_member", "紀檢委員", "纪检委员"
    committee_member = "committee_member", "委員", "委员"
    group_leader = "group_leader", "黨小組長", "党小组长"


class PositionSource(Coded):
    elected = "elected", "選舉", "选举"
    appointed = "appointed", "任命", "任命"
    dispatched = "dispatched", "下派", "下派"
    seconded = "seconded", "掛職", "挂职"
    recruited = "recruited", "社會招聘", "社会招聘"
    retained = "retained", "留用", "留用"
    exchanged = "exchanged", "交流任職", "交流任职"


class ConcurrentPost(Coded):
    residents_committee_director = "residents_committee_director", "居委會主任", "居委会主任"
    residents_committee_member = "residents_committee_member", "居委會委員", "居委会委员"
    cooperative_chair = "cooperative_chair", "股份經濟合作社董事長", "股份经济合作社董事长"
    deliberation_committee_member = "deliberation_committee_member", "議事協商委員會委員", "议事协商委员会委员"


class Education(Coded):
    postgraduate = "postgraduate", "研究生", "研究生"
    bachelor = "bachelor", "大學本科", "大学本科"
    college = "college", "大學專科", "大学专科"
    secondary = "secondary", "中專/高中", "中专/高中"
    junior_high = "junior_high", "初中", "初中"
    primary_or_below = "primary_or_below", "小學及以下", "小学及以下"


class UnitCategory(Coded):
    enterprise = "enterprise", "企業", "企业"
    school = "school", "學校", "学校"
    agency = "agency", "機關", "机关"
    public_institution = "public_institution", "事業單位", "事业单位"
    social_organization = "social_organization", "社會組織", "社会组织"
    other = "other", "其他", "其他"


class ZoneKind(Coded):
    resident_group_zone = "resident_group_zone", "居民黨小組責任區", "居民党小组责任区"
    unit_co_building_zone = "unit_co_building_zone", "社區單位黨組織共建責任區", "社区单位党组织共建责任区"


class TermDue(Coded):
    overdue = "overdue", "已到期未換屆", "已到期未换届"
    ending_soon = "ending_soon", "即將到期", "即将到期"


class HistoryChange(Coded):
    created = "created", "建立", "建立"
    updated = "updated", "修改", "修改"
    moved = "moved", "調整隸屬關係", "调整隶属关系"
    merged = "merged", "合併", "合并"
    received_merge = "received_merge", "接收合併", "接收合并"
    dissolved = "dissolved", "撤銷", "撤销"
    community_changed = "community_changed", "所屬社區變更", "所属社区变更"


class DiagnosticRule(Coded):
    form_mismatch = "form_mismatch", "組織形式與黨員人數不符", "组织形式与党员人数不符"
    team_too_small = "team_too_small", "班子不足3人", "班子不足3人"
    no_secretary = "no_secretary", "無書記", "无书记"
    secretary_not_director = "secretary_not_director", "書記未兼任居委會主任", "书记未兼任居委会主任"
    term_overdue = "term_overdue", "任期已屆滿未換屆", "任期已届满未换届"
    term_ending_soon = "term_ending_soon", "任期即將屆滿", "任期即将届满"
    branch_too_large = "branch_too_large", "支部黨員超過50名", "支部党员超过50名"
    no_reserve_cadres = "no_reserve_cadres", "無後備幹部", "无后备干部"
    committee_above_usual_size = "committee_above_usual_size", "委員會超過一般人數", "委员会超过一般人数"
    representatives_congress = "representatives_congress", "可召開黨員代表大會", "可召开党员代表大会"
    joint_branch_too_many_units = "joint_branch_too_many_units", "聯合黨支部單位過多", "联合党支部单位过多"
    cooperative_merged = (
        "cooperative_merged",
        "股份經濟合作社黨組織與社區黨組織合二為一",
        "股份经济合作社党组织与社区党组织合二为一",
    )
    simply_combined_team = "simply_combined_team", "班子成員由原班子簡單組合而成", "班子成员由原班子简单组合而成"
    workers_ageing = "workers_ageing", "社區工作者年齡老化、文化偏低", "社区工作者年龄老化、文化偏低"
    venue_facilities_missing = "venue_facilities_missing", "活動場地缺少基本設施設備", "活动场地缺少基本设施设备"
    no_admissions = "no_admissions", "多年未發展黨員(入黨無門)", "多年未发展党员(入党无门)"
    few_service_activities = "few_service_activities", "服務活動較少", "服务活动较少"


class Facility(Coded):
    """What a community venue (活動場地) is equipped with; the basic set is a policy setting."""

    meeting_room = "meeting_room", "會議室", "会议室"
    activity_room = "activity_room", "黨員活動室", "党员活动室"
    service_hall = "service_hall", "便民服務大廳", "便民服务大厅"
    reading_room = "reading_room", "閱覽室", "阅览室"
    remote_education = "remote_education", "遠程教育設備", "远程教育设备"
    projector = "projector", "投影設備", "投影设备"
    sports_ground = "sports_ground", "文體活動場地", "文体活动场地"
    elderly_care = "elderly_care", "日間照料中心", "日间照料中心"


class TaskRecipients(Coded):
    """How a task's recipients are chosen within the issuer's subtree."""

    all_communities = "all_communities", "全部社區", "全部社区"
    listed = "listed", "指定組織", "指定组织"
    work_list = "work_list", "工作清單上的社區", "工作清单上的社区"
    diagnostic = "diagnostic", "存在某項問題的組織", "存在某项问题的组织"


class WorkList(Coded):
    """The community work lists of `GET /orgs/{id}/worklists`, by their key in that answer."""

    below_leading_goose = "below_leading_goose", "班子未達三個60%", "班子未达三个60%"
    reserve_pools = "reserve_pools", "後備幹部隊伍薄弱", "后备干部队伍薄弱"
    units_without_co_building = "units_without_co_building", "單位未簽共建協議", "单位未签共建协议"
    form_called_out = "form_called_out", "黨員超過150名未建黨委", "党员超过150名未建党委"


class Evidence(Coded):
    """What a reply or a report must carry."""

    text = "text", "文字說明", "文字说明"
    attachment = "attachment", "附件", "附件"
    activity = "activity", "關聯活動", "关联活动"


class AssignmentStatus(Coded):
    """Where one recipient stands with a task."""

    pending = "pending", "待回覆", "待回复"
    replied = "replied", "已回覆待審", "已回复待审"
    returned = "returned", "已退回", "已退回"
    accepted = "accepted", "已通過", "已通过"


class ReplyDecision(Coded):
    accept = "accept", "通過", "通过"
    return_ = "return", "退回", "退回"


class RectificationStatus(Coded):
    open = "open", "整改中", "整改中"
    reported = "reported", "已報告整改情況", "已报告整改情况"
    closed = "closed", "已銷號", "已销号"
    reopened = "reopened", "重新整改", "重新整改"


class RectificationStep(Coded):
    """One entry of a rectification's log."""

    demanded = "demanded", "提出整改", "提出整改"
    reported = "reported", "報告整改情況", "报告整改情况"
    closed = "closed", "銷號", "销号"
    reopened = "reopened", "重新打開", "重新打开"


class RectificationSource(Coded):
    finding = "finding", "督查發現", "督查发现"
    diagnostic = "diagnostic", "診斷問題", "诊断问题"


class AssessmentLevel(Coded):
    """The level of the owner's subtree an assessment scheme scores (目標管理考核的考核對象)."""

    township = "township", "鄉鎮(街道)", "乡镇(街道)"
    community = "community", "社區(村)", "社区(村)"


class AssessmentIndicator(Coded):
    """An indicator of an assessment scheme: computed from the system's records, or `manual`."""

    meeting_compliance = "meeting_compliance", "三會一課落實率", "三会一课落实率"
    team_completeness = "team_completeness", "班子配備齊全率", "班子配备齐全率"
    terms_on_time = "terms_on_time", "按期換屆率", "按期换届率"
    study_hours = "study_hours", "學習學時達標率", "学习学时达标率"
    floating_contacts = "floating_contacts", "流動黨員聯繫率", "流动党员联系率"
    dues = "dues", "黨費足額交納率", "党费足额交纳率"
    rectifications = "rectifications", "整改按期銷號率", "整改按期销号率"
    diagnostics = "diagnostics", "組織設置無問題率", "组织设置无问题率"
    manual = "manual", "人工評分", "人工评分"


class OrgDocumentKind(Coded):
    inspection_notice = "inspection_notice", "督查情況通報", "督查情况通报"


class NoticeFormat(Coded):
    html = "html", "網頁", "网页"
    pdf = "pdf", "PDF文件", "PDF文件"


class ElectionKind(Coded):
    """An election for a new term (換屆選舉) or to fill seats within the current one (補選)."""

    term_change = "term_change", "換屆選舉", "换届选举"
    by_election = "by_election", "補選", "补选"


class ElectionCounting(Coded):
    system = "system", "系統計票", "系统计票"
    paper = "paper", "紙質計票錄入", "纸质计票录入"


class ElectionStatus(Coded):
    nominating = "nominating", "提名審查", "提名审查"
    balloting = "balloting", "投票", "投票"
    awaiting_approval = "awaiting_approval", "待上級黨組織批准", "待上级党组织批准"
    effective = "effective", "已生效", "已生效"


class CandidateStatus(Coded):
    nominated = "nominated", "已提名", "已提名"
    approved = "approved", "審查通過", "审查通过"
    rejected = "rejected", "審查未通過", "审查未通过"


ENUM_LABELS: EnumLabels = {
    "OrgKind": OrgKind.labels(),
    "OrgTier": OrgTier.labels(),
    "OrgStatus": OrgStatus.labels(),
    "Setting": Setting.labels(),
    "FormationMode": FormationMode.labels(),
    "GuidanceCategory": GuidanceCategory.labels(),
    "BodyKind": BodyKind.labels(),
    "ElectionMethod": ElectionMethod.labels(),
    "ReserveEndReason": ReserveEndReason.labels(),
    "CoBuildingChange": CoBuildingChange.labels(),
    "Role": Role.labels(),
    "PositionSource": PositionSource.labels(),
    "ConcurrentPost": ConcurrentPost.labels(),
    "Education": Education.labels(),
    "UnitCategory": UnitCategory.labels(),
    "ZoneKind": ZoneKind.labels(),
    "TermDue": TermDue.labels(),
    "HistoryChange": HistoryChange.labels(),
    "DiagnosticRule": DiagnosticRule.labels(),
    "TaskRecipients": TaskRecipients.labels(),
    "Facility": Facility.labels(),
    "WorkList": WorkList.labels(),
    "Evidence": Evidence.labels(),
    "AssignmentStatus": AssignmentStatus.labels(),
    "ReplyDecision": ReplyDecision.labels(),
    "RectificationStatus": RectificationStatus.labels(),
    "OrgDocumentKind": OrgDocumentKind.labels(),
    "NoticeFormat": NoticeFormat.labels(),
    "RectificationStep": RectificationStep.labels(),
    "RectificationSource": RectificationSource.labels(),
    "AssessmentLevel": AssessmentLevel.labels(),
    "AssessmentIndicator": AssessmentIndicator.labels(),
    "ElectionKind": ElectionKind.labels(),
    "ElectionCounting": ElectionCounting.labels(),
    "ElectionStatus": ElectionStatus.labels(),
    "CandidateStatus": CandidateStatus.labels(),
}
