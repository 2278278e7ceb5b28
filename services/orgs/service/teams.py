"""Terms and elections (換屆) and teams (班子): the dated positions of an organization."""

import uuid
from datetime import date, timedelta
from typing import Any, cast

from sqlalchemy import ColumnElement, Select, and_, func, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.pagination import keyset_page, page_of
from services.kit.peers import PeerClient
from services.kit.tree import subtree_of, within_node
from services.kit.versioning import Preconditions
from services.orgs.enums import BodyKind, OrgKind, OrgStatus, OrgTier, Role, TermDue
from services.orgs.errors import INACTIVE_REFERENCE, RULE_VIOLATION, TEAM_RULE
from services.orgs.models import Community, CommunityBody, Organization, Position, Term
from services.orgs.peers import member_counts, subtree_totals
from services.orgs.rules import teams as rules
from services.orgs.schemas.teams import Position as PositionShape
from services.orgs.schemas.teams import PositionCreate, PositionUpdate, TermCreate, TermDueItem
from services.orgs.schemas.teams import Term as TermShape
from services.orgs.service.common import (
    OrgsContext,
    entity_event,
    get_visible,
    in_scope,
    members_in_scope,
    not_found,
    unknown_reference,
)
from services.orgs.service.communities import communities_within, community_in_scope

TEAM_ROLE_CODES = frozenset(r.value for r in rules.TEAM_ROLES)


def _active(org: Organization) -> None:
    if org.status != OrgStatus.active:
        raise INACTIVE_REFERENCE(f"Organization {org.id} is {org.status}")


async def add_term(session: AsyncSession, ctx: OrgsContext, org_id: uuid.UUID, data: TermCreate) -> Term:
    policy = ctx.policy
    org = await get_visible(session, ctx, org_id, for_update=True)
    _active(org)
    if org.kind == OrgKind.group:
        raise RULE_VIOLATION.on("org_id", "a party group", detail="A party group has no terms of its own")
    latest = (
        await session.execute(select(Term).where(Term.org_id == org.id).order_by(Term.number.desc()).limit(1))
    ).scalar_one_or_none()
    errors = rules.term_sequence_errors(
        rules.LatestTerm(latest.number, latest.started_on, latest.ends_on) if latest else None,
        number=data.number,
        started_on=data.started_on,
        elected_on=data.elected_on,
        policy=policy,
    )
    errors += rules.election_errors(
        rules.ElectionFigures(data.eligible_voters, data.voters_present, data.lowest_votes_elected), policy
    )
    if errors:
        raise RULE_VIOLATION("The term cannot be recorded: " + "; ".join(e["message"] for e in errors), errors=errors)
    term = Term(
        id=uuid.uuid4(),
        org_id=org.id,
        version=1,
        ends_on=rules.planned_term_end(data.started_on, OrgTier(org.tier), OrgKind(org.kind), policy),
        **data.model_dump(),
    )
    session.add(term)
    await session.flush()
    await entity_event(session, "term.created", term.id, TermShape, term)
    return term


async def list_terms(session: AsyncSession, ctx: OrgsContext, org_id: uuid.UUID) -> list[Term]:
    await get_visible(session, ctx, org_id)
    return list((await session.execute(select(Term).where(Term.org_id == org_id).order_by(Term.number))).scalars())


