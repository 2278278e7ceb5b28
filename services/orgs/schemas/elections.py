"""Elections' shapes: an election with its seats, a nomination and its vetting, ballots entered for
the system's count, a paper count, and the election as answered (with its candidates)."""

import uuid
from datetime import date
from typing import Annotated

from pydantic import ConfigDict, Field, model_validator

from services.kit.schemas import InputSchema, Schema
from services.orgs.enums import CandidateStatus, ElectionCounting, ElectionKind, ElectionMethod, ElectionStatus, Role
from services.orgs.schemas.teams import MAX_VOTERS

MAX_SEATS = 15
MAX_CANDIDATES = 60


class Seats(InputSchema):
    role: Role
    seats: int = Field(ge=1, le=MAX_SEATS)


class ElectionCreate(InputSchema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "kind": ElectionKind.term_change,
                    "held_on": "2026-03-10",
                    "method": ElectionMethod.members_meeting,
                    "counting": ElectionCounting.paper,
                    "eligible_voters": 86,
                    "seats": [{"role": Role.secretary, "seats": 1}, {"role": Role.committee_member, "seats": 4}],
                }
            ]
        }
    )

    kind: ElectionKind
    held_on: date
    method: ElectionMethod = ElectionMethod.members_meeting
    counting: ElectionCounting = ElectionCounting.paper
    eligible_voters: int = Field(ge=1, le=MAX_VOTERS, description="Members entitled to vote (應到會)")
    seats: list[Seats] = Field(min_length=1, max_length=len(Role))

    @model_validator(mode="after")
    def _one_race_a_role(self) -> "ElectionCreate":
        roles = [s.role for s in self.seats]
        if len(set(roles)) != len(roles):
            raise ValueError("each role once in seats")
        return self


class CandidateCreate(InputSchema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"member_id": "5d6e7f80-9a1b-4c2d-8e3f-4a5b6c7d8e9f", "role": Role.committee_member, "nominated_by": "第二黨小組"}
            ]
        }
    )

    member_id: uuid.UUID
    role: Role
    nominated_by: str | None = Field(default=None, max_length=200)


class Vetting(InputSchema):
    model_config = ConfigDict(json_schema_extra={"examples": [{"passed": True, "note": "經審查符合條件"}]})

    passed: bool = Field(description="Whether the candidate passed vetting (審查) and goes on the ballot")
    note: str | None = Field(default=None, max_length=2000)


class BallotBatch(InputSchema):
    """Ballots entered for the system's count: each lists the candidates it marks."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"ballots": [["5d6e7f80-9a1b-4c2d-8e3f-4a5b6c7d8e9f"], []]}]})

    ballots: list[Annotated[list[uuid.UUID], Field(max_length=MAX_CANDIDATES)]] = Field(min_length=1, max_length=1000)


class CandidateVotes(InputSchema):
    candidate_id: uuid.UUID
    votes: int = Field(ge=0, le=MAX_VOTERS)


class ElectionCount(InputSchema):
    """The count: voters present (實到會) and, for a paper count, every vetted candidate's votes."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"voters_present": 80, "votes": [{"candidate_id": "5d6e7f80-9a1b-4c2d-8e3f-4a5b6c7d8e9f", "votes": 72}]}]
        }
    )

    voters_present: int = Field(ge=0, le=MAX_VOTERS)
    votes: list[CandidateVotes] | None = Field(default=None, max_length=MAX_CANDIDATES)


class ElectionApproval(InputSchema):
    model_config = ConfigDict(json_schema_extra={"examples": [{"approved_on": "2026-03-20"}]})

    approved_on: date | None = Field(default=None, description="Default: today")


class SeatsOut(Schema):
    role: Role
    seats: int


class Candidate(Schema):
    id: uuid.UUID
    election_id: uuid.UUID
    member_id: uuid.UUID
    role: Role
    nominated_by: str | None
    status: CandidateStatus
    vetting_note: str | None
    votes: int | None
    elected: bool
    version: int


class Election(Schema):
    id: uuid.UUID
    org_id: uuid.UUID
    kind: ElectionKind
    held_on: date
    method: ElectionMethod
    counting: ElectionCounting
    seats: list[SeatsOut]
    eligible_voters: int
    voters_present: int | None
    ballots_cast: int
    status: ElectionStatus
    term_id: uuid.UUID | None
    approved_by: str | None
    approved_on: date | None
    version: int
    candidates: list[Candidate] = Field(default_factory=list)
