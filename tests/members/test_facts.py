"""Member facts as of a day: the rule (rules/facts.py) on histories written out, and the SQL
building block (service/facts.py) against the rule on random histories, on the suite's database."""

import random
import uuid
from collections import Counter
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from services.kit.db import Database
from services.members.models import Member, MemberEventRow
from services.members.rules.facts import DatedEvent, Facts, changes_a_fact_after, facts_as_of
from services.members.rules.records import CLOSED_STATES
from services.members.service import person_index
from services.members.service.facts import facts_as_of as facts_in_sql
from services.members.service.facts import tallies_as_of, tally

A, B, C = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
JOINED = date(2020, 5, 1)


def ev(seq: int, kind: str, on: str, /, **details: Any) -> DatedEvent:
    return DatedEvent(seq=seq, kind=kind, effective_on=date.fromisoformat(on), details=details)


def opened(org: uuid.UUID = A) -> DatedEvent:
    return ev(1, "joined", JOINED.isoformat(), org_id=str(org), party_status="probationary")


def on(day: str, record: Facts, *events: DatedEvent) -> Facts | None:
    return facts_as_of(record, JOINED, [opened(), *events], date.fromisoformat(day))


class TestTheRule:
    def test_a_member_who_left_later_was_a_member_before(self) -> None:
        record = Facts("left", "full", "resident", A)
        left = ev(3, "state_changed", "2026-09-01", **{"from": "normal", "to": "left"})
        full = ev(2, "became_full", "2021-05-01")
        assert on("2026-06-30", record, full, left) == Facts("normal", "full", "resident", A)
        assert on("2026-09-01", record, full, left) == record
        assert on("2021-04-30", record, full, left) == Facts("normal", "probationary", "resident", A)

    def test_before_joining_there_are_no_facts(self) -> None:
        assert on("2020-04-30", Facts("normal", "full", "resident", A)) is None

    def test_a_transfer_after_the_day_counts_the_member_in_the_old_organization(self) -> None:
        record = Facts("normal", "full", "resident", C)
        moves = [
            ev(2, "org_changed", "2024-01-01", kind="within", from_org_id=str(A), to_org_id=str(B)),
            ev(3, "org_changed", "2026-08-01", kind="within", from_org_id=str(B), to_org_id=str(C)),
        ]
        assert [on(day, record, *moves).org_id for day in ("2023-12-31", "2024-01-01", "2026-07-31", "2026-08-01")] == [  # type: ignore[union-attr]
            A,
            B,
            B,
            C,
        ]

    def test_the_opening_whereabouts_counts_from_joining_and_a_transfer_in_ends_it(self) -> None:
        record = Facts("normal", "full", "resident", B)
        opening = ev(2, "whereabouts_changed", "2026-11-20", whereabouts="not_transferred", relationship_org="外縣")
        transfer_in = ev(3, "org_changed", "2026-11-25", kind="in", from_org_id=str(A), to_org_id=str(B))
        assert on("2026-06-30", record, opening, transfer_in) == Facts("normal", "full", "not_transferred", A)
        assert on("2026-11-25", record, opening, transfer_in) == record

    def test_a_later_recorded_correction_supersedes_an_earlier_recorded_fact(self) -> None:
        record = Facts("normal", "full", "resident", A)
        out = ev(2, "whereabouts_changed", "2026-05-01", **{"from": "resident", "whereabouts": "floating_out"})
        corrected = ev(3, "whereabouts_changed", "2026-03-01", **{"from": "floating_out", "whereabouts": "resident"})
        assert on("2026-06-30", record, out, corrected).whereabouts == "resident"  # type: ignore[union-attr]
        assert on("2026-04-01", record, out, corrected).whereabouts == "resident"  # type: ignore[union-attr]
        assert on("2026-02-01", record, out, corrected).whereabouts == "resident"  # type: ignore[union-attr]

    def test_a_fact_the_history_never_dated_is_the_record(self) -> None:
        record = Facts("normal", "full", "displaced", A)
        assert on("2026-06-30", record) == record

    def test_what_counts_as_a_change_after_the_day(self) -> None:
        day = date(2026, 6, 30)
        assert changes_a_fact_after(ev(5, "state_changed", "2026-07-01", to="left"), day)
        assert not changes_a_fact_after(ev(5, "state_changed", "2026-06-30", to="left"), day)
        assert not changes_a_fact_after(ev(5, "details_changed", "2026-07-01", fields=["name"]), day)
        assert not changes_a_fact_after(ev(2, "whereabouts_changed", "2026-07-01", whereabouts="floating_out"), day)


STATES = ("normal", "lost_contact", "suspended", "left", "deceased", "transferred_out")
PLACES = ("resident", "floating_out", "displaced")


