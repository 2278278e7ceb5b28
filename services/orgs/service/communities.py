"""Communities (社區): setting, formation, guidance category, their four bodies and reserve cadres.

A community is in a caller's scope when its township or its top party organization is.
"""

import uuid
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.pagination import keyset_page, page_of
from services.kit.peers import PeerClient
from services.kit.problems import field_error
from services.kit.tree import within_node
from services.kit.versioning import Preconditions
from services.orgs.enums import BodyKind, OrgTier
from services.orgs.errors import (
    ALREADY_ENDED,
    COMMUNITY_TAKEN,
    DUPLICATE_TERM,
    NO_PARTY_ORGANIZATION,
    RULE_VIOLATION,
    UNKNOWN_REFERENCE,
)
from services.orgs.models import Community, CommunityBody, Organization, Position, ReserveCadre
from services.orgs.peers import lookup_members
from services.orgs.rules import communities as rules
from services.orgs.rules import teams as team_rules
from services.orgs.rules.teams import TEAM_ROLES
from services.orgs.schemas.communities import (
    BodyTerm,
    BodyTermCreate,
    CommunityCreate,
    CommunityUpdate,
    LeadingGoose,
    LeadingGooseShare,
    ReserveCadreCreate,
    ReserveCadreEnd,
    ReserveCadreUpdate,
    ReservePoolQuery,
)
from services.orgs.schemas.communities import ReserveCadre as ReserveCadreShape
from services.orgs.service.common import (
    OrgsContext,
    community_event,
    entity_event,
    in_scope,
    members_in_scope,
    not_found,
    reassign_community,
    referenced_org,
    unknown_reference,
)


def community_in_scope(ctx: OrgsContext) -> ColumnElement[bool]:
    if ctx.scope is None:
        return Community.id.is_not(None)
    org_in_scope = exists().where(
        or_(Organization.id == Community.township_org_id, Organization.id == Community.party_org_id), in_scope(ctx)
    )
    return org_in_scope


def communities_within(org_id: uuid.UUID) -> ColumnElement[bool]:
    """Communities whose township or top organization lies in the subtree of `org_id`."""
    return exists().where(
        or_(Organization.id == Community.township_org_id, Organization.id == Community.party_org_id),
        within_node(org_id, Organization.tree_key, Organization.id, Organization.tree_key),
    )


def visible_communities(ctx: OrgsContext) -> Select[Community]:
    return select(Community).where(community_in_scope(ctx))


async def get_community(
    session: AsyncSession, ctx: OrgsContext, community_id: uuid.UUID, *, for_update: bool = False
) -> Community:
    stmt = visible_communities(ctx).where(Community.id == community_id)
    if for_update:
        stmt = stmt.with_for_update()
    community = (await session.execute(stmt)).scalar_one_or_none()
    if community is None:
        raise not_found("Community", community_id)
    return community


async def referenced_community(session: AsyncSession, ctx: OrgsContext, community_id: uuid.UUID, field: str) -> Community:
    community = await session.scalar(visible_communities(ctx).where(Community.id == community_id))
    if community is None:
        raise unknown_reference(field, "Community")
    return community


async def _check_party_org(
    session: AsyncSession, ctx: OrgsContext, party_org_id: uuid.UUID, township: Organization, own_id: uuid.UUID | None
) -> Organization:
    org = await referenced_org(session, ctx, party_org_id, "party_org_id")
    if org.tier != OrgTier.community or org.parent_id != township.id:
        raise RULE_VIOLATION.on(
            "party_org_id",
            "not a community organization of this township",
            detail="The top party organization must be a community organization under the community's township",
        )
    holder = await session.scalar(select(Community.id).where(Community.party_org_id == party_org_id))
    if holder is not None and holder != own_id:
        raise COMMUNITY_TAKEN.on(
            "party_org_id", "taken", detail="That organization is already another community's top organization"
        )
    return org


async def create_community(session: AsyncSession, ctx: OrgsContext, data: CommunityCreate) -> Community:
    township = await referenced_org(session, ctx, data.township_org_id, "township_org_id")
    if township.tier != OrgTier.township:
        raise RULE_VIOLATION.on("township_org_id", "not a township", detail="A community belongs to a township")
    party_org = await _check_party_org(session, ctx, data.party_org_id, township, None) if data.party_org_id else None
    community = Community(id=uuid.uuid4(), version=1, **data.model_dump())
    session.add(community)
    await session.flush()
    await community_event(session, "community.created", community)
    if party_org is not None:
        await reassign_community(session, ctx, party_org.path, community.id, community.setting)
    return community


