"""The member record: create, read, list, change; its history; the clocks' work lists."""

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any, NoReturn

from sqlalchemy import ColumnElement, Select, and_, func, literal, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.crypto import RandomPool
from services.kit.pagination import keyset_page, page_of
from services.kit.problems import field_error
from services.kit.tree import within_node
from services.kit.versioning import Preconditions
from services.members.enums import DueKind, MemberEventKind, MemberState, PartyStatus, Whereabouts
from services.members.errors import (
    DUPLICATE_ID_NUMBER,
    INVALID_MEMBER,
    INVALID_STATE_CHANGE,
    INVALID_WHEREABOUTS,
    ORGANIZATION_CANNOT_HOLD_MEMBERS,
    RULE_VIOLATION,
)
from services.members.models import Member, MemberEventRow, org_replica
from services.members.rules.common import born_on_or_before_for_age, months_after, months_before
from services.members.rules.probation import probation_ends_on, too_early_message
from services.members.rules.records import (
    CLOSED_STATES,
    SUSPENSION_RULE,
    SuspensionRefusal,
    id_number_errors,
    normalize_id_number,
    record_errors,
    state_change_error,
    suspension_error,
    whereabouts_errors,
)
from services.members.schemas.records import (
    DueMember,
    MemberCreate,
    MemberEvent,
    MemberUpdate,
    StateChange,
    WhereaboutsChange,
)
from services.members.schemas.records import Member as MemberOut
from services.members.service import counties, person_index, probation
from services.members.service.common import MembersContext, add_history, get_visible, org_holding_error, present, publish, visible
from services.members.service.facts import in_one_statement, tallies_as_of, tally


@dataclass(frozen=True)
class MemberFilter:
    within: uuid.UUID | None = None
    org_id: uuid.UUID | None = None
    community_id: uuid.UUID | None = None
    state: MemberState | None = None
    whereabouts: Whereabouts | None = None
    education: str | None = None
    age_min: int | None = None
    age_max: int | None = None
    as_of: date | None = None
    q: str | None = None
    id_number: str | None = None
    phone: str | None = None


def filtered(stmt: Select[Any], ctx: MembersContext, f: MemberFilter) -> Select[Any]:
    conditions: list[ColumnElement[bool]] = []
    if f.within is not None:
        conditions.append(within_node(f.within, org_replica.c.path, org_replica.c.id, org_replica.c.path))
    if f.org_id is not None:
        conditions.append(Member.org_id == f.org_id)
    if f.community_id is not None:
        conditions.append(Member.residence_community_id == f.community_id)
    if f.state is not None:
        conditions.append(Member.state == f.state.value)
    if f.whereabouts is not None:
        conditions.append(Member.whereabouts == f.whereabouts.value)
    if f.education is not None:
        conditions.append(Member.education == f.education)
    as_of = f.as_of or ctx.today
    # Ages as birth-date bounds: age ≥ n ⇔ born on or before (as_of - n years); index-friendly.
    if f.age_min is not None:
        conditions.append(Member.birth_date <= born_on_or_before_for_age(as_of, f.age_min, by_month=ctx.by_month))
    if f.age_max is not None:
        conditions.append(Member.birth_date > born_on_or_before_for_age(as_of, f.age_max + 1, by_month=ctx.by_month))
    if f.q:
        conditions.append(Member.name.contains(f.q, autoescape=True))
    if f.id_number:
        conditions.append(Member.id_number_index == ctx.cipher.blind_index("id_number", normalize_id_number(f.id_number)))
    if f.phone:
        conditions.append(Member.phone_index == ctx.cipher.blind_index("phone", f.phone))
    return stmt.where(*conditions)


async def list_members(
    session: AsyncSession, ctx: MembersContext, f: MemberFilter, *, cursor: str | None, limit: int
) -> tuple[list[MemberOut], str | None]:
    stmt = filtered(visible(ctx.caller), ctx, f)
    county = await counties.on_one_shard(session, [ctx.caller.scope_org_id, f.within])
    if county is not None:
        stmt = stmt.where(Member.county_id == county)
    rows = (await session.execute(keyset_page(stmt, [Member.id], cursor, limit))).scalars().all()
    members, next_cursor = page_of(rows, limit, lambda member: [member.id])
    return [present(member, ctx) for member in members], next_cursor


