"""The survey report (issue 7) composed from the services' halves: each figure with its count,
denominator and share on the rural side, the urban side and in total, and the difference in points.

Pure functions over the services' JSON: the gateway keeps its own copies of the few shapes it
consumes (it never imports a service). Shares are computed here from the counts, never copied.
"""

# ruff: noqa: RUF001, RUF002 - Chinese text takes full-width punctuation

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from uuid import UUID

from pydantic import BaseModel

SIDES = ("rural", "urban", "total")
POINT = Decimal("0.1")


@dataclass(frozen=True)
class FigureDef:
    key: str
    label: str  # may name a parameter: {team_age_min} …
    denominator: str | None
    source: str  # "orgs" or "members"


FIGURES: tuple[FigureDef, ...] = (
    FigureDef("communities", "社區數", None, "orgs"),
    FigureDef("community_units", "社區單位數", None, "orgs"),
    FigureDef("team_members", "黨組織班子成員", None, "members"),
    FigureDef("team_members_aged_46_plus", "班子成員{team_age_min}歲以上", "team_members", "members"),
    FigureDef("team_members_college_or_above", "班子成員大專以上", "team_members", "members"),
    FigureDef("secretaries", "黨組織書記", None, "members"),
    FigureDef("secretaries_aged_45_plus", "書記{secretary_age_min}歲以上", "secretaries", "members"),
    FigureDef("secretaries_college_or_above", "書記大專以上", "secretaries", "members"),
    FigureDef("reserve_cadres", "後備幹部", None, "orgs"),
    FigureDef("reserve_cadres_college_or_above", "後備幹部大專以上", "reserve_cadres", "orgs"),
    FigureDef("members", "黨員", None, "members"),
    FigureDef("members_aged_46_plus", "黨員{member_age_min}歲以上", "members", "members"),
    FigureDef("members_junior_high_or_below", "黨員初中以下", "members", "members"),
    FigureDef("members_joined_before_reform", "改革開放前入黨（{reform_date}前）", "members", "members"),
    FigureDef("not_transferred", "組織關係未轉入黨員（按居住社區）", None, "members"),
    FigureDef("floating_out", "外出流動黨員", "members", "members"),
    FigureDef("displaced", "拆遷過渡在外黨員", "members", "members"),
    FigureDef("form_mismatches", "組織設置與黨員人數不符的社區", "communities", "orgs"),
)


class Side(BaseModel):
    count: int
    denominator: int | None
    share: float | None


class Figure(BaseModel):
    key: str
    label: str
    rural: Side
    urban: Side
    total: Side
    difference_points: float | None


class Parameters(BaseModel):
    team_age_min: int
    secretary_age_min: int
    member_age_min: int
    reform_date: date
    college_or_above: list[str]
    junior_high_or_below: list[str]


class FormMismatch(BaseModel):
    community_id: UUID
    community_name: str
    setting: str
    org_id: UUID
    org_name: str
    kind: str
    expected_kind: str
    members: int
    full_members: int


class SurveyReport(BaseModel):
    within: UUID | None
    scope_name: str | None = None  # `within` (or the caller's scope) by name; None: everything
    county_name: str | None = None
    as_of: date
    parameters: Parameters
    figures: list[Figure]
    form_mismatches: list[FormMismatch]


def share(count: int, denominator: int | None) -> Decimal | None:
    """100 × count / denominator to one decimal, half up; None without a denominator."""
    if not denominator:
        return None
    return (Decimal(100 * count) / Decimal(denominator)).quantize(POINT, rounding=ROUND_HALF_UP)


def _as_float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def compose(*, within: UUID | None, as_of: date, orgs: dict[str, Any], members: dict[str, Any]) -> SurveyReport:
    parameters = Parameters.model_validate(members["parameters"])
    sources = {"orgs": orgs, "members": members}
    names = parameters.model_dump()
    figures = []
    for definition in FIGURES:
        sides: dict[str, Side] = {}
        shares: dict[str, Decimal | None] = {}
        for side in SIDES:
            count = int(sources[definition.source][side][definition.key])
            denominator = None
            if definition.denominator:
                owner = next(f.source for f in FIGURES if f.key == definition.denominator)
                denominator = int(sources[owner][side][definition.denominator])
            shares[side] = share(count, denominator)
            sides[side] = Side(count=count, denominator=denominator, share=_as_float(shares[side]))
        rural, urban = shares["rural"], shares["urban"]
        difference = None if rural is None or urban is None else rural - urban
        figures.append(
            Figure(
                key=definition.key,
                label=definition.label.format(**names),
                difference_points=_as_float(difference),
                **sides,
            )
        )
    return SurveyReport(
        within=within,
        scope_name=orgs.get("scope_name"),
        county_name=orgs.get("county_name"),
        as_of=as_of,
        parameters=parameters,
        figures=figures,
        form_mismatches=[FormMismatch.model_validate(item) for item in orgs.get("form_mismatches", [])],
    )
