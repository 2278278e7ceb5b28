"""Member statistics: counts and shares grouped in SQL (CASE for age bands), never row by row."""

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, case, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.problems import Unprocessable
from services.kit.tree import within_node
from services.members import rules
from services.members.models import Member, org_replica
from services.members.schemas import MemberStats, StatsDimension, StatsGroup, StatsPopulation
from services.members.service.common import Context, in_scope


@dataclass(frozen=True)
class StatsQuery:
    group_by: list[StatsDimension]
    as_of: date
    age_edges: list[int]
    joined_before: date
    within: uuid.UUID | None = None
    community_id: uuid.UUID | None = None
    setting: str | None = None
    population: StatsPopulation = StatsPopulation.members


def age_band(as_of: date, edges: list[int]) -> ColumnElement[str]:
    """The band label of each member: age ≥ n ⇔ born on or before (as_of - n years)."""
    labels = rules.age_band_labels(edges)
    whens = [
        (Member.birth_date > rules.born_on_or_before_for_age(as_of, edge), labels[index]) for index, edge in enumerate(edges)
    ]
    return case(*whens, else_=labels[-1])


def _dimension(dimension: StatsDimension, q: StatsQuery) -> ColumnElement[Any]:
    if dimension == StatsDimension.age_band:
        return age_band(q.as_of, q.age_edges)
    if dimension == StatsDimension.joined_before:
        return case((Member.joined_on < q.joined_before, literal(True)), else_=literal(False))
    if dimension == StatsDimension.setting:
        return org_replica.c.setting
    column: ColumnElement[Any] = getattr(Member, dimension.value)
    return column


def _population(population: StatsPopulation, as_of: date) -> list[ColumnElement[bool]]:
    # Who was a member on `as_of`: joined by then; a record closed later still counts only if it
    # is open now (the current state is what the record holds).
    conditions: list[ColumnElement[bool]] = [Member.joined_on <= as_of]
    if population == StatsPopulation.members:
        conditions += [Member.state.not_in(rules.CLOSED_STATES), Member.whereabouts != "not_transferred"]
    elif population == StatsPopulation.not_transferred:
        conditions += [Member.state.not_in(rules.CLOSED_STATES), Member.whereabouts == "not_transferred"]
    return conditions


def stats_errors(q: StatsQuery) -> list[dict[str, str]]:
    errors = []
    if len(set(q.group_by)) != len(q.group_by):
        errors.append({"field": "group_by", "message": "a dimension is named twice"})
    edges = q.age_edges
    if StatsDimension.age_band in q.group_by and (not edges or edges != sorted(set(edges)) or edges[0] <= 0):
        errors.append({"field": "age_edges", "message": "must be positive ages in strictly rising order"})
    return errors


async def member_stats(session: AsyncSession, ctx: Context, q: StatsQuery) -> MemberStats:
    errors = stats_errors(q)
    if errors:
        raise Unprocessable("The statistics query is not valid", errors=errors)
    dimensions = [_dimension(d, q).label(d.value) for d in q.group_by]
    stmt = (
        select(*dimensions, func.count().label("n"))
        .select_from(Member)
        .join(org_replica, org_replica.c.id == Member.org_id)
        .where(in_scope(ctx.caller), *_population(q.population, q.as_of))
    )
    if q.within is not None:
        stmt = stmt.where(within_node(q.within, org_replica.c.path, org_replica.c.id, org_replica.c.path))
    if q.community_id is not None:
        stmt = stmt.where(org_replica.c.community_id == q.community_id)
    if q.setting is not None:
        stmt = stmt.where(org_replica.c.setting == q.setting)
    if dimensions:
        stmt = stmt.group_by(*dimensions).order_by(*dimensions)
    rows = (await session.execute(stmt)).all()
    total = sum(row.n for row in rows)
    groups = [
        StatsGroup(
            key={d.value: _plain(getattr(row, d.value)) for d in q.group_by},
            count=row.n,
            share=round(row.n / total, 6) if total else 0.0,
        )
        for row in rows
    ]
    return MemberStats(
        as_of=q.as_of,
        population=q.population,
        group_by=q.group_by,
        age_bands=rules.age_band_labels(q.age_edges) if StatsDimension.age_band in q.group_by else None,
        joined_before=q.joined_before if StatsDimension.joined_before in q.group_by else None,
        total=total,
        groups=groups,
    )


def _plain(value: Any) -> str | bool | None:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):  # SQLite hands a boolean CASE back as 0/1
        return bool(value)
    return str(value)
