"""Elections (`/elections`): nominations, vetting, the ballot fixed against the 差額 rule, ballots
entered or a paper count, validity, and the result taking effect through the terms and teams code
(`service.teams`): a new term with its positions, or positions filled within the current term. A
secretary's election waits for the higher organization's approval."""

import uuid
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.peers import PeerClient
from services.kit.problems import field_error
from services.orgs.enums import (
    CandidateStatus,
    ElectionCounting,
    ElectionKind,
    ElectionMethod,
    ElectionStatus,
    OrgKind,
    OrgStatus,
    PositionSource,
    Role,
)
from services.orgs.errors import (
    ELECTION_RULE,
    INACTIVE_REFERENCE,
    NOT_HIGHER_ORGANIZATION,
    RULE_VIOLATION,
    UNKNOWN_REFERENCE,
    WRONG_STATE,
)
from services.orgs.models import Candidate, Election, Organization, Position, Term
from services.orgs.rules import elections as rules
from services.orgs.rules.teams import TEAM_ROLES
from services.orgs.schemas.elections import (
    BallotBatch,
    CandidateCreate,
    ElectionApproval,
    ElectionCount,
    ElectionCreate,
    SeatsOut,
    Vetting,
)
from services.orgs.schemas.elections import Candidate as CandidateShape
from services.orgs.schemas.elections import Election as ElectionShape
from services.orgs.schemas.teams import Position as PositionShape
from services.orgs.schemas.teams import PositionCreate, TermCreate
from services.orgs.service import teams
from services.orgs.service.common import (
    OrgsContext,
    entity_event,
    get_visible,
    in_scope,
    members_in_scope,
    not_found,
    unknown_reference,
    visible,
)

TEAM_ROLE_CODES = frozenset(r.value for r in TEAM_ROLES)


def shape(election: Election, candidates: list[Candidate]) -> ElectionShape:
    return ElectionShape(
        id=election.id,
        org_id=election.org_id,
        kind=ElectionKind(election.kind),
        held_on=election.held_on,
        method=ElectionMethod(election.method),
        counting=ElectionCounting(election.counting),
        seats=[SeatsOut(role=Role(role), seats=count) for role, count in election.seats.items()],
        eligible_voters=election.eligible_voters,
        voters_present=election.voters_present,
        ballots_cast=election.ballots_cast,
        status=ElectionStatus(election.status),
        term_id=election.term_id,
        approved_by=election.approved_by,
        approved_on=election.approved_on,
        version=election.version,
        candidates=[CandidateShape.model_validate(c) for c in candidates],
    )


def _seats(election: Election) -> dict[Role, int]:
    return {Role(role): count for role, count in election.seats.items()}


async def _get(session: AsyncSession, ctx: OrgsContext, election_id: uuid.UUID, *, for_update: bool = False) -> Election:
    """An election of an organization in the caller's subtree; another township's is not found."""
    stmt = (
        select(Election).join(Organization, Organization.id == Election.org_id).where(Election.id == election_id, in_scope(ctx))
    )
    found = (await session.execute(stmt.with_for_update(of=Election) if for_update else stmt)).scalar_one_or_none()
    if found is None:
        raise not_found("Election", election_id)
    return found


async def _candidates(session: AsyncSession, election_id: uuid.UUID) -> list[Candidate]:
    stmt = select(Candidate).where(Candidate.election_id == election_id).order_by(Candidate.role, Candidate.id)
    return list((await session.execute(stmt)).scalars())


def _in_state(election: Election, *states: ElectionStatus) -> None:
    if election.status not in states:
        allowed = ", ".join(s.value for s in states)
        raise WRONG_STATE(f"The election is {election.status}; this step needs {allowed}")


async def _latest_term(session: AsyncSession, org_id: uuid.UUID) -> Term | None:
    stmt = select(Term).where(Term.org_id == org_id).order_by(Term.number.desc()).limit(1)
    return (await session.execute(stmt)).scalar_one_or_none()


