"""Test helpers: the database under test, tokens, in-process clients and real processes."""

import asyncio
import contextlib
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from fastapi import FastAPI

from services.kit.keys import TokenSigner, ensure_keypair
from stack.cli import local_environment
from stack.ports import free_port_block
from stack.postgres import drop_database, provision, service_url
from stack.processes import PROCESSES, PROJECT_ROOT, SERVICES

BACKEND = os.environ.get("TEST_DATABASE", "sqlite")

# Apps made in process run no background work (feeds, webhooks, scheduled jobs) unless a test
# turns it on: a test drives it by hand, and no task outlives the test's event loop. A LiveStack's
# real processes run all of it.
BACKGROUND_WORK = (
    "GATEWAY_CONSUME_FEEDS",
    "GATEWAY_DELIVER_WEBHOOKS",
    *(f"{name.upper()}_RUN_SCHEDULER" for name in PROCESSES),
    *(f"{service.env_prefix}FOLLOW_REVOCATIONS" for service in SERVICES),
)
for _variable in BACKGROUND_WORK:
    os.environ.setdefault(_variable, "false")
# The suite mints tokens for made-up subjects (`Tokens`), in process and for the real processes;
# the gateway's check that a subject exists is tested on its own (tests/gateway/test_revocation.py).
os.environ.setdefault("GATEWAY_VERIFY_TOKEN_SUBJECTS", "false")
POSTGRES_ADMIN_URL = os.environ.get("TEST_POSTGRES_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
# The first administrator is a sysadmin (accounts, no business data); business calls through the
# real processes log in as this org_admin, made on the gateway's first start (ADMIN_ORG_ADMIN_*).
ORG_ADMIN_USERNAME = "district"
ORG_ADMIN_PASSWORD = "Test-district-password-1"
ISSUER = "dangjian-gateway"
AUDIENCE = "dangjian"


def on_postgres() -> bool:
    return BACKEND == "postgres"


@dataclass
class SuiteDatabase:
    """Where the suite's schemas live: SQLite files in `data_dir`, or a fresh PostgreSQL database."""

    data_dir: Path
    postgres_database: str | None = None
    urls: dict[str, str] = field(default_factory=dict)
    admin_url: str = POSTGRES_ADMIN_URL

    def env(self) -> dict[str, str]:
        env = {f"{name.upper()}_DATA_DIR": str(self.data_dir) for name in PROCESSES}
        env |= {f"{name.upper()}_DATABASE_URL": url for name, url in self.urls.items()}
        return env


def create_test_database(data_dir: Path, admin_url: str = POSTGRES_ADMIN_URL, citus_layout: bool = True) -> SuiteDatabase:
    """The schemas, migrated: SQLite files in `data_dir`, or a new database on the PostgreSQL
    server at `admin_url` (the machine's shared one unless a test brings its own cluster). On a
    Citus cluster the schemas are distributed by `stack/citus.py` unless `citus_layout` is False
    (the test lays them out itself)."""
    ensure_keypair(data_dir / "keys" / "jwt-private.pem", data_dir / "keys" / "jwt-public.pem")
    db = SuiteDatabase(data_dir=data_dir, admin_url=admin_url)
    if on_postgres():
        db.postgres_database = f"dangjian_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        asyncio.run(provision(admin_url, db.postgres_database, {}))
        host, port = _postgres_host_port(admin_url)
        if CITUS_WORKERS:
            asyncio.run(_citus_join(admin_url, db.postgres_database, (host, port)))
        db.urls = {name: service_url(host, port, db.postgres_database, name) for name in PROCESSES}
    else:
        db.urls = {name: f"sqlite+aiosqlite:///{data_dir / (name + '.db')}" for name in PROCESSES}
    migrate = run_module(db, "stack", "migrate")
    assert migrate.returncode == 0, migrate.stderr
    if CITUS_WORKERS and db.postgres_database and citus_layout:
        from stack.citus import distribute

        asyncio.run(distribute(_database_dsn(admin_url, db.postgres_database)))
    return db


# A Citus cluster under test (`make test-citus`, tests/citus.py): the workers' "host:port,..."; the
# admin URL is then the coordinator's. Each test database is made on every node and distributed.
CITUS_WORKERS = [
    (part.rsplit(":", 1)[0], int(part.rsplit(":", 1)[1]))
    for part in os.environ.get("TEST_CITUS_WORKERS", "").split(",")
    if part.strip()
]


def _database_dsn(admin_url: str, database: str) -> str:
    from stack.citus import database_dsn

    return database_dsn(admin_url, database)


async def _citus_join(admin_url: str, database: str, coordinator: tuple[str, int]) -> None:
    from stack.citus import prepare_database

    await prepare_database(admin_url, database, coordinator, CITUS_WORKERS)


async def distribute_records_by_id(dsn: str) -> None:
    """On a Citus cluster: `members.members` spread over the workers by `id`, the org replica a
    reference table, the history local. The earlier layout, kept beside the county one for the
    benchmark's comparison and the distributed roll-up test (docs/scaling.md): it drops the open-record unique index on the ID
    number's hash, which Citus cannot keep on a table distributed by anything else, so it is for
    data that never repeats an ID number, never a deployment's database."""
    db = await asyncpg.connect(dsn)
    try:
        await db.execute("DROP INDEX members.uq_members_open_id_number")
        known = await db.fetchval("SELECT count(*) FROM pg_dist_partition WHERE logicalrelid = 'members.org_replica'::regclass")
        if not known:
            await db.execute("SELECT create_reference_table('members.org_replica')")
        await db.execute("SELECT create_distributed_table('members.members', 'id')")
        await db.execute("SELECT truncate_local_data_after_distributing_table('members.members')")
        # As autovacuum would in a deployment: the shards are new tables, and without their
        # visibility map every index-only read of them goes to the heap.
        await db.execute("VACUUM (ANALYZE) members.members")
    finally:
        await db.close()


async def distribute_records_by_county(dsn: str) -> None:
    """On a Citus cluster: the layout `python -m stack citus-distribute` gives a deployment
    (stack/citus.py: the records, their history and the work on them by county, the person index
    by the ID number's keyed hash, the replicas reference tables). Then the coordinator's local
    copies of the distributed tables emptied and their shards vacuumed, as autovacuum would in a
    deployment (the benchmark fills its database before laying it out)."""
    from stack.citus import distribute

    placements = await distribute(dsn)
    db = await asyncpg.connect(dsn)
    try:
        for placement in placements:
            if placement.kind == "distributed":
                name = f'"{placement.schema}"."{placement.table}"'
                await db.execute("SELECT truncate_local_data_after_distributing_table($1::regclass)", name)
                await db.execute(f"VACUUM (ANALYZE) {name}")
    finally:
        await db.close()


async def distribution(db: SuiteDatabase, schema: str) -> dict[str, tuple[str, str]]:
    """On a Citus cluster: each distributed table of `schema` in `db` (schema-qualified) with its
    distribution column and colocation group."""
    rows = await _postgres_rows(
        db,
        "SELECT logicalrelid::text, column_to_column_name(logicalrelid, partkey), colocationid::text "
        "FROM pg_dist_partition WHERE partkey IS NOT NULL",
    )
    return {name: (column, colocation) for name, column, colocation in rows if name.startswith(f"{schema}.")}


@contextlib.contextmanager
def laid_out_test_database(data_dir: Path, layout: Callable[[str], Awaitable[None]]) -> Iterator[SuiteDatabase]:
    """A migrated database of a test module's own on the Citus cluster, laid out by `layout` (given
    a superuser's DSN of it: `distribute_records_by_id`, `…_by_county`) instead of
    `stack/citus.py`; dropped afterwards."""
    db = create_test_database(data_dir, citus_layout=False)
    try:
        assert db.postgres_database
        asyncio.run(layout(_database_dsn(db.admin_url, db.postgres_database)))
        yield db
    finally:
        drop_test_database(db)


@contextlib.contextmanager
def unmigrated_database(data_dir: Path, admin_url: str, service: str) -> Iterator[SuiteDatabase]:
    """An empty database of a test's own for one service, for a migration test to take through
    its revisions: a new database on the PostgreSQL server at `admin_url` (dropped afterwards), or
    a SQLite file in `data_dir`."""
    db = SuiteDatabase(data_dir=data_dir, admin_url=admin_url)
    if on_postgres():
        db.postgres_database = f"dangjian_test_migration_{uuid.uuid4().hex[:8]}"
        asyncio.run(provision(admin_url, db.postgres_database, {}))
        host, port = _postgres_host_port(admin_url)
        db.urls = {service: service_url(host, port, db.postgres_database, service)}
    else:
        db.urls = {service: f"sqlite+aiosqlite:///{data_dir / (service + '.db')}"}
    try:
        yield db
    finally:
        drop_test_database(db)


def run_module(db: SuiteDatabase, module: str, *arguments: str) -> "subprocess.CompletedProcess[str]":
    """`python -m <module> <arguments>` against `db`'s databases, as an operator runs it, its
    output captured."""
    command = [sys.executable, "-m", module, *arguments]
    env = {**os.environ, **db.env()}
    return subprocess.run(command, env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, check=False)


def run_alembic(db: SuiteDatabase, name: str, *arguments: str) -> None:
    """`alembic -n <name> <arguments>` against `db`; fails the test with its stderr."""
    result = run_module(db, "alembic", "-n", name, *arguments)
    assert result.returncode == 0, result.stderr[-3000:]


def drop_test_database(db: SuiteDatabase) -> None:
    if db.postgres_database:
        asyncio.run(drop_database(db.admin_url, db.postgres_database))


def _postgres_host_port(admin_url: str = POSTGRES_ADMIN_URL) -> tuple[str, int]:
    from sqlalchemy.engine import make_url

    url = make_url(admin_url)
    return url.host or "127.0.0.1", url.port or 5432


class Tokens:
    """Access tokens as the gateway would sign them, for any roles and scope."""

    def __init__(self, data_dir: Path) -> None:
        self.signer = TokenSigner((data_dir / "keys" / "jwt-private.pem").read_bytes(), issuer=ISSUER, audience=AUDIENCE)

    def headers(
        self,
        *roles: str,
        scope_org_id: uuid.UUID | str | None = None,
        scopes: tuple[str, ...] = (),
        member_id: uuid.UUID | str | None = None,
        kind: str | None = None,
    ) -> dict[str, str]:
        """A person's token (org_admin unless roles are given); `service` makes a service's token."""
        roles = roles or ("org_admin",)
        kind = kind or ("service" if "service" in roles else "user")
        return self._bearer(kind=kind, roles=roles, scopes=scopes, scope_org_id=scope_org_id, member_id=member_id)

    def client(self, *scopes: str, scope_org_id: uuid.UUID | str | None) -> dict[str, str]:
        """A machine client's token: no roles, OAuth2 scopes and a scope organization."""
        return self._bearer(kind="client", roles=(), scopes=scopes, scope_org_id=scope_org_id, member_id=None)

    def _bearer(
        self,
        *,
        kind: str,
        roles: tuple[str, ...],
        scopes: tuple[str, ...],
        scope_org_id: uuid.UUID | str | None,
        member_id: uuid.UUID | str | None,
    ) -> dict[str, str]:
        extra = {"member_id": str(member_id)} if member_id else {}
        token = self.signer.access_token(
            subject=str(uuid.uuid4()),
            kind=kind,
            roles=roles,
            scope_org_id=uuid.UUID(str(scope_org_id)) if scope_org_id else None,
            scopes=scopes,
            **extra,
        )
        return {"Authorization": f"Bearer {token}"}


@asynccontextmanager
async def in_process(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        # English problems, as the tests assert them; the Chinese ones are asked for by the tests of
        # the scripts (Accept-Language: zh-CN / zh-TW), the deployment's default being Simplified.
        headers = {"Accept-Language": "en"}
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver", headers=headers) as client:
            yield client


def wait_until(predicate: Callable[[], Any], timeout_s: float, interval_s: float = 0.05) -> Any:
    deadline = time.monotonic() + timeout_s
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            return result
        time.sleep(interval_s)


class LiveStack:
    """The four processes as real OS processes, each of which a test can kill and restart."""

    def __init__(self, db: SuiteDatabase, data_dir: Path, admin_password: str) -> None:
        base = free_port_block(4)
        env, self.ports = local_environment(data_dir, "127.0.0.1", base, base + 1)
        # On PostgreSQL the processes share the suite's database with the in-process apps, so they
        # share its keys too (token pair, members' field keys): each can read what the other wrote.
        self.key_dir = db.data_dir if on_postgres() else data_dir
        for name in PROCESSES:
            env[f"{name.upper()}_DATA_DIR"] = str(self.key_dir)
            if on_postgres():
                env[f"{name.upper()}_DATABASE_URL"] = db.urls[name]
        env["ADMIN_USERNAME"] = "admin"
        env["ADMIN_PASSWORD"] = admin_password
        env["ADMIN_ORG_ADMIN_USERNAME"] = ORG_ADMIN_USERNAME
        env["ADMIN_ORG_ADMIN_PASSWORD"] = ORG_ADMIN_PASSWORD
        # The suite drives one token hard; the limits themselves are tested in tests/gateway.
        env["GATEWAY_POLICY__RATE_PER_S"] = "100000"
        env["GATEWAY_POLICY__RATE_BURST"] = "100000"
        env["GATEWAY_POLICY__LOGIN_IP_BURST"] = "100000"
        env["GATEWAY_POLICY__LOGIN_USER_BURST"] = "100000"
        env |= dict.fromkeys(BACKGROUND_WORK, "true")
        # Webhooks are delivered only by the gateway replica a test starts for them
        # (tests/e2e/test_webhooks.py): on PostgreSQL the live processes share the suite's database,
        # and a worker left running would take the deliveries of in-process tests.
        env["GATEWAY_DELIVER_WEBHOOKS"] = "false"
        # Webhook receivers in tests listen on 127.0.0.1 over http; retries are quick.
        env["GATEWAY_WEBHOOK_DEVELOPMENT_HOSTS"] = '["127.0.0.1"]'
        env["GATEWAY_WEBHOOK_POLL_INTERVAL_S"] = "0.2"
        env["GATEWAY_WEBHOOK_POLICY__BACKOFF_BASE_S"] = "0.2"
        env["GATEWAY_WEBHOOK_POLICY__BACKOFF_MAX_S"] = "1"
        self.env = env
        self.db = db
        self.data_dir = data_dir
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.logs: dict[str, Path] = {}

    def business_headers(self, *roles: str, scope_org_id: uuid.UUID | str | None = None) -> dict[str, str]:
        """A business user's token signed with the stack's key, as the gateway would sign it (the
        first administrator is a `sysadmin`, who sees no business data)."""
        return Tokens(self.key_dir).headers(*(roles or ("org_admin",)), scope_org_id=scope_org_id)

    def url(self, name: str = "gateway") -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    def migrate(self) -> None:
        subprocess.run(
            [sys.executable, "-m", "stack", "migrate"], env=self.env, cwd=PROJECT_ROOT, check=True, capture_output=True
        )

    def start(self, *names: str, env: dict[str, str] | None = None, wait: bool = True) -> None:
        """Start the named processes together and wait until each answers its health check (a
        generous wait: on a loaded shared machine importing the app alone has taken 30 s).

        `env` adds settings for this start only (fault injection); `wait=False` returns at once
        (for a process that is meant to die on its own, see `wait_exit`)."""
        for name in names:
            log = self.data_dir / f"{name}.log"
            self.logs[name] = log
            with log.open("ab") as out:
                self.processes[name] = subprocess.Popen(
                    [sys.executable, "-m", "stack", "serve", name, "--port", str(self.ports[name])],
                    env=self.env | (env or {}),
                    cwd=PROJECT_ROOT,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
        if not wait:
            return
        # Generous: four processes importing at once on a shared two-core machine took 24 s.
        for name in names:
            healthy = wait_until(lambda name=name: self._healthy(name), 90)  # type: ignore[misc]
            assert healthy, f"{name} did not become healthy:\n{self.logs[name].read_text()[-3000:]}"

    def _healthy(self, name: str) -> bool:
        try:
            return httpx.get(self.url(name) + "/healthz", timeout=0.5).status_code == 200
        except httpx.HTTPError:
            return False

    def kill(self, name: str) -> None:
        process = self.processes.pop(name)
        process.kill()
        process.wait(timeout=10)

    def pause(self, name: str) -> None:
        """SIGSTOP: the process holds its sockets but answers nothing (a hung service)."""
        self.processes[name].send_signal(signal.SIGSTOP)

    def resume(self, name: str) -> None:
        self.processes[name].send_signal(signal.SIGCONT)

    def wait_exit(self, name: str, timeout_s: float) -> int | None:
        """The exit code of a process that is to end by itself, None if it still runs after the wait."""
        try:
            code = self.processes[name].wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            return None
        del self.processes[name]
        return code

    def rows(self, schema: str, sql: str) -> list[tuple[Any, ...]]:
        """Rows straight from a schema's tables, bypassing the services (consistency checks);
        `sql` names tables as `<schema>.<table>` on both databases. Ids come back as strings."""
        if not on_postgres():
            with sqlite3.connect(":memory:") as connection:
                connection.execute(f"ATTACH DATABASE '{self.data_dir / (schema + '.db')}' AS \"{schema}\"")
                return [tuple(_plain(v) for v in row) for row in connection.execute(sql).fetchall()]
        return asyncio.run(_postgres_rows(self.db, sql))

    def stop_all(self) -> None:
        for process in self.processes.values():
            process.send_signal(signal.SIGCONT)  # a paused process cannot stop
            process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        self.processes.clear()


def _plain(value: Any) -> Any:
    """A uuid as its canonical string on both databases (SQLite stores 32 hex digits)."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, str) and len(value) == 32:
        try:
            return str(uuid.UUID(value))
        except ValueError:
            return value
    return value


async def _postgres_rows(db: SuiteDatabase, sql: str) -> list[tuple[Any, ...]]:
    import asyncpg

    connection = await asyncpg.connect(db.admin_url, database=db.postgres_database)
    try:
        return [tuple(_plain(v) for v in row.values()) for row in await connection.fetch(sql)]
    finally:
        await connection.close()


POSTGRES_BIN = Path("/usr/lib/postgresql/15/bin")


class PrivateCluster:
    """A PostgreSQL cluster of the test's own (initdb + pg_ctl on a free port in a temp dir), so
    that a test may pause or kill the database without touching the machine's shared server.
    As root the server runs as the `postgres` user, which owns the directory (made directly in
    the system temp dir: the suite's own temp root is private to root)."""

    def __init__(self) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="dangjian-pg-"))
        self.data = self.directory / "pgdata"
        self.port = free_port_block(1)
        self._as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    @staticmethod
    def available() -> bool:
        return (POSTGRES_BIN / "initdb").exists() and (os.geteuid() != 0 or shutil.which("runuser") is not None)

    @property
    def admin_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *command: str) -> None:
        done = subprocess.run([*self._as_postgres, *command], capture_output=True, text=True, check=False)
        assert done.returncode == 0, f"{command[0]} failed: {done.stdout}{done.stderr}"

    def start(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres")
        self._run(str(POSTGRES_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = str(self.directory / "server.log")
        self._run(str(POSTGRES_BIN / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", log, "-w", "start")

    def _postmaster(self) -> int:
        return int((self.data / "postmaster.pid").read_text().split()[0])

    def signal_all(self, signum: signal.Signals) -> None:
        """The postmaster first (a stopped postmaster forks no new backend), then every process
        it forked: backends, checkpointer, writers."""
        postmaster = self._postmaster()
        os.kill(postmaster, signum)
        children = subprocess.run(["pgrep", "-P", str(postmaster)], capture_output=True, text=True, check=False).stdout
        for pid in children.split():
            with contextlib.suppress(ProcessLookupError):  # a backend that just ended
                os.kill(int(pid), signum)

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.signal_all(signal.SIGCONT)  # a paused server cannot shut down
            subprocess.run(
                [*self._as_postgres, str(POSTGRES_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"],
                capture_output=True,
                check=False,
            )
        shutil.rmtree(self.directory, ignore_errors=True)
