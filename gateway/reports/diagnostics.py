"""The diagnostics report: every problem the seed report names, as work lists, composed from the
services' own diagnostics and work-list endpoints (never their rows in bulk).

Each call carries the caller's own Authorization header, so every service applies the caller's
roles and scope inside its queries; a service's 401/403/404/422 is the report's answer, unchanged.
The labels and suggested measures are the seed's own words (對策與措施).
"""

import asyncio
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from services.kit.peers import PeerClient, PeerUnavailable
from services.kit.problems import Problem

PAGE = 200  # the services' largest page


@dataclass(frozen=True)
class WorkList:
    key: str
    label: str
    measure: str


LISTS = (
    WorkList(
        "form_mismatch",
        "組織設置與黨員數不符",
        "以換屆為契機合理設置組織: 黨員超過一百名的建立社區黨委, 超過五十名不足一百名的建立黨總支",
    ),
    WorkList(
        "small_or_incomplete_teams",
        "黨組織班子不健全 (人數不足或缺書記)",
        "通過書記提名、黨員推薦、組織考察的辦法選拔黨員充實到班子中來, 也可以採用下派、掛職的辦法配強班子",
    ),
    WorkList(
        "no_cross_appointment",
        "書記未兼任居委會主任 (未交叉任職)",
        "注重黨組織與其它組織班子成員交叉任職, 條件成熟的社區推行黨組織書記兼任居委會主任",
    ),
    WorkList(
        "below_leading_goose",
        "班子未達「領頭雁」工程「三個60%」標準",
        "按照城市社區「領頭雁」工程標準分類指導, 拓寬任職渠道, 分步實施, 待條件具備後通過組織調整或補選充實力量",
    ),
    WorkList("terms_overdue", "換屆逾期", "以社區換屆為契機, 依法選舉產生社區黨組織、居民委員會、居民代表大會、議事協商委員會"),
    WorkList(
        "reserve_pools",
        "後備干部人數不足或文化程度偏低",
        "拓寬選人渠道, 充實大專以上文化的後備干部, 加強培養鍛煉",
    ),
    WorkList(
        "followed_members_uncontacted",
        "流動、拆遷過渡在外、組織關係未轉入的黨員近期未聯繫",
        "建立定期聯繫與隨機聯繫相結合、定期匯報與及時溝通相結合的制度, 明確職責, 掌握情況",
    ),
    WorkList(
        "study_day_only",
        "組織活動停留在每月一次的黨員學習日",
        "以「五好」社區黨組織、「創滿意社區」、「凝聚力工程」為載體, 豐富活動內容和形式",
    ),
    WorkList(
        "members_without_attendance",
        "黨員長期未參加組織活動",
        "定期活動與交叉活動相結合, 上門聯繫, 督促參加組織生活, 通過設崗定責發揮作用",
    ),
    WorkList(
        "green_channel_unserved",
        "老黨員、困難黨員未獲上門服務",
        "開闢上門送學、生活結對、工作幫扶等「綠色通道」",
    ),
    WorkList(
        "education_upgrade_missing",
        "年輕低學歷黨員未參加學歷進修",
        "建立年輕黨員學歷進修制度, 組織參加學歷進修班",
    ),
    WorkList(
        "units_without_co_building",
        "社區有單位而無共建協議",
        "樹立社區共建典型, 鼓勵社區單位參與共建, 建立黨建共建機制和共建責任區",
    ),
    # The rest of the seed's problems (二, 四), each judged by orgs on its own records.
    WorkList(
        "cooperative_merged",
        "村股份經濟合作社黨組織與社區黨組織合二為一",
        "理順社區黨組織與股份經濟合作社黨組織的關係, 分設組織, 明確職責, 充分發揮社區黨組織的職能",
    ),
    WorkList(
        "simply_combined_team",
        "新社區班子由原班子簡單組合而成",
        "以換屆為契機調整優化整合後社區的黨組織班子, 形成新的組織機制",
    ),
    WorkList(
        "no_admissions",
        "社區多年未發展黨員 (入黨無門)",
        "注重在有知識、有文化的優秀青年中發展黨員, 防止家族化、利益化、小團體化和權位化的影響",
    ),
    WorkList(
        "few_service_activities",
        "社區服務活動較少",
        "豐富活動內容和載體, 開展志願服務、走訪、上門送學等服務活動, 發揮黨員的先鋒模範作用",
    ),
    WorkList(
        "workers_ageing",
        "社區工作者年齡老化、文化偏低",
        "選聘年輕、有文化的社區工作者, 加強在職社區工作者的培訓",
    ),
    WorkList(
        "venue_facilities_missing",
        "社區基礎設施較差 (活動場地缺少基本設施設備)",
        "加大社區基礎設施投入, 配齊黨員活動場地和設施設備",
    ),
    WorkList("other_setup_problems", "其他組織設置問題", "按各項所列措施處理"),
)

# orgs' diagnostic rules → the list they belong to (anything else: other_setup_problems).
ORG_RULES = {
    "form_mismatch": "form_mismatch",
    "team_too_small": "small_or_incomplete_teams",
    "no_secretary": "small_or_incomplete_teams",
    "secretary_not_director": "no_cross_appointment",
    "term_overdue": "terms_overdue",
    # An empty pool is in the reserve-pool list with its figures.
    "no_reserve_cadres": None,
    "cooperative_merged": "cooperative_merged",
    "simply_combined_team": "simply_combined_team",
    "no_admissions": "no_admissions",
    "few_service_activities": "few_service_activities",
    "workers_ageing": "workers_ageing",
    "venue_facilities_missing": "venue_facilities_missing",
}