async def get_member(session: AsyncSession, ctx: MembersContext, member_id: uuid.UUID) -> MemberOut:
    return present(await get_visible(session, ctx, member_id), ctx)


def validation_errors(data: MemberCreate, ctx: MembersContext) -> list[dict[str, Any]]:
    """Every rule a new record breaks that needs no database (ID number, dates, probation, whereabouts)."""
    today = ctx.today
    errors = id_number_errors(data.id_number, birth_date=data.birth_date, sex=data.sex.value, today=today)
    errors += record_errors(
        birth_date=data.birth_date,
        joined_on=data.joined_on,
        full_on=data.full_on,
        party_status=data.party_status.value,
        today=today,
        policy=ctx.policy,
    )
    details = data.whereabouts_details.model_dump(exclude_none=True, mode="json") if data.whereabouts_details else {}
    errors += whereabouts_errors(data.whereabouts.value, details)
    return errors


# The columns `member_values` fills, in its order (an import writes its rows in this order).
MEMBER_VALUE_COLUMNS = (
    "id",
    "name",
    "sex",
    "ethnicity",
    "id_number_cipher",
    "id_number_index",
    "phone_cipher",
    "phone_index",
    "birth_date",
    "education",
    "occupation",
    "party_status",
    "joined_on",
    "full_on",
    "state",
    "state_since",
    "org_id",
    "county_id",
    "residence_community_id",
    "whereabouts",
    "whereabouts_since",
    "whereabouts_details",
    "care_programs",
    "version",
)


def member_values(
    data: MemberCreate,
    ctx: MembersContext,
    county_id: uuid.UUID,
    member_id: uuid.UUID | None = None,
    *,
    random: RandomPool | None = None,
) -> dict[str, Any]:
    """The column values of a valid `data` in the organization's county (`counties.of_orgs`): the
    ID number normalized, sensitive fields encrypted. The id and the nonces come from `random`
    (an import passes one pool for all its rows)."""
    random = random or RandomPool(block_bytes=64)
    id_number = normalize_id_number(data.id_number)
    details = data.whereabouts_details.model_dump(exclude_none=True, mode="json") if data.whereabouts_details else {}
    return {
        "id": member_id or random.uuid4(),
        "name": data.name,
        "sex": data.sex.value,
        "ethnicity": data.ethnicity,
        "id_number_cipher": ctx.cipher.encrypt("id_number", id_number, random),
        "id_number_index": ctx.cipher.blind_index("id_number", id_number),
        "phone_cipher": ctx.cipher.encrypt("phone", data.phone, random) if data.phone else None,
        "phone_index": ctx.cipher.blind_index("phone", data.phone) if data.phone else None,
        "birth_date": data.birth_date,
        "education": data.education.value,
        "occupation": data.occupation.value,
        "party_status": data.party_status.value,
        "joined_on": data.joined_on,
        "full_on": data.full_on,
        "state": MemberState.normal.value,
        "state_since": data.joined_on,
        "org_id": data.org_id,
        "county_id": county_id,
        "residence_community_id": data.residence_community_id,
        "whereabouts": data.whereabouts.value,
        "whereabouts_since": data.joined_on if data.whereabouts == Whereabouts.resident else ctx.today,
        "whereabouts_details": details,
        "care_programs": [],
        "version": 1,
    }


def opening_history(values: dict[str, Any]) -> list[tuple[str, date, dict[str, Any]]]:
    """The events a new record starts with: joined, made full if so, and where the member is."""
    joined = {"org_id": str(values["org_id"]), "party_status": PartyStatus.probationary.value}
    events: list[tuple[str, date, dict[str, Any]]] = [(MemberEventKind.joined, values["joined_on"], joined)]
    if values["full_on"] is not None:
        events.append((MemberEventKind.became_full, values["full_on"], {}))
    if values["whereabouts"] != Whereabouts.resident.value:
        details = {"whereabouts": values["whereabouts"], **values["whereabouts_details"]}
        events.append((MemberEventKind.whereabouts_changed, values["whereabouts_since"] or values["joined_on"], details))
    return events


async def create_member(session: AsyncSession, ctx: MembersContext, data: MemberCreate) -> MemberOut:
    return present(await add_member(session, ctx, data), ctx)


