"""The form an organization should have for its membership, and the other figures the
diagnostics (and the survey's form mismatches) judge a subtree by."""

from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date, timedelta

from services.orgs.enums import OrgKind
from services.orgs.rules import OrgsPolicy
from services.orgs.rules.communities import COLLEGE_OR_ABOVE, age_on

BRANCH_KINDS = frozenset({OrgKind.branch, OrgKind.joint_branch})


def expected_form(members: int, full_members: int, policy: OrgsPolicy) -> OrgKind:
    """The form a community (or unit) organization should have for its membership."""
    if members > policy.committee_above_members:
        return OrgKind.committee
    if members > policy.general_branch_above_members:
        return OrgKind.general_branch
    if full_members < policy.branch_min_full_members:
        return OrgKind.joint_branch
    return OrgKind.branch


def committee_by_approval(members: int, policy: OrgsPolicy) -> bool:
    """Whether a village (community) organization may be a committee only with the county's approval:
    from `committee_with_approval_members` up to the size where a committee is the rule."""
    return policy.committee_with_approval_members <= members <= policy.committee_above_members


def form_matches(kind: OrgKind, members: int, full_members: int, policy: OrgsPolicy) -> bool:
    expected = expected_form(members, full_members, policy)
    # A joint branch is a branch too: several small units may share one even with 3 full members.
    if kind == expected or (kind is OrgKind.joint_branch and expected is OrgKind.branch):
        return True
    return kind is OrgKind.committee and committee_by_approval(members, policy)


def needs_representatives_congress(members: int, policy: OrgsPolicy) -> bool:
    """From this many members a village committee may hold a members' representative congress."""
    return members >= policy.representatives_congress_members


# The seed's remaining problems (section 2 "社區黨組織機構設置…" and 4).


def cooperative_merged(cooperative_party_org_id: object | None, community_party_org_id: object | None) -> bool:
    """村股份經濟合作社黨組織與社區黨組織合二為一: the cooperative's party organization is the
    community's own party organization (one body doing both jobs). A cooperative without a party
    organization, or with one of its own, is not this problem."""
    return cooperative_party_org_id is not None and cooperative_party_org_id == community_party_org_id


@dataclass(frozen=True)
class Workforce:
    workers: int
    old: int
    old_share: float
    college_or_above: int
    college_share: float
    ageing: bool
    under_educated: bool


def workforce(workers: list[tuple[date, str]], as_of: date, policy: OrgsPolicy) -> Workforce | None:
    """社區工作者年齡老化、文化偏低, over the community's workers (birth date, education code) on
    `as_of`: ageing when more than `worker_max_old_share` are `worker_old_age` or older,
    under-educated when fewer than `worker_min_college_share` have college or above. None when
    the community has no workers on record (nothing to judge) or neither holds."""
    if not workers:
        return None
    old = sum(1 for birth_date, _ in workers if age_on(birth_date, as_of) >= policy.worker_old_age)
    college = sum(1 for _, education in workers if education in COLLEGE_OR_ABOVE)
    old_share, college_share = old / len(workers), college / len(workers)
    ageing = old_share > policy.worker_max_old_share
    under_educated = college_share < policy.worker_min_college_share
    if not (ageing or under_educated):
        return None
    return Workforce(len(workers), old, old_share, college, college_share, ageing, under_educated)


def missing_facilities(venues: list[list[str]], policy: OrgsPolicy) -> list[str]:
    """社區基礎設施較差: the codes of the basic set (policy `basic_facilities`) that none of the
    community's open venues offers (all of them when none is open)."""
    offered = {code for facilities in venues for code in facilities}
    return [facility.value for facility in policy.basic_facilities if facility.value not in offered]


def simply_combined(
    team: AbstractSet[object],
    predecessor_team: AbstractSet[object],
    merged_on: date,
    latest_team_since: date | None,
    latest_term_start: date | None,
) -> bool:
    """班子成員由原班子簡單組合而成: a community organization that villages' organizations were
    merged into (the tree's merge history: their `merged_into_id`, the last merger on `merged_on`)
    whose team on the day

    - is not empty and consists only of people who held a team post (secretary, deputy, committee
      member) in one of the merged organizations before its merger (`predecessor_team`), and
    - has not changed since the merger: no one's current team post began after `merged_on`, and no
      term of the organization began after it (no election since).
    """
    if not team or not team <= predecessor_team:
        return False
    if latest_team_since is not None and latest_team_since > merged_on:
        return False
    return latest_term_start is None or latest_term_start <= merged_on


def years_before(day: date, years: int) -> date:
    """The same day `years` earlier (28 February for a 29 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def no_admissions(latest_joined_on: date | None, as_of: date, policy: OrgsPolicy) -> bool:
    """入黨無門: among the community's members no one joined the party in the last
    `admission_gap_years` years up to `as_of` (the latest `joined_on` is that long ago or longer).
    A community without members on record is not judged (None)."""
    return latest_joined_on is not None and latest_joined_on <= years_before(as_of, policy.admission_gap_years)


def service_window(as_of: date) -> tuple[date, date]:
    """The 12 months up to `as_of`: from the day after the same day a year earlier, to `as_of`."""
    return years_before(as_of, 1) + timedelta(days=1), as_of


def few_service_activities(held: int, policy: OrgsPolicy) -> bool:
    """活動較少: a community's organizations held fewer than `service_activities_min` service
    activities (the activities service's service types) in the 12 months up to the day."""
    return held < policy.service_activities_min