async def create_election(session: AsyncSession, ctx: OrgsContext, org_id: uuid.UUID, data: ElectionCreate) -> ElectionShape:
    org = await get_visible(session, ctx, org_id, for_update=True)
    if org.status != OrgStatus.active:
        raise INACTIVE_REFERENCE(f"Organization {org.id} is {org.status}")
    if org.kind == OrgKind.group:
        raise RULE_VIOLATION.on("org_id", "a party group", detail="A party group elects no team of its own")
    errors = [
        field_error(f"seats.{index}.role", "a group leader is not elected by an organization's election")
        for index, seat in enumerate(data.seats)
        if seat.role is Role.group_leader
    ]
    if data.kind is ElectionKind.by_election and await _latest_term(session, org.id) is None:
        errors.append(field_error("kind", "a by-election fills seats of the current term; the organization has no term"))
    if errors:
        raise ELECTION_RULE("The election cannot be set up: " + "; ".join(e["message"] for e in errors), errors=errors)
    election = Election(
        id=uuid.uuid4(),
        org_id=org.id,
        version=1,
        kind=data.kind.value,
        held_on=data.held_on,
        method=data.method.value,
        counting=data.counting.value,
        seats={seat.role.value: seat.seats for seat in data.seats},
        eligible_voters=data.eligible_voters,
        ballots_cast=0,
        status=ElectionStatus.nominating.value,
        created_by=ctx.caller.subject,
    )
    session.add(election)
    await session.flush()
    return shape(election, [])


async def list_elections(session: AsyncSession, ctx: OrgsContext, org_id: uuid.UUID) -> list[ElectionShape]:
    await get_visible(session, ctx, org_id)
    stmt = select(Election).where(Election.org_id == org_id).order_by(Election.held_on, Election.id)
    elections = list((await session.execute(stmt)).scalars())
    return [shape(e, await _candidates(session, e.id)) for e in elections]


async def get_election(session: AsyncSession, ctx: OrgsContext, election_id: uuid.UUID) -> ElectionShape:
    election = await _get(session, ctx, election_id)
    return shape(election, await _candidates(session, election.id))


async def nominate(
    session: AsyncSession, ctx: OrgsContext, election_id: uuid.UUID, data: CandidateCreate, *, members: PeerClient
) -> Candidate:
    election = await _get(session, ctx, election_id, for_update=True)
    _in_state(election, ElectionStatus.nominating)
    if data.member_id not in await members_in_scope(session, ctx, members, [data.member_id]):
        raise unknown_reference("member_id", "Member")
    if data.role.value not in election.seats:
        raise ELECTION_RULE.on(
            "role", "no seats for that role in this election", detail="The election has no seats for that role"
        )
    if any(c.member_id == data.member_id for c in await _candidates(session, election.id)):
        raise ELECTION_RULE.on("member_id", "already a candidate", detail="The member is already a candidate in this election")
    candidate = Candidate(
        id=uuid.uuid4(),
        election_id=election.id,
        version=1,
        member_id=data.member_id,
        role=data.role.value,
        nominated_by=data.nominated_by,
        status=CandidateStatus.nominated.value,
        elected=False,
    )
    session.add(candidate)
    election.version += 1
    await session.flush()
    return candidate


async def vet(
    session: AsyncSession, ctx: OrgsContext, election_id: uuid.UUID, candidate_id: uuid.UUID, data: Vetting
) -> Candidate:
    election = await _get(session, ctx, election_id, for_update=True)
    _in_state(election, ElectionStatus.nominating)
    candidate = (
        await session.execute(select(Candidate).where(Candidate.id == candidate_id, Candidate.election_id == election.id))
    ).scalar_one_or_none()
    if candidate is None:
        raise not_found("Candidate", candidate_id)
    candidate.status = (CandidateStatus.approved if data.passed else CandidateStatus.rejected).value
    candidate.vetting_note = data.note
    candidate.version += 1
    election.version += 1
    await session.flush()
    return candidate


async def fix_ballot(session: AsyncSession, ctx: OrgsContext, election_id: uuid.UUID) -> ElectionShape:
    """Close nominations: every candidate vetted, and enough approved ones for each race's seats."""
    election = await _get(session, ctx, election_id, for_update=True)
    _in_state(election, ElectionStatus.nominating)
    candidates = await _candidates(session, election.id)
    errors = (
        [
            field_error(
                "candidates", f"{sum(c.status == CandidateStatus.nominated for c in candidates)} candidate(s) not yet vetted"
            )
        ]
        if any(c.status == CandidateStatus.nominated for c in candidates)
        else []
    )
    approved: dict[Role, int] = {}
    for c in candidates:
        if c.status == CandidateStatus.approved:
            approved[Role(c.role)] = approved.get(Role(c.role), 0) + 1
    errors += rules.slate_errors(_seats(election), approved, ctx.policy)
    if errors:
        raise ELECTION_RULE("The ballot cannot be fixed: " + "; ".join(e["message"] for e in errors), errors=errors)
    election.status = ElectionStatus.balloting.value
    election.version += 1
    await session.flush()
    return shape(election, candidates)


