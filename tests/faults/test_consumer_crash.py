"""The members service's consumer of the orgs feed, killed in the middle of a page, again and again.

The consumer applies a page and moves its cursor in one transaction. Two kinds of crash:
- the test hook `MEMBERS_FEED_FAULT_EXIT_AFTER_EVENTS` makes the process exit after applying part
  of a page (flushed to the database, the cursor not yet moved), so the crash is surely mid-page;
- SIGKILL at whatever moment the consumer has just made progress, while events keep coming.
After each hooked crash nothing of the page is in the replica and the cursor has not moved: a
page is either whole and counted by the cursor, or not there at all, so the restarted consumer's
replay of it is its first application, not a second. In the end the replica equals the source:
no event lost.
"""

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx

from tests.faults.helpers import create_org
from tests.support import LiveStack, wait_until

BACKLOG = 30
EXIT_AFTER = 12
HOOK_EXIT_CODE = 70
REPLICA_COLUMNS = "id, parent_id, version, name, status"


def cursor(live: LiveStack) -> int:
    found = live.rows("members", "SELECT position FROM members.consumer_cursors WHERE source = 'orgs'")
    return int(found[0][0]) if found else 0


def replica(live: LiveStack) -> set[tuple[object, ...]]:
    return set(live.rows("members", f"SELECT {REPLICA_COLUMNS} FROM members.org_replica"))


def source(live: LiveStack) -> set[tuple[object, ...]]:
    return set(live.rows("orgs", f"SELECT {REPLICA_COLUMNS} FROM orgs.organizations"))


def rename(live: LiveStack, headers: dict[str, str], org_id: str) -> None:
    response = httpx.patch(
        live.url() + f"/api/v1/orgs/{org_id}",
        json={"name": f"renamed {uuid.uuid4().hex[:6]}"},
        # Whatever version is there: the renames are events to replay, not edits that could collide.
        headers=headers | {"If-Match": "*"},
        timeout=30,
    )
    assert response.status_code == 200, response.text


class Producer:
    """Events while the consumer is crashing: new townships and renames of old ones."""

    def __init__(self, live: LiveStack, headers: dict[str, str], county_id: str, renamed: list[str]) -> None:
        self.stop = threading.Event()
        self.produced = 0
        self._thread = threading.Thread(target=self._produce, args=(live, headers, county_id, renamed))

    def _produce(self, live: LiveStack, headers: dict[str, str], county_id: str, renamed: list[str]) -> None:
        while not self.stop.is_set():
            create_org(live, headers, tier="township", parent_id=county_id)
            rename(live, headers, renamed[self.produced % len(renamed)])
            self.produced += 2

    def __enter__(self) -> "Producer":
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        self._thread.join(timeout=60)


def test_a_consumer_killed_mid_page_loses_no_event_and_applies_none_twice(running: LiveStack) -> None:
    live = running
    headers = live.business_headers()
    county = create_org(live, headers)
    assert wait_until(lambda: cursor(live) > 0 and replica(live) == source(live), 30, 0.1), "not caught up at the start"

    live.kill("members")
    with ThreadPoolExecutor(4) as pool:
        made = pool.map(lambda _: create_org(live, headers, tier="township", parent_id=county["id"]), range(BACKLOG))
        townships = [org["id"] for org in made]
    held_before = replica(live)
    position_before = cursor(live)

    for crash in range(2):
        live.start("members", env={"MEMBERS_FEED_FAULT_EXIT_AFTER_EVENTS": str(EXIT_AFTER)}, wait=False)
        exit_code = live.wait_exit("members", 90)
        assert exit_code == HOOK_EXIT_CODE, f"members did not crash mid-page:\n{live.logs['members'].read_text()[-3000:]}"
        # The partly applied page is gone as a whole: same cursor, same replica.
        assert cursor(live) == position_before
        assert replica(live) == held_before
        if crash == 0:  # more events for the second crash's page: renames (new versions)
            for org_id in townships[:5]:
                rename(live, headers, org_id)

    # SIGKILL at moments the consumer has just moved its cursor, while events keep coming.
    with Producer(live, headers, county["id"], townships) as producer:
        position = cursor(live)
        live.start("members")
        assert wait_until(lambda: cursor(live) > position, 30, 0.02), "the consumer made no progress"
        live.kill("members")
        live.start("members")
        assert wait_until(lambda: producer.produced >= 6, 60, 0.05)

    caught_up = wait_until(lambda: replica(live) == source(live), 30, 0.1)
    missing, extra = source(live) - replica(live), replica(live) - source(live)
    assert caught_up, f"replica differs from the source: missing {len(missing)}, extra {len(extra)}"
    assert cursor(live) == max(int(row[0]) for row in live.rows("orgs", "SELECT seq FROM orgs.outbox"))