async def terms_due(
    session: AsyncSession,
    ctx: OrgsContext,
    *,
    within: uuid.UUID | None,
    as_of: date | None,
    ending_within_days: int | None,
    due: TermDue | None = None,
    body: BodyKind | None = None,
    cursor: str | None,
    limit: int,
) -> tuple[list[TermDueItem], str | None]:
    """The latest term of each active organization, and of each community body (residents'
    committee, supervisory committee, collective economic organization …), that is overdue or ends
    within the window: one list ordered by (`ends_on`, id), both walked with the same cursor."""
    as_of = as_of or ctx.today
    horizon = (
        as_of + timedelta(days=ending_within_days)
        if ending_within_days is not None
        else rules.add_months(as_of, ctx.policy.term_reminder_months)
    )
    items: list[tuple[date, uuid.UUID, TermDueItem]] = []
    if body in (None, BodyKind.party_organization):
        items += await _org_terms_due(
            session, ctx, within=within, as_of=as_of, horizon=horizon, due=due, cursor=cursor, limit=limit
        )
    if body is not BodyKind.party_organization:
        items += await _body_terms_due(
            session, ctx, within=within, as_of=as_of, horizon=horizon, due=due, body=body, cursor=cursor, limit=limit
        )
    items.sort(key=lambda item: (item[0], item[1]))
    page, next_cursor = page_of(items[: limit + 1], limit, lambda item: [item[0], item[1]])
    return [item for _, _, item in page], next_cursor


async def _org_terms_due(
    session: AsyncSession,
    ctx: OrgsContext,
    *,
    within: uuid.UUID | None,
    as_of: date,
    horizon: date,
    due: TermDue | None,
    cursor: str | None,
    limit: int,
) -> list[tuple[date, uuid.UUID, TermDueItem]]:
    latest = select(Term.org_id, func.max(Term.number).label("number")).group_by(Term.org_id).subquery()
    stmt = (
        select(Term, Organization)
        .join(latest, and_(Term.org_id == latest.c.org_id, Term.number == latest.c.number))
        .join(Organization, Organization.id == Term.org_id)
        .where(in_scope(ctx), Organization.status == OrgStatus.active, Term.ends_on <= horizon)
    )
    if within is not None:
        stmt = stmt.where(within_node(within, Organization.tree_key, Organization.id, Organization.tree_key))
    stmt = stmt.where(_due_condition(Term.ends_on, as_of, due))
    rows = (await session.execute(keyset_page(cast(Select[Any], stmt), [Term.ends_on, Term.id], cursor, limit))).all()
    return [(term.ends_on, term.id, _due_item(term, org, as_of)) for term, org in rows]


async def _body_terms_due(
    session: AsyncSession,
    ctx: OrgsContext,
    *,
    within: uuid.UUID | None,
    as_of: date,
    horizon: date,
    due: TermDue | None,
    body: BodyKind | None,
    cursor: str | None,
    limit: int,
) -> list[tuple[date, uuid.UUID, TermDueItem]]:
    """The latest term of each community body but the party organization's (its terms are the
    organization's own)."""
    latest = (
        select(CommunityBody.community_id, CommunityBody.kind, func.max(CommunityBody.term_number).label("number"))
        .group_by(CommunityBody.community_id, CommunityBody.kind)
        .subquery()
    )
    stmt = (
        select(CommunityBody, Community)
        .join(
            latest,
            and_(
                CommunityBody.community_id == latest.c.community_id,
                CommunityBody.kind == latest.c.kind,
                CommunityBody.term_number == latest.c.number,
            ),
        )
        .join(Community, Community.id == CommunityBody.community_id)
        .where(
            community_in_scope(ctx),
            CommunityBody.kind != BodyKind.party_organization,
            CommunityBody.ends_on <= horizon,
            _due_condition(CommunityBody.ends_on, as_of, due),
        )
    )
    if body is not None:
        stmt = stmt.where(CommunityBody.kind == body)
    if within is not None:
        stmt = stmt.where(communities_within(within))
    page = keyset_page(cast(Select[Any], stmt), [CommunityBody.ends_on, CommunityBody.id], cursor, limit)
    rows: list[tuple[CommunityBody, Community]] = [(row[0], row[1]) for row in (await session.execute(page)).all()]
    org_ids = {community.party_org_id or community.township_org_id for _, community in rows}
    names: dict[uuid.UUID, str] = {
        row.id: row.name
        for row in await session.execute(select(Organization.id, Organization.name).where(Organization.id.in_(org_ids)))
    }
    found = []
    for term, community in rows:
        org_id = community.party_org_id or community.township_org_id
        shape = TermShape(
            id=term.id,
            org_id=org_id,
            number=term.term_number,
            started_on=term.started_on,
            ends_on=term.ends_on,
            elected_on=term.elected_on,
            election_method=None,
            eligible_voters=term.eligible_voters,
            voters_present=term.voters_present,
            lowest_votes_elected=term.lowest_votes_elected,
            version=term.version,
        )
        item = TermDueItem(
            org_id=org_id,
            org_name=names.get(org_id, ""),
            term=shape,
            due=TermDue.overdue if term.ends_on < as_of else TermDue.ending_soon,
            days_left=(term.ends_on - as_of).days,
            body=BodyKind(term.kind),
            community_id=community.id,
            community_name=community.name,
        )
        found.append((term.ends_on, term.id, item))
    return found


