"""The survey figures and the broad diagnostic lists, computed independently from a generated district.

This is the yardstick for GET /reports/survey (the shape of shared survey-contract.md: per key
rural, urban and total count and denominator, shares to 0.1 point) and for the diagnostic lists
whose members follow from the data rather than from a planted case. It reads only the generator's
plain records, never the services' code, so that a wrong rule in a service shows as a difference.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from stack.demo.generate import COLLEGE_OR_ABOVE, JUNIOR_HIGH_OR_BELOW, District, MemberSpec, expected_kind

CLOSED_STATES = ("left", "deceased", "transferred_out")
TEAM_ROLES = (
    "secretary",
    "deputy_secretary",
    "organization_member",
    "propaganda_member",
    "discipline_member",
    "committee_member",
)


@dataclass(frozen=True)
class SurveyParameters:
    team_age_min: int = 46
    secretary_age_min: int = 45
    member_age_min: int = 46
    reform_date: date = date(1978, 12, 18)


LABELS = {
    "communities": "社區數",
    "community_units": "社區單位數",
    "team_members": "黨組織班子成員",
    "team_members_aged_46_plus": "班子成員46歲以上",
    "team_members_college_or_above": "班子成員大專以上",
    "secretaries": "黨組織書記",
    "secretaries_aged_45_plus": "書記45周歲以上",
    "secretaries_college_or_above": "書記大專以上",
    "reserve_cadres": "後備干部",
    "reserve_cadres_college_or_above": "後備干部大專以上",
    "members": "黨員",
    "members_aged_46_plus": "黨員46歲以上",
    "members_junior_high_or_below": "黨員初中以下",
    "members_joined_before_reform": "改革開放前入黨",
    "not_transferred": "組織關係未轉入",
    "floating_out": "外出流動黨員",
    "displaced": "拆遷過渡在外黨員",
    "form_mismatches": "組織形式與黨員數不符的社區",
}
DENOMINATORS = {
    "team_members_aged_46_plus": "team_members",
    "team_members_college_or_above": "team_members",
    "secretaries_aged_45_plus": "secretaries",
    "secretaries_college_or_above": "secretaries",
    "reserve_cadres_college_or_above": "reserve_cadres",
    "members_aged_46_plus": "members",
    "members_junior_high_or_below": "members",
    "members_joined_before_reform": "members",
    "floating_out": "members",
    "displaced": "members",
    "form_mismatches": "communities",
}


def age_on(birth_date: date, as_of: date) -> int:
    return as_of.year - birth_date.year - ((as_of.month, as_of.day) < (birth_date.month, birth_date.day))


def share(count: int, denominator: int | None) -> float | None:
    return round(100 * count / denominator, 1) if denominator else None


class _Counts:
    """Counts per figure key and side (rural, urban, total)."""

    def __init__(self) -> None:
        self.by_key: dict[str, dict[str, int]] = {key: {"rural": 0, "urban": 0, "total": 0} for key in LABELS}

    def add(self, key: str, setting: str | None, n: int | bool = 1) -> None:
        if setting:
            self.by_key[key][setting] += int(n)
        self.by_key[key]["total"] += int(n)


def survey(district: District, parameters: SurveyParameters | None = None) -> dict[str, Any]:
    """Every survey figure of the whole district on its as-of day (the contract's JSON shape)."""
    p = parameters or SurveyParameters()
    counts = _Counts()
    for community in district.communities:
        counts.add("communities", community.setting)
    setting_of = {c.key: c.setting for c in district.communities}
    for unit in district.units:
        counts.add("community_units", setting_of[unit.community])
    _teams(district, p, counts)
    for cadre in district.cadres:
        if cadre.since <= district.as_of:
            counts.add("reserve_cadres", setting_of[cadre.community])
            counts.add("reserve_cadres_college_or_above", setting_of[cadre.community], cadre.education in COLLEGE_OR_ABOVE)
    _members(district, p, counts)
    figures = []
    for key, label in LABELS.items():
        sides: dict[str, dict[str, Any]] = {}
        for side in ("rural", "urban", "total"):
            denominator = counts.by_key[DENOMINATORS[key]][side] if key in DENOMINATORS else None
            count = counts.by_key[key][side]
            sides[side] = {"count": count, "denominator": denominator, "share": share(count, denominator)}
        rural, urban = sides["rural"]["share"], sides["urban"]["share"]
        difference = round(rural - urban, 1) if rural is not None and urban is not None else None
        figures.append({"key": key, "label": label, **sides, "difference_points": difference})
    return {
        "within": None,
        "as_of": district.as_of.isoformat(),
        "parameters": {
            "team_age_min": p.team_age_min,
            "secretary_age_min": p.secretary_age_min,
            "member_age_min": p.member_age_min,
            "reform_date": p.reform_date.isoformat(),
            "college_or_above": list(COLLEGE_OR_ABOVE),
            "junior_high_or_below": list(JUNIOR_HIGH_OR_BELOW),
        },
        "figures": figures,
    }


def _teams(district: District, p: SurveyParameters, counts: _Counts) -> None:
    """Team members (each person once per community) and secretaries of the communities' top organizations."""
    as_of = district.as_of
    setting_of = {c.key: c.setting for c in district.communities}
    community_of_top_org = {c.party_org: c.key for c in district.communities}
    members_by_key = {m.key: m for m in district.members}
    team: dict[tuple[str, str], MemberSpec] = {}
    for position in district.positions:
        community_key = community_of_top_org.get(position.org)
        if community_key is None or position.role not in TEAM_ROLES or position.since > as_of:
            continue
        member = members_by_key[position.member]
        team[(community_key, member.key)] = member
        if position.role == "secretary":
            setting = setting_of[community_key]
            counts.add("secretaries", setting)
            counts.add("secretaries_aged_45_plus", setting, age_on(member.birth_date, as_of) >= p.secretary_age_min)
            counts.add("secretaries_college_or_above", setting, member.education in COLLEGE_OR_ABOVE)
    for (community_key, _member_key), member in team.items():
        setting = setting_of[community_key]
        counts.add("team_members", setting)
        counts.add("team_members_aged_46_plus", setting, age_on(member.birth_date, as_of) >= p.team_age_min)
        counts.add("team_members_college_or_above", setting, member.education in COLLEGE_OR_ABOVE)


def _members(district: District, p: SurveyParameters, counts: _Counts) -> None:
    """Members of the district's organizations by the setting of their organization's community;
    the not-transferred by their residence community; the form check on the counts."""
    as_of = district.as_of
    setting_of = {c.key: c.setting for c in district.communities}
    in_district = _district_orgs(district)
    held: dict[str, int] = {}
    for member in district.members:
        if member.whereabouts == "not_transferred":
            if member.residence_community:
                counts.add("not_transferred", setting_of[member.residence_community])
            continue
        if member.org not in in_district:
            continue
        community_key = district.org(member.org).community
        setting = setting_of[community_key] if community_key else None
        held[member.org] = held.get(member.org, 0) + 1
        counts.add("members", setting)
        counts.add("members_aged_46_plus", setting, age_on(member.birth_date, as_of) >= p.member_age_min)
        counts.add("members_junior_high_or_below", setting, member.education in JUNIOR_HIGH_OR_BELOW)
        counts.add("members_joined_before_reform", setting, member.joined_on < p.reform_date)
        counts.add("floating_out", setting, member.whereabouts == "floating_out")
        counts.add("displaced", setting, member.whereabouts == "displaced")
    for community in district.communities:
        org = district.org(community.party_org)
        if org.kind != expected_kind(held.get(org.key, 0)):
            counts.add("form_mismatches", community.setting)


def _district_orgs(district: District) -> set[str]:
    """Keys of the organizations under the district's county (not the neighbouring district's)."""
    inside: set[str] = set()
    for org in district.orgs:
        node: str | None = org.key
        while node is not None and node != district.county:
            node = district.org(node).parent
        if node == district.county:
            inside.add(org.key)
    return inside


@dataclass(frozen=True)
class DiagnosticNumbers:
    """The policy defaults the broad lists use (orgs and members policies)."""

    college_share: float = 0.6
    young_share: float = 0.6
    age_limit: int = 45
    cross_appointed_share: float = 0.6
    reserve_min_size: int = 2
    reserve_min_college_share: float = 0.5
    education_upgrade_max_age: int = 45


def broad_lists(district: District, numbers: DiagnosticNumbers | None = None) -> dict[str, set[str]]:
    """The diagnostic lists that follow from the data: org keys for the 三個60% standard and the
    reserve pools, member keys for the education upgrade."""
    n = numbers or DiagnosticNumbers()
    as_of = district.as_of
    members_by_key = {m.key: m for m in district.members}
    found: dict[str, set[str]] = {"below_leading_goose": set(), "reserve_pools": set(), "education_upgrade_missing": set()}
    teams: dict[str, dict[str, bool]] = {}
    for position in district.positions:
        if position.role in TEAM_ROLES and position.since <= as_of:
            team = teams.setdefault(position.org, {})
            team[position.member] = team.get(position.member, False) or bool(position.concurrent_posts)
    pools: dict[str, list[str]] = {}
    for cadre in district.cadres:
        if cadre.since <= as_of:
            pools.setdefault(cadre.community, []).append(cadre.education)
    for community in district.communities:
        crossed = teams.get(community.party_org, {})
        people = [members_by_key[k] for k in crossed]
        if people:
            college = sum(m.education in COLLEGE_OR_ABOVE for m in people) / len(people)
            young = sum(age_on(m.birth_date, as_of) < n.age_limit for m in people) / len(people)
            cross = sum(crossed.values()) / len(people)
            if college < n.college_share or young < n.young_share or cross < n.cross_appointed_share:
                found["below_leading_goose"].add(community.party_org)
        pool = pools.get(community.key, [])
        college_cadres = sum(education in COLLEGE_OR_ABOVE for education in pool)
        if len(pool) < n.reserve_min_size or college_cadres < n.reserve_min_college_share * len(pool):
            found["reserve_pools"].add(community.party_org)
    enrolled = {c.member for c in district.care if c.program == "education_upgrade"}
    inside = _district_orgs(district)
    for member in district.members:
        if (
            member.org in inside
            and member.whereabouts != "not_transferred"
            and age_on(member.birth_date, as_of) < n.education_upgrade_max_age
            and member.education not in COLLEGE_OR_ABOVE
            and member.key not in enrolled
        ):
            found["education_upgrade_missing"].add(member.key)
    return found
