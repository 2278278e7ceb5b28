"""A service SIGKILLed in the middle of a load of writes through the gateway, then restarted.

While it is down its paths answer 503 problems at once (a request cut off in flight 502, one the
restarting process is too slow for 504, each within the gateway's deadline), the
other services keep taking writes, and afterwards every acknowledged write is there, whole: each
member with its opening history and its one `member.created` event, which the activities'
replica received.
"""

import statistics
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx

from tests.builders import member_body
from tests.faults.helpers import Answer, activity_body, call, create_org, member_holding_org
from tests.support import LiveStack, wait_until

WRITERS = {"members": 3, "orgs": 3, "activities": 2}
# The gateway's upstream timeout (10 s) and a margin for a loaded two-core machine; far below a
# hang (the client gives up at 30 s).
SLOWEST_ANSWER_S = 15.0


class Writers:
    """Concurrent writers, each posting one kind of record in a loop until told to stop."""

    def __init__(self, live: LiveStack, headers: dict[str, str], branch_id: str, county_id: str) -> None:
        self.stop = threading.Event()
        self.answers: dict[str, list[tuple[float, Answer]]] = {kind: [] for kind in WRITERS}
        self._lock = threading.Lock()
        bodies: dict[str, Callable[[], dict[str, Any]]] = {
            "members": lambda: member_body(org_id=branch_id),
            "orgs": lambda: {"name": "township", "kind": "committee", "tier": "township", "parent_id": county_id},
            "activities": lambda: activity_body(branch_id),
        }
        self._threads = [
            threading.Thread(target=self._write, args=(live.url() + f"/api/v1/{kind}", bodies[kind], headers, kind))
            for kind, count in WRITERS.items()
            for _ in range(count)
        ]

    def _write(self, url: str, body: Callable[[], dict[str, Any]], headers: dict[str, str], kind: str) -> None:
        while not self.stop.is_set():
            answer = call("POST", url, json=body(), headers=headers)
            with self._lock:
                self.answers[kind].append((time.monotonic(), answer))
            if answer.status != 201:
                time.sleep(0.05)  # a client backing off a little, as real ones do

    def __enter__(self) -> "Writers":
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        for thread in self._threads:
            thread.join(timeout=60)

    def acknowledged(self, kind: str) -> set[str]:
        return {str(answer.body["id"]) for _, answer in self.answers[kind] if answer.status == 201}

    def count_after(self, kind: str, moment: float) -> int:
        return sum(1 for at, answer in self.answers[kind] if at > moment and answer.status == 201)


def test_a_service_killed_under_writes_loses_nothing_acknowledged_and_leaves_nothing_half_done(running: LiveStack) -> None:
    live = running
    headers = live.business_headers()
    branch = member_holding_org(live, headers)
    county = create_org(live, headers)
    wait_until(
        lambda: (
            httpx.post(live.url() + "/api/v1/activities", json=activity_body(branch["id"]), headers=headers).status_code == 201
        ),
        30,
        0.1,
    )

    with Writers(live, headers, branch["id"], county["id"]) as writers:
        assert wait_until(lambda: all(writers.count_after(kind, 0) >= 3 for kind in WRITERS), 30, 0.05)
        killed_at = time.monotonic()
        live.kill("members")
        # Down for a few seconds, long enough for every writer to meet the outage.
        assert wait_until(
            lambda: sum(1 for at, a in writers.answers["members"] if at > killed_at and a.status == 503) >= 6, 15, 0.05
        )
        others_while_down = {kind: writers.count_after(kind, killed_at) for kind in ("orgs", "activities")}
        live.start("members")
        restarted_at = time.monotonic()
        assert wait_until(lambda: writers.count_after("members", restarted_at) >= 3, 30, 0.05)

    # The outage: members' paths answered 503 problems at once (502 for a request cut off in
    # flight, 504 when the gateway's deadline passed), never a 500 or a hang; the other services
    # took writes the whole time.
    for kind, answers in writers.answers.items():
        statuses = {answer.status for _, answer in answers}
        allowed = {201, 502, 503, 504} if kind == "members" else {201}
        assert statuses <= allowed, f"{kind}: {statuses}"
        assert all(answer.is_problem for _, answer in answers if answer.status != 201)
        slowest = max(answer.elapsed_s for _, answer in answers)
        assert slowest < SLOWEST_ANSWER_S, f"{kind}: an answer took {slowest:.1f} s"
    unavailable = [a for _, a in writers.answers["members"] if a.status == 503]
    assert all(a.body["type"] == "/problems/service-unavailable" for a in unavailable)
    # A refused connection is answered at once (the typical answer; a loaded machine may delay some).
    assert statistics.median(a.elapsed_s for a in unavailable) < 2.0, [round(a.elapsed_s, 1) for a in unavailable]
    assert others_while_down["orgs"] >= 1, others_while_down
    assert others_while_down["activities"] >= 1, others_while_down

    # Nothing acknowledged is lost.
    members = {row[0] for row in live.rows("members", "SELECT id FROM members.members")}
    assert writers.acknowledged("members") <= members
    assert writers.acknowledged("orgs") <= {row[0] for row in live.rows("orgs", "SELECT id FROM orgs.organizations")}
    assert writers.acknowledged("activities") <= {
        row[0] for row in live.rows("activities", "SELECT id FROM activities.activities")
    }

    # Nothing half done: every member on file (acknowledged or cut off before its answer) has its
    # opening history and exactly one creation event, and that event reached the activities' replica.
    with_history = {row[0] for row in live.rows("members", "SELECT DISTINCT member_id FROM members.member_events")}
    created = live.rows(
        "members", "SELECT aggregate_id, count(*) FROM members.outbox WHERE type = 'member.created' GROUP BY aggregate_id"
    )
    assert members <= with_history
    assert dict(created) == dict.fromkeys(members, 1)
    in_activities = wait_until(
        lambda: members <= {row[0] for row in live.rows("activities", "SELECT id FROM activities.member_replica")}, 30, 0.2
    )
    assert in_activities, "the activities' replica did not receive every member"