async def enter_ballots(session: AsyncSession, ctx: OrgsContext, election_id: uuid.UUID, data: BallotBatch) -> ElectionShape:
    """Ballots for the system's count: each marks approved candidates, at most the seats of a race."""
    election = await _get(session, ctx, election_id, for_update=True)
    _in_state(election, ElectionStatus.balloting)
    if election.counting != ElectionCounting.system:
        raise WRONG_STATE("The election is counted on paper: enter the count, not ballots")
    candidates = await _candidates(session, election.id)
    on_ballot = {c.id: c for c in candidates if c.status == CandidateStatus.approved}
    seats = _seats(election)
    errors: list[dict[str, Any]] = []
    for index, ballot in enumerate(data.ballots):
        if any(cid not in on_ballot for cid in ballot):
            raise UNKNOWN_REFERENCE.on(
                f"ballots.{index}", "no such candidate on the ballot", detail="A ballot marks no candidate of this election"
            )
        if len(set(ballot)) != len(ballot):
            errors.append(field_error(f"ballots.{index}", "a candidate marked twice"))
        errors += rules.ballot_errors(index, [Role(on_ballot[cid].role) for cid in ballot], seats)
    if errors:
        raise ELECTION_RULE("Invalid ballots: " + "; ".join(e["message"] for e in errors), errors=errors)
    for ballot in data.ballots:
        for cid in ballot:
            on_ballot[cid].votes = (on_ballot[cid].votes or 0) + 1
    for c in on_ballot.values():
        c.votes = c.votes or 0
    election.ballots_cast += len(data.ballots)
    election.version += 1
    await session.flush()
    return shape(election, candidates)


async def count(
    session: AsyncSession, ctx: OrgsContext, election_id: uuid.UUID, data: ElectionCount, *, members: PeerClient
) -> ElectionShape:
    """Validity and the result: more than 4/5 of those entitled present, every seat filled by a
    candidate with more than half of those entitled. Refused with nothing written otherwise."""
    election = await _get(session, ctx, election_id, for_update=True)
    _in_state(election, ElectionStatus.balloting)
    candidates = await _candidates(session, election.id)
    on_ballot = {c.id: c for c in candidates if c.status == CandidateStatus.approved}
    given, errors = _votes_given(election, on_ballot, data)
    quorum = rules.quorum_error(election.eligible_voters, data.voters_present, ctx.policy)
    if quorum:
        errors.append(quorum)
    if errors:
        raise ELECTION_RULE("The election is not valid: " + "; ".join(e["message"] for e in errors), errors=errors)
    tallies = [rules.Tally(cid, Role(on_ballot[cid].role), votes) for cid, votes in given.items()]
    winners, errors = rules.elected(_seats(election), tallies, eligible=election.eligible_voters, policy=ctx.policy)
    if errors:
        raise ELECTION_RULE("The election elects nobody to: " + "; ".join(e["message"] for e in errors), errors=errors)
    won = {t.candidate_id for t in winners}
    for cid, c in on_ballot.items():
        c.votes = given[cid]
        c.elected = cid in won
        c.version += 1
    election.voters_present = data.voters_present
    election.version += 1
    if any(Role(on_ballot[cid].role) is Role.secretary for cid in won):
        election.status = ElectionStatus.awaiting_approval.value
    else:
        await _take_effect(session, ctx, election, candidates, election.held_on, members=members)
    await session.flush()
    return shape(election, candidates)