async def update_community(
    session: AsyncSession, ctx: OrgsContext, community_id: uuid.UUID, data: CommunityUpdate, *, preconditions: Preconditions
) -> Community:
    community = await get_community(session, ctx, community_id, for_update=True)
    preconditions.check(community.version)
    changes = data.model_dump(exclude_unset=True)
    if not changes:
        return community
    for required in ("name", "setting", "origin_villages"):
        if required in changes and changes[required] is None:
            raise RULE_VIOLATION.on(required, "required", detail=f"{required} cannot be removed")
    old_party_org_id = community.party_org_id
    if changes.get("party_org_id") is not None:
        township = await session.get(Organization, community.township_org_id)
        assert township is not None
        await _check_party_org(session, ctx, changes["party_org_id"], township, community.id)
    for key, value in changes.items():
        setattr(community, key, value)
    community.version += 1
    await session.flush()
    await community_event(session, "community.updated", community)
    if old_party_org_id and old_party_org_id != community.party_org_id:
        old = await session.get(Organization, old_party_org_id)
        if old is not None:
            await reassign_community(session, ctx, old.path, None, None)
    if community.party_org_id:
        new = await session.get(Organization, community.party_org_id)
        assert new is not None
        await reassign_community(session, ctx, new.path, community.id, community.setting)
    return community


async def list_communities(
    session: AsyncSession,
    ctx: OrgsContext,
    *,
    within: uuid.UUID | None,
    setting: str | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[Community], str | None]:
    stmt = visible_communities(ctx)
    if within is not None:
        stmt = stmt.where(communities_within(within))
    if setting is not None:
        stmt = stmt.where(Community.setting == setting)
    rows = (await session.execute(keyset_page(stmt, [Community.id], cursor, limit))).scalars().all()
    return page_of(rows, limit, lambda c: [c.id])


async def add_body_term(
    session: AsyncSession, ctx: OrgsContext, community_id: uuid.UUID, data: BodyTermCreate, *, members: PeerClient
) -> CommunityBody:
    """A term of a body with its people; a party member among them is named by an id in the
    caller's scope (anyone else by name alone)."""
    named = [p.member_id for p in data.people if p.member_id is not None]
    known = await members_in_scope(session, ctx, members, named) if named else set()
    community = await get_community(session, ctx, community_id)
    unknown = [
        field_error(f"people.{index}.member_id", "no such member")
        for index, person in enumerate(data.people)
        if person.member_id is not None and person.member_id not in known
    ]
    if unknown:
        raise UNKNOWN_REFERENCE("No member of that id in the caller's scope", errors=unknown)
    taken = await session.scalar(
        select(CommunityBody.id).where(
            CommunityBody.community_id == community.id,
            CommunityBody.kind == data.kind,
            CommunityBody.term_number == data.term_number,
        )
    )
    if taken:
        raise DUPLICATE_TERM.on("term_number", "taken", detail=f"Term {data.term_number} of that body is already recorded")
    ends_on = _check_body_term(
        data,
        await session.scalar(
            select(CommunityBody)
            .where(CommunityBody.community_id == community.id, CommunityBody.kind == data.kind)
            .order_by(CommunityBody.term_number.desc())
            .limit(1)
        ),
        ctx,
    )
    people: list[dict[str, Any]] = [p.model_dump(mode="json") for p in data.people]
    body = CommunityBody(
        id=uuid.uuid4(),
        community_id=community.id,
        version=1,
        **data.model_dump(exclude={"people", "ends_on"}),
        ends_on=ends_on,
        people=people,
    )
    session.add(body)
    await session.flush()
    await entity_event(session, "community_body.created", body.id, BodyTerm, body)
    return body


def _check_body_term(data: BodyTermCreate, latest: CommunityBody | None, ctx: OrgsContext) -> date:
    """A body's term is checked as an organization's is (sequence, election timing and validity),
    with the body's term length and election shares; its planned end when none is given."""
    policy = ctx.policy
    errors = team_rules.term_sequence_errors(
        team_rules.LatestTerm(latest.term_number, latest.started_on, latest.ends_on) if latest else None,
        number=data.term_number,
        started_on=data.started_on,
        elected_on=data.elected_on,
        policy=policy,
        number_field="term_number",
    )
    if data.ends_on is not None:
        end_error = team_rules.body_term_end_error(data.started_on, data.ends_on, policy)
        if end_error:
            errors.append(field_error("ends_on", end_error))
    figures = team_rules.ElectionFigures(data.eligible_voters, data.voters_present, data.lowest_votes_elected)
    errors += team_rules.election_errors(figures, policy, body=data.kind != BodyKind.party_organization)
    if errors:
        raise RULE_VIOLATION("The term cannot be recorded: " + "; ".join(e["message"] for e in errors), errors=errors)
    return data.ends_on or team_rules.planned_body_term_end(data.started_on, policy)


