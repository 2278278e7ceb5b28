"""Terms and teams' shapes: a term and its election, a term due for election (and the event the
term clock sends), and team positions."""

import uuid
from datetime import date

from pydantic import Field, model_validator

from services.kit.schemas import InputSchema, Schema
from services.orgs.enums import ConcurrentPost, ElectionMethod, PositionSource, Role, TermDue
from services.orgs.schemas.common import MAX_TERM_NUMBER, check_range

# Far above any real electorate, and inside the columns' 32-bit integers (a larger number was a
# 500 from PostgreSQL).
MAX_VOTERS = 10_000_000


class TermCreate(InputSchema):
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
    org_id: uuid.UUID
    org_name: str
    term: Term
    due: TermDue
    days_left: int


class PositionCreate(InputSchema):
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

    positions: list[PositionCreate] = Field(min_length=1, max_length=50)


class PositionUpdate(InputSchema):
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
    """What `term.ending` and `term.overdue` (the scheduled term clock) carry."""

    org_name: str
    due: TermDue
    days_left: int
