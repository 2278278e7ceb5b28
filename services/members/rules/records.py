"""Rules of a member record: who may hold it, its ID number, dates, states and whereabouts, masking."""

# ruff: noqa: RUF001 - Chinese messages take full-width punctuation

import functools
from dataclasses import dataclass
from datetime import date
from typing import Any

from stdnum import numdb
from stdnum.cn import ric

from services.kit.problems import field_error
from services.members.enums import MemberState, PartyStatus, Sex, Whereabouts
from services.members.rules import MembersPolicy
from services.members.rules.common import months_after
from services.members.rules.probation import full_on_errors, probation_ends_on

# Organizations that hold members' relationships (組織關係) directly: branches and joint branches;
# a community's top organization only while it has no branches of its own.
BRANCH_KINDS = frozenset({"branch", "joint_branch"})
SUBDIVIDING_KINDS = frozenset({"general_branch", "branch", "joint_branch"})


# States after which a record no longer counts as a member here and no longer blocks its ID number.
CLOSED_STATES = (MemberState.left, MemberState.deceased, MemberState.transferred_out)


# Which state may follow which (transferred_out only through a received transfer). DOMAIN.md:
# lost contact (失聯), after 6 months → suspended (停止黨籍); so a member is suspended only from lost
# contact, never straight from normal (and only once the lost contact has lasted the policy's
# months: `suspension_error`). Suspended, retained and lost contact are restored to normal; left
# (出黨, 除名, 自行脫黨) and deceased may follow any open state.
_ENDS = (MemberState.left, MemberState.deceased)
STATE_TRANSITIONS: dict[str, frozenset[MemberState]] = {
    MemberState.normal: frozenset({MemberState.lost_contact, MemberState.retained, *_ENDS}),
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
    policy: MembersPolicy,
) -> list[dict[str, Any]]:
    """Dates and party status of a record that contradict each other, lie in the future, or skip
    the probation (a record made as full names its 轉正 date: a year after joining at the earliest;
    an extension only makes that later)."""
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
        earliest = probation_ends_on(joined_on, 0, policy)
        errors.extend(full_on_errors(full_on, joined_on=joined_on, earliest=earliest, today=today))
    return errors


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


# The provinces (GB/T 2260, the first two digits) an ID number can name. The six-digit region is
# where the number was *issued* (GB 11643), from 1984 on, not where the holder was born: a farmer
# born in 1950 in what became Shanghai Pudong (310115) in 1993 holds 310115…, so the region is
# never checked against the birth year. 71 is Taiwan in GB/T 2260; 81, 82 and 83 are the
# residence permits of Hong Kong, Macao and Taiwan residents (港澳台居民居住證, GB 11643 numbers
# too, 810000/820000/830000): valid numbers of people who may live in and belong to a community.
PROVINCE_CODES = frozenset(
    f"{code:02d}"
    for first, last in ((11, 15), (21, 23), (31, 37), (41, 46), (50, 54), (61, 65), (71, 71), (81, 83))
    for code in range(first, last + 1)
)
RESIDENCE_PERMIT_REGIONS = frozenset({"810000", "820000", "830000"})


@functools.lru_cache(maxsize=16384)
def known_region(region: str) -> bool:
    """Whether the six-digit region code is in python-stdnum's register of GB/T 2260 codes at any
    time (cached: an import checks the same few regions thousands of times). The register lags
    new codes and misses some old ones, so an unknown code is a warning, never a refusal."""
    if region in RESIDENCE_PERMIT_REGIONS:
        return True
    results = numdb.get("cn/loc").info(region)
    return any("county" in props for _part, props in results)


def _id_number_problem(number: str) -> tuple[str | None, date | None]:
    """What makes the number itself wrong (GB 11643): length, characters, check character, the
    birth date in it, the province. None and the encoded birth date when nothing does."""
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
    if number[:2] not in PROVINCE_CODES:
        return f"no province has the code {number[:2]} (GB/T 2260)", None
    return None, encoded


