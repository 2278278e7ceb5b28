"""Pure rules of organization setup (no I/O): placement, forms, terms, elections, teams.

Every number a rule uses is a field of `OrgsPolicy` (defaults from the seed report and the
national regulations named in DOMAIN.md); the rules take the policy as an argument.
"""

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from pydantic import Field

from services.kit.policy import Policy
from services.orgs.schemas import OrgKind, OrgTier, Role


class OrgsPolicy(Policy):
    """The numbers the orgs rules use (defaults from the seed report and national rules)."""

    # Form by members of the organization's subtree (seed 對策(二)1).
    committee_above_members: int = Field(100, description="More members than this: a committee (黨委)")
    general_branch_above_members: int = Field(50, description="More than this and up to the above: a general branch")
    branch_min_full_members: int = Field(3, description="A branch needs at least this many full members, else a joint branch")
    joint_branch_max_units: int = Field(5, description="A joint branch joins at most this many units")
    branch_max_members: int = Field(50, description="A branch generally has at most this many members")
    committee_with_approval_members: int = Field(100, description="A village may form a committee from this many, approved")
    representatives_congress_members: int = Field(500, description="From this many members, a members' congress")
    # Leadership (支部工作條例).
    branch_committee_min_full_members: int = Field(7, description="From this many full members, a branch committee")
    committee_min_size: int = Field(3, description="Smallest branch committee")
    committee_usual_max_size: int = Field(5, description="Usual largest branch committee")
    committee_max_size: int = Field(7, description="Largest branch committee")
    team_min_size: int = Field(3, description="A team smaller than this must be strengthened ...")
    team_min_org_members: int = Field(3, description="... where the organization has at least this many members")
    # Terms (中辦 2018 任期意見).
    term_years_base: int = Field(5, description="Community and village organizations and base committees")
    term_years_branch: int = Field(3, description="Other branches and general branches")
    term_reminder_months: int = Field(6, description="Terms ending within this many months are listed")
    election_max_offset_years: int = Field(1, description="Early or late elections at most this far off")
    election_quorum_share: float = Field(0.8, description="More than this share of voters must be present")
    election_majority_share: float = Field(0.5, description="Elected with more than this share of those present")
    # 領頭雁 "三個60%" (seed 對策(三)1).
    leading_goose_college_share: float = Field(0.6, description="Share of the team with college education or above")
    leading_goose_young_share: float = Field(0.6, description="Share of the team under the age limit")
    leading_goose_age_limit: int = Field(45, description="The age limit of the above")
    leading_goose_cross_appointed_share: float = Field(0.6, description="Share of the team cross-appointed")
    # Work lists (seed 問題2, 問題3).
    form_alarm_members: int = Field(150, description="Communities over this many members and no committee are called out")
    reserve_pool_min_size: int = Field(2, description="A reserve-cadre pool smaller than this is thin")
    reserve_pool_min_college_share: float = Field(
        0.5, description="A pool with a smaller share of college or above is poorly educated"
    )


# Which tier may sit directly under which: the county is the root of a deployment.
ALLOWED_PARENT_TIERS: dict[OrgTier, frozenset[OrgTier | None]] = {
    OrgTier.county: frozenset({None}),
    OrgTier.township: frozenset({OrgTier.county}),
    OrgTier.community: frozenset({OrgTier.township}),
    OrgTier.unit: frozenset({OrgTier.township, OrgTier.community}),
    OrgTier.inner: frozenset({OrgTier.community, OrgTier.unit, OrgTier.inner}),
}

# A party group (黨小組) is never an organization of its own above an inner level.
ALLOWED_KINDS: dict[OrgTier, frozenset[OrgKind]] = {
    OrgTier.county: frozenset({OrgKind.committee}),
    OrgTier.township: frozenset({OrgKind.committee}),
    OrgTier.community: frozenset({OrgKind.committee, OrgKind.general_branch, OrgKind.branch, OrgKind.joint_branch}),
    OrgTier.unit: frozenset({OrgKind.committee, OrgKind.general_branch, OrgKind.branch, OrgKind.joint_branch}),
    OrgTier.inner: frozenset({OrgKind.general_branch, OrgKind.branch, OrgKind.joint_branch, OrgKind.group}),
}

COMMITTEE_ROLES = frozenset({Role.organization_member, Role.propaganda_member, Role.discipline_member, Role.committee_member})
TEAM_ROLES = frozenset({Role.secretary, Role.deputy_secretary, *COMMITTEE_ROLES})
BRANCH_KINDS = frozenset({OrgKind.branch, OrgKind.joint_branch})