async def add_member(session: AsyncSession, ctx: MembersContext, data: MemberCreate) -> Member:
    """The new record, its opening history and its event (the approval of an application makes one too)."""
    errors = validation_errors(data, ctx)
    if errors:
        # A full_on inside the probation year: the problem names the earliest day, as `POST …/full` does.
        earliest = probation_ends_on(data.joined_on, 0, ctx.policy)
        if data.full_on is not None and data.joined_on <= data.full_on < earliest:
            detail = f"The member record is not valid: {too_early_message(earliest)}"
            raise INVALID_MEMBER(detail, errors=errors, earliest_full_on=earliest.isoformat())
        raise INVALID_MEMBER("The member record is not valid", errors=errors)
    reason = await org_holding_error(session, ctx.caller, data.org_id)
    if reason:
        raise ORGANIZATION_CANNOT_HOLD_MEMBERS.on("org_id", reason, detail=reason)
    values = member_values(data, ctx, (await counties.of_orgs(session, [data.org_id]))[data.org_id])
    if await person_index.open_record(session, values["id_number_index"]):
        raise DUPLICATE_ID_NUMBER("A living record with this ID number exists")
    member = Member(**values)
    session.add(member)
    try:
        await session.flush()
        await person_index.enter(session, member)
    except IntegrityError:  # a concurrent request filed the same person first (the person index's key)
        raise DUPLICATE_ID_NUMBER("A living record with this ID number exists") from None
    held = {"member_id": member.id, "county_id": member.county_id, "actor": ctx.actor}  # the history sits with the record
    for seq, (kind, effective_on, details) in enumerate(opening_history(values), start=1):
        session.add(MemberEventRow(**held, seq=seq, kind=kind, effective_on=effective_on, details=details))
    await session.flush()
    await publish(session, "member.created", member)
    return member


async def update_member(
    session: AsyncSession, ctx: MembersContext, member_id: uuid.UUID, data: MemberUpdate, *, preconditions: Preconditions
) -> MemberOut:
    member = await get_visible(session, ctx, member_id, for_update=True)
    preconditions.check(member.version)
    changes = data.model_dump(exclude_unset=True)
    # The facts every record holds: null clears none of them (it would break the record).
    cleared = [field for field in ("name", "education", "occupation") if field in changes and changes[field] is None]
    if cleared:
        raise RULE_VIOLATION(
            f"A member needs {' and '.join(cleared)}", errors=[field_error(field, "required") for field in cleared]
        )
    changed: list[str] = []
    for field, value in changes.items():
        if field == "phone":
            member.phone_cipher = ctx.cipher.encrypt("phone", value) if value else None
            member.phone_index = ctx.cipher.blind_index("phone", value) if value else None
        else:
            setattr(member, field, value.value if hasattr(value, "value") else value)
        changed.append(field)
    if changed:
        member.version += 1
        # Which fields changed, never their values: the history is read more widely than the record.
        await add_history(
            session,
            member.id,
            MemberEventKind.details_changed,
            effective_on=ctx.today,
            details={"fields": sorted(changed)},
            actor=ctx.actor,
        )
        await session.flush()
        await publish(session, "member.updated", member)
    return present(member, ctx)


async def history(session: AsyncSession, ctx: MembersContext, member_id: uuid.UUID) -> list[MemberEvent]:
    """Every dated event of the member, in the order recorded."""
    await get_visible(session, ctx, member_id)
    stmt = select(MemberEventRow).where(MemberEventRow.member_id == member_id).order_by(MemberEventRow.seq)
    return [MemberEvent.model_validate(event) for event in (await session.execute(stmt)).scalars().all()]


async def change_state(session: AsyncSession, ctx: MembersContext, member_id: uuid.UUID, data: StateChange) -> MemberOut:
    return present(await set_state(session, ctx, member_id, data), ctx)