def _votes_given(
    election: Election, on_ballot: dict[uuid.UUID, Candidate], data: ElectionCount
) -> tuple[dict[uuid.UUID, int], list[dict[str, Any]]]:
    """Each candidate's votes: from the paper count (every candidate on the ballot once) or the ballots entered."""
    errors: list[dict[str, Any]] = []
    if election.counting == ElectionCounting.paper:
        if data.votes is None:
            raise ELECTION_RULE.on("votes", "a paper count gives every candidate's votes", detail="Votes missing")
        for index, item in enumerate(data.votes):
            if item.candidate_id not in on_ballot:
                raise unknown_reference(f"votes.{index}.candidate_id", "Candidate")
        given = {item.candidate_id: item.votes for item in data.votes}
        if len(given) != len(data.votes) or set(given) != set(on_ballot):
            errors.append(field_error("votes", f"{len(on_ballot)} candidates on the ballot: give each one's votes once"))
        errors += rules.votes_errors([item.votes for item in data.votes], data.voters_present)
        return given, errors
    if data.votes is not None:
        raise ELECTION_RULE.on("votes", "counted by the system from the ballots entered", detail="Votes given")
    if election.ballots_cast > data.voters_present:
        errors.append(field_error("voters_present", f"{election.ballots_cast} ballots cast but {data.voters_present} present"))
    return {cid: c.votes or 0 for cid, c in on_ballot.items()}, errors


async def approve(
    session: AsyncSession, ctx: OrgsContext, election_id: uuid.UUID, data: ElectionApproval, *, members: PeerClient
) -> ElectionShape:
    """The higher organization approves a secretary's election (a caller whose scope holds the
    parent); the result then takes effect on the day of approval."""
    election = await _get(session, ctx, election_id, for_update=True)
    org = await get_visible(session, ctx, election.org_id)
    parent = (
        None
        if org.parent_id is None
        else (await session.execute(visible(ctx).where(Organization.id == org.parent_id))).scalar_one_or_none()
    )
    if parent is None:  # no higher organization, or one outside the caller's subtree
        raise NOT_HIGHER_ORGANIZATION("Only the higher organization approves a secretary's election")
    _in_state(election, ElectionStatus.awaiting_approval)
    approved_on = data.approved_on or ctx.today
    if approved_on < election.held_on:
        raise ELECTION_RULE.on("approved_on", "before the election", detail="An election is approved after it is held")
    election.approved_by = ctx.caller.subject
    election.approved_on = approved_on
    candidates = await _candidates(session, election.id)
    await _take_effect(session, ctx, election, candidates, approved_on, members=members)
    election.version += 1
    await session.flush()
    return shape(election, candidates)


async def _take_effect(
    session: AsyncSession,
    ctx: OrgsContext,
    election: Election,
    candidates: list[Candidate],
    effective_on: date,
    *,
    members: PeerClient,
) -> None:
    """A term change records the new term (ending the previous team the day before) and the elected
    team's positions; a by-election adds the positions to the current term."""
    winners = [c for c in candidates if c.elected]
    latest = await _latest_term(session, election.org_id)
    if election.kind == ElectionKind.term_change:
        term = await teams.add_term(
            session,
            ctx,
            election.org_id,
            TermCreate(
                number=(latest.number + 1) if latest else 1,
                started_on=effective_on,
                elected_on=election.held_on,
                election_method=ElectionMethod(election.method),
                eligible_voters=election.eligible_voters,
                voters_present=election.voters_present,
                lowest_votes_elected=min((c.votes or 0) for c in winners),
            ),
        )
        await _end_previous_team(session, election.org_id, effective_on)
    else:
        if latest is None:
            raise ELECTION_RULE.on("kind", "the organization has no term", detail="A by-election fills seats of a term")
        term = latest
    positions = [
        PositionCreate(member_id=c.member_id, role=Role(c.role), since=effective_on, source=PositionSource.elected)
        for c in winners
    ]
    await teams.add_positions(session, ctx, election.org_id, positions, members=members)
    election.term_id = term.id
    election.status = ElectionStatus.effective.value


async def _end_previous_team(session: AsyncSession, org_id: uuid.UUID, effective_on: date) -> None:
    """The team of the previous term leaves office the day before the new one takes it."""
    stmt = select(Position).where(
        Position.org_id == org_id,
        Position.role.in_(TEAM_ROLE_CODES),
        Position.since < effective_on,
        (Position.until.is_(None)) | (Position.until >= effective_on),
    )
    for position in (await session.execute(stmt.with_for_update())).scalars():
        position.until = effective_on - timedelta(days=1)
        position.version += 1
        await session.flush()
        await entity_event(session, "position.updated", position.id, PositionShape, position)
