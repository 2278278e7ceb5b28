"""The pure rules of the probation, tested directly."""

from datetime import date

from services.members.rules import MembersPolicy
from services.members.rules import probation as rules
from services.members.rules.records import record_errors

POLICY = MembersPolicy()
TODAY = date(2026, 11, 26)


class TestProbation:
    def test_a_year_extended_once_by_6_to_12_months(self) -> None:
        assert rules.probation_ends_on(date(2024, 4, 15), 0, POLICY) == date(2025, 4, 15)
        assert rules.probation_ends_on(date(2024, 4, 15), 6, POLICY) == date(2025, 10, 15)
        assert rules.probation_ends_on(date(2024, 2, 29), 0, POLICY) == date(2025, 2, 28)
        assert rules.extension_errors(months=6, already_extended=False, policy=POLICY) == []
        assert rules.extension_errors(months=12, already_extended=False, policy=POLICY) == []
        assert rules.extension_errors(months=5, already_extended=False, policy=POLICY)
        assert rules.extension_errors(months=13, already_extended=False, policy=POLICY)
        assert rules.extension_errors(months=6, already_extended=True, policy=POLICY)

    def test_full_not_before_the_end_of_the_probation(self) -> None:
        joined, earliest = date(2025, 3, 1), date(2026, 3, 1)

        def errors(full_on: date) -> list[str]:
            return [e["message"] for e in rules.full_on_errors(full_on, joined_on=joined, earliest=earliest, today=TODAY)]

        assert errors(date(2025, 2, 1)) == ["becoming full before joining"]
        assert errors(date(2025, 3, 31)) == ["the probation ends on 2026-03-01: that is the earliest day to become full"]
        assert errors(date(2026, 2, 28)) != []
        assert errors(date(2026, 3, 1)) == []
        assert errors(date(2026, 11, 27)) == ["is in the future"]

    def test_a_record_made_as_full_needs_the_probation_year(self) -> None:
        def fields(full_on: date, policy: MembersPolicy = POLICY) -> list[str]:
            found = record_errors(
                birth_date=date(1960, 1, 1),
                joined_on=date(2024, 5, 10),
                full_on=full_on,
                party_status="full",
                today=TODAY,
                policy=policy,
            )
            return [e["field"] for e in found]

        assert fields(date(2024, 6, 9)) == ["full_on"]
        assert fields(date(2025, 5, 10)) == []
        assert fields(date(2025, 5, 10), MembersPolicy(probation_months=18)) == ["full_on"]

    def test_an_extension_is_decided_between_joining_and_today(self) -> None:
        joined = date(2024, 9, 1)
        assert rules.extension_date_errors(decided_on=date(2025, 9, 1), joined_on=joined, today=TODAY) == []
        assert rules.extension_date_errors(decided_on=date(2024, 8, 31), joined_on=joined, today=TODAY)
        assert rules.extension_date_errors(decided_on=date(2026, 11, 27), joined_on=joined, today=TODAY)