def placement_error(tier: OrgTier, kind: OrgKind, parent_tier: OrgTier | None, parent_kind: OrgKind | None) -> str | None:
    """Why an organization of `tier`/`kind` may not sit under the given parent, or None if it may."""
    if kind not in ALLOWED_KINDS[tier]:
        return f"a {tier.value} organization cannot be a {kind.value}"
    if parent_tier not in ALLOWED_PARENT_TIERS[tier]:
        where = parent_tier.value if parent_tier else "the top of the tree"
        return f"a {tier.value} organization cannot sit under {where}"
    if parent_kind is OrgKind.group:
        return "nothing can sit under a party group"
    return None


def move_error(node_path: str, new_parent_path: str) -> str | None:
    """A node may not move under itself or one of its descendants."""
    if new_parent_path.startswith(node_path):
        return "an organization cannot move under itself or its own descendants"
    return None


def merge_error(source_path: str, target_path: str, target_status: str) -> str | None:
    """A merge needs a distinct, active survivor outside the merged organization's subtree."""
    if source_path == target_path:
        return "an organization cannot merge into itself"
    if target_status != "active":
        return f"the survivor is {target_status}, not active"
    if target_path.startswith(source_path):
        return "an organization cannot merge into its own descendant"
    return None


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


def joint_branch_units_error(units_after: int, policy: OrgsPolicy) -> str | None:
    """A joint branch joins at most `joint_branch_max_units` units."""
    if units_after > policy.joint_branch_max_units:
        return f"a joint branch joins at most {policy.joint_branch_max_units} units ({units_after} with this one)"
    return None


def term_years(tier: OrgTier, kind: OrgKind, policy: OrgsPolicy) -> int:
    """5 years for community (village) organizations, their inner ones and base committees; else 3."""
    if tier in (OrgTier.community, OrgTier.inner) or kind is OrgKind.committee:
        return policy.term_years_base
    return policy.term_years_branch


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def planned_term_end(started_on: date, tier: OrgTier, kind: OrgKind, policy: OrgsPolicy) -> date:
    return add_years(started_on, term_years(tier, kind, policy))


@dataclass(frozen=True)
class ElectionFigures:
    eligible_voters: int | None
    voters_present: int | None
    lowest_votes_elected: int | None


def election_errors(figures: ElectionFigures, policy: OrgsPolicy) -> list[dict[str, str]]:
    """An election is valid with more than 4/5 present and each elected by more than half of them."""
    errors: list[dict[str, str]] = []
    eligible, present, lowest = figures.eligible_voters, figures.voters_present, figures.lowest_votes_elected
    if present is not None and eligible is not None:
        if present > eligible:
            errors.append({"field": "voters_present", "message": "more voters present than eligible"})
        elif Fraction(present) <= Fraction(eligible) * Fraction(str(policy.election_quorum_share)):
            errors.append(
                {
                    "field": "voters_present",
                    "message": f"{present} of {eligible} present: more than {policy.election_quorum_share:.0%} must be",
                }
            )
    if lowest is not None and present is not None:
        if lowest > present:
            errors.append({"field": "lowest_votes_elected", "message": "more votes than voters present"})
        elif Fraction(lowest) <= Fraction(present) * Fraction(str(policy.election_majority_share)):
            errors.append(
                {
                    "field": "lowest_votes_elected",
                    "message": f"{lowest} of {present} votes: more than {policy.election_majority_share:.0%} are needed",
                }
            )
    return errors


def election_date_error(elected_on: date | None, started_on: date) -> str | None:
    if elected_on is not None and elected_on > started_on:
        return "the term cannot start before the election"
    return None


def election_timing_error(held_on: date, previous_planned_end: date, policy: OrgsPolicy) -> str | None:
    """An election is held at the planned end of the previous term, at most
    `election_max_offset_years` early or late (中辦 2018 任期意見)."""
    off = policy.election_max_offset_years
    if held_on < add_years(previous_planned_end, -off):
        return f"more than {off} year(s) before the previous term's planned end ({previous_planned_end})"
    if held_on > add_years(previous_planned_end, off):
        return f"more than {off} year(s) after the previous term's planned end ({previous_planned_end})"
    return None


def overlaps(since_a: date, until_a: date | None, since_b: date, until_b: date | None) -> bool:
    """Whether two date ranges share a day (an open end runs forever; `until` is the last day)."""
    return (until_b is None or since_a <= until_b) and (until_a is None or since_b <= until_a)


def is_current(since: date, until: date | None, as_of: date) -> bool:
    return since <= as_of and (until is None or as_of <= until)