def _due_condition(ends_on: Any, as_of: date, due: TermDue | None) -> ColumnElement[bool]:
    if due is TermDue.overdue:
        return cast(ColumnElement[bool], ends_on < as_of)
    if due is TermDue.ending_soon:
        return cast(ColumnElement[bool], ends_on >= as_of)
    return true()


def _due_item(term: Term, org: Organization, as_of: date) -> TermDueItem:
    """Overdue once the term's planned end has passed, else ending soon (the query kept only those)."""
    due = TermDue.overdue if term.ends_on < as_of else TermDue.ending_soon
    return TermDueItem(
        org_id=org.id,
        org_name=org.name,
        term=TermShape.model_validate(term),
        due=due,
        days_left=(term.ends_on - as_of).days,
        community_id=org.community_id if org.tier == OrgTier.community else None,
    )


async def _full_members(members: PeerClient, session: AsyncSession, org: Organization) -> int:
    rows = (
        await session.execute(select(Organization.id, Organization.path).where(subtree_of(Organization.tree_key, org.tree_key)))
    ).all()
    paths = {row.id: row.path for row in rows}
    counts = await member_counts(members, list(paths))
    return subtree_totals(paths, counts)[org.id].full


def _team_on(positions: list[Position], day: date) -> set[uuid.UUID]:
    """The people holding a team role on `day`."""
    return {p.member_id for p in positions if p.role in TEAM_ROLE_CODES and rules.is_current(p.since, p.until, day)}


def _team_overlapping(positions: list[Position], since: date, until: date | None) -> set[uuid.UUID]:
    """The people holding a team role at some time within `since`..`until`."""
    return {p.member_id for p in positions if p.role in TEAM_ROLE_CODES and rules.overlaps(p.since, p.until, since, until)}


async def add_position(
    session: AsyncSession, ctx: OrgsContext, org_id: uuid.UUID, data: PositionCreate, *, members: PeerClient
) -> Position:
    return (await add_positions(session, ctx, org_id, [data], members=members, batch=False))[0]


