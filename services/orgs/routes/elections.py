"""Elections (`/api/v1/orgs/{id}/elections`, `/api/v1/elections/{id}`): set up, nominate, vet, fix
the ballot, enter ballots or a paper count, and approve a secretary's election."""

import uuid

from fastapi import APIRouter, status

from services.kit.db import ReadSessionDep, WriteSessionDep
from services.kit.idempotency import Idempotent
from services.kit.problems import answers
from services.orgs.errors import (
    ELECTION_RULE,
    INACTIVE_REFERENCE,
    INVALID_REQUEST,
    NOT_FOUND,
    NOT_HIGHER_ORGANIZATION,
    PEER_UNAVAILABLE,
    RULE_VIOLATION,
    TEAM_RULE,
    UNKNOWN_REFERENCE,
    WRONG_STATE,
)
from services.orgs.routes.deps import MembersDep, Reader, Writer
from services.orgs.schemas.elections import (
    BallotBatch,
    Candidate,
    CandidateCreate,
    Election,
    ElectionApproval,
    ElectionCount,
    ElectionCreate,
    Vetting,
)
from services.orgs.service import elections as service

router = APIRouter(prefix="/api/v1", tags=["elections"])

# Taking effect records a term and positions through the terms and teams code, with its answers.
EFFECT = (RULE_VIOLATION, TEAM_RULE, UNKNOWN_REFERENCE, PEER_UNAVAILABLE)


@router.post(
    "/orgs/{org_id}/elections",
    status_code=status.HTTP_201_CREATED,
    response_model=Election,
    description="Sets up an election of the organization's team: `term_change` (換屆, a new term) or `by_election` "
    "(補選, seats within the current term), with the members entitled to vote (應到會) and the seats of each role.",
    dependencies=[Idempotent],
    responses=answers(INVALID_REQUEST, NOT_FOUND, INACTIVE_REFERENCE, RULE_VIOLATION, ELECTION_RULE),
)
async def create_election(org_id: uuid.UUID, data: ElectionCreate, session: WriteSessionDep, ctx: Writer) -> Election:
    return await service.create_election(session, ctx, org_id, data)


@router.get("/orgs/{org_id}/elections", response_model=list[Election], responses=answers(NOT_FOUND))
async def list_elections(org_id: uuid.UUID, session: ReadSessionDep, ctx: Reader) -> list[Election]:
    return await service.list_elections(session, ctx, org_id)


@router.get("/elections/{election_id}", response_model=Election, responses=answers(NOT_FOUND))
async def get_election(election_id: uuid.UUID, session: ReadSessionDep, ctx: Reader) -> Election:
    return await service.get_election(session, ctx, election_id)


@router.post(
    "/elections/{election_id}/candidates",
    status_code=status.HTTP_201_CREATED,
    response_model=Candidate,
    description="Nominates a member (in the caller's scope) for one of the election's roles, while nominations are open.",
    dependencies=[Idempotent],
    responses=answers(INVALID_REQUEST, NOT_FOUND, UNKNOWN_REFERENCE, ELECTION_RULE, WRONG_STATE, PEER_UNAVAILABLE),
)
async def nominate(
    election_id: uuid.UUID, data: CandidateCreate, session: WriteSessionDep, ctx: Writer, members: MembersDep
) -> Candidate:
    return Candidate.model_validate(await service.nominate(session, ctx, election_id, data, members=members))


@router.post(
    "/elections/{election_id}/candidates/{candidate_id}/vetting",
    response_model=Candidate,
    description="Vets (審查) a candidate: approved candidates go on the ballot.",
    dependencies=[Idempotent],
    responses=answers(INVALID_REQUEST, NOT_FOUND, WRONG_STATE),
)
async def vet(election_id: uuid.UUID, candidate_id: uuid.UUID, data: Vetting, session: WriteSessionDep, ctx: Writer) -> Candidate:
    return Candidate.model_validate(await service.vet(session, ctx, election_id, candidate_id, data))


@router.post(
    "/elections/{election_id}/ballot",
    response_model=Election,
    description="Closes nominations and fixes the ballot: every candidate vetted, and for each role enough approved "
    "candidates — 差額: more than the seats by at least the policy's `election_contest_share` (20%, rounded up, at "
    "least one more); 等額 allowed for the policy's `election_equal_roles` (secretary, deputy). 422 `election-rule` "
    "names the role, the candidates and the number needed.",
    dependencies=[Idempotent],
    responses=answers(NOT_FOUND, ELECTION_RULE, WRONG_STATE),
)
async def fix_ballot(election_id: uuid.UUID, session: WriteSessionDep, ctx: Writer) -> Election:
    return await service.fix_ballot(session, ctx, election_id)


@router.post(
    "/elections/{election_id}/ballots",
    response_model=Election,
    description="Enters ballots for the system's count (`counting: system`): each lists the candidates it marks, at "
    "most the seats of each role; all or none.",
    dependencies=[Idempotent],
    responses=answers(INVALID_REQUEST, NOT_FOUND, UNKNOWN_REFERENCE, ELECTION_RULE, WRONG_STATE),
)
async def enter_ballots(election_id: uuid.UUID, data: BallotBatch, session: WriteSessionDep, ctx: Writer) -> Election:
    return await service.enter_ballots(session, ctx, election_id, data)


@router.post(
    "/elections/{election_id}/count",
    response_model=Election,
    description="Counts the election: `voters_present` (實到會) and, on paper, every candidate's votes (the system "
    "counts the ballots entered). Valid with more than 4/5 of those entitled present; a candidate is elected with "
    "more than half of those entitled (應到會), the most votes first, every seat filled. Else 422 `election-rule` "
    "naming the rule and the figures, and nothing is written. A valid count takes effect: a term change records the "
    "new term (the previous team leaves office the day before) and the elected positions, a by-election the "
    "positions; with a secretary elected it waits for the higher organization's approval.",
    dependencies=[Idempotent],
    responses=answers(INVALID_REQUEST, NOT_FOUND, ELECTION_RULE, WRONG_STATE, *EFFECT),
)
async def count(
    election_id: uuid.UUID, data: ElectionCount, session: WriteSessionDep, ctx: Writer, members: MembersDep
) -> Election:
    return await service.count(session, ctx, election_id, data, members=members)


@router.post(
    "/elections/{election_id}/approval",
    response_model=Election,
    description="The higher organization (a caller whose scope holds the parent organization) approves a secretary's "
    "election; the result takes effect on `approved_on` (default today): the term starts and the positions run from it.",
    dependencies=[Idempotent],
    responses=answers(INVALID_REQUEST, NOT_FOUND, NOT_HIGHER_ORGANIZATION, ELECTION_RULE, WRONG_STATE, *EFFECT),
)
async def approve(
    election_id: uuid.UUID, data: ElectionApproval, session: WriteSessionDep, ctx: Writer, members: MembersDep
) -> Election:
    return await service.approve(session, ctx, election_id, data, members=members)