def _item(
    *,
    org_id: Any = None,
    org_name: Any = None,
    member_id: Any = None,
    member_name: Any = None,
    figures: dict[str, Any],
    measure: str | None = None,
) -> dict[str, Any]:
    item = {"org_id": org_id, "org_name": org_name, "member_id": member_id, "member_name": member_name, "figures": figures}
    if measure:
        item["measure"] = measure
    return item


class Composer:
    """The calls of one report, each with the caller's Authorization header."""

    def __init__(self, peers: dict[str, PeerClient], authorization: str, timeout_s: float) -> None:
        self.peers = peers
        self.headers = {"authorization": authorization}
        self.timeout_s = timeout_s

    async def get(self, service: str, path: str, params: dict[str, str]) -> Any:
        response = await self.peers[service].request("GET", path, params=params, headers=self.headers, timeout=self.timeout_s)
        if response.status_code >= 500:
            raise PeerUnavailable(service, f"status {response.status_code}")
        if response.status_code != 200:
            body = response.json() if response.headers.get("content-type", "").endswith("json") else {}
            raise Problem(response.status_code, str(body.get("detail", "The request was refused")), slug=_slug(body))
        return response.json()

    async def pages(self, service: str, path: str, params: dict[str, str]) -> list[dict[str, Any]]:
        """Every item of a cursor-paginated list."""
        items: list[dict[str, Any]] = []
        cursor: str | None = None
        while True:
            page = await self.get(service, path, {**params, "limit": str(PAGE)} | ({"cursor": cursor} if cursor else {}))
            items += page["items"]
            cursor = page.get("next_cursor")
            if not cursor:
                return items


def _slug(body: dict[str, Any]) -> str | None:
    kind = body.get("type")
    return kind.rsplit("/", 1)[-1] if isinstance(kind, str) and kind.startswith("/problems/") else None


async def diagnostics(composer: Composer, within: uuid.UUID, as_of: date) -> dict[str, Any]:
    scope = str(within)
    day = as_of.isoformat()
    period = str(as_of.year)  # the as-of year so far: the activity lists' period
    in_scope = {"within": scope, "as_of": day}
    (
        setup,
        community_lists,
        upgrade,
        study_day,
        inactive,
        uncontacted,
        unserved,
    ) = await asyncio.gather(
        composer.get("orgs", f"/api/v1/orgs/{scope}/diagnostics", {"as_of": day}),
        composer.get("orgs", f"/api/v1/orgs/{scope}/worklists", {"as_of": day}),
        composer.pages("members", "/api/v1/members/worklists/education-upgrade", in_scope),
        composer.get("activities", "/api/v1/compliance/study-day-only", {"within": scope, "period": period}),
        composer.pages("activities", "/api/v1/compliance/inactive-members", in_scope),
        composer.pages("activities", "/api/v1/compliance/uncontacted-members", in_scope),
        composer.pages("activities", "/api/v1/compliance/green-channel-unserved", {"within": scope, "period": period}),
    )
    found: dict[str, list[dict[str, Any]]] = {w.key: [] for w in LISTS}
    called_out = {c["party_org_id"] for c in community_lists["form_called_out"]}
    for problem in setup["items"]:
        rule = problem["rule"]
        if rule in ORG_RULES and ORG_RULES[rule] is None:
            continue
        figures = dict(problem["figures"], rule=rule)
        if rule == "form_mismatch":
            figures["called_out"] = problem["org_id"] in called_out
        key = ORG_RULES.get(rule) or "other_setup_problems"
        measure = problem["action"] if key == "other_setup_problems" else None
        found[key].append(_item(org_id=problem["org_id"], org_name=problem["org_name"], figures=figures, measure=measure))
    for key in ("below_leading_goose", "reserve_pools", "units_without_co_building"):
        for entry in community_lists[key]:
            figures = {k: v for k, v in entry.items() if k not in ("party_org_id", "org_name")}
            found[key].append(_item(org_id=entry["party_org_id"], org_name=entry["org_name"], figures=figures))
    for org in study_day["items"]:
        found["study_day_only"].append(
            _item(org_id=org["org_id"], org_name=org["name"], figures={"held": org["held"], "period": period})
        )
    for key, refs in (
        ("members_without_attendance", inactive),
        ("followed_members_uncontacted", uncontacted),
        ("green_channel_unserved", unserved),
    ):
        for ref in refs:
            figures = {k: ref[k] for k in ("whereabouts", "last") if ref.get(k) is not None}
            found[key].append(_item(org_id=ref["org_id"], member_id=ref["member_id"], member_name=ref["name"], figures=figures))
    for gap in upgrade:
        figures = {"age": gap["age"], "education": gap["education"]}
        found["education_upgrade_missing"].append(
            _item(org_id=gap["org_id"], member_id=gap["member_id"], member_name=gap["name"], figures=figures)
        )
    return {
        "within": scope,
        "as_of": day,
        # The orgs rules that could not be judged (a service orgs asks did not answer).
        "not_evaluated": list(setup.get("not_evaluated", [])),
        "lists": [
            {"key": w.key, "label": w.label, "measure": w.measure, "count": len(found[w.key]), "items": found[w.key]}
            for w in LISTS
        ],
    }
