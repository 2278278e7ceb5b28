"""Rules of a member record: who may hold it, its ID number, dates, states and whereabouts, masking."""

import functools
from datetime import date
from typing import Any

from stdnum.cn import ric
from stdnum.exceptions import ValidationError

from services.kit.problems import field_error
from services.members.enums import MemberState, PartyStatus, Sex, Whereabouts

# Organizations that hold members' relationships (組織關係) directly: branches and joint branches;
# a community's top organization only while it has no branches of its own.
BRANCH_KINDS = frozenset({"branch", "joint_branch"})
SUBDIVIDING_KINDS = frozenset({"general_branch", "branch", "joint_branch"})


# States after which a record no longer counts as a member here and no longer blocks its ID number.
CLOSED_STATES = (MemberState.left, MemberState.deceased, MemberState.transferred_out)


# Which state may follow which (transferred_out only through a received transfer).
_ENDS = (MemberState.left, MemberState.deceased)
STATE_TRANSITIONS: dict[str, frozenset[MemberState]] = {
    MemberState.normal: frozenset({MemberState.lost_contact, MemberState.suspended, MemberState.retained, *_ENDS}),
    MemberState.lost_contact: frozenset({MemberState.normal, MemberState.suspended, *_ENDS}),
    MemberState.suspended: frozenset({MemberState.normal, *_ENDS}),
    MemberState.retained: frozenset({MemberState.normal, *_ENDS}),
    MemberState.left: frozenset(),
    MemberState.deceased: frozenset(),
    MemberState.transferred_out: frozenset(),
}


def cannot_hold_members(*, kind: str, tier: str, status: str, has_branches: bool) -> str | None:
    """Why an organization cannot hold member relationships, or None when it can."""
    if status != "active":
        return "the organization is not active"
    if kind in BRANCH_KINDS:
        return None
    if tier == "community" and kind != "group" and not has_branches:
        return None
    if tier == "community":
        return "a community organization with branches holds its members in the branches"
    return f"a {tier} {kind} cannot hold member relationships"


def record_errors(
    *,
    birth_date: date,
    joined_on: date,
    full_on: date | None,
    party_status: str,
    today: date,
) -> list[dict[str, Any]]:
    """Dates and party status of a record that contradict each other or lie in the future."""
    errors = []
    if birth_date > today:
        errors.append(field_error("birth_date", "is in the future"))
    if joined_on > today:
        errors.append(field_error("joined_on", "is in the future"))
    if joined_on <= birth_date:
        errors.append(field_error("joined_on", "is not after the birth date"))
    if party_status == PartyStatus.full and full_on is None:
        errors.append(field_error("full_on", "a full member needs the date made full"))
    if party_status == PartyStatus.probationary and full_on is not None:
        errors.append(field_error("full_on", "a probationary member has no date made full"))
    if full_on is not None:
        errors.extend(full_on_errors(full_on, joined_on=joined_on, today=today))
    return errors


def full_on_errors(full_on: date, *, joined_on: date, today: date) -> list[dict[str, Any]]:
    if full_on < joined_on:
        return [field_error("full_on", "becoming full before joining")]
    if full_on > today:
        return [field_error("full_on", "is in the future")]
    return []


# What each whereabouts needs to name (seed 問題4: the community must still know and reach them).
WHEREABOUTS_REQUIRED: dict[str, tuple[str, ...]] = {
    Whereabouts.resident: (),
    Whereabouts.not_transferred: ("relationship_org",),
    Whereabouts.floating_out: ("destination",),
    Whereabouts.displaced: ("temporary_address",),
}


def whereabouts_errors(whereabouts: str, details: dict[str, object], field: str = "whereabouts_details") -> list[dict[str, Any]]:
    return [
        field_error(f"{field}.{name}", f"required when the member is {whereabouts}")
        for name in WHEREABOUTS_REQUIRED[whereabouts]
        if not details.get(name)
    ]


def normalize_id_number(raw: str) -> str:
    return raw.strip().replace(" ", "").replace("-", "").upper()


@functools.lru_cache(maxsize=16384)
def _known_region(region: str, year: int) -> bool:
    """Whether the 6-digit region code existed in that year (python-stdnum's register), cached:
    an import checks the same few regions thousands of times."""
    try:
        ric.get_birth_place(f"{region}{year:04d}01010000")
    except ValidationError:
        return False
    return True


def _id_number_problem(number: str) -> tuple[str | None, date | None]:
    """python-stdnum's `cn.ric.validate`, step for step, with the region lookup cached."""
    if len(number) != 18:
        return "must have 18 characters", None
    if not number[:-1].isdigit():
        return "the first 17 characters must be digits", None
    if number[-1] != ric.calc_check_digit(number):
        return "the check character is wrong (ISO 7064 MOD 11-2)", None
    try:
        encoded = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return "the birth date in it is not a date", None
    if not _known_region(number[:6], encoded.year):
        return "the region code is unknown", None
    return None, encoded


def id_number_errors(id_number: str, *, birth_date: date, sex: str, today: date) -> list[dict[str, Any]]:
    """What is wrong with a resident ID number (GB 11643) given the birth date and sex it must agree with."""
    number = normalize_id_number(id_number)
    problem, encoded = _id_number_problem(number)
    if problem or encoded is None:
        return [field_error("id_number", f"not a valid resident ID number: {problem}")]
    errors = []
    if encoded > today:
        errors.append(field_error("id_number", "the birth date in the ID number is in the future"))
    if encoded != birth_date:
        errors.append(field_error("birth_date", f"disagrees with the ID number ({encoded.isoformat()})"))
    encoded_sex = Sex.male if int(number[16]) % 2 else Sex.female
    if encoded_sex != sex:
        errors.append(field_error("sex", f"disagrees with the ID number ({encoded_sex})"))
    return errors


def state_change_error(current: str, new: str) -> str | None:
    if new == current:
        return f"the member is already {current}"
    if new not in STATE_TRANSITIONS[current]:
        return f"a member who is {current} cannot become {new}"
    return None


def mask_id_number(value: str) -> str:
    return value[:6] + "*" * (len(value) - 10) + value[-4:] if len(value) > 10 else "*" * len(value)


def mask_phone(value: str) -> str:
    return value[:3] + "*" * (len(value) - 7) + value[-4:] if len(value) > 7 else "*" * len(value)
