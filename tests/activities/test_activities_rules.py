"""The pure rules of an activity: its schedule, its local day, its status moves."""

from datetime import date

import pytest

from services.activities.rules import activities as rules


class TestSchedule:
    def test_an_end_before_the_start_is_an_error(self) -> None:
        from datetime import UTC, datetime

        start = datetime(2026, 3, 1, 10, tzinfo=UTC)
        assert rules.schedule_error(start, datetime(2026, 3, 1, 9, tzinfo=UTC))
        assert rules.schedule_error(start, datetime(2026, 3, 1, 11, tzinfo=UTC)) is None
        assert rules.schedule_error(start, None) is None

    def test_the_local_day_is_in_the_policy_time_zone(self) -> None:
        from datetime import UTC, datetime

        # 2026-03-31 20:00 UTC is already April 1st in Beijing.
        assert rules.local_day(datetime(2026, 3, 31, 20, tzinfo=UTC), "Asia/Shanghai") == date(2026, 4, 1)


class TestStatusChange:
    @pytest.mark.parametrize(
        ("old", "new", "allowed"),
        [
            ("planned", "held", True),
            ("planned", "cancelled", True),
            ("held", "cancelled", True),
            ("held", "planned", False),
            ("cancelled", "held", False),
            ("cancelled", "planned", False),
            ("held", "held", True),
        ],
    )
    def test_moves(self, old: str, new: str, allowed: bool) -> None:
        assert (rules.status_change_error(old, new) is None) is allowed