async def set_state(session: AsyncSession, ctx: MembersContext, member_id: uuid.UUID, data: StateChange) -> Member:
    """The state change itself (cancelling a probationary member's application closes the record so)."""
    member = await get_visible(session, ctx, member_id, for_update=True)
    suspension = (
        suspension_error(member.state, state_since=member.state_since, effective_on=data.effective_on, policy=ctx.policy)
        if data.state == MemberState.suspended
        else None
    )
    if suspension is not None and member.state == MemberState.normal:
        _refuse_suspension(suspension, ctx)
    error = (
        "transferred_out comes only from a received transfer"
        if data.state == MemberState.transferred_out
        else state_change_error(member.state, data.state.value)
    )
    if error is None and data.effective_on > ctx.today:
        error = "the effective date is in the future"
    if error is None and data.effective_on < member.state_since:
        error = "the effective date is before the current state began"
    if error:
        raise INVALID_STATE_CHANGE.on("state", error, detail=error)
    if suspension is not None:
        _refuse_suspension(suspension, ctx)
    details: dict[str, Any] = {"from": member.state, "to": data.state.value}
    if data.reason:
        details["reason"] = data.reason
    if data.state == MemberState.normal:
        details["restored"] = True
    member.state = data.state.value
    member.state_since = data.effective_on
    member.version += 1
    if data.state in CLOSED_STATES:
        await person_index.leave(session, member)
    await add_history(
        session, member.id, MemberEventKind.state_changed, effective_on=data.effective_on, details=details, actor=ctx.actor
    )
    await session.flush()
    await publish(session, "member.state_changed", member)
    return member


def _refuse_suspension(refusal: SuspensionRefusal, ctx: MembersContext) -> NoReturn:
    """The suspension rule's 422: which rule, the earliest day, and the months it counts."""
    raise INVALID_STATE_CHANGE(
        refusal.message,
        zh=refusal.zh,
        errors=[field_error(refusal.field, refusal.message, zh=refusal.zh)],
        rule=SUSPENSION_RULE,
        earliest_on=refusal.earliest_on.isoformat(),
        lost_contact_months=ctx.policy.lost_contact_months_to_suspension,
    )


async def change_whereabouts(
    session: AsyncSession, ctx: MembersContext, member_id: uuid.UUID, data: WhereaboutsChange, *, preconditions: Preconditions
) -> MemberOut:
    member = await get_visible(session, ctx, member_id, for_update=True)
    preconditions.check(member.version)
    details = data.details.model_dump(exclude_none=True, mode="json") if data.details else {}
    errors = whereabouts_errors(data.whereabouts.value, details, field="details")
    # A relationship arrives only by a received transfer, and a record is never made 'not transferred' later.
    if Whereabouts.not_transferred in (data.whereabouts, member.whereabouts):
        errors.append(field_error("whereabouts", f"'{Whereabouts.not_transferred}' changes only through a transfer in"))
    if data.since > ctx.today:
        errors.append(field_error("since", "is in the future"))
    if member.state in CLOSED_STATES:
        errors.append(field_error("whereabouts", f"the member is {member.state}"))
    if errors:
        raise INVALID_WHEREABOUTS(errors[0]["message"], errors=errors)
    event_details: dict[str, Any] = {"from": member.whereabouts, "whereabouts": data.whereabouts.value, **details}
    if data.whereabouts == Whereabouts.resident and member.whereabouts == Whereabouts.floating_out.value:
        event_details["back_on"] = data.since.isoformat()
        details = {"back_on": data.since.isoformat()}
    member.whereabouts = data.whereabouts.value
    member.whereabouts_since = data.since
    member.whereabouts_details = details
    member.version += 1
    await add_history(
        session, member.id, MemberEventKind.whereabouts_changed, effective_on=data.since, details=event_details, actor=ctx.actor
    )
    await session.flush()
    await publish(session, "member.updated", member)
    return present(member, ctx)


async def flows(session: AsyncSession, ctx: MembersContext, member_id: uuid.UUID) -> list[MemberEvent]:
    """The member's whereabouts history: floating out and back, displacement and return."""
    return [event for event in await history(session, ctx, member_id) if event.kind == MemberEventKind.whereabouts_changed]


@dataclass(frozen=True)
class Clock:
    """A work-list clock: whose clock ran out, the column it starts from, and its length."""

    condition: ColumnElement[bool]
    since: Any
    months: int
    # Months that lengthen one member's clock (a recorded probation extension), selected beside
    # the member; None for the clocks that nothing lengthens.
    extra_months: ColumnElement[Any] | None = None

    def due_on(self, since: date, extra_months: int | None) -> date:
        return months_after(since, self.months + (extra_months or 0))


# The constitution caps a probation's extension at a year, so these are all the lengths a recorded
# one can have; the policy's narrower range only governs what may be recorded from now on.
_EXTENSION_LENGTHS = range(0, 13)


