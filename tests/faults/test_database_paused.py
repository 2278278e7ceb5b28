"""PostgreSQL paused (SIGSTOP) for 10 s under a running stack, then resumed (SIGCONT).

On a cluster of the test's own (never the machine's shared server). While it is paused every
request through the gateway gets an answer within its deadline — a 503 or 504 problem, never a
hang or a 500; after SIGCONT the system recovers by itself, without restarting any process.
"""

import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ADMIN_PASSWORD
from tests.faults.helpers import Answer, call
from tests.support import (
    ORG_ADMIN_PASSWORD,
    ORG_ADMIN_USERNAME,
    LiveStack,
    PrivateCluster,
    create_test_database,
    on_postgres,
    wait_until,
)

pytestmark = [
    pytest.mark.skipif(not on_postgres(), reason="pauses a PostgreSQL cluster (TEST_DATABASE=postgres)"),
    pytest.mark.skipif(not PrivateCluster.available(), reason="needs PostgreSQL 15's initdb (and runuser as root)"),
]

PAUSE_S = 10.0
# The deadlines: every process answers within REQUEST_DEADLINE_S (kit.deadline), below the
# gateway's upstream timeout; the database timeouts (pool, connect, statement) are shorter still.
UPSTREAM_TIMEOUT_S = 4.0
REQUEST_DEADLINE_S = 3.0
DB_TIMEOUT_S = 2.0
PROCESSES = ("GATEWAY", "ORGS", "MEMBERS", "ACTIVITIES")
SETTINGS = (
    {"GATEWAY_UPSTREAM_TIMEOUT_S": str(UPSTREAM_TIMEOUT_S)}
    | {f"{name}_DB_STATEMENT_TIMEOUT_S": str(DB_TIMEOUT_S) for name in PROCESSES}
    | {f"{name}_REQUEST_DEADLINE_S": str(REQUEST_DEADLINE_S) for name in PROCESSES}
)


@pytest.fixture
def stack_on_own_cluster(tmp_path: Path) -> Iterator[tuple[LiveStack, PrivateCluster]]:
    cluster = PrivateCluster()
    live: LiveStack | None = None
    try:
        cluster.start()
        db = create_test_database(tmp_path / "db", admin_url=cluster.admin_url)
        live = LiveStack(db, tmp_path / "live", ADMIN_PASSWORD)
        live.env |= SETTINGS
        (tmp_path / "live").mkdir(exist_ok=True)
        live.start("gateway", "orgs", "members")
        yield live, cluster
    finally:
        if live is not None:
            live.stop_all()
        cluster.stop()


def test_a_paused_database_gives_answers_within_the_deadline_and_the_system_recovers_by_itself(
    stack_on_own_cluster: tuple[LiveStack, PrivateCluster],
) -> None:
    live, cluster = stack_on_own_cluster
    headers = live.business_headers()
    county = {"name": "county", "kind": "committee", "tier": "county"}
    login = {"username": ORG_ADMIN_USERNAME, "password": ORG_ADMIN_PASSWORD}
    requests = {
        "list orgs": lambda: call("GET", live.url() + "/api/v1/orgs", headers=headers),
        "create org": lambda: call("POST", live.url() + "/api/v1/orgs", json=county, headers=headers),
        "list members": lambda: call("GET", live.url() + "/api/v1/members", headers=headers),
        "log in": lambda: call("POST", live.url() + "/api/v1/auth/token", data=login),
    }
    assert all(ask().status in (200, 201) for ask in requests.values())
    answers: list[tuple[str, Answer]] = []
    paused = threading.Event()

    def keep_asking(name: str) -> None:
        while paused.is_set():
            answers.append((name, requests[name]()))

    cluster.signal_all(signal.SIGSTOP)
    paused.set()
    askers = [threading.Thread(target=keep_asking, args=(name,)) for name in requests]
    try:
        for asker in askers:
            asker.start()
        time.sleep(PAUSE_S)  # the pause itself is what is under test
    finally:
        paused.clear()
        # Taken before the first SIGCONT: the backends resume one by one while signal_all runs
        # (a pgrep in between), and one resumed early may answer before signal_all returns.
        resumed_at = time.monotonic()
        cluster.signal_all(signal.SIGCONT)
    for asker in askers:
        asker.join(timeout=60)

    summary = [(name, a.status, round(a.elapsed_s, 1)) for name, a in answers]
    assert answers, "no request was answered while the database was paused"
    for name, answer in answers:
        assert answer.elapsed_s <= REQUEST_DEADLINE_S + 1, (name, summary)
        if answer.finished_at < resumed_at:  # answered while paused (not one in flight at the resume)
            assert answer.status in (503, 504), (name, summary)
            assert answer.is_problem, (name, summary)
    assert sum(1 for _, answer in answers if answer.finished_at < resumed_at) >= 2 * len(requests), summary

    # Back by itself: the same processes answer again within a few seconds.
    pids = {name: process.pid for name, process in live.processes.items()}
    recovered = wait_until(lambda: all(ask().status in (200, 201) for ask in requests.values()), 20, 0.2)
    assert recovered, [(name, ask().status) for name, ask in requests.items()]
    assert time.monotonic() - resumed_at < 20
    assert {name: process.pid for name, process in live.processes.items()} == pids
    assert all(process.poll() is None for process in live.processes.values())
