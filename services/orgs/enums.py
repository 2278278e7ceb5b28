"""The orgs service's codes, each with its Chinese labels (traditional and simplified).

The one place a code is spelled: schemas, rules, models and SQL text take their codes from these
enums; `ENUM_LABELS` is served at `GET /labels` (the gateway merges it into `/api/v1/meta/enums`).
"""

from enum import StrEnum

from services.kit.labels import EnumLabels


class OrgKind(StrEnum):
    committee = "committee"
    general_branch = "general_branch"
    branch = "branch"
    joint_branch = "joint_branch"
    group = "group"


class OrgTier(StrEnum):
    county = "county"
    township = "township"
    community = "community"
    inner = "inner"
    unit = "unit"


class OrgStatus(StrEnum):
    active = "active"
    dissolved = "dissolved"
    merged = "merged"


class Setting(StrEnum):
    rural = "rural"
    urban = "urban"


class FormationMode(StrEnum):
    village_continuation = "village_continuation"
    residential_reorganization = "residential_reorganization"
    village_residential_integration = "village_residential_integration"


class GuidanceCategory(StrEnum):
    integrated = "integrated"
    integrating = "integrating"
    converted_from_village = "converted_from_village"


class BodyKind(StrEnum):
    party_organization = "party_organization"
    residents_committee = "residents_committee"
    representatives_congress = "representatives_congress"
    deliberation_committee = "deliberation_committee"


class ElectionMethod(StrEnum):
    members_meeting = "members_meeting"
    delegates_congress = "delegates_congress"
    public_recommendation_direct = "public_recommendation_direct"


class Role(StrEnum):
    secretary = "secretary"
    deputy_secretary = "deputy_secretary"
    organization_member = "organization_member"
    propaganda_member = "propaganda_member"
    discipline_member = "discipline_member"
    committee_member = "committee_member"
    group_leader = "group_leader"


class PositionSource(StrEnum):
    elected = "elected"
    appointed = "appointed"
    dispatched = "dispatched"
    seconded = "seconded"
    recruited = "recruited"
    retained = "retained"
    exchanged = "exchanged"


class ConcurrentPost(StrEnum):
    residents_committee_director = "residents_committee_director"
    residents_committee_member = "residents_committee_member"
    cooperative_chair = "cooperative_chair"
    deliberation_committee_member = "deliberation_committee_member"


class Education(StrEnum):
    postgraduate = "postgraduate"
    bachelor = "bachelor"
    college = "college"
    secondary = "secondary"
    junior_high = "junior_high"
    primary_or_below = "primary_or_below"


class UnitCategory(StrEnum):
    enterprise = "enterprise"
    school = "school"
    agency = "agency"
    public_institution = "public_institution"
    social_organization = "social_organization"
    other = "other"


class ZoneKind(StrEnum):
    resident_group_zone = "resident_group_zone"
    unit_co_building_zone = "unit_co_building_zone"


class TermDue(StrEnum):
    overdue = "overdue"
    ending_soon = "ending_soon"


class HistoryChange(StrEnum):
    created = "created"
    updated = "updated"
    moved = "moved"
    merged = "merged"
    received_merge = "received_merge"
    dissolved = "dissolved"
    community_changed = "community_changed"


class DiagnosticRule(StrEnum):
    form_mismatch = "form_mismatch"
    team_too_small = "team_too_small"
    no_secretary = "no_secretary"
    secretary_not_director = "secretary_not_director"
    term_overdue = "term_overdue"
    term_ending_soon = "term_ending_soon"
    branch_too_large = "branch_too_large"
    no_reserve_cadres = "no_reserve_cadres"
    committee_above_usual_size = "committee_above_usual_size"
    representatives_congress = "representatives_congress"
    joint_branch_too_many_units = "joint_branch_too_many_units"


def _labels(hant: str, hans: str) -> dict[str, str]:
    return {"zh_hant": hant, "zh_hans": hans}


