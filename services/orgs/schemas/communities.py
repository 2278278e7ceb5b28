"""Communities' shapes: the community, its bodies' terms, its reserve cadres, and its team against
the 領頭雁 standard."""

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any

from pydantic import ConfigDict, Field, model_validator

from services.kit.schemas import InputSchema, Schema
from services.orgs.enums import BodyKind, Education, FormationMode, GuidanceCategory, ReserveEndReason, Setting
from services.orgs.schemas.common import MAX_TERM_NUMBER, NAME_MAX, TEXT_MAX, Name, check_range
from services.orgs.schemas.teams import MAX_VOTERS


class CommunityCreate(InputSchema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "柳河社区",
                    "township_org_id": "0e5a2c1b-7d3f-4b8e-9c6a-2f1d3e4b5a60",
                    "party_org_id": "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d",
                    "setting": Setting.rural,
                    "formation_mode": FormationMode.village_continuation,
                    "guidance_category": GuidanceCategory.integrating,
                    "origin_villages": ["柳河村", "上𠮷村"],
                    "households": 612,
                    "population": 2087,
                }
            ]
        }
    )

    name: str = Name
    township_org_id: uuid.UUID
    party_org_id: uuid.UUID | None = None
    setting: Setting = Setting.rural
    formation_mode: FormationMode | None = None
    guidance_category: GuidanceCategory | None = None
    origin_villages: list[Annotated[str, Field(max_length=100)]] = Field(default_factory=list, max_length=50)
    households: int | None = Field(default=None, ge=0)
    population: int | None = Field(default=None, ge=0)


class CommunityUpdate(InputSchema):
    model_config = ConfigDict(json_schema_extra={"examples": [{"households": 640, "population": 2150}]})

    name: str | None = Field(default=None, min_length=1, max_length=NAME_MAX)
    party_org_id: uuid.UUID | None = None
    setting: Setting | None = None
    formation_mode: FormationMode | None = None
    guidance_category: GuidanceCategory | None = None
    origin_villages: list[Annotated[str, Field(max_length=100)]] | None = Field(default=None, max_length=50)
    households: int | None = Field(default=None, ge=0)
    population: int | None = Field(default=None, ge=0)


class Community(Schema):
    id: uuid.UUID
    name: str
    township_org_id: uuid.UUID
    party_org_id: uuid.UUID | None
    setting: Setting
    formation_mode: FormationMode | None
    guidance_category: GuidanceCategory | None
    origin_villages: list[str]
    households: int | None
    population: int | None
    version: int


class CommunitySnapshot(Schema):
    """What `community.*` events carry."""

    id: uuid.UUID
    version: int
    name: str
    township_org_id: uuid.UUID
    party_org_id: uuid.UUID | None
    setting: Setting
    formation_mode: FormationMode | None
    guidance_category: GuidanceCategory | None
    households: int | None
    population: int | None


class BodyPerson(InputSchema):
    """A person on a community body: a party member by id, anyone else by name."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"member_id": "5d6e7f80-9a1b-4c2d-8e3f-4a5b6c7d8e9f", "name": "王秀英", "role": "主任"}]}
    )

    member_id: uuid.UUID | None = None
    name: str = Field(min_length=1, max_length=100)
    role: str | None = Field(default=None, max_length=100)


class BodyTermCreate(InputSchema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "kind": BodyKind.residents_committee,
                    "term_number": 3,
                    "started_on": "2021-03-20",
                    "ends_on": "2026-03-19",
                    "people": [
                        {"member_id": "5d6e7f80-9a1b-4c2d-8e3f-4a5b6c7d8e9f", "name": "王秀英", "role": "主任"},
                        {"name": "李建国", "role": "委员"},
                    ],
                }
            ]
        }
    )

    kind: BodyKind
    term_number: int = Field(ge=1, le=MAX_TERM_NUMBER)
    started_on: date
    ends_on: date | None = Field(
        default=None, description="Planned from the policy (`body_term_years`, 5) when left out; never later than that"
    )
    people: list[BodyPerson] = Field(default_factory=list, max_length=200)
    elected_on: date | None = None
    eligible_voters: int | None = Field(default=None, ge=1, le=MAX_VOTERS, description="Registered voters")
    voters_present: int | None = Field(default=None, ge=0, le=MAX_VOTERS, description="Voters who voted")
    lowest_votes_elected: int | None = Field(
        default=None, ge=0, le=MAX_VOTERS, description="Votes of the elected candidate with the fewest"
    )

    @model_validator(mode="after")
    def _range(self) -> "BodyTermCreate":
        check_range(self.started_on, self.ends_on, "ends_on")
        return self


class BodyTerm(Schema):
    id: uuid.UUID
    community_id: uuid.UUID
    kind: BodyKind
    term_number: int
    started_on: date
    ends_on: date
    people: list[dict[str, Any]]
    elected_on: date | None = None
    eligible_voters: int | None = None
    voters_present: int | None = None
    lowest_votes_elected: int | None = None
    version: int


class ReserveCadreCreate(InputSchema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"name": "陈志强", "birth_date": "1992-08-17", "education": Education.college, "since": "2024-01-10"}]
        }
    )

    member_id: uuid.UUID | None = None
    name: str = Field(min_length=1, max_length=100)
    birth_date: date
    education: Education
    since: date
    until: date | None = None

    @model_validator(mode="after")
    def _range(self) -> "ReserveCadreCreate":
        check_range(self.since, self.until, "until")
        return self


class ReserveCadreUpdate(InputSchema):
    model_config = ConfigDict(json_schema_extra={"examples": [{"education": Education.bachelor}]})

    member_id: uuid.UUID | None = None
    name: str | None = Field(default=None, min_length=1, max_length=100)
    birth_date: date | None = None
    education: Education | None = None
    since: date | None = None


class ReserveCadreEnd(InputSchema):
    """A cadre leaves the pool on `until` (the last day in it), for a reason."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"until": "2026-03-31", "reason": ReserveEndReason.promoted, "note": "任社区党委副书记"}]}
    )

    until: date
    reason: ReserveEndReason
    note: str | None = Field(default=None, max_length=TEXT_MAX)


class ReserveCadre(Schema):
    id: uuid.UUID
    community_id: uuid.UUID
    member_id: uuid.UUID | None
    name: str
    birth_date: date
    education: Education
    since: date
    until: date | None
    end_reason: ReserveEndReason | None = None
    end_note: str | None = None
    version: int


@dataclass(frozen=True)
class ReservePoolQuery:
    """The filters of the district-wide reserve list (`GET /reserve-cadres`)."""

    within: uuid.UUID | None = None
    community_id: uuid.UUID | None = None
    education: list[Education] = field(default_factory=list)
    college_or_above: bool | None = None
    age_under: int | None = None
    current: bool | None = True
    as_of: date | None = None
    end_reason: ReserveEndReason | None = None
    member_id: uuid.UUID | None = None


class LeadingGooseShare(Schema):
    count: int
    share: float | None
    threshold: float
    met: bool


class LeadingGoose(Schema):
    """A community team against the 領頭雁 standard "三個60%" (thresholds and age limit: policy)."""

    community_id: uuid.UUID
    party_org_id: uuid.UUID
    as_of: date
    team_size: int
    age_limit: int
    college_or_above: LeadingGooseShare
    under_age_limit: LeadingGooseShare
    cross_appointed: LeadingGooseShare
    meets_all: bool
