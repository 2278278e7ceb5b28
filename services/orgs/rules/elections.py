"""Elections (`/elections`, 中國共產黨基層組織選舉工作條例): how many candidates a seat needs (差額
or 等額), whether enough voters came (more than 4/5 of those entitled, 應到會), who is elected
(more than half of those entitled, the most votes first) and what a ballot may mark.

Every figure is a field of `OrgsPolicy`; each error names the rule and the figures.
"""

import math
import uuid
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from services.kit.problems import field_error
from services.orgs.enums import Role
from services.orgs.rules import OrgsPolicy


def min_candidates(role: Role, seats: int, policy: OrgsPolicy) -> int:
    """Candidates a race needs: at least the seats for an 等額 role (secretary, deputy by default),
    else more by at least `election_contest_share` of the seats, rounded up (差額; at least one more)."""
    if role in policy.election_equal_roles:
        return seats
    extra = math.ceil(Fraction(seats) * Fraction(str(policy.election_contest_share)))
    return seats + max(extra, 1)


def slate_errors(seats: dict[Role, int], candidates: dict[Role, int], policy: OrgsPolicy) -> list[dict[str, Any]]:
    """One error per race with too few vetted candidates for its seats."""
    errors: list[dict[str, Any]] = []
    for role, count in seats.items():
        have, need = candidates.get(role, 0), min_candidates(role, count, policy)
        if have < need:
            rule = (
                "等額: at least as many candidates as seats"
                if role in policy.election_equal_roles
                else f"差額: candidates exceed the seats by at least {policy.election_contest_share:.0%}"
            )
            errors.append(
                field_error(f"seats.{role.value}", f"{have} vetted candidate(s) for {count} seat(s); {rule}, {need} needed")
            )
    return errors


def quorum_error(eligible: int, present: int, policy: OrgsPolicy) -> dict[str, Any] | None:
    """Valid with more than `election_quorum_share` (4/5) of those entitled present (應到會)."""
    if present > eligible:
        return field_error("voters_present", f"{present} present but only {eligible} entitled to vote")
    if Fraction(present) <= Fraction(eligible) * Fraction(str(policy.election_quorum_share)):
        needed = math.floor(Fraction(eligible) * Fraction(str(policy.election_quorum_share))) + 1
        return field_error(
            "voters_present",
            f"quorum: {present} of {eligible} entitled present; more than {policy.election_quorum_share:.0%} ({needed}) must be",
        )
    return None


def majority_needed(eligible: int, policy: OrgsPolicy) -> int:
    """The fewest votes that elect: more than half of those entitled to vote (應到會)."""
    return math.floor(Fraction(eligible) * Fraction(str(policy.election_majority_share))) + 1


@dataclass(frozen=True)
class Tally:
    candidate_id: uuid.UUID
    role: Role
    votes: int


def elected(
    seats: dict[Role, int], tallies: list[Tally], *, eligible: int, policy: OrgsPolicy
) -> tuple[list[Tally], list[dict[str, Any]]]:
    """The elected per race, the most votes first, each with a majority of those entitled; every
    seat must be filled, and a tie for the last seat is not decided here (a further round)."""
    needed = majority_needed(eligible, policy)
    chosen: list[Tally] = []
    errors: list[dict[str, Any]] = []
    for role, count in seats.items():
        race = sorted((t for t in tallies if t.role is role), key=lambda t: -t.votes)
        winners = [t for t in race[:count] if t.votes >= needed]
        if len(winners) < count:
            best_short = race[len(winners)].votes if len(race) > len(winners) else 0
            errors.append(
                field_error(
                    f"seats.{role.value}",
                    f"majority: {len(winners)} of {count} seat(s) filled; a candidate needs more than half of the "
                    f"{eligible} entitled ({needed} votes), the next has {best_short}",
                )
            )
            continue
        if len(race) > count and race[count].votes == winners[-1].votes:
            errors.append(
                field_error(f"seats.{role.value}", f"tie: {winners[-1].votes} votes for the last seat; hold a further round")
            )
            continue
        chosen += winners
    return chosen, errors


def ballot_errors(index: int, marked: list[Role], seats: dict[Role, int]) -> list[dict[str, Any]]:
    """A ballot marks at most as many candidates of a race as it has seats."""
    return [
        field_error(f"ballots.{index}", f"{marked.count(role)} marked for {count} {role.value} seat(s)")
        for role, count in seats.items()
        if marked.count(role) > count
    ]


def votes_errors(votes: list[int], present: int) -> list[dict[str, Any]]:
    """No candidate has more votes than voters present."""
    return [
        field_error(f"votes.{index}.votes", f"{count} votes but {present} present")
        for index, count in enumerate(votes)
        if count > present
    ]