def position_error(
    role: Role,
    *,
    kind: OrgKind,
    full_members: int,
    team_size_after: int,
    secretary_overlaps: bool,
    policy: OrgsPolicy,
) -> str | None:
    """Why a position may not be added, or None. `team_size_after` counts team roles with it."""
    if role is Role.secretary and secretary_overlaps:
        return "the organization already has a secretary for that time; end that position first"
    if role is Role.group_leader:
        return None if kind is OrgKind.group else "a group leader belongs to a party group"
    if kind is OrgKind.group:
        return "a party group has a group leader, not a committee"
    if role in COMMITTEE_ROLES and full_members < policy.branch_committee_min_full_members:
        return (
            f"with {full_members} full members (under {policy.branch_committee_min_full_members}) the organization has a "
            "secretary and perhaps a deputy, no committee"
        )
    if role in TEAM_ROLES and team_size_after > policy.committee_max_size:
        return f"a committee has at most {policy.committee_max_size} people"
    return None


def committee_required(full_members: int, policy: OrgsPolicy) -> bool:
    return full_members >= policy.branch_committee_min_full_members


def committee_too_small_error(
    role: Role, *, full_members: int, team_size_after: int, adding: bool, team_size_before: int, policy: OrgsPolicy
) -> str | None:
    """Where a committee is required, it has at least `committee_min_size` people.

    Adding a committee role must leave a committee of that size (add the secretary and deputy
    first, or the whole committee at once); ending a position must not take a team of that size
    below it (add the successor first).
    """
    if not committee_required(full_members, policy):
        return None
    if adding:
        if role in COMMITTEE_ROLES and team_size_after < policy.committee_min_size:
            return (
                f"a committee has at least {policy.committee_min_size} people ({team_size_after} with this one): "
                "add the secretary and deputy first, or the whole committee at once"
            )
        return None
    if team_size_before >= policy.committee_min_size > team_size_after:
        return (
            f"with {full_members} full members the organization needs a committee of at least {policy.committee_min_size}; "
            f"ending this leaves {team_size_after}: add the successor first"
        )
    return None


def committee_above_usual_size(team_size: int, policy: OrgsPolicy) -> bool:
    """Between the usual largest committee and the largest allowed: allowed, but worth a look."""
    return policy.committee_usual_max_size < team_size <= policy.committee_max_size


def team_too_small(team_size: int, org_members: int, policy: OrgsPolicy) -> bool:
    return org_members >= policy.team_min_org_members and team_size < policy.team_min_size


def term_due(ends_on: date, as_of: date, policy: OrgsPolicy) -> str | None:
    """'overdue' once the planned end has passed, 'ending_soon' within the reminder window, else None."""
    if ends_on < as_of:
        return "overdue"
    if ends_on <= add_months(as_of, policy.term_reminder_months):
        return "ending_soon"
    return None


COLLEGE_OR_ABOVE = frozenset({"college", "bachelor", "postgraduate"})


def age_on(birth_date: date, as_of: date) -> int:
    """Whole years on `as_of`."""
    return as_of.year - birth_date.year - ((as_of.month, as_of.day) < (birth_date.month, birth_date.day))


@dataclass(frozen=True)
class TeamPerson:
    birth_date: date | None
    education: str | None
    cross_appointed: bool


@dataclass(frozen=True)
class Share:
    count: int
    share: float | None
    threshold: float
    met: bool


def leading_goose(team: list[TeamPerson], as_of: date, policy: OrgsPolicy) -> dict[str, Share]:
    """The 領頭雁 "三個60%" of a community team: college or above, under the age limit, cross-appointed.

    A person whose birth date or education is unknown counts against the share (never for it).
    """

    def share(count: int, threshold: float) -> Share:
        value = count / len(team) if team else None
        return Share(count=count, share=value, threshold=threshold, met=value is not None and value >= threshold)

    college = sum(1 for p in team if p.education in COLLEGE_OR_ABOVE)
    young = sum(1 for p in team if p.birth_date is not None and age_on(p.birth_date, as_of) < policy.leading_goose_age_limit)
    crossed = sum(1 for p in team if p.cross_appointed)
    return {
        "college_or_above": share(college, policy.leading_goose_college_share),
        "under_age_limit": share(young, policy.leading_goose_young_share),
        "cross_appointed": share(crossed, policy.leading_goose_cross_appointed_share),
    }


def reserve_pool_problems(cadres: int, college_or_above: int, policy: OrgsPolicy) -> tuple[bool, bool]:
    """(thin, poorly educated) for a community's pool of reserve cadres (seed 問題3: 77 cadres, 20 of them college)."""
    thin = cadres < policy.reserve_pool_min_size
    poorly_educated = cadres == 0 or college_or_above < policy.reserve_pool_min_college_share * cadres
    return thin, poorly_educated


def form_called_out(kind: OrgKind, members: int, policy: OrgsPolicy) -> bool:
    """The seed's own example of a form mismatch: over 150 members and still no committee (問題2)."""
    return members > policy.form_alarm_members and kind is not OrgKind.committee