async def add_positions(
    session: AsyncSession,
    ctx: OrgsContext,
    org_id: uuid.UUID,
    items: list[PositionCreate],
    *,
    members: PeerClient,
    batch: bool = True,
) -> list[Position]:
    """Add positions all together or none: each is checked against the team with the others, so a
    committee of the minimum size can be formed at once where one position alone would be too few."""

    def field(index: int, name: str) -> str:
        return f"positions.{index}.{name}" if batch else name

    org = await get_visible(session, ctx, org_id, for_update=True)
    _active(org)
    known = await members_in_scope(session, ctx, members, list({item.member_id for item in items}))
    for index, item in enumerate(items):
        if item.member_id not in known:
            raise unknown_reference(field(index, "member_id"), "Member")
    existing = list((await session.execute(select(Position).where(Position.org_id == org.id))).scalars())
    needs_full = any(item.role in rules.COMMITTEE_ROLES for item in items)
    full = await _full_members(members, session, org) if needs_full else 0
    created = [
        Position(
            id=uuid.uuid4(),
            org_id=org.id,
            version=1,
            member_id=item.member_id,
            role=item.role.value,
            since=item.since,
            until=item.until,
            source=item.source.value,
            concurrent_posts=[post.value for post in item.concurrent_posts],
        )
        for item in items
    ]
    for index, (item, position) in enumerate(zip(items, created, strict=True)):
        others = existing + [p for p in created if p is not position]
        overlapping = [p for p in others if rules.overlaps(p.since, p.until, item.since, item.until)]
        team_after = len(_team_overlapping(others, item.since, item.until) | {item.member_id})
        error = rules.position_error(
            item.role,
            kind=OrgKind(org.kind),
            full_members=full,
            team_size_after=team_after,
            secretary_overlaps=any(p.role == Role.secretary for p in overlapping),
            policy=ctx.policy,
        ) or rules.committee_too_small_error(
            item.role, full_members=full, team_size_after=team_after, adding=True, team_size_before=0, policy=ctx.policy
        )
        if error:
            raise TEAM_RULE.on(field(index, "role"), error, detail=error)
    session.add_all(created)
    await session.flush()
    for position in created:
        await entity_event(session, "position.created", position.id, PositionShape, position)
    return created


async def update_position(
    session: AsyncSession,
    ctx: OrgsContext,
    org_id: uuid.UUID,
    position_id: uuid.UUID,
    data: PositionUpdate,
    *,
    members: PeerClient,
    preconditions: Preconditions,
) -> Position:
    org = await get_visible(session, ctx, org_id, for_update=True)
    position = (
        await session.execute(select(Position).where(Position.id == position_id, Position.org_id == org_id).with_for_update())
    ).scalar_one_or_none()
    if position is None:
        raise not_found("Position", position_id)
    preconditions.check(position.version)
    changes = data.model_dump(exclude_unset=True, mode="json")
    if "until" in changes:
        if data.until is not None and data.until < position.since:
            raise RULE_VIOLATION.on("until", "before since", detail="A position cannot end before it starts")
        if data.until is not None and position.role in TEAM_ROLE_CODES and org.status == OrgStatus.active:
            await _check_team_after_end(session, ctx, org, position, data.until, members=members)
        position.until = data.until
    if changes.get("concurrent_posts") is not None:
        position.concurrent_posts = changes["concurrent_posts"]
    position.version += 1
    await session.flush()
    await entity_event(session, "position.updated", position.id, PositionShape, position)
    return position


async def _check_team_after_end(
    session: AsyncSession, ctx: OrgsContext, org: Organization, position: Position, until: date, *, members: PeerClient
) -> None:
    """Ending a team position must not take a required committee below its minimum size."""
    others = [
        p for p in (await session.execute(select(Position).where(Position.org_id == org.id))).scalars() if p.id != position.id
    ]
    day_after = until + timedelta(days=1)
    before = _team_on([*others, position], day_after) if rules.is_current(position.since, position.until, day_after) else None
    if before is None:
        return  # the position did not run past the new end anyway
    after = _team_on(others, day_after)
    if len(after) == len(before):
        return
    full = await _full_members(members, session, org)
    error = rules.committee_too_small_error(
        Role(position.role),
        full_members=full,
        team_size_after=len(after),
        adding=False,
        team_size_before=len(before),
        policy=ctx.policy,
    )
    if error:
        raise TEAM_RULE.on("until", error, detail=error)


async def list_positions(session: AsyncSession, ctx: OrgsContext, org_id: uuid.UUID, *, as_of: date | None) -> list[Position]:
    await get_visible(session, ctx, org_id)
    stmt = select(Position).where(Position.org_id == org_id)
    if as_of is not None:
        stmt = stmt.where(Position.since <= as_of, (Position.until.is_(None)) | (Position.until >= as_of))
    return list((await session.execute(stmt.order_by(Position.since, Position.id))).scalars())
