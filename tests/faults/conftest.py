"""One stack of real processes for the fault tests, on a database of its own.

The tests kill, pause and restart its processes, so it must not share a database (or a feed) with
the suite's `live` stack; each test leaves every process running again when it ends.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ADMIN_PASSWORD
from tests.support import LiveStack, SuiteDatabase, create_test_database, drop_test_database, on_postgres

PROCESS_NAMES = ("gateway", "orgs", "members", "activities")
# orgs asks members for member counts: a short read timeout, a breaker that opens after three
# failures in a row and tries again after four seconds (tests/faults/test_circuit_breaker.py).
FAULT_SETTINGS = {
    "ORGS_PEER_READ_TIMEOUT_S": "2",
    "ORGS_PEER_BREAKER_FAILURES": "3",
    "ORGS_PEER_BREAKER_RESET_S": "4",
}


@pytest.fixture(scope="package")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveStack]:
    # On SQLite the stack keeps its own files in `data_dir` (LiveStack migrates them).
    keys_dir = tmp_path_factory.mktemp("faults-db")
    db = create_test_database(keys_dir) if on_postgres() else SuiteDatabase(data_dir=keys_dir)
    data_dir: Path = tmp_path_factory.mktemp("faults-live")
    live = LiveStack(db, data_dir, ADMIN_PASSWORD)
    live.env |= FAULT_SETTINGS
    if not on_postgres():  # (on PostgreSQL create_test_database migrated the stack's database)
        live.migrate()
    try:
        live.start(*PROCESS_NAMES)
        yield live
    finally:
        live.stop_all()
        drop_test_database(db)


@pytest.fixture
def running(stack: LiveStack) -> Iterator[LiveStack]:
    """The stack, every process of which runs again after the test (whatever it killed)."""
    yield stack
    missing = [name for name in PROCESS_NAMES if name not in stack.processes or stack.processes[name].poll() is not None]
    for name in missing:
        stack.processes.pop(name, None)
    if missing:
        stack.start(*missing)
