"""One "today" for the whole deployment: the four real processes started at a moment when the UTC
date and the Beijing date differ (2026-06-30 20:00 UTC = 2026-07-01 04:00 Asia/Shanghai), and
each of them takes the Beijing day for its rules and its default dates.

The moment is faked for the processes themselves with libfaketime (LD_PRELOAD), not through a
clock setting of the kit: the processes run unchanged, so the test also catches any place that
reads the machine's clock or the UTC date on its own, which a kit setting would not see. The
processes' own zone is UTC (TZ), so a date taken in the machine's local zone is the wrong one too.
CI installs libfaketime (.ci/run) and there the test always runs."""

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.builders import member_body
from tests.conftest import ADMIN_PASSWORD
from tests.support import (
    ORG_ADMIN_PASSWORD,
    ORG_ADMIN_USERNAME,
    LiveStack,
    create_test_database,
    drop_test_database,
    wait_until,
)

FAKE_MOMENT = "2026-06-30 20:00:00"  # UTC; the processes' clocks start here and run on
BEIJING_DAY, UTC_DAY, TOMORROW = "2026-07-01", "2026-06-30", "2026-07-02"
_PLACES = (*Path("/usr/lib").glob("*/faketime/libfaketime.so.1"), Path("/usr/lib/faketime/libfaketime.so.1"))
LIBFAKETIME = next((place for place in _PLACES if place.exists()), None)

if LIBFAKETIME is None and not os.environ.get("CI"):
    pytestmark = pytest.mark.skip(reason="libfaketime is not installed (apt-get install faketime); CI installs it and runs this")


@pytest.fixture(scope="module")
def faked(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveStack]:
    assert LIBFAKETIME is not None, "libfaketime is required in CI: apt-get install faketime"
    # A database of their own: on PostgreSQL the suite's one carries the feeds of every test
    # before (an import of thousands), which the new consumers would first have to read through.
    db = create_test_database(tmp_path_factory.mktemp("faked-db"))
    stack = LiveStack(db, tmp_path_factory.mktemp("faked"), ADMIN_PASSWORD)
    # The clock (monotonic too: Python's sleeps need both faked alike), the machine's zone UTC, and
    # no deployment zone set: the default, Asia/Shanghai, is what is tested.
    stack.env |= {"LD_PRELOAD": str(LIBFAKETIME), "FAKETIME": f"@{FAKE_MOMENT}", "TZ": "UTC"}
    stack.env.pop("DANGJIAN_TIMEZONE", None)
    try:
        stack.migrate()
        stack.start("gateway", "orgs", "members", "activities")
        yield stack
    finally:
        stack.stop_all()
        drop_test_database(db)


def login(stack: LiveStack) -> dict[str, str]:
    # A token of the faked gateway: one the test process signed would be dated in December.
    response = httpx.post(
        stack.url() + "/api/v1/auth/token", data={"username": ORG_ADMIN_USERNAME, "password": ORG_ADMIN_PASSWORD}
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def post(stack: LiveStack, path: str, body: dict[str, Any], headers: dict[str, str]) -> httpx.Response:
    return httpx.post(stack.url() + path, json=body, headers=headers, timeout=30)


def org(stack: LiveStack, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    body = {"name": f"org {uuid.uuid4().hex[:6]}", "kind": "committee", "tier": "county"} | body
    response = post(stack, "/api/v1/orgs", body, headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def once_replicated(call: Callable[[], httpx.Response], field: str) -> httpx.Response:
    """The answer of `call` once the service's replica holds what `field` names (the feeds catch up)."""

    def answer() -> httpx.Response | None:
        response = call()
        waiting = response.status_code == 422 and field in {e["field"] for e in response.json().get("errors", [])}
        return None if waiting else response

    response = wait_until(answer, 60)
    assert response is not None, f"the replica never held the {field}"
    return response


def test_every_process_takes_the_beijing_day_when_utc_is_still_on_the_day_before(faked: LiveStack) -> None:
    headers = login(faked)
    county = org(faked, headers)
    township = org(faked, headers, tier="township", parent_id=county["id"])
    branch = org(faked, headers, tier="community", kind="branch", parent_id=township["id"])

    # orgs: the default date of a dissolution is today.
    leaf = org(faked, headers, tier="community", kind="branch", parent_id=township["id"])
    dissolved = post(faked, f"/api/v1/orgs/{leaf['id']}/dissolve", {}, headers)
    assert dissolved.status_code == 200, dissolved.text
    assert dissolved.json()["dissolved_on"] == BEIJING_DAY

    # members: joined today is not in the future; tomorrow is.
    def join(on: str) -> httpx.Response:
        body = member_body(org_id=branch["id"], party_status="probationary", full_on=None, joined_on=on)
        return post(faked, "/api/v1/members", body, headers)

    joined = once_replicated(lambda: join(BEIJING_DAY), "org_id")
    assert joined.status_code == 201, joined.text
    tomorrow = join(TOMORROW)
    assert tomorrow.status_code == 422
    assert [e["field"] for e in tomorrow.json()["errors"]] == ["joined_on"]

    # activities: a study record of today is not "a day still to come"; tomorrow's is.
    def study(on: str) -> httpx.Response:
        body = {"member_id": joined.json()["id"], "studied_on": on, "hours": "1.5", "title": "黨章學習"}
        return post(faked, "/api/v1/study/records", body, headers)

    studied = once_replicated(lambda: study(BEIJING_DAY), "member_id")
    assert studied.status_code == 201, studied.text
    later = study(TOMORROW)
    assert (later.status_code, later.json()["errors"][0]["field"]) == (422, "studied_on")

    # gateway: the report's default day.
    report = httpx.get(faked.url() + "/api/v1/reports/survey", params={"within": county["id"]}, headers=headers, timeout=60)
    assert report.status_code == 200, report.text
    assert report.json()["as_of"] == BEIJING_DAY
    assert UTC_DAY not in {dissolved.json()["dissolved_on"], report.json()["as_of"]}
