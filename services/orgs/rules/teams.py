"""Terms and elections (換屆), and teams (班子): term lengths, valid elections, who may hold which
position when, and the size of a committee."""

from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

from services.kit.problems import field_error
from services.orgs.enums import OrgKind, OrgTier, Role, TermDue
from services.orgs.rules import OrgsPolicy

COMMITTEE_ROLES = frozenset({Role.organization_member, Role.propaganda_member, Role.discipline_member, Role.committee_member})
TEAM_ROLES = frozenset({Role.secretary, Role.deputy_secretary, *COMMITTEE_ROLES})


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


def election_errors(figures: ElectionFigures, policy: OrgsPolicy, *, body: bool = False) -> list[dict[str, Any]]:
    """A party election is valid with more than 4/5 present and each elected by more than half of
    them; a community body's (`body`: 村民委員會組織法) with more than half of the registered voters
    voting and each elected by more than half of the votes (both shares: policy)."""
    quorum_share = policy.body_election_quorum_share if body else policy.election_quorum_share
    majority_share = policy.body_election_majority_share if body else policy.election_majority_share
    errors: list[dict[str, Any]] = []
    eligible, present, lowest = figures.eligible_voters, figures.voters_present, figures.lowest_votes_elected
    if present is not None and eligible is not None:
        if present > eligible:
            errors.append(field_error("voters_present", "more voters present than eligible"))
        elif Fraction(present) <= Fraction(eligible) * Fraction(str(quorum_share)):
            quorum = f"{present} of {eligible} present: more than {quorum_share:.0%} must be"
            errors.append(field_error("voters_present", quorum))
    if lowest is not None and present is not None:
        if lowest > present:
            errors.append(field_error("lowest_votes_elected", "more votes than voters present"))
        elif Fraction(lowest) <= Fraction(present) * Fraction(str(majority_share)):
            majority = f"{lowest} of {present} votes: more than {majority_share:.0%} are needed"
            errors.append(field_error("lowest_votes_elected", majority))
    return errors


@dataclass(frozen=True)
class LatestTerm:
    number: int
    started_on: date
    ends_on: date


def term_sequence_errors(
    latest: LatestTerm | None,
    *,
    number: int,
    started_on: date,
    elected_on: date | None,
    policy: OrgsPolicy,
    number_field: str = "number",
) -> list[dict[str, Any]]:
    """A new term follows the latest recorded one: a higher number, a later start, an election no
    later than the start, held at the previous term's planned end at most the policy's years off.
    The same for an organization's terms and a community body's."""
    errors: list[dict[str, Any]] = []
    if latest is not None and number <= latest.number:
        errors.append(field_error(number_field, f"the latest recorded term is number {latest.number}"))
    if latest is not None and started_on <= latest.started_on:
        errors.append(field_error("started_on", f"term {latest.number} started on {latest.started_on}"))
    date_error = election_date_error(elected_on, started_on)
    if date_error:
        errors.append(field_error("elected_on", date_error))
    if latest is not None:
        # The election (or, unrecorded, the term's start) against the previous term's planned end.
        timing_error = election_timing_error(elected_on or started_on, latest.ends_on, policy)
        if timing_error:
            errors.append(field_error("elected_on" if elected_on else "started_on", timing_error))
    return errors


def planned_body_term_end(started_on: date, policy: OrgsPolicy) -> date:
    return add_years(started_on, policy.body_term_years)


def body_term_end_error(started_on: date, ends_on: date, policy: OrgsPolicy) -> str | None:
    """A community body's term lasts at most the policy's years (it may be recorded shorter)."""
    planned = planned_body_term_end(started_on, policy)
    if ends_on > planned:
        return f"a term lasts at most {policy.body_term_years} years: {planned.isoformat()} at the latest"
    return None


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


def term_due(ends_on: date, as_of: date, policy: OrgsPolicy) -> TermDue | None:
    """Overdue once the planned end has passed, ending soon within the reminder window, else None."""
    if ends_on < as_of:
        return TermDue.overdue
    if ends_on <= add_months(as_of, policy.term_reminder_months):
        return TermDue.ending_soon
    return None
