"""`make test-citus`: the members and activities tests on a three-node Citus cluster, for real.

Brings up a coordinator and two workers as separate PostgreSQL 15 instances (`initdb`, trust
authentication, `shared_preload_libraries = 'citus'`) on free local ports, then runs pytest
against the coordinator (TEST_POSTGRES_ADMIN_URL) with TEST_CITUS_WORKERS set: each test database
is made on every node, the workers are added to it, and after the migrations the members and
activities schemas are distributed by `stack/citus.py` (the operator's `python -m stack
citus-distribute`). The cluster is stopped and its data directories deleted afterwards, on
success and on failure. When the extension is missing it is built from ../shared/citus (the
project itself never needs that folder; real deployments install Citus from its packages).

    python -m tests.citus [pytest arguments]     (no test named: CITUS_SUITE below)
    python -m tests.citus --command CMD ARGS...  (any command with the cluster's variables set,
                                                  e.g. the benchmark: -m benchmarks.members_10m)
"""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from stack.ports import HOST, free_port_block
from stack.processes import PROJECT_ROOT

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
BUILD_SCRIPT = PROJECT_ROOT.parent / "shared" / "citus" / "build-install.sh"
# What runs on Citus (docs/scaling.md, "Citus: what is distributed by what"): the two services
# whose schemas are distributed, and the cross-service tests that go through them.
CITUS_SUITE = ["tests/members", "tests/activities"]
NODES = ("coordinator", "worker1", "worker2")
SETTINGS = """
listen_addresses = '{host}'
port = {port}
unix_socket_directories = '{dir}'
shared_preload_libraries = 'citus'
max_connections = 300
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 64MB
citus.shard_count = 8
citus.log_remote_commands = off
"""


def _as_postgres(argv: list[str]) -> list[str]:
    """initdb and pg_ctl refuse to run as root: run them as the postgres user there."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *argv]
    return argv


def ensure_citus() -> None:
    pkglibdir = subprocess.run([str(PG_BIN / "pg_config"), "--pkglibdir"], capture_output=True, text=True, check=True)
    if (Path(pkglibdir.stdout.strip()) / "citus.so").exists():
        return
    if not BUILD_SCRIPT.exists():
        sys.exit(f"the Citus extension is not installed and {BUILD_SCRIPT} is missing")
    print(f"== building Citus from {BUILD_SCRIPT.parent}", flush=True)
    subprocess.run(["bash", str(BUILD_SCRIPT)], check=True)


class Cluster:
    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="citus-"))
        first = free_port_block(len(NODES))
        self.ports = {name: first + offset for offset, name in enumerate(NODES)}
        self.started: list[Path] = []

    def data_dir(self, name: str) -> Path:
        return self.root / name

    def start(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        for name in NODES:
            data = self.data_dir(name)
            subprocess.run(
                _as_postgres(
                    [str(PG_BIN / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]
                ),
                check=True,
                capture_output=True,
            )
            with open(data / "postgresql.conf", "a") as conf:
                conf.write(SETTINGS.format(host=HOST, port=self.ports[name], dir=data))
            self.started.append(data)
            subprocess.run(
                _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(data / "log"), "-w", "start"]),
                check=True,
                capture_output=True,
            )
        print(f"== Citus cluster up: {', '.join(f'{n} {HOST}:{p}' for n, p in self.ports.items())}", flush=True)

    def stop(self) -> None:
        for data in self.started:
            subprocess.run(
                _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]),
                check=False,
                capture_output=True,
            )
        shutil.rmtree(self.root, ignore_errors=True)

    def env(self) -> dict[str, str]:
        return {
            "TEST_DATABASE": "postgres",
            "TEST_POSTGRES_ADMIN_URL": f"postgresql://postgres@{HOST}:{self.ports['coordinator']}/postgres",
            "TEST_CITUS_WORKERS": ",".join(f"{HOST}:{self.ports[name]}" for name in NODES[1:]),
        }


def _stop_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)  # unwinds through main's finally: the cluster is removed


def main(argv: list[str]) -> int:
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    ensure_citus()
    started = time.monotonic()
    cluster = Cluster()
    try:
        cluster.start()
        chosen = [arg for arg in argv if (PROJECT_ROOT / arg.split("::")[0]).exists()]  # none named: the default
        pytest = [sys.executable, "-m", "pytest", *argv, *([] if chosen else CITUS_SUITE)]
        command = argv[1:] if argv[:1] == ["--command"] else pytest
        result = subprocess.run(command, env={**os.environ, **cluster.env()}, cwd=PROJECT_ROOT, check=False)
        return result.returncode
    finally:
        cluster.stop()
        print(f"== Citus cluster stopped and removed ({time.monotonic() - started:.0f} s in all)", flush=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
