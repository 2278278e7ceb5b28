"""Pure rules of member records (no I/O): identity numbers, states, clocks, ages, masking."""

import calendar
import functools
import itertools
from datetime import date

from pydantic import Field
from stdnum.cn import ric
from stdnum.exceptions import ValidationError

from services.kit.policy import Policy


class MembersPolicy(Policy):
    """The numbers the members rules use (defaults from the seed report and national rules)."""

    lost_contact_months_to_suspension: int = Field(6, description="失聯 this long → listed for suspension (停止黨籍)")
    probation_months: int = Field(12, description="預備期: joined this long ago → listed as due to become full")
    floating_months_to_transfer: int = Field(6, description="floating out at a fixed place this long → relationship must move")
    letter_valid_months: int = Field(3, description="introduction letter (介紹信) validity")
    letter_valid_months_across_provinces: int = Field(6, description="introduction letter validity across provinces")
    green_channel_min_age: int = Field(70, description="age from which a member is 'elderly' for the green channel")
    education_upgrade_max_age: int = Field(45, description="education upgrade: members younger than this")
    young_member_max_age: int = Field(35, description="young members (duty reports): younger than this")
    reform_date: date = Field(date(1978, 12, 18), description="'joined before reform and opening' means before this day")
    stats_age_edges: tuple[int, ...] = Field((35, 46, 60), description="default age band edges of the statistics")
    # The survey report's age thresholds (seed: team members over 46, secretaries over 45, members over 46).
    survey_team_age_min: int = Field(46, description="survey report: team members aged at least this are counted")
    survey_secretary_age_min: int = Field(45, description="survey report: secretaries aged at least this are counted")
    survey_member_age_min: int = Field(46, description="survey report: members aged at least this are counted")
    import_max_rows: int = Field(20_000, description="rows one import may carry")
    import_max_bytes: int = Field(50 * 1024 * 1024, description="size of one import file")
    export_max_rows: int = Field(100_000, description="rows one export may carry (narrow the filter for more)")


# Organizations that hold members' relationships (組織關係) directly: branches and joint branches;
# a community's top organization only while it has no branches of its own.
BRANCH_KINDS = frozenset({"branch", "joint_branch"})
SUBDIVIDING_KINDS = frozenset({"general_branch", "branch", "joint_branch"})

# States after which a record no longer counts as a member here and no longer blocks its ID number.
CLOSED_STATES = frozenset({"left", "deceased", "transferred_out"})

# The survey report's education groups: 大專以上 and 初中以下 (DOMAIN.md).
COLLEGE_OR_ABOVE = ("college", "bachelor", "postgraduate")
JUNIOR_HIGH_OR_BELOW = ("junior_high", "primary_or_below")
# Positions that make a team member (班子成員) in the orgs service's terms (a group leader does not).
TEAM_ROLES = (
    "secretary",
    "deputy_secretary",
    "organization_member",
    "propaganda_member",
    "discipline_member",
    "committee_member",
)

# Which state may follow which (transferred_out only through a received transfer).
STATE_TRANSITIONS: dict[str, frozenset[str]] = {
    "normal": frozenset({"lost_contact", "suspended", "retained", "left", "deceased"}),
    "lost_contact": frozenset({"normal", "suspended", "left", "deceased"}),
    "suspended": frozenset({"normal", "left", "deceased"}),
    "retained": frozenset({"normal", "left", "deceased"}),
    "left": frozenset(),
    "deceased": frozenset(),
    "transferred_out": frozenset(),
}

# College or above (大專以上), ordered from lowest: the education upgrade targets a higher level.
EDUCATION_ORDER = ("primary_or_below", "junior_high", "secondary", "college", "bachelor", "postgraduate")


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
) -> list[dict[str, str]]:
    """Dates and party status of a record that contradict each other or lie in the future."""
    errors = []
    if birth_date > today:
        errors.append({"field": "birth_date", "message": "is in the future"})
    if joined_on > today:
        errors.append({"field": "joined_on", "message": "is in the future"})
    if joined_on <= birth_date:
        errors.append({"field": "joined_on", "message": "is not after the birth date"})
    if party_status == "full" and full_on is None:
        errors.append({"field": "full_on", "message": "a full member needs the date made full"})
    if party_status == "probationary" and full_on is not None:
        errors.append({"field": "full_on", "message": "a probationary member has no date made full"})
    if full_on is not None:
        errors.extend(full_on_errors(full_on, joined_on=joined_on, today=today))
    return errors


def full_on_errors(full_on: date, *, joined_on: date, today: date) -> list[dict[str, str]]:
    if full_on < joined_on:
        return [{"field": "full_on", "message": "becoming full before joining"}]
    if full_on > today:
        return [{"field": "full_on", "message": "is in the future"}]
    return []