async def list_bodies(
    session: AsyncSession, ctx: OrgsContext, community_id: uuid.UUID, *, kind: str | None
) -> list[CommunityBody]:
    await get_community(session, ctx, community_id)
    stmt = select(CommunityBody).where(CommunityBody.community_id == community_id)
    if kind:
        stmt = stmt.where(CommunityBody.kind == kind)
    return list((await session.execute(stmt.order_by(CommunityBody.kind, CommunityBody.term_number))).scalars())


async def add_reserve_cadre(
    session: AsyncSession, ctx: OrgsContext, community_id: uuid.UUID, data: ReserveCadreCreate, *, members: PeerClient
) -> ReserveCadre:
    """A reserve cadre who is a party member must be one in the caller's scope."""
    known = await members_in_scope(session, ctx, members, [data.member_id]) if data.member_id else set()
    community = await get_community(session, ctx, community_id)
    if data.member_id is not None and data.member_id not in known:
        raise unknown_reference("member_id", "Member")
    cadre = ReserveCadre(id=uuid.uuid4(), community_id=community.id, version=1, **data.model_dump())
    session.add(cadre)
    await session.flush()
    await entity_event(session, "reserve_cadre.created", cadre.id, ReserveCadreShape, cadre)
    return cadre


async def list_reserve_cadres(session: AsyncSession, ctx: OrgsContext, community_id: uuid.UUID) -> list[ReserveCadre]:
    await get_community(session, ctx, community_id)
    stmt = select(ReserveCadre).where(ReserveCadre.community_id == community_id).order_by(ReserveCadre.since, ReserveCadre.id)
    return list((await session.execute(stmt)).scalars())


def _visible_cadres(ctx: OrgsContext) -> Select[ReserveCadre]:
    return select(ReserveCadre).join(Community, Community.id == ReserveCadre.community_id).where(community_in_scope(ctx))


async def get_reserve_cadre(
    session: AsyncSession, ctx: OrgsContext, cadre_id: uuid.UUID, *, for_update: bool = False
) -> ReserveCadre:
    stmt = _visible_cadres(ctx).where(ReserveCadre.id == cadre_id)
    if for_update:
        stmt = stmt.with_for_update(of=ReserveCadre)
    cadre = (await session.execute(stmt)).scalar_one_or_none()
    if cadre is None:
        raise not_found("Reserve cadre", cadre_id)
    return cadre


async def update_reserve_cadre(
    session: AsyncSession,
    ctx: OrgsContext,
    cadre_id: uuid.UUID,
    data: ReserveCadreUpdate,
    *,
    members: PeerClient,
    preconditions: Preconditions,
) -> ReserveCadre:
    """Corrects a cadre's record (an ended one too: its end stays as recorded)."""
    changes = data.model_dump(exclude_unset=True)
    known = await members_in_scope(session, ctx, members, [data.member_id]) if data.member_id else set()
    cadre = await get_reserve_cadre(session, ctx, cadre_id, for_update=True)
    preconditions.check(cadre.version)
    if not changes:
        return cadre
    for required in ("name", "birth_date", "education", "since"):
        if required in changes and changes[required] is None:
            raise RULE_VIOLATION.on(required, "required", detail=f"{required} cannot be removed")
    if data.member_id is not None and data.member_id not in known:
        raise unknown_reference("member_id", "Member")
    errors = rules.reserve_cadre_errors(
        birth_date=changes.get("birth_date", cadre.birth_date), since=changes.get("since", cadre.since), until=cadre.until
    )
    if errors:
        raise RULE_VIOLATION(errors[0]["message"], errors=errors)
    for key, value in changes.items():
        setattr(cadre, key, value)
    cadre.version += 1
    await session.flush()
    await entity_event(session, "reserve_cadre.updated", cadre.id, ReserveCadreShape, cadre)
    return cadre