ENUM_LABELS: EnumLabels = {
    "OrgKind": {
        "committee": _labels("黨委", "党委"),
        "general_branch": _labels("黨總支", "党总支"),
        "branch": _labels("黨支部", "党支部"),
        "joint_branch": _labels("聯合黨支部", "联合党支部"),
        "group": _labels("黨小組", "党小组"),
    },
    "OrgTier": {
        "county": _labels("區(縣)委", "区(县)委"),
        "township": _labels("鄉鎮(街道)黨(工)委", "乡镇(街道)党(工)委"),
        "community": _labels("社區(村)黨組織", "社区(村)党组织"),
        "inner": _labels("社區內黨組織", "社区内党组织"),
        "unit": _labels("社區單位黨組織", "社区单位党组织"),
    },
    "OrgStatus": {
        "active": _labels("正常", "正常"),
        "dissolved": _labels("已撤銷", "已撤销"),
        "merged": _labels("已合併", "已合并"),
    },
    "Setting": {"rural": _labels("農村社區", "农村社区"), "urban": _labels("城市社區", "城市社区")},
    "FormationMode": {
        "village_continuation": _labels("行政村沿襲", "行政村沿袭"),
        "residential_reorganization": _labels("居民區改組", "居民区改组"),
        "village_residential_integration": _labels("村居整合", "村居整合"),
    },
    "GuidanceCategory": {
        "integrated": _labels("已完成規模整合、基礎較好", "已完成规模整合、基础较好"),
        "integrating": _labels("正在整合", "正在整合"),
        "converted_from_village": _labels("撤村建社區", "撤村建社区"),
    },
    "BodyKind": {
        "party_organization": _labels("社區黨組織", "社区党组织"),
        "residents_committee": _labels("社區居民委員會", "社区居民委员会"),
        "representatives_congress": _labels("社區居民代表大會", "社区居民代表大会"),
        "deliberation_committee": _labels("社區議事協商委員會", "社区议事协商委员会"),
    },
    "ElectionMethod": {
        "members_meeting": _labels("黨員大會選舉", "党员大会选举"),
        "delegates_congress": _labels("黨員代表大會選舉", "党员代表大会选举"),
        "public_recommendation_direct": _labels("公推直選", "公推直选"),
    },
    "Role": {
        "secretary": _labels("書記", "书记"),
        "deputy_secretary": _labels("副書記", "副书记"),
        "organization_member": _labels("組織委員", "组织委员"),
        "propaganda_member": _labels("宣傳委員", "宣传委员"),
        "discipline_member": _labels("紀檢委員", "纪检委员"),
        "committee_member": _labels("委員", "委员"),
        "group_leader": _labels("黨小組長", "党小组长"),
    },
    "PositionSource": {
        "elected": _labels("選舉", "选举"),
        "appointed": _labels("任命", "任命"),
        "dispatched": _labels("下派", "下派"),
        "seconded": _labels("掛職", "挂职"),
        "recruited": _labels("社會招聘", "社会招聘"),
        "retained": _labels("留用", "留用"),
        "exchanged": _labels("交流任職", "交流任职"),
    },
    "ConcurrentPost": {
        "residents_committee_director": _labels("居委會主任", "居委会主任"),
        "residents_committee_member": _labels("居委會委員", "居委会委员"),
        "cooperative_chair": _labels("股份經濟合作社董事長", "股份经济合作社董事长"),
        "deliberation_committee_member": _labels("議事協商委員會委員", "议事协商委员会委员"),
    },
    "Education": {
        "postgraduate": _labels("研究生", "研究生"),
        "bachelor": _labels("大學本科", "大学本科"),
        "college": _labels("大學專科", "大学专科"),
        "secondary": _labels("中專/高中", "中专/高中"),
        "junior_high": _labels("初中", "初中"),
        "primary_or_below": _labels("小學及以下", "小学及以下"),
    },
    "UnitCategory": {
        "enterprise": _labels("企業", "企业"),
        "school": _labels("學校", "学校"),
        "agency": _labels("機關", "机关"),
        "public_institution": _labels("事業單位", "事业单位"),
        "social_organization": _labels("社會組織", "社会组织"),
        "other": _labels("其他", "其他"),
    },
    "ZoneKind": {
        "resident_group_zone": _labels("居民黨小組責任區", "居民党小组责任区"),
        "unit_co_building_zone": _labels("社區單位黨組織共建責任區", "社区单位党组织共建责任区"),
    },
    "TermDue": {"overdue": _labels("已到期未換屆", "已到期未换届"), "ending_soon": _labels("即將到期", "即将到期")},
    "HistoryChange": {
        "created": _labels("建立", "建立"),
        "updated": _labels("修改", "修改"),
        "moved": _labels("調整隸屬關係", "调整隶属关系"),
        "merged": _labels("合併", "合并"),
        "received_merge": _labels("接收合併", "接收合并"),
        "dissolved": _labels("撤銷", "撤销"),
        "community_changed": _labels("所屬社區變更", "所属社区变更"),
    },
    "DiagnosticRule": {
        "form_mismatch": _labels("組織形式與黨員人數不符", "组织形式与党员人数不符"),
        "team_too_small": _labels("班子不足3人", "班子不足3人"),
        "no_secretary": _labels("無書記", "无书记"),
        "secretary_not_director": _labels("書記未兼任居委會主任", "书记未兼任居委会主任"),
        "term_overdue": _labels("任期已屆滿未換屆", "任期已届满未换届"),
        "term_ending_soon": _labels("任期即將屆滿", "任期即将届满"),
        "branch_too_large": _labels("支部黨員超過50名", "支部党员超过50名"),
        "no_reserve_cadres": _labels("無後備幹部", "无后备干部"),
        "committee_above_usual_size": _labels("委員會超過一般人數", "委员会超过一般人数"),
        "representatives_congress": _labels("可召開黨員代表大會", "可召开党员代表大会"),
        "joint_branch_too_many_units": _labels("聯合黨支部單位過多", "联合党支部单位过多"),
    },
}
