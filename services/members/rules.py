"""Pure rules of member records (no I/O): identity numbers, states, clocks, ages, masking."""

import calendar
import functools
import itertools
from datetime import date, timedelta

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
    # Recruitment (發展黨員工作細則, 黨章).
    applicant_min_age: int = Field(18, description="入黨申請人: at least this old on the day of the application")
    talk_within_months: int = Field(1, description="談話: within this long of the application (a later talk needs a reason)")
    activist_contacts_min: int = Field(1, description="培養聯系人: at least this many full members per activist")
    activist_contacts_max: int = Field(2, description="培養聯系人: at most this many")
    activist_months_before_target: int = Field(12, description="入黨積極分子 this long before becoming a development target")
    activist_review_months: int = Field(6, description="an activist is reviewed (考察) at least this often")
    training_min_days: int = Field(3, description="短期集中培訓: at least this many days …")
    training_min_hours: int = Field(24, description="… or at least this many hours")
    introducers: int = Field(2, description="入黨介紹人: this many full members")
    notice_min_working_days: int = Field(
        5, description="公示: at least this many working days (Mon-Fri; public holidays are not taken out)"
    )
    approval_months: int = Field(3, description="上級黨委審批: within this long of the branch meeting …")
    approval_months_max: int = Field(6, description="… or up to this long with a reason")
    probation_extension_min_months: int = Field(6, description="延長預備期: at least this long")
    probation_extension_max_months: int = Field(12, description="延長預備期: at most this long (once)")
    probation_ending_notice_days: int = Field(30, description="work list: probation ending within this many days")
    recruit_age_edges: tuple[int, ...] = Field(
        (26, 36, 46), description="age band edges of the recruit statistics (age at the branch meeting)"
    )
    # Dues (中組部 2008 關於黨費收繳、使用和管理的規定); base and amounts in fen, rates in basis points.
    dues_salaried_brackets: tuple[tuple[int, int], ...] = Field(
        ((300_000, 50), (500_000, 100), (1_000_000, 150)),
        description="在職: (monthly after-tax income up to, in fen; rate in basis points) rising",
    )
    dues_salaried_top_rate_bp: int = Field(200, description="在職: rate above the last bracket (basis points)")
    dues_retiree_brackets: tuple[tuple[int, int], ...] = Field(
        ((500_000, 50),), description="離退休: (income up to, fen; rate, basis points) rising"
    )
    dues_retiree_top_rate_bp: int = Field(100, description="離退休: rate above the last bracket (basis points)")
    dues_farmer_fen: int = Field(20, ge=20, le=100, description="農民: a month, in fen (the province sets 0.2-1 yuan)")
    dues_minimal_fen: int = Field(20, description="學生, 下崗失業, 低保: a month, in fen")
    dues_back_payment_months: int = Field(6, description="補繳: at most this many months back")
    dues_unpaid_months_listed: int = Field(6, description="listed when this many months are unpaid without a reason")


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
    """The same day `months` earlier (the month's last day when it has no such day); no earlier
    than the first day a date can hold (an `as_of` in the first centuries counts back past it)."""
    year, month_zero = divmod(day.year * 12 + day.month - 1 - months, 12)
    if year < date.min.year:
        return date.min
    if year > date.max.year:
        return date.max
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


# ---- Recruitment (發展黨員) ----

# The stages in order; `cancelled` ends an application at any stage before full.
RECRUITMENT_STAGES = ("applicant", "activist", "development_target", "probationary", "full")


def working_days(first: date, last: date) -> int:
    """Mondays to Fridays from `first` to `last`, both counted (public holidays are not taken out)."""
    if last < first:
        return 0
    weeks, extra = divmod((last - first).days + 1, 7)
    return weeks * 5 + sum(1 for offset in range(extra) if (first + timedelta(days=weeks * 7 + offset)).weekday() < 5)


def applicant_errors(*, birth_date: date, applied_on: date, today: date, policy: MembersPolicy) -> list[dict[str, str]]:
    errors = []
    if applied_on > today:
        errors.append({"field": "applied_on", "message": "is in the future"})
    if age_on(birth_date, applied_on) < policy.applicant_min_age:
        errors.append({"field": "birth_date", "message": f"an applicant must be at least {policy.applicant_min_age}"})
    return errors


def talk_errors(*, applied_on: date, talked_on: date, reason: str | None, policy: MembersPolicy) -> list[dict[str, str]]:
    if talked_on < applied_on:
        return [{"field": "effective_on", "message": "the talk is before the application"}]
    if talked_on > months_after(applied_on, policy.talk_within_months) and not reason:
        return [
            {
                "field": "reason",
                "message": f"a talk later than {policy.talk_within_months} month(s) after the application needs a reason",
            }
        ]
    return []


def contacts_errors(contacts: list[object], policy: MembersPolicy) -> list[dict[str, str]]:
    if len(set(contacts)) != len(contacts):
        return [{"field": "contact_ids", "message": "a contact is named twice"}]
    if not policy.activist_contacts_min <= len(contacts) <= policy.activist_contacts_max:
        bounds = f"{policy.activist_contacts_min}-{policy.activist_contacts_max}"
        return [{"field": "contact_ids", "message": f"an activist has {bounds} full members as contacts"}]
    return []