# What each whereabouts needs to name (seed 問題4: the community must still know and reach them).
WHEREABOUTS_REQUIRED = {
    "resident": (),
    "not_transferred": ("relationship_org",),
    "floating_out": ("destination",),
    "displaced": ("temporary_address",),
}


def whereabouts_errors(whereabouts: str, details: dict[str, object], field: str = "whereabouts_details") -> list[dict[str, str]]:
    return [
        {"field": f"{field}.{name}", "message": f"required when the member is {whereabouts}"}
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


def id_number_errors(id_number: str, *, birth_date: date, sex: str, today: date) -> list[dict[str, str]]:
    """What is wrong with a resident ID number (GB 11643) given the birth date and sex it must agree with."""
    number = normalize_id_number(id_number)
    problem, encoded = _id_number_problem(number)
    if problem or encoded is None:
        return [{"field": "id_number", "message": f"not a valid resident ID number: {problem}"}]
    errors = []
    if encoded > today:
        errors.append({"field": "id_number", "message": "the birth date in the ID number is in the future"})
    if encoded != birth_date:
        errors.append({"field": "birth_date", "message": f"disagrees with the ID number ({encoded.isoformat()})"})
    encoded_sex = "male" if int(number[16]) % 2 else "female"
    if encoded_sex != sex:
        errors.append({"field": "sex", "message": f"disagrees with the ID number ({encoded_sex})"})
    return errors


def state_change_error(current: str, new: str) -> str | None:
    if new == current:
        return f"the member is already {current}"
    if new not in STATE_TRANSITIONS[current]:
        return f"a member who is {current} cannot become {new}"
    return None


def months_before(day: date, months: int) -> date:
    """The same day `months` earlier (the month's last day when it has no such day)."""
    year, month_zero = divmod(day.year * 12 + day.month - 1 - months, 12)
    last_day = calendar.monthrange(year, month_zero + 1)[1]
    return date(year, month_zero + 1, min(day.day, last_day))


def months_after(day: date, months: int) -> date:
    return months_before(day, -months)


def born_on_or_before_for_age(as_of: date, age: int) -> date:
    """Latest birth date of someone aged at least `age` whole years on `as_of` (age ≥ n ⇔ born ≤ this)."""
    return months_before(as_of, 12 * age)


def age_on(birth_date: date, as_of: date) -> int:
    return as_of.year - birth_date.year - ((as_of.month, as_of.day) < (birth_date.month, birth_date.day))


def age_band_labels(edges: list[int]) -> list[str]:
    """Labels of the bands cut by `edges` (ascending): `<35`, `35-45`, `46+` style, inclusive ranges."""
    labels = [f"<{edges[0]}"]
    labels += [f"{low}-{high - 1}" for low, high in itertools.pairwise(edges)]
    labels.append(f"{edges[-1]}+")
    return labels


def letter_valid_until(issued_on: date, *, across_provinces: bool, policy: MembersPolicy) -> date:
    months = policy.letter_valid_months_across_provinces if across_provinces else policy.letter_valid_months
    return months_after(issued_on, months)


def mask_id_number(value: str) -> str:
    return value[:6] + "*" * (len(value) - 10) + value[-4:] if len(value) > 10 else "*" * len(value)


def mask_phone(value: str) -> str:
    return value[:3] + "*" * (len(value) - 7) + value[-4:] if len(value) > 7 else "*" * len(value)


def escape_cell(value: str) -> str:
    """A spreadsheet cell that cannot run as a formula: text starting with = + - @ gets a quote."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def green_channel_errors(
    *, grounds: list[str], services: list[str], birth_date: date, enrolled_on: date, policy: MembersPolicy
) -> list[dict[str, str]]:
    errors = []
    if not grounds:
        errors.append({"field": "grounds", "message": "the green channel is for elderly or needy members"})
    if "elderly" in grounds and age_on(birth_date, enrolled_on) < policy.green_channel_min_age:
        errors.append({"field": "grounds", "message": f"'elderly' starts at {policy.green_channel_min_age}"})
    if not services:
        errors.append({"field": "services", "message": "name at least one service"})
    return errors


def education_upgrade_errors(
    *, education: str, target_level: str | None, birth_date: date, enrolled_on: date, policy: MembersPolicy
) -> list[dict[str, str]]:
    errors = []
    if age_on(birth_date, enrolled_on) >= policy.education_upgrade_max_age:
        errors.append(
            {"field": "program", "message": f"the education upgrade is for members under {policy.education_upgrade_max_age}"}
        )
    if EDUCATION_ORDER.index(education) >= EDUCATION_ORDER.index("college"):
        errors.append({"field": "program", "message": "the member already has college education or above"})
    if target_level is None:
        errors.append({"field": "target_level", "message": "required"})
    elif EDUCATION_ORDER.index(target_level) <= EDUCATION_ORDER.index(education):
        errors.append({"field": "target_level", "message": "must be above the member's education"})
    return errors
