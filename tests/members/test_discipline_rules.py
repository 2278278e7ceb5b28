"""The pure rules of rewards and discipline: 留黨察看's period and end."""

from datetime import date

from services.members.enums import DisciplineMeasure
from services.members.rules import discipline as rules

TODAY = date(2026, 12, 6)


def test_probation_runs_one_or_two_years() -> None:
    assert rules.probation_end(date(2026, 5, 10), 1) == date(2027, 5, 10)
    assert rules.probation_end(date(2024, 2, 29), 2) == date(2026, 2, 28)
    assert rules.on_probation(date(2026, 5, 10), date(2027, 5, 10), date(2027, 5, 9))
    assert not rules.on_probation(date(2026, 5, 10), date(2027, 5, 10), date(2027, 5, 10))
    assert not rules.on_probation(date(2026, 5, 10), date(2027, 5, 10), date(2026, 5, 9))


def test_only_probation_has_a_period_of_one_or_two_years() -> None:
    assert rules.discipline_errors(DisciplineMeasure.probation, 2, date(2026, 1, 1), TODAY) == []
    assert [e["field"] for e in rules.discipline_errors(DisciplineMeasure.probation, None, date(2026, 1, 1), TODAY)] == [
        "probation_years"
    ]
    assert [e["field"] for e in rules.discipline_errors(DisciplineMeasure.warning, 1, date(2026, 1, 1), TODAY)] == [
        "probation_years"
    ]
    assert [e["field"] for e in rules.discipline_errors(DisciplineMeasure.expulsion, None, date(2027, 1, 1), TODAY)] == [
        "decided_on"
    ]