def target_errors(*, activist_on: date, target_on: date, policy: MembersPolicy) -> list[dict[str, str]]:
    earliest = months_after(activist_on, policy.activist_months_before_target)
    if target_on < earliest:
        months = policy.activist_months_before_target
        return [
            {"field": "effective_on", "message": f"an activist of less than {months} months (earliest {earliest.isoformat()})"}
        ]
    return []


def training_errors(*, days: int, hours: int, policy: MembersPolicy) -> list[dict[str, str]]:
    if days < policy.training_min_days and hours < policy.training_min_hours:
        message = f"the training must last at least {policy.training_min_days} days or {policy.training_min_hours} hours"
        return [{"field": "training", "message": message}]
    return []


def introducers_errors(introducers: list[object], policy: MembersPolicy) -> list[dict[str, str]]:
    if len(introducers) != policy.introducers or len(set(introducers)) != len(introducers):
        return [{"field": "introducer_ids", "message": f"name {policy.introducers} different full members as introducers"}]
    return []


def admission_errors(
    *, target_on: date, notice_from: date, notice_to: date, meeting_on: date, policy: MembersPolicy
) -> list[dict[str, str]]:
    """The public notice (公示) and the branch meeting (支部大會) of an admission."""
    errors = []
    if notice_from < target_on:
        errors.append({"field": "notice_from", "message": "the notice starts before the person became a development target"})
    if working_days(notice_from, notice_to) < policy.notice_min_working_days:
        errors.append(
            {"field": "notice_to", "message": f"the notice must run at least {policy.notice_min_working_days} working days"}
        )
    if meeting_on <= notice_to:
        errors.append({"field": "effective_on", "message": "the branch meeting must follow the end of the notice"})
    return errors


def approval_errors(*, meeting_on: date, approved_on: date, reason: str | None, policy: MembersPolicy) -> list[dict[str, str]]:
    if approved_on < meeting_on:
        return [{"field": "effective_on", "message": "the approval is before the branch meeting"}]
    if approved_on > months_after(meeting_on, policy.approval_months_max):
        return [
            {
                "field": "effective_on",
                "message": f"approval more than {policy.approval_months_max} months after the branch meeting",
            }
        ]
    if approved_on > months_after(meeting_on, policy.approval_months) and not reason:
        return [{"field": "reason", "message": f"approval later than {policy.approval_months} months needs a reason"}]
    return []


def probation_ends_on(joined_on: date, extension_months: int, policy: MembersPolicy) -> date:
    return months_after(joined_on, policy.probation_months + extension_months)


def extension_errors(*, months: int, already_extended: bool, policy: MembersPolicy) -> list[dict[str, str]]:
    if already_extended:
        return [{"field": "months", "message": "the probation was already extended once"}]
    low, high = policy.probation_extension_min_months, policy.probation_extension_max_months
    if not low <= months <= high:
        return [{"field": "months", "message": f"an extension lasts {low}-{high} months"}]
    return []


# ---- Dues (黨費) ----

# Categories paying a flat amount a month rather than a share of income.
FLAT_DUES_CATEGORIES = frozenset({"farmer", "student", "unemployed", "basic_allowance"})


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def months_between(earlier: date, later: date) -> int:
    """Whole calendar months from `earlier`'s month to `later`'s (2026-01 → 2026-07 is 6)."""
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def dues_rate_bp(category: str, base_fen: int, policy: MembersPolicy) -> int | None:
    """The rate in basis points of a salaried or retired member's base; None for a flat category."""
    if category == "salaried":
        brackets, top = policy.dues_salaried_brackets, policy.dues_salaried_top_rate_bp
    elif category == "retiree":
        brackets, top = policy.dues_retiree_brackets, policy.dues_retiree_top_rate_bp
    else:
        return None
    return next((rate for up_to, rate in brackets if base_fen <= up_to), top)


def dues_amount_fen(category: str, base_fen: int | None, policy: MembersPolicy) -> tuple[int | None, int]:
    """(rate in basis points or None, the month's amount in fen) — computed, never typed.
    A share of income is rounded half up to the fen."""
    if category == "farmer":
        return None, policy.dues_farmer_fen
    if category in FLAT_DUES_CATEGORIES:
        return None, policy.dues_minimal_fen
    base = base_fen or 0
    rate = dues_rate_bp(category, base, policy)
    assert rate is not None
    return rate, (base * rate + 5_000) // 10_000


def back_payment_error(month: date, paid_on: date, policy: MembersPolicy) -> str | None:
    if months_between(month, paid_on) > policy.dues_back_payment_months:
        return f"a back payment reaches at most {policy.dues_back_payment_months} months back"
    return None


def paid_through(first_month: date, settled: set[date]) -> date | None:
    """The last month of the unbroken run of settled months from the member's first ledger month."""
    month, last = first_month, None
    while month in settled:
        last, month = month, months_after(month, 1)
    return last


def parse_month(value: str) -> date:
    """'2026-07' → 2026-07-01 (the value is already checked against the YYYY-MM pattern)."""
    year, month = value.split("-")
    return date(int(year), int(month), 1)


def month_label(month: date) -> str:
    return f"{month.year:04d}-{month.month:02d}"