async def end_reserve_cadre(
    session: AsyncSession, ctx: OrgsContext, cadre_id: uuid.UUID, data: ReserveCadreEnd, *, preconditions: Preconditions
) -> ReserveCadre:
    """The cadre leaves the pool: promoted to a post, removed from the pool, or left."""
    cadre = await get_reserve_cadre(session, ctx, cadre_id, for_update=True)
    preconditions.check(cadre.version)
    if cadre.until is not None:
        raise ALREADY_ENDED(f"The cadre left the pool on {cadre.until.isoformat()}")
    errors = rules.end_errors(since=cadre.since, until=data.until, today=ctx.today)
    if errors:
        raise RULE_VIOLATION(errors[0]["message"], errors=errors)
    cadre.until, cadre.end_reason, cadre.end_note = data.until, data.reason.value, data.note
    cadre.version += 1
    await session.flush()
    await entity_event(session, "reserve_cadre.ended", cadre.id, ReserveCadreShape, cadre)
    return cadre


async def reserve_pool(
    session: AsyncSession, ctx: OrgsContext, query: ReservePoolQuery, *, cursor: str | None, limit: int
) -> tuple[list[ReserveCadre], str | None]:
    """The reserve cadres of every community in the caller's scope (and `within`), filtered."""
    as_of = query.as_of or ctx.today
    stmt = _visible_cadres(ctx)
    if query.within is not None:
        stmt = stmt.where(communities_within(query.within))
    if query.community_id is not None:
        stmt = stmt.where(ReserveCadre.community_id == query.community_id)
    if query.education:
        stmt = stmt.where(ReserveCadre.education.in_([e.value for e in query.education]))
    if query.college_or_above is not None:
        college = ReserveCadre.education.in_(sorted(rules.COLLEGE_OR_ABOVE))
        stmt = stmt.where(college if query.college_or_above else ~college)
    if query.age_under is not None:
        stmt = stmt.where(ReserveCadre.birth_date > rules.born_after_for_age_under(as_of, query.age_under))
    if query.current is not None:
        in_pool = and_(ReserveCadre.since <= as_of, or_(ReserveCadre.until.is_(None), ReserveCadre.until >= as_of))
        stmt = stmt.where(in_pool if query.current else ~in_pool)
    if query.end_reason is not None:
        stmt = stmt.where(ReserveCadre.end_reason == query.end_reason)
    if query.member_id is not None:
        stmt = stmt.where(ReserveCadre.member_id == query.member_id)
    rows = (await session.execute(keyset_page(stmt, [ReserveCadre.id], cursor, limit))).scalars().all()
    return page_of(rows, limit, lambda c: [c.id])


async def leading_goose(
    session: AsyncSession, ctx: OrgsContext, community_id: uuid.UUID, *, members: PeerClient, as_of: date | None
) -> LeadingGoose:
    """The community's team (current team positions of its top organization) against "三個60%";
    birth dates and education come from the members service at the time of asking."""
    as_of = as_of or ctx.today
    policy = ctx.policy
    community = await get_community(session, ctx, community_id)
    if community.party_org_id is None:
        raise NO_PARTY_ORGANIZATION("The community has no top party organization yet")
    team_roles = [r.value for r in TEAM_ROLES]
    positions = list(
        (
            await session.execute(
                select(Position).where(
                    Position.org_id == community.party_org_id,
                    Position.role.in_(team_roles),
                    Position.since <= as_of,
                    or_(Position.until.is_(None), Position.until >= as_of),
                )
            )
        ).scalars()
    )
    crossed: dict[uuid.UUID, bool] = {}
    for position in positions:
        crossed[position.member_id] = crossed.get(position.member_id, False) or bool(position.concurrent_posts)
    records = await lookup_members(members, list(crossed))
    team = [
        rules.TeamPerson(
            birth_date=_date_or_none(records.get(member_id, {}).get("birth_date")),
            education=records.get(member_id, {}).get("education"),
            cross_appointed=cross,
        )
        for member_id, cross in crossed.items()
    ]
    shares = rules.leading_goose(team, as_of, policy)
    return LeadingGoose(
        community_id=community.id,
        party_org_id=community.party_org_id,
        as_of=as_of,
        team_size=len(team),
        age_limit=policy.leading_goose_age_limit,
        college_or_above=LeadingGooseShare.model_validate(shares["college_or_above"]),
        under_age_limit=LeadingGooseShare.model_validate(shares["under_age_limit"]),
        cross_appointed=LeadingGooseShare.model_validate(shares["cross_appointed"]),
        meets_all=all(share.met for share in shares.values()),
    )


def _date_or_none(value: Any) -> date | None:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None
