"""A deterministic district shaped like the seed report, with known cases planted for each diagnostic.

Everything comes from one seeded `random.Random`, so the same (seed, scale, as_of) gives the same
district. At scale 1: 59 rural communities with about 2236 members, 180 team members, 77 reserve
cadres and 491 units (the seed's figures), plus urban communities for comparison. Dates are
relative to `as_of` (the day the district is looked at), so terms, contacts and attendance keep
their meaning whenever the demo is loaded.

Planted cases are recorded in `District.planted` by diagnostic list (org keys or member keys);
lists whose membership follows from broad data (the 三個60% standard, reserve pools, the
education upgrade) are computed from the data in `stack.demo.expected`.
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from stack.demo import names

# GB 11643 region codes (where the numbers were issued) that python-stdnum's register knows, so
# that an import of the demo district carries no region warning.
REGION = "330122"
OUTSIDE_REGION = "330127"
REFORM_DATE = date(1978, 12, 18)
SERIAL_BLOCKS = 40  # seeds that differ modulo this never share an ID number
COLLEGE_OR_ABOVE = ("college", "bachelor", "postgraduate")
BELOW_COLLEGE_HIGH = ("secondary",)
JUNIOR_HIGH_OR_BELOW = ("junior_high", "primary_or_below")


def a_year_after(day: date) -> date:
    """The day the probation year ends (轉正 at the earliest): the same day a year later, 28
    February for 29 February, as the members service counts it."""
    return day.replace(year=day.year + 1, day=28) if (day.month, day.day) == (2, 29) else day.replace(year=day.year + 1)


# Seed shapes (scale 1). Urban figures are the seed's comparison shares.
RURAL_COMMUNITIES = 59
URBAN_COMMUNITIES = 14
TOWNSHIPS = 8
RURAL_MEMBERS = 2236
RURAL_TEAM_MEMBERS = 180
RURAL_RESERVE_CADRES = 77
RURAL_UNITS = 491
# The planting pattern repeats every PATTERN_EVERY rural communities: two of each case at scale 1.
PATTERN_EVERY = 30
PATTERN: tuple[frozenset[str], ...] = (
    frozenset({"form_called_out", "term_overdue"}),
    frozenset({"form_mismatch", "study_day_only"}),
    frozenset({"team_too_small", "units_without_co_building"}),
    frozenset({"no_secretary"}),
    frozenset({"no_cross_appointment", "study_day_only"}),
)


@dataclass
class Org:
    key: str
    name: str
    tier: str
    kind: str
    parent: str | None
    community: str | None = None  # key of the community whose top organization this is


@dataclass
class CommunitySpec:
    key: str
    name: str
    township: str
    setting: str
    party_org: str
    formation_mode: str
    guidance_category: str
    origin_villages: list[str]
    households: int
    population: int


@dataclass
class MemberSpec:
    key: str
    name: str
    sex: str
    id_number: str
    birth_date: date
    education: str
    occupation: str
    party_status: str
    joined_on: date
    full_on: date | None
    org: str
    residence_community: str | None
    whereabouts: str = "resident"
    details: dict[str, str] = field(default_factory=dict)
    attends: bool = True


@dataclass
class PositionSpec:
    org: str
    member: str
    role: str
    since: date
    concurrent_posts: list[str]


@dataclass
class TermSpec:
    org: str
    number: int
    started_on: date


@dataclass
class CadreSpec:
    community: str
    name: str
    birth_date: date
    education: str
    since: date


@dataclass
class UnitSpec:
    key: str
    community: str
    name: str
    category: str


@dataclass
class AgreementSpec:
    unit: str
    community: str
    started_on: date
    content: str


@dataclass
class CareSpec:
    member: str
    program: str
    enrolled_on: date
    grounds: list[str] = field(default_factory=list)
    services: list[str] = field(default_factory=list)
    target_level: str | None = None


@dataclass
class ActivitySpec:
    org: str
    type: str
    title: str
    day: date
    served_member: str | None = None
    present: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)


@dataclass
class ContactSpec:
    org: str
    member: str
    day: date
    kind: str
    channel: str


@dataclass
class District:
    seed: int
    scale: float
    as_of: date
    county: str
    outside_org: str  # holds the relationships of members living here whose relationship was not transferred
    orgs: list[Org] = field(default_factory=list)
    communities: list[CommunitySpec] = field(default_factory=list)
    members: list[MemberSpec] = field(default_factory=list)
    positions: list[PositionSpec] = field(default_factory=list)
    terms: list[TermSpec] = field(default_factory=list)
    cadres: list[CadreSpec] = field(default_factory=list)
    units: list[UnitSpec] = field(default_factory=list)
    agreements: list[AgreementSpec] = field(default_factory=list)
    care: list[CareSpec] = field(default_factory=list)
    activities: list[ActivitySpec] = field(default_factory=list)
    contacts: list[ContactSpec] = field(default_factory=list)
    planted: dict[str, set[str]] = field(default_factory=dict)
    _index: dict[str, Org] = field(default_factory=dict, repr=False)

    def org(self, key: str) -> Org:
        if len(self._index) != len(self.orgs):
            self._index = {o.key: o for o in self.orgs}
        return self._index[key]

    def plant(self, case: str, key: str) -> None:
        self.planted.setdefault(case, set()).add(key)


def scaled(value: int, scale: float, minimum: int) -> int:
    return max(minimum, round(value * scale))


def years_before(day: date, years: int, extra_days: int = 0) -> date:
    try:
        shifted = day.replace(year=day.year - years)
    except ValueError:
        shifted = day.replace(year=day.year - years, day=28)
    return shifted - timedelta(days=extra_days)


class _People:
    """Unique names and valid, unique resident ID numbers."""

    def __init__(self, rng: random.Random, seed: int) -> None:
        self.rng = rng
        self.used_names: set[tuple[str, date]] = set()
        self.sequence: dict[tuple[str, date], int] = {}
        # Districts of different seeds take different serial numbers, so that several can live
        # in one system (ID numbers are unique among open records).
        self.serial_base = 10 * (seed % SERIAL_BLOCKS)

    def name(self, birth_date: date) -> str:
        while True:
            candidate = names.person(self.rng)
            if (candidate, birth_date) not in self.used_names:
                self.used_names.add((candidate, birth_date))
                return candidate

    def id_number(self, birth_date: date, sex: str, region: str = REGION) -> str:
        key = (region, birth_date)
        n = self.sequence.get(key, 0)
        self.sequence[key] = n + 1
        serial = 2 * (self.serial_base + n) + (1 if sex == "male" else 2)
        if serial > 999:
            raise ValueError("too many people born on one day for one region")
        body = f"{region}{birth_date:%Y%m%d}{serial:03d}"
        return body + _check_character(body)


def _check_character(body: str) -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    remainder = sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11
    return "10X98765432"[remainder]


def _birth_for_age(rng: random.Random, as_of: date, low: int, high: int) -> date:
    """A birth date giving a whole age in [low, high] on `as_of`."""
    age = rng.randint(low, high)
    latest = years_before(as_of, age)  # exactly `age` today
    return latest - timedelta(days=rng.randint(0, 360))


def _pick(rng: random.Random, items: list[int], share: float) -> set[int]:
    """Exactly round(len x share) of the indexes, chosen by the seeded generator."""
    return set(rng.sample(items, round(len(items) * share)))


def generate(*, seed: int = 7, scale: float = 1.0, as_of: date) -> District:
    rng = random.Random(seed)
    people = _People(rng, seed)
    district = District(seed=seed, scale=scale, as_of=as_of, county="county", outside_org="outside-branch")
    d = district
    d.orgs.append(Org("county", "示範區委", "county", "committee", None))
    # Another district's workplace organization: where the not-transferred members' relationships are.
    d.orgs.append(Org("outside-county", "鄰區區委", "county", "committee", None))
    d.orgs.append(Org("outside-township", "鄰區機關工委", "township", "committee", "outside-county"))
    d.orgs.append(Org("outside-branch", "鄰區某局機關黨支部", "unit", "branch", "outside-township"))

    n_townships = scaled(TOWNSHIPS, scale, 2)
    townships = [f"township-{i}" for i in range(n_townships)]
    for i, key in enumerate(townships):
        d.orgs.append(Org(key, names.township(i), "township", "committee", "county"))

    n_rural = scaled(RURAL_COMMUNITIES, scale, len(PATTERN) + 1)
    n_urban = scaled(URBAN_COMMUNITIES, scale, 2)
    specs = [("rural", i) for i in range(n_rural)] + [("urban", i) for i in range(n_urban)]
    # Five member slots per community are set aside for the team, of which two or three stay empty.
    sizes = _community_sizes(rng, n_rural, n_urban, round(RURAL_MEMBERS * scale) + 2 * n_rural)
    cases: dict[str, frozenset[str]] = {}
    for number, (setting, i) in enumerate(specs):
        key = f"{setting}-{i}"
        cases[key] = PATTERN[i % PATTERN_EVERY] if setting == "rural" and i % PATTERN_EVERY < len(PATTERN) else frozenset()
        township = townships[number % n_townships]
        name = names.community(number, setting)
        org_key = f"{key}-org"
        d.communities.append(
            CommunitySpec(
                key=key,
                name=name,
                township=township,
                setting=setting,
                party_org=org_key,
                formation_mode=rng.choice(
                    ["village_continuation", "residential_reorganization", "village_residential_integration"]
                )
                if setting == "rural"
                else "residential_reorganization",
                guidance_category=rng.choice(["integrated", "integrating", "converted_from_village"])
                if setting == "rural"
                else "integrated",
                origin_villages=[names.village(rng) for _ in range(rng.randint(1, 3))] if setting == "rural" else [],
                households=sizes[key] * rng.randint(9, 14),
                population=sizes[key] * rng.randint(25, 40),
            )
        )
        d.orgs.append(Org(org_key, name, "community", "branch", township, key))
    _members(d, rng, people, sizes)
    _kinds_and_teams(d, rng, people, cases, sizes)
    _township_units(d, rng, people, townships)
    _not_transferred(d, rng, people)
    _terms(d, rng, cases)
    _cadres(d, rng, people)
    _units(d, rng, cases)
    _care(d, rng, cases)
    _activities(d, rng, cases)
    _contacts(d, rng)
    d.planted["inactive_members"] = {m.key for m in d.members if not m.attends and m.org != d.outside_org}
    return d


def _community_sizes(rng: random.Random, n_rural: int, n_urban: int, rural_total: int) -> dict[str, int]:
    sizes: dict[str, int] = {}
    fixed = {0: 168, 1: 60}  # the planted form cases (over 150 without a committee; 60 as a branch)
    free = [i for i in range(n_rural) if i % PATTERN_EVERY not in fixed]
    for i in range(n_rural):
        if i % PATTERN_EVERY in fixed:
            sizes[f"rural-{i}"] = fixed[i % PATTERN_EVERY]
    weights = [rng.choice([1.0, 1.0, 1.5, 2.0, 3.0]) for _ in free]
    remaining = max(rural_total - sum(sizes.values()), 14 * len(free))
    for i, w in zip(free, weights, strict=True):
        sizes[f"rural-{i}"] = max(14, round(remaining * w / sum(weights)))
    for i in range(n_urban):
        sizes[f"urban-{i}"] = rng.randint(30, 90)
    return sizes


def _member(
    d: District,
    rng: random.Random,
    people: _People,
    *,
    key: str,
    org: str,
    community: str | None,
    age: tuple[int, int],
    education: str,
    setting: str,
    region: str = REGION,
    joined_before_reform: bool | None = None,
) -> MemberSpec:
    birth = _birth_for_age(rng, d.as_of, *age)
    sex = rng.choice(["male", "male", "female"])
    earliest_join = years_before(birth, -18)
    if joined_before_reform and earliest_join < REFORM_DATE:
        joined = earliest_join + timedelta(days=rng.randint(0, (REFORM_DATE - earliest_join).days - 1))
    else:
        start = max(earliest_join, REFORM_DATE)
        latest = d.as_of - timedelta(days=30)
        joined = start + timedelta(days=rng.randint(0, max(0, (latest - start).days)))
    probationary = (d.as_of - joined).days < 365
    occupation = (
        "retired"
        if rng.random() < 0.5 and (d.as_of - birth).days > 60 * 365
        else rng.choice(
            ["farmer", "self_employed", "in_service", "migrant_worker"]
            if setting == "rural"
            else ["in_service", "retired", "self_employed"]
        )
    )
    return MemberSpec(
        key=key,
        name=people.name(birth),
        sex=sex,
        id_number=people.id_number(birth, sex, region),
        birth_date=birth,
        education=education,
        occupation=occupation,
        party_status="probationary" if probationary else "full",
        joined_on=joined,
        full_on=None if probationary else a_year_after(joined),
        org=org,
        residence_community=community,
    )


# Member structure per setting: share aged 46+, of those the share old enough to have joined
# before reform (born before 1960), share junior high or below, share college or above.
STRUCTURE = {
    "rural": {"aged": 0.70, "before_reform": 0.78, "low": 0.71, "college": 0.08},
    "urban": {"aged": 0.45, "before_reform": 0.30, "low": 0.30, "college": 0.40},
}


def _members(d: District, rng: random.Random, people: _People, sizes: dict[str, int]) -> None:
    for community in d.communities:
        shape = STRUCTURE[community.setting]
        n = sizes[community.key]
        indexes = list(range(n))
        # The first 5 are reserved for the team (their structure is set in _kinds_and_teams).
        ordinary = indexes[5:]
        aged = _pick(rng, ordinary, shape["aged"])
        old = _pick(rng, sorted(aged), shape["before_reform"])
        low = _pick(rng, ordinary, shape["low"])
        college = _pick(rng, [i for i in ordinary if i not in low], shape["college"] / max(0.01, 1 - shape["low"]))
        for i in indexes:
            if i < 5:
                continue  # team members are made with their positions
            if i in old:
                age = (66, 88)
            elif i in aged:
                age = (46, 64)
            else:
                age = (22, 45)
            education = (
                rng.choice(JUNIOR_HIGH_OR_BELOW) if i in low else rng.choice(COLLEGE_OR_ABOVE) if i in college else "secondary"
            )
            member = _member(
                d,
                rng,
                people,
                key=f"{community.key}-m{i}",
                org=community.party_org,
                community=community.key,
                age=age,
                education=education,
                setting=community.setting,
                joined_before_reform=i in old,
            )
            draw = rng.random()
            if community.setting == "rural" and draw < 0.04:
                member.whereabouts = "floating_out"
                member.details = {
                    "destination": rng.choice(["杭州市西湖區", "寧波市", "上海市", "義烏市"]),
                    "contact_person": names.person(rng),
                }
                member.attends = False
            elif community.setting == "rural" and draw < 0.07:
                member.whereabouts = "displaced"
                member.details = {"temporary_address": f"{rng.choice(['城東', '城西', '江南'])}安置房{rng.randint(1, 30)}幢"}
                member.attends = False
            elif i % 17 == 6:
                member.attends = False  # no attendance in months: the 活動少 problem
            d.members.append(member)


def _kinds_and_teams(
    d: District, rng: random.Random, people: _People, cases: dict[str, frozenset[str]], sizes: dict[str, int]
) -> None:
    # Targets of the seed's team tables (rural) and its urban comparison.
    team_shape = {
        "rural": {"sec_aged": 24 / 57, "sec_college": 6 / 57, "other_aged": 46 / 123, "other_college": 14 / 123},
        "urban": {"sec_aged": 1 / 7, "sec_college": 0.92, "other_aged": 0.2, "other_college": 0.5},
    }
    rural = [c for c in d.communities if c.setting == "rural"]
    extra = round(RURAL_TEAM_MEMBERS * d.scale) - sum(_team_roles_count(cases[c.key]) for c in rural)
    since = d.as_of - timedelta(days=700)
    slots: dict[str, list[tuple[CommunitySpec, str, int]]] = {"rural": [], "urban": []}
    for community in d.communities:
        case = cases[community.key]
        org = d.org(community.party_org)
        if "form_called_out" in case:
            org.kind, org.name = "general_branch", community.name + "黨總支"
            d.plant("form_mismatch", org.key)
            d.plant("form_called_out", org.key)
        elif "form_mismatch" in case:
            org.kind, org.name = "branch", community.name + "黨支部"
            d.plant("form_mismatch", org.key)
            d.plant("branch_too_large", org.key)
        roles = ["secretary", "deputy_secretary", "organization_member"]
        if "team_too_small" in case:
            roles = ["secretary", "deputy_secretary"]
            d.plant("small_or_incomplete_teams", org.key)
        elif "no_secretary" in case:
            roles = ["deputy_secretary", "organization_member", "propaganda_member"]
            d.plant("small_or_incomplete_teams", org.key)
        elif community.setting == "rural" and extra > 0:
            roles.append("propaganda_member")
            extra -= 1
        if "no_cross_appointment" in case:
            d.plant("no_cross_appointment", org.key)
        for index, role in enumerate(roles):
            slots[community.setting].append((community, role, index))
    for setting, entries in slots.items():
        shape = team_shape[setting]
        secs = [i for i, e in enumerate(entries) if e[1] == "secretary"]
        others = [i for i, e in enumerate(entries) if e[1] != "secretary"]
        aged = _pick(rng, secs, shape["sec_aged"]) | _pick(rng, others, shape["other_aged"])
        college = _pick(rng, secs, shape["sec_college"]) | _pick(rng, others, shape["other_college"])
        for i, (community, role, index) in enumerate(entries):
            education = rng.choice(COLLEGE_OR_ABOVE) if i in college else rng.choice(["secondary", "junior_high"])
            member = _member(
                d,
                rng,
                people,
                key=f"{community.key}-m{index}",
                org=community.party_org,
                community=community.key,
                age=(46, 60) if i in aged else (32, 44),
                education=education,
                setting=setting,
            )
            d.members.append(member)
            if role == "secretary":
                posts = [] if "no_cross_appointment" in cases[community.key] else ["residents_committee_director"]
            else:
                posts = ["residents_committee_member"] if rng.random() < 0.5 else []
            d.positions.append(PositionSpec(community.party_org, member.key, role, since, posts))
    _forms(d)


def expected_kind(members: int) -> str:
    """The seed's form rule (對策(二)1) with the orgs policy defaults; every demo organization has
    far more than 3 full members, so the joint-branch case never arises."""
    return "committee" if members > 100 else "general_branch" if members > 50 else "branch"


def _forms(d: District) -> None:
    """Every community organization not planted as a mismatch gets the form its membership calls for."""
    counts: dict[str, int] = {}
    for member in d.members:
        if member.whereabouts != "not_transferred":
            counts[member.org] = counts.get(member.org, 0) + 1
    suffix = {"committee": "黨委", "general_branch": "黨總支", "branch": "黨支部"}
    for community in d.communities:
        org = d.org(community.party_org)
        if org.key not in d.planted.get("form_mismatch", set()):
            org.kind = expected_kind(counts.get(org.key, 0))
            org.name = community.name + suffix[org.kind]


def _team_roles_count(case: frozenset[str]) -> int:
    return 2 if "team_too_small" in case else 3


def _township_units(d: District, rng: random.Random, people: _People, townships: list[str]) -> None:
    """Each township's own organs' branch: members outside any community (counted only in totals)."""
    for i, township in enumerate(townships):
        key = f"{township}-organs"
        d.orgs.append(Org(key, f"{names.township(i)}機關黨支部", "unit", "branch", township))
        for j in range(4):
            member = _member(
                d,
                rng,
                people,
                key=f"{key}-m{j}",
                org=key,
                community=None,
                age=(28, 55),
                education=rng.choice(COLLEGE_OR_ABOVE),
                setting="urban",
            )
            # Full members all: an organs' branch of four keeps its form (at least 3 full members).
            member.joined_on = min(member.joined_on, d.as_of - timedelta(days=400))
            member.party_status, member.full_on = "full", a_year_after(member.joined_on)
            d.members.append(member)
            if j == 0:
                d.positions.append(PositionSpec(key, member.key, "secretary", d.as_of - timedelta(days=400), []))


def _not_transferred(d: District, rng: random.Random, people: _People) -> None:
    """Members living in rural communities whose relationship stayed with their workplace elsewhere."""
    for community in d.communities:
        if community.setting != "rural":
            continue
        for j in range(2):
            member = _member(
                d,
                rng,
                people,
                key=f"{community.key}-nt{j}",
                org=d.outside_org,
                community=community.key,
                age=(30, 70),
                education=rng.choice(["secondary", "college", "junior_high"]),
                setting="rural",
                region=OUTSIDE_REGION,
            )
            member.whereabouts = "not_transferred"
            member.details = {"relationship_org": "鄰區某局機關黨支部"}
            member.attends = False
            d.members.append(member)


def _terms(d: District, rng: random.Random, cases: dict[str, frozenset[str]]) -> None:
    for community in d.communities:
        if "term_overdue" in cases[community.key]:
            started = years_before(d.as_of, 5, extra_days=rng.randint(30, 200))  # five-year term already over
            d.plant("terms_overdue", community.party_org)
        else:
            started = years_before(d.as_of, rng.randint(1, 3), extra_days=rng.randint(0, 150))
        d.terms.append(TermSpec(community.party_org, 1, started))


def _cadres(d: District, rng: random.Random, people: _People) -> None:
    rural = [c for c in d.communities if c.setting == "rural"]
    total = round(RURAL_RESERVE_CADRES * d.scale)
    counts = {c.key: 1 for c in rural}
    for _ in range(max(0, total - len(rural))):
        counts[rng.choice(rural).key] += 1
    slots = [(c.key, n) for c in rural for n in range(counts[c.key])]
    college = _pick(rng, list(range(len(slots))), 20 / 77)
    for i, (key, _n) in enumerate(slots):
        birth = _birth_for_age(rng, d.as_of, 25, 40)
        education = rng.choice(COLLEGE_OR_ABOVE) if i in college else rng.choice(["secondary", "junior_high"])
        d.cadres.append(CadreSpec(key, people.name(birth), birth, education, d.as_of - timedelta(days=rng.randint(30, 600))))
    for community in d.communities:
        if community.setting == "urban":
            for _ in range(rng.randint(2, 3)):
                birth = _birth_for_age(rng, d.as_of, 25, 38)
                d.cadres.append(
                    CadreSpec(
                        community.key, people.name(birth), birth, rng.choice(COLLEGE_OR_ABOVE), d.as_of - timedelta(days=200)
                    )
                )


def _units(d: District, rng: random.Random, cases: dict[str, frozenset[str]]) -> None:
    rural = [c for c in d.communities if c.setting == "rural"]
    total = round(RURAL_UNITS * d.scale)
    counts = {c.key: 2 for c in rural}
    for _ in range(max(0, total - 2 * len(rural))):
        counts[rng.choice(rural).key] += 1
    for community in d.communities:
        n = counts.get(community.key, 8)
        for j in range(n):
            unit = UnitSpec(
                f"{community.key}-u{j}",
                community.key,
                names.unit(rng, j),
                rng.choice(["enterprise", "enterprise", "school", "agency", "public_institution", "social_organization"]),
            )
            d.units.append(unit)
        if "units_without_co_building" in cases[community.key]:
            d.plant("units_without_co_building", community.party_org)
            continue
        d.agreements.append(
            AgreementSpec(
                f"{community.key}-u0",
                community.key,
                d.as_of - timedelta(days=rng.randint(30, 500)),
                "黨建共建, 共駐共建、資源共享",
            )
        )


def _care(d: District, rng: random.Random, cases: dict[str, frozenset[str]]) -> None:
    """Green channel for elderly and needy members (one served at home, one not, per community where
    there are such members); the education upgrade for some of the members under 45 below college."""
    by_community: dict[str, list[MemberSpec]] = {}
    for member in d.members:
        if member.org != d.outside_org and member.residence_community and member.whereabouts == "resident":
            by_community.setdefault(member.residence_community, []).append(member)
    for community in d.communities:
        members = by_community.get(community.key, [])
        elderly = [
            m
            for m in members
            if (d.as_of - m.birth_date).days >= 73 * 366 and not m.key.endswith(("-m0", "-m1", "-m2", "-m3", "-m4"))
        ]
        if "study_day_only" not in cases[community.key]:
            for n, member in enumerate(elderly[:2]):
                grounds = ["elderly", "needy"] if n else ["elderly"]
                d.care.append(
                    CareSpec(member.key, "green_channel", d.as_of - timedelta(days=90), grounds, ["home_study_delivery"])
                )
                if n == 0:
                    d.plant("green_channel_unserved", member.key)
        young_low = [m for m in members if (d.as_of - m.birth_date).days < 44 * 365 and m.education not in COLLEGE_OR_ABOVE]
        for member in young_low[::2]:
            d.care.append(CareSpec(member.key, "education_upgrade", d.as_of - timedelta(days=60), target_level="college"))


def _ytd(rng: random.Random, as_of: date) -> date:
    """A day from 1 January of the as-of year to the as-of day."""
    start = date(as_of.year, 1, 1)
    return start + timedelta(days=rng.randint(0, (as_of - start).days))


def _activities(d: District, rng: random.Random, cases: dict[str, frozenset[str]]) -> None:
    members_of: dict[str, list[MemberSpec]] = {}
    for member in d.members:
        members_of.setdefault(member.org, []).append(member)
    served = {c.member for c in d.care if c.program == "green_channel"} - d.planted.get("green_channel_unserved", set())
    for community in d.communities:
        org = community.party_org
        members = members_of.get(org, [])
        attending = [m.key for m in members if m.attends]
        away = [m.key for m in members if not m.attends]
        for month in range(12):
            day = d.as_of - timedelta(days=30 * month + rng.randint(0, 5))
            present = attending if month == 0 else [k for k in attending if rng.random() < 0.7]
            d.activities.append(
                ActivitySpec(
                    org,
                    "study_day",
                    f"{day:%Y年%m月}黨員學習日",
                    day,
                    present=present,
                    absent=away + [k for k in attending if k not in present],
                )
            )
        if "study_day_only" in cases[community.key]:
            d.plant("study_day_only", org)
            continue
        for kind, title in (("general_meeting", "支部黨員大會"), ("party_lecture", "黨課"), ("life_meeting", "組織生活會")):
            day = _ytd(rng, d.as_of)
            present = [k for k in attending if rng.random() < 0.8]
            d.activities.append(
                ActivitySpec(org, kind, title, day, present=present, absent=[k for k in attending + away if k not in present])
            )
        for member in members:
            if member.key in served:
                d.activities.append(
                    ActivitySpec(org, "home_study_delivery", "上門送學", _ytd(rng, d.as_of), served_member=member.key)
                )
    for organ in d.orgs:
        if organ.tier == "unit" and organ.parent and organ.parent.startswith("township-"):
            keys = [m.key for m in members_of.get(organ.key, [])]
            d.activities.append(
                ActivitySpec(organ.key, "general_meeting", "機關支部黨員大會", d.as_of - timedelta(days=10), present=keys)
            )


def _contacts(d: District, rng: random.Random) -> None:
    """Half of the followed members (floating, displaced, not transferred) were contacted lately."""
    followed = [m for m in d.members if m.whereabouts in ("floating_out", "displaced", "not_transferred")]
    community_org = {c.key: c.party_org for c in d.communities}
    for n, member in enumerate(followed):
        org = community_org[member.residence_community] if member.residence_community else member.org
        if n % 2:
            d.contacts.append(ContactSpec(org, member.key, d.as_of - timedelta(days=rng.randint(0, 60)), "regular", "phone"))
        else:
            if n % 4 == 0:
                d.contacts.append(
                    ContactSpec(org, member.key, d.as_of - timedelta(days=rng.randint(120, 300)), "random", "visit")
                )
            d.plant("followed_uncontacted", member.key)
