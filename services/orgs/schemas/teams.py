"""Terms and teams' shapes: a term and its election, a term due for election (and the event the
term clock sends), and team positions."""

import uuid
from datetime import date

from pydantic import ConfigDict, Field, model_validator

from services.kit.schemas import InputSchema, Schema
from services.orgs.enums import BodyKind, ConcurrentPost, ElectionMethod, PositionSource, Role, TermDue
from services.orgs.schemas.common import MAX_TERM_NUMBER, check_range

# Far above any real electorate, and inside the columns' 32-bit integers (a larger number was a
# 500 from PostgreSQL).
MAX_VOTERS = 10_000_000


class TermCreate(InputSchema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "number": 4,
                    "started_on": "2021-03-15",
                    "elected_on": "2021-03-15",
                    "election_method": ElectionMethod.members_meeting,
                    "eligible_voters": 86,
                    "voters_present": 79,
                    "lowest_votes_elected": 52,
                }
            ]
        }
    )

    number: int = Field(ge=1, le=MAX_TERM_NUMBER)
    started_on: date
    elected_on: date | None = None
    election_method: ElectionMethod | None = None
    eligible_voters: int | None = Field(default=None, ge=1, le=MAX_VOTERS)
    voters_present: int | None = Field(default=None, ge=0, le=MAX_VOTERS)
    lowest_votes_elected: int | None = Field(
        default=None, ge=0, le=MAX_VOTERS, description="Votes of the elected candidate with the fewest"
    )


class Term(Schema):
    id: uuid.UUID
    org_id: uuid.UUID
    number: int
    started_on: date
    ends_on: date
    elected_on: date | None
    election_method: ElectionMethod | None
    eligible_voters: int | None
    voters_present: int | None
    lowest_votes_elected: int | None
    version: int


class TermDueItem(Schema):
    """A term due for election: an organization's (`body` party_organization) or a community
    body's (`term.id` the body term's id; `org_id` the community's top organization, or its
    township while it has none)."""

    org_id: uuid.UUID
    org_name: str
    term: Term
    due: TermDue
    days_left: int
    body: BodyKind = BodyKind.party_organization
    community_id: uuid.UUID | None = None
    community_name: str | None = None


class PositionCreate(InputSchema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "member_id": "5d6e7f80-9a1b-4c2d-8e3f-4a5b6c7d8e9f",
                    "role": Role.secretary,
                    "since": "2021-03-15",
                    "source": PositionSource.elected,
                    "concurrent_posts": [ConcurrentPost.residents_committee_director],
                }
            ]
        }
    )

    member_id: uuid.UUID
    role: Role
    since: date
    until: date | None = None
    source: PositionSource = PositionSource.elected
    concurrent_posts: list[ConcurrentPost] = Field(default_factory=list, max_length=len(ConcurrentPost))

    @model_validator(mode="after")
    def _range(self) -> "PositionCreate":
        check_range(self.since, self.until, "until")
        return self


class PositionBatch(InputSchema):
    """Several positions added together (all or none), e.g. a whole committee at once."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "positions": [
                        {"member_id": "5d6e7f80-9a1b-4c2d-8e3f-4a5b6c7d8e9f", "role": Role.secretary, "since": "2021-03-15"},
                        {
                            "member_id": "7b8c9d0e-1f2a-4b3c-9d4e-5f6a7b8c9d0e",
                            "role": Role.organization_member,
                            "since": "2021-03-15",
                        },
                    ]
                }
            ]
        }
    )

    positions: list[PositionCreate] = Field(min_length=1, max_length=50)


class PositionUpdate(InputSchema):
    model_config = ConfigDict(json_schema_extra={"examples": [{"until": "2026-03-14"}]})

    until: date | None = None
    concurrent_posts: list[ConcurrentPost] | None = Field(default=None, max_length=len(ConcurrentPost))


class Position(Schema):
    id: uuid.UUID
    org_id: uuid.UUID
    member_id: uuid.UUID
    role: Role
    since: date
    until: date | None
    source: PositionSource
    concurrent_posts: list[ConcurrentPost]
    version: int


class TermClockEvent(Term):
    """What `term.ending` and `term.overdue` (the scheduled term clock) carry: an organization's
    term, or a community body's (`body`, `community_id`; `id` the body term's)."""

    org_name: str
    due: TermDue
    days_left: int
    body: BodyKind = BodyKind.party_organization
    community_id: uuid.UUID | None = None