def id_number_warnings(id_number: str) -> list[dict[str, Any]]:
    """What looks doubtful in a valid number without making it wrong: a region code the register
    does not know (an import reports it on the row; a single create accepts it)."""
    number = normalize_id_number(id_number)
    if _id_number_problem(number)[0] is not None or known_region(number[:6]):
        return []
    return [field_error("id_number", "the region code (first six digits) is not in the register of GB/T 2260; check the number")]


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


# The rule a refused suspension names (`rule` of the problem).
SUSPENSION_RULE = "suspension_after_lost_contact"


def state_change_error(current: str, new: str) -> str | None:
    if new == current:
        return f"the member is already {current}"
    if new == MemberState.suspended and current == MemberState.normal:
        return "a member is suspended (停止黨籍) only after lost contact (失聯): record the lost contact first"
    if new not in STATE_TRANSITIONS[current]:
        return f"a member who is {current} cannot become {new}"
    return None


def earliest_suspension_on(lost_contact_since: date, policy: MembersPolicy) -> date:
    """The first day a member who lost contact on `lost_contact_since` may be suspended."""
    return months_after(lost_contact_since, policy.lost_contact_months_to_suspension)


@dataclass(frozen=True)
class SuspensionRefusal:
    """Why a suspension is refused (English and Chinese, Traditional) and its earliest day."""

    field: str
    message: str
    zh: str
    earliest_on: date


def suspension_error(current: str, *, state_since: date, effective_on: date, policy: MembersPolicy) -> SuspensionRefusal | None:
    """Why the member may not be suspended on `effective_on`, with the earliest day they could be;
    None when they may. Suspension follows lost contact of at least the policy's months
    (`lost_contact_months_to_suspension`, 6) by the effective date. For a member not in lost
    contact, the earliest day is counted from a lost contact recorded on `effective_on`."""
    months = policy.lost_contact_months_to_suspension
    if current == MemberState.lost_contact:
        earliest = earliest_suspension_on(state_since, policy)
        if effective_on >= earliest:
            return None
        return SuspensionRefusal(
            "effective_on",
            f"suspension (停止黨籍) follows lost contact of at least {months} months: lost contact since "
            f"{state_since.isoformat()}, so {earliest.isoformat()} at the earliest",
            f"失聯滿{months}個月方可停止黨籍：自{state_since.isoformat()}失聯，最早{earliest.isoformat()}",
            earliest,
        )
    if current == MemberState.normal:
        earliest = earliest_suspension_on(effective_on, policy)
        return SuspensionRefusal(
            "state",
            f"suspension (停止黨籍) follows lost contact (失聯) of at least {months} months, never straight from normal: "
            f"record the lost contact first; lost contact from {effective_on.isoformat()} allows {earliest.isoformat()} "
            "at the earliest",
            f"停止黨籍須先失聯滿{months}個月，不能由正常狀態直接停止：請先登記失聯；自{effective_on.isoformat()}失聯，"
            f"最早{earliest.isoformat()}",
            earliest,
        )
    return None


# Masking (below full view): what a viewer reads must not rebuild the number. GB 11643 is
# region(6) + birth date(8) + serial(3) + check(1); the district nearly tells the region and the
# sex the serial's parity. So a masked view shows the region only, and the birth date only to
# the month (`birth_year_month`, ages counted by month): 28-31 days x 500 serials of that parity
# leave at least 14 000 numbers, the check character following from them. (The former mask kept
# the last four characters beside the full birth date: one number.)
def mask_id_number(value: str) -> str:
    return value[:6] + "*" * (len(value) - 6) if len(value) > 6 else "*" * len(value)


def mask_phone(value: str) -> str:
    return value[:3] + "*" * (len(value) - 7) + value[-4:] if len(value) > 7 else "*" * len(value)
