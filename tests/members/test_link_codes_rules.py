"""The pure rules of one-time link codes."""

from datetime import UTC, datetime, timedelta

from services.members.rules.link_codes import CODE_DIGITS, may_be_tried, new_code, normalized

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def test_a_code_is_eight_digits() -> None:
    codes = {new_code() for _ in range(50)}
    assert all(len(code) == CODE_DIGITS and code.isdigit() for code in codes)
    assert len(codes) > 40


def test_spaces_and_dashes_do_not_count() -> None:
    assert normalized("4039 2817") == normalized("4039-2817") == "40392817"


def test_a_code_may_be_tried_while_open_fresh_and_not_worn_out() -> None:
    def tried(**changes: object) -> bool:
        values: dict[str, object] = {
            "expires_at": NOW + timedelta(minutes=1),
            "used_at": None,
            "failed_attempts": 4,
            "max_attempts": 5,
            "now": NOW,
        }
        return may_be_tried(**(values | changes))  # type: ignore[arg-type]

    assert tried() is True
    assert tried(failed_attempts=5) is False
    assert tried(used_at=NOW) is False
    assert tried(expires_at=NOW) is False