def random_history(rng: random.Random, orgs: list[uuid.UUID]) -> tuple[date, Facts, list[DatedEvent]]:
    """A member's history in the shapes the services write (opening, changes, noise), its dates
    in any order (later-recorded corrections included), and the record it leaves."""
    joined = date(2024, 1, 1) + timedelta(days=rng.randrange(600))
    org = rng.choice(orgs)
    state, party, place = "normal", "probationary", "resident"
    events = [DatedEvent(1, "joined", joined, {"org_id": str(org), "party_status": party})]

    def add(kind: str, details: dict[str, Any], on: date | None = None) -> None:
        effective = on or joined + timedelta(days=rng.randrange(1100))
        events.append(DatedEvent(len(events) + 1, kind, effective, details))

    if rng.random() < 0.5:
        party = "full"
        add("became_full", {})
    if rng.random() < 0.3:
        place = rng.choice(("not_transferred", "floating_out", "displaced"))
        add("whereabouts_changed", {"whereabouts": place}, joined if rng.random() < 0.5 else None)
    for _ in range(rng.randrange(6)):
        choice = rng.randrange(5)
        if choice == 0:
            target = rng.choice(STATES)
            add("state_changed", {"from": state, "to": target})
            state = target
        elif choice == 1 and place != "not_transferred":
            target = rng.choice(PLACES)
            add("whereabouts_changed", {"from": place, "whereabouts": target})
            place = target
        elif choice == 2:
            target = rng.choice(orgs)
            kind = "in" if place == "not_transferred" else "within"
            add("org_changed", {"kind": kind, "from_org_id": str(org), "to_org_id": str(target)})
            org, place = target, ("resident" if kind == "in" else place)
        elif choice == 3 and party == "probationary":
            add("became_full", {})
            party = "full"
        else:
            add(rng.choice(("details_changed", "care_enrolled")), {"fields": ["phone"]})
    return joined, Facts(state, party, place, org), events


async def test_the_sql_building_block_agrees_with_the_rule_on_random_histories(members_db: Database) -> None:
    rng = random.Random(18)
    orgs = [uuid.uuid4() for _ in range(3)]
    histories: dict[uuid.UUID, tuple[date, Facts, list[DatedEvent]]] = {}
    async with members_db.write_sessions() as session:
        for n in range(150):
            joined, record, events = random_history(rng, orgs)
            member = Member(
                name=f"黨員{n}",
                org_id=record.org_id,
                county_id=record.org_id,  # no replica here: each organization its own county
                sex="male",
                id_number_cipher=b"x",
                id_number_index=uuid.uuid4().hex,
                birth_date=date(1980, 1, 1),
                education="junior_high",
                occupation="farmer",
                party_status=record.party_status,
                joined_on=joined,
                state=record.state,
                state_since=joined,
                whereabouts=record.whereabouts,
            )
            session.add(member)
            await session.flush()
            if record.state not in CLOSED_STATES:  # as the service files an open record
                await person_index.enter(session, member)
            histories[member.id] = (joined, record, events)
            for e in events:
                session.add(
                    MemberEventRow(
                        member_id=member.id,
                        county_id=member.county_id,
                        seq=e.seq,
                        kind=e.kind,
                        effective_on=e.effective_on,
                        details=e.details,
                    )
                )
        await session.commit()

    days = [date(2024, 1, 1) + timedelta(days=rng.randrange(1800)) for _ in range(12)] + [date(2023, 1, 1), date(2031, 1, 1)]
    async with members_db.read_sessions() as session:
        for day in days:
            facts = await facts_in_sql(session, day)
            mine = facts.c.id.in_(list(histories))  # the suite's database holds other tests' members too
            rows = (await session.execute(select(facts).where(facts.c.joined_on <= day, mine))).all()
            got = {row.id: Facts(row.state, row.party_status, row.whereabouts, row.org_id) for row in rows}
            want = {
                member_id: facts_as_of(record, joined, events, day)
                for member_id, (joined, record, events) in histories.items()
                if joined <= day
            }
            assert got == want, day
            # The counts the reports read: the records plus the signed correction, summed.
            counted: Counter[tuple[Any, ...]] = Counter()
            for facts in await tallies_as_of(session, day):
                keys = (facts.c.org_id, facts.c.state, facts.c.party_status, facts.c.whereabouts)
                grouped = select(*keys, tally(facts)).where(facts.c.joined_on <= day, facts.c.id.in_(list(histories)))
                for *key, count in (await session.execute(grouped.group_by(*keys))).all():
                    counted[tuple(key)] += int(count)
            expected = Counter((f.org_id, f.state, f.party_status, f.whereabouts) for f in want.values() if f is not None)
            assert {key: count for key, count in counted.items() if count} == expected, day