def due_clock(kind: DueKind, ctx: MembersContext, as_of: date) -> Clock:
    """The clock of a work list as it stands on `as_of`."""
    policy = ctx.policy
    open_record = Member.state.not_in(CLOSED_STATES)
    if kind == DueKind.suspension:
        months = policy.lost_contact_months_to_suspension
        cutoff = months_before(as_of, months)
        return Clock(and_(Member.state == MemberState.lost_contact, Member.state_since <= cutoff), Member.state_since, months)
    if kind == DueKind.full:
        months = policy.probation_months
        extension = func.coalesce(probation.extension_months_column(), 0)
        # A probation runs out at its year plus its recorded extension, so the cut-off depends on
        # the extension: one bounded disjunction over its possible lengths keeps it one query (SQLite has no month
        # arithmetic to compute it in SQL).
        ran_out = or_(
            *(and_(extension == extra, Member.joined_on <= months_before(as_of, months + extra)) for extra in _EXTENSION_LENGTHS)
        )
        condition = and_(open_record, Member.party_status == PartyStatus.probationary, ran_out)
        return Clock(condition, Member.joined_on, months, extension)
    months = policy.floating_months_to_transfer
    cutoff = months_before(as_of, months)
    settled = Member.whereabouts_details["fixed_place"].as_boolean().is_(True)
    condition = and_(open_record, Member.whereabouts == Whereabouts.floating_out, settled, Member.whereabouts_since <= cutoff)
    return Clock(condition, Member.whereabouts_since, months)


def due_statement(clock: Clock, stmt: Select[Any]) -> Select[Any]:
    """`stmt` (members) narrowed to those the clock lists, with their extra months beside them."""
    stmt = stmt.where(clock.condition)
    extra = clock.extra_months if clock.extra_months is not None else literal(0)
    return stmt.add_columns(extra.label("extra_months"))


async def due_members(
    session: AsyncSession,
    ctx: MembersContext,
    kind: DueKind,
    *,
    as_of: date,
    within: uuid.UUID | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[DueMember], str | None]:
    """Work lists of the three clocks: whose clock ran out by `as_of`, since when, due on which day."""
    clock = due_clock(kind, ctx, as_of)
    stmt = due_statement(clock, filtered(visible(ctx.caller), ctx, MemberFilter(within=within)))
    rows = (await session.execute(keyset_page(stmt, [Member.id], cursor, limit))).all()
    page, next_cursor = page_of(rows, limit, lambda row: [row.Member.id])
    result = []
    for member, extra_months in page:
        since: date = getattr(member, clock.since.key)
        result.append(DueMember(member=present(member, ctx), kind=kind, since=since, due_on=clock.due_on(since, extra_months)))
    return result, next_cursor


async def lookup(session: AsyncSession, ctx: MembersContext, ids: list[uuid.UUID]) -> list[MemberOut]:
    """Members by id, those that exist and are in the caller's scope, masked as any read."""
    if not ids:
        return []
    stmt = visible(ctx.caller).where(Member.id.in_(set(ids))).order_by(Member.id)
    return [present(member, ctx) for member in (await session.execute(stmt)).scalars().all()]


async def member_counts(session: AsyncSession, org_ids: list[uuid.UUID], as_of: date) -> dict[str, dict[str, int]]:
    """Members held by each org exactly on `as_of` (open records whose relationship is here), by party status."""
    counts = {str(org_id): {"members": 0, PartyStatus.full: 0, PartyStatus.probationary: 0} for org_id in org_ids}
    if not org_ids:
        return counts
    statements = [
        select(held_facts.c.org_id, held_facts.c.party_status, tally(held_facts))
        .where(
            held_facts.c.org_id.in_(set(org_ids)),
            held_facts.c.joined_on <= as_of,
            held_facts.c.state.not_in(CLOSED_STATES),
            held_facts.c.whereabouts != Whereabouts.not_transferred.value,
        )
        .group_by(held_facts.c.org_id, held_facts.c.party_status)
        for held_facts in await tallies_as_of(session, as_of)  # the records, and the correction for the changed since
    ]
    for org_id, party_status, count in (await session.execute(in_one_statement(statements))).all():
        held = counts[str(org_id)]
        held[party_status] += int(count)
        held["members"] += int(count)
    return counts
