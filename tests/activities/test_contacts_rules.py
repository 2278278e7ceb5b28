"""Rules of following members up: the last contact is the later of a logged contact and an own report."""

from datetime import date

import pytest

from services.activities.rules.contacts import last_contact


@pytest.mark.parametrize(
    ("contacted_on", "reported_on", "last"),
    [
        (None, None, None),
        (date(2026, 3, 1), None, date(2026, 3, 1)),
        (None, date(2026, 4, 1), date(2026, 4, 1)),
        (date(2026, 3, 1), date(2026, 4, 1), date(2026, 4, 1)),
        (date(2026, 5, 1), date(2026, 4, 1), date(2026, 5, 1)),
    ],
)
def test_the_last_contact_is_the_later_of_a_contact_and_a_report(
    contacted_on: date | None, reported_on: date | None, last: date | None
) -> None:
    assert last_contact(contacted_on, reported_on) == last
