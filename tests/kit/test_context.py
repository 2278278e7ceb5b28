"""The operation contract's pieces: one "today" in the deployment's zone, and declared problem kinds."""

from datetime import UTC, date, datetime

import pytest

from services.kit.context import deployment_timezone, today_in
from services.kit.policy import Policy
from services.kit.problems import ProblemKind, Unprocessable, answers


def test_today_is_the_beijing_day_while_utc_is_still_yesterday() -> None:
    # 2026-07-01 06:30 in Beijing is 2026-06-30 22:30 UTC.
    moment = datetime(2026, 6, 30, 22, 30, tzinfo=UTC)
    assert today_in("Asia/Shanghai", moment) == date(2026, 7, 1)
    assert today_in("UTC", moment) == date(2026, 6, 30)


def test_the_deployment_zone_defaults_to_beijing_and_may_be_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DANGJIAN_TIMEZONE", raising=False)
    assert deployment_timezone() == "Asia/Shanghai"
    assert Policy().timezone == "Asia/Shanghai"
    monkeypatch.setenv("DANGJIAN_TIMEZONE", "Asia/Urumqi")
    assert Policy().timezone == "Asia/Urumqi"
    monkeypatch.setenv("DANGJIAN_TIMEZONE", "Mars/Olympus")
    with pytest.raises(ValueError, match="Mars/Olympus"):
        deployment_timezone()


def test_a_kind_names_its_field_and_lists_itself_in_the_answers() -> None:
    unknown = ProblemKind(422, "unknown-organization", "the organization is not in the caller's scope")
    stale = ProblemKind(409, "conflict", "the record changed meanwhile")
    problem = unknown.on("org_id", "unknown organization")
    assert isinstance(problem, Unprocessable)
    assert problem.body()["type"] == "/problems/unknown-organization"
    assert problem.body()["errors"] == [{"field": "org_id", "message": "unknown organization"}]
    documented = answers(unknown, [stale, unknown])
    assert list(documented) == [409, 422]
    assert "/problems/unknown-organization" in documented[422]["description"]
