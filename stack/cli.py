"""`dangjian` — the command line of the system.

dangjian run                 migrate, then start all four processes on the embedded default
dangjian migrate [NAME ...]  bring schemas to the newest migration (all by default)
dangjian check               fail if any model differs from its migrations
dangjian serve NAME          serve one process (what containers run)
dangjian provision           create the PostgreSQL database, roles and schemas
dangjian demo [--url URL]    load the demo district into a running system (`run --demo` does it after start)
dangjian keys --dir DIR      write a new token key pair; --fill-env: .env.example (stdin) with secrets (stdout)
"""

import argparse
import asyncio
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from stack.processes import ALEMBIC_INI, GATEWAY, PROCESSES, SERVICE_CLIENT_IDS, SERVICES


def _alembic_config(name: str) -> "object":
    from alembic.config import Config

    return Config(str(ALEMBIC_INI), ini_section=name)


def citus_distribute(url: str) -> int:
    """After `migrate`, on a Citus coordinator: reference and distributed tables (stack/citus.py)."""
    from stack.citus import distribute_command

    return distribute_command(url)


def migrate(names: Sequence[str]) -> None:
    from alembic import command

    for name in names or list(PROCESSES):
        command.upgrade(_alembic_config(name), "head")  # type: ignore[arg-type]
        print(f"migrated {name}", file=sys.stderr)


def check(names: Sequence[str]) -> None:
    from alembic import command

    for name in names or list(PROCESSES):
        command.check(_alembic_config(name))  # type: ignore[arg-type]


def serve(name: str, host: str, port: int) -> None:
    import uvicorn

    from services.kit.peers import SERVER_KEEP_ALIVE_S

    process = PROCESSES[name]
    uvicorn.run(
        process.app,
        host=host,
        port=port,
        loop="uvloop",
        http="httptools",
        log_config=None,
        access_log=False,
        proxy_headers=False,
        # No `server: uvicorn`: the answer does not name the software behind it.
        server_header=False,
        timeout_graceful_shutdown=10,
        timeout_keep_alive=SERVER_KEEP_ALIVE_S,
    )


def provision(admin_url: str, database: str) -> None:
    from stack.postgres import provision as provision_database

    passwords = {
        name: os.environ[f"{p.env_prefix}DB_PASSWORD"]
        for name, p in PROCESSES.items()
        if f"{p.env_prefix}DB_PASSWORD" in os.environ
    }
    asyncio.run(provision_database(admin_url, database, passwords))
    print(f"provisioned database {database} with a role and schema per process", file=sys.stderr)


def _password() -> str:
    """A random password that meets the default password policy (lower, upper and digit)."""
    while True:
        candidate = secrets.token_urlsafe(18)
        if any(c.islower() for c in candidate) and any(c.isupper() for c in candidate) and any(c.isdigit() for c in candidate):
            return candidate


def secret_for(name: str) -> str:
    """A fresh value for the .env variable `name`: a base64 field key, a password, or a URL-safe secret."""
    from services.kit.crypto import new_key

    if name.endswith("_KEY"):
        return new_key()  # MEMBERS_DATA_KEY, MEMBERS_INDEX_KEY: base64 of 32 random bytes
    if name.startswith("ADMIN") and name.endswith("PASSWORD"):
        return _password()
    return secrets.token_urlsafe(32)  # database passwords and client secrets: URL- and JSON-safe


def fill_env(template: str) -> str:
    """`template` (.env.example) with each `NAME=change-me` given a fresh secret; the rest as it is."""
    from services.kit.settings import PLACEHOLDER

    lines = []
    for line in template.splitlines(keepends=True):
        name, sep, value = line.partition("=")
        filled = sep and not name.lstrip().startswith("#") and value.strip() == PLACEHOLDER
        lines.append(f"{name}={secret_for(name.strip())}\n" if filled else line)
    return "".join(lines)


def write_keypair(directory: Path, owner: tuple[int, int] | None) -> int:
    """The token key pair in `directory`: the private key readable by its owner only. An existing
    pair is left alone (a new one signs everyone out): move it away first to replace it."""
    from services.kit.keys import generate_keypair

    private_path, public_path = directory / "jwt-private.pem", directory / "jwt-public.pem"
    existing = [str(path) for path in (private_path, public_path) if path.exists()]
    if existing:
        print(f"{' and '.join(existing)} already exist; move them away first to make a new pair", file=sys.stderr)
        return 1
    directory.mkdir(parents=True, exist_ok=True)
    private_pem, public_pem = generate_keypair()
    for path, content, mode in ((private_path, private_pem, 0o400), (public_path, public_pem, 0o444)):
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        with os.fdopen(descriptor, "wb") as out:
            out.write(content)
        if owner is not None:
            os.chown(path, *owner)
    print(f"wrote {private_path} (mode 400) and {public_path} (mode 444)", file=sys.stderr)
    return 0


def keys(directory: Path | None, owner: str | None, fill: bool) -> int:
    if directory is None and not fill:
        print("name --dir DIR (the token key pair) and/or --fill-env (secrets for .env)", file=sys.stderr)
        return 2
    if directory is not None:
        uid_gid = None
        if owner:
            uid, _, gid = owner.partition(":")
            uid_gid = (int(uid), int(gid or uid))
        if write_keypair(directory, uid_gid) != 0:
            return 1
    if fill:
        sys.stdout.write(fill_env(sys.stdin.read()))
    return 0


def local_environment(data_dir: Path, host: str, gateway_port: int, service_port: int) -> tuple[dict[str, str], dict[str, int]]:
    """Environment and ports for all four processes on one machine, with fresh service secrets."""
    from services.kit.keys import ensure_keypair

    ports = {GATEWAY.name: gateway_port} | {p.name: service_port + i for i, p in enumerate(SERVICES)}
    urls = {name: f"http://{host}:{port}" for name, port in ports.items()}
    client_secrets = {name: secrets.token_urlsafe(32) for name in SERVICE_CLIENT_IDS}
    env = dict(os.environ)
    keys = data_dir / "keys"
    ensure_keypair(keys / "jwt-private.pem", keys / "jwt-public.pem")
    for process in PROCESSES.values():
        prefix = process.env_prefix
        env.setdefault(f"{prefix}DATA_DIR", str(data_dir))
        env.setdefault(f"{prefix}GATEWAY_URL", urls[GATEWAY.name])
        for peer in SERVICES:
            env.setdefault(f"{prefix}{peer.name.upper()}_URL", urls[peer.name])
        if process.name in client_secrets:
            env[f"{prefix}CLIENT_SECRET"] = client_secrets[process.name]
    env["GATEWAY_SERVICE_CLIENTS"] = json.dumps({SERVICE_CLIENT_IDS[n]: s for n, s in client_secrets.items()})
    return env, ports


def _wait_healthy(url: str, deadline: float) -> bool:
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=1) as response:  # noqa: S310 - our own local URL
                if response.status == 200:
                    return True
        except OSError:
            time.sleep(0.1)
    return False


def _token(base: str, username: str, password: str) -> str | None:
    """An access token for the account, or None if the gateway refuses the login."""
    body = urllib.parse.urlencode({"username": username, "password": password}).encode()
    try:
        with urllib.request.urlopen(base + "/api/v1/auth/token", data=body, timeout=10) as response:  # noqa: S310 - local
            token: str = json.load(response)["access_token"]
            return token
    except (OSError, ValueError, KeyError):
        return None


def _accounts(base: str, env: dict[str, str]) -> list[str]:
    """The accounts that exist, each with its roles, as the banner names them: read as the first
    administrator when its password is known, else those whose login we can confirm."""
    admin, org_admin = env.get("ADMIN_USERNAME", "admin"), env.get("ADMIN_ORG_ADMIN_USERNAME")
    token = _token(base, admin, env["ADMIN_PASSWORD"]) if env.get("ADMIN_PASSWORD") else None
    if token is not None:
        request = urllib.request.Request(base + "/api/v1/users?limit=20", headers={"Authorization": f"Bearer {token}"})  # noqa: S310 - our own local URL
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - our own local URL
            page = json.load(response)
        return [f"{user['username']} ({', '.join(user['roles']) or 'no role yet'})" for user in page["items"]]
    found = [f"{admin} (sysadmin; password printed on its first start)"]
    if org_admin and env.get("ADMIN_ORG_ADMIN_PASSWORD"):
        if _token(base, org_admin, env["ADMIN_ORG_ADMIN_PASSWORD"]):
            found.append(f"{org_admin} (org_admin)")
        else:
            found.append(f"{org_admin}: NOT made (another account had the name, or the password was refused)")
    return found


def demo(url: str, *, scale: float, seed: int, as_of: str | None, env: dict[str, str] | None = None) -> int:
    """Generate the demo district and load it through the gateway at `url` as the business administrator."""
    from datetime import date

    import httpx

    from services.kit.context import deployment_timezone, today_in
    from stack.demo.load import LoadError, load_into

    env = env if env is not None else dict(os.environ)
    # Business data is written by an org_admin; the first administrator (a sysadmin) may not.
    username, password = env.get("ADMIN_ORG_ADMIN_USERNAME"), env.get("ADMIN_ORG_ADMIN_PASSWORD")
    if not username or not password:
        print(
            "dangjian demo logs in as the business administrator: set ADMIN_ORG_ADMIN_USERNAME and "
            "ADMIN_ORG_ADMIN_PASSWORD (the org_admin account the gateway makes at start)",
            file=sys.stderr,
        )
        return 2
    day = date.fromisoformat(as_of) if as_of else today_in(deployment_timezone())  # the deployment's day
    started = time.monotonic()
    try:
        loaded = asyncio.run(load_into(url, username, password, scale=scale, seed=seed, as_of=day))
    except (LoadError, httpx.HTTPError) as error:
        print(f"the demo district could not be loaded: {error!r}", file=sys.stderr)
        return 1
    print(
        f"demo district loaded into {url} in {time.monotonic() - started:.0f} s (scale {scale}, seed {seed}, as of {day}): "
        f"{len(loaded.orgs)} organizations, {len(loaded.communities)} communities, {len(loaded.members)} members; "
        f"county {loaded.orgs['county']}  → GET /api/v1/reports/diagnostics?within={loaded.orgs['county']}",
        file=sys.stderr,
    )
    return 0


def run(host: str, gateway_port: int, service_port: int, data_dir: Path, *, demo_scale: float | None = None) -> int:
    env, ports = local_environment(data_dir, host, gateway_port, service_port)
    if demo_scale is not None and not env.get("ADMIN_ORG_ADMIN_PASSWORD"):
        # The demo logs in as the business administrator: make one with a password it knows (first start only).
        env.setdefault("ADMIN_ORG_ADMIN_USERNAME", "district")
        env["ADMIN_ORG_ADMIN_PASSWORD"] = f"Demo-{secrets.token_urlsafe(12)}-1"
        print(
            f"business administrator for this run: {env['ADMIN_ORG_ADMIN_USERNAME']}, password {env['ADMIN_ORG_ADMIN_PASSWORD']}",
            file=sys.stderr,
        )
    subprocess.run([sys.executable, "-m", "stack", "migrate"], env=env, check=True)
    children: dict[str, subprocess.Popen[bytes]] = {}
    for name, port in ports.items():
        children[name] = subprocess.Popen(
            [sys.executable, "-m", "stack", "serve", name, "--host", host, "--port", str(port)], env=env
        )
    deadline = time.monotonic() + 60
    for name, port in ports.items():
        if not _wait_healthy(f"http://{host}:{port}", deadline):
            print(f"{name} did not start on port {port}", file=sys.stderr)
            _stop(children)
            return 1
    base = f"http://{host}:{gateway_port}"
    if demo_scale is not None and demo(base, scale=demo_scale, seed=7, as_of=None, env=env) != 0:
        # The system itself is up: a district already loaded (or another password) only costs the demo.
        print("the system keeps running without the demo district", file=sys.stderr)
    admin, org_admin = env.get("ADMIN_USERNAME", "admin"), env.get("ADMIN_ORG_ADMIN_USERNAME")
    who, password_variable = (org_admin, "ADMIN_ORG_ADMIN_PASSWORD") if org_admin else (admin, "ADMIN_PASSWORD")
    login = (
        f'TOKEN=$(curl -s -X POST {base}/api/v1/auth/token -d username={who} --data-urlencode password="${password_variable}" '
        "| python3 -c 'import sys,json;print(json.load(sys.stdin)[\"access_token\"])')"
    )
    print(
        f"\nParty building API is up at {base}/api/v1  (API docs: {base}/docs, {base}/redoc)\n"
        f"Accounts: {'; '.join(_accounts(base, env))}\n"
        f"Log in (with {password_variable} set in this shell):\n  {login}\n"
        f'  curl -H "Authorization: Bearer $TOKEN" {base}/api/v1/{"orgs" if org_admin else "users"}\n'
        f"{admin} is a sysadmin: accounts only, no business data. For a business account (org_admin)\n"
        "either set ADMIN_ORG_ADMIN_USERNAME and ADMIN_ORG_ADMIN_PASSWORD (made at the next start), or:\n"
        f"  as {admin}: POST {base}/api/v1/users {{username, password, roles: [secadmin]}} and {{username, password}}\n"
        f"  as the secadmin: PUT {base}/api/v1/users/<id>/roles {{roles: [org_admin], scope_org_id}}\n"
        "    (with If-Match: the ETag of GET /api/v1/users/<id>, as every update)\n"
        "Stop with Ctrl-C.\n",
        file=sys.stderr,
        flush=True,
    )
    stopping = False

    def request_stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    reported: set[str] = set()
    while not stopping:
        for name, child in children.items():
            if child.poll() is not None and name not in reported:
                reported.add(name)
                print(f"{name} exited with code {child.returncode}; the others keep running", file=sys.stderr)
        time.sleep(0.2)
    _stop(children)
    return 0


def _stop(children: dict[str, "subprocess.Popen[bytes]"]) -> None:
    for child in children.values():
        if child.poll() is None:
            child.terminate()
    for child in children.values():
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()


def activities_counties() -> int:
    """Count the activities schema's rows out of their organization's county, and an activity's
    or a course's rows out of theirs (ACTIVITIES_DATABASE_URL; services/activities/service/
    counties.py), by table. Exit 1 when any is (none must be)."""

    from services.activities.service.counties import misplaced
    from services.activities.settings import SCHEMA, ActivitiesSettings
    from services.kit.db import Database

    settings = ActivitiesSettings()

    async def count() -> dict[str, int]:
        db = Database(settings.database_url, SCHEMA, pool_size=1, statement_timeout_s=24 * 3600)
        try:
            async with db.read_sessions() as session:
                return await misplaced(session)
        finally:
            await db.dispose()

    result = asyncio.run(count())
    print(json.dumps({"misplaced": result}), flush=True)
    return 1 if any(result.values()) else 0


def members_rollups() -> int:
    """Recount the members' roll-ups from the rows (MEMBERS_DATABASE_URL), report any difference
    from what was held and keep the recount; then count the records, their history and the rows
    of the work on them out of their county, and the applications out of their organization's
    (services/members/service/counties.py), and the person index's differences from the open
    records (service/person_index.py). Exit 1 when something differed or is out of place
    (neither must happen)."""

    from services.kit.db import Database
    from services.members.service import person_index
    from services.members.service.counties import misplaced
    from services.members.service.rollups import repair
    from services.members.settings import SCHEMA, MembersSettings

    settings = MembersSettings()

    async def recount() -> dict[str, Any]:
        # A province's recount takes minutes: no statement timeout of a request here.
        db = Database(settings.database_url, SCHEMA, pool_size=1, statement_timeout_s=24 * 3600)
        try:
            started = time.perf_counter()
            result: dict[str, Any] = {**await repair(db, settings.policy.rollup_min_members)}
            result["seconds"] = round(time.perf_counter() - started, 1)
            started = time.perf_counter()
            async with db.read_sessions() as session:
                result["misplaced"] = await misplaced(session)
                result["person_index"] = await person_index.differences(session)
            result["misplaced_seconds"] = round(time.perf_counter() - started, 1)
            return result
        finally:
            await db.dispose()

    result = asyncio.run(recount())
    print(json.dumps(result), flush=True)
    out_of_place = [*result["misplaced"].values(), *result["person_index"].values()]
    return 1 if result["differing"] or any(out_of_place) else 0


def _operator_parsers(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """The commands an operator runs against a deployment's databases."""
    provision_parser = commands.add_parser("provision", help="create the PostgreSQL database, roles and schemas")
    provision_parser.add_argument(
        "--admin-url", default=os.environ.get("POSTGRES_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    )
    provision_parser.add_argument("--database", default=os.environ.get("POSTGRES_DB", "dangjian"))
    commands.add_parser(
        "citus-distribute", help="after migrate: distribute the members and activities schemas on a Citus coordinator"
    ).add_argument(
        "--url",
        default=os.environ.get("CITUS_COORDINATOR_URL", "postgresql://postgres@127.0.0.1:5432/dangjian"),
        help="a superuser's URL of the service database on the coordinator",
    )
    commands.add_parser("activities-counties", help="report rows of the activities schema out of their county")
    commands.add_parser(
        "members-rollups",
        help="recount the members' roll-ups from the rows, report and fix any difference; report records out of their county",
    )


# The operator's checks without arguments: each reports in JSON and exits 1 on a difference.
_CHECKS = {"members-rollups": members_rollups, "activities-counties": activities_counties}


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="dangjian", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    run_parser = commands.add_parser("run", help="migrate and start all four processes")
    run_parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    run_parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", str(GATEWAY.default_port))))
    run_parser.add_argument(
        "--service-port", type=int, default=int(os.environ.get("SERVICE_PORT", "8001")), help="first of three ports"
    )
    run_parser.add_argument("--data-dir", type=Path, default=Path(os.environ.get("DATA_DIR", "data")))
    run_parser.add_argument("--demo", action="store_true", help="load the demo district after start")
    run_parser.add_argument("--demo-scale", type=float, default=1.0, help="size of the demo district (1 = the seed's)")
    migrate_parser = commands.add_parser("migrate", help="upgrade schemas to head")
    migrate_parser.add_argument("names", nargs="*")
    check_parser = commands.add_parser("check", help="fail when a model and its migrations differ")
    check_parser.add_argument("names", nargs="*")
    serve_parser = commands.add_parser("serve", help="serve one process")
    serve_parser.add_argument("name", choices=list(PROCESSES))
    serve_parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    serve_parser.add_argument("--port", type=int, default=None)
    _operator_parsers(commands)
    demo_parser = commands.add_parser("demo", help="load the demo district into a running system through its API")
    demo_parser.add_argument("--url", default=os.environ.get("DEMO_URL", f"http://127.0.0.1:{GATEWAY.default_port}"))
    demo_parser.add_argument("--scale", type=float, default=1.0, help="1 = the seed's district; 10, 100 for benchmarks")
    demo_parser.add_argument("--seed", type=int, default=7, help="the same seed makes the same district")
    demo_parser.add_argument("--as-of", default=None, help="the day the district is looked at (default today)")
    keys_parser = commands.add_parser("keys", help="make the token key pair and the secrets of .env")
    keys_parser.add_argument("--dir", type=Path, default=None, help="write jwt-private.pem and jwt-public.pem here")
    keys_parser.add_argument("--owner", default=None, help="UID[:GID] to own the two files (the containers' 10001:10001)")
    keys_parser.add_argument(
        "--fill-env", action="store_true", help="copy stdin (.env.example) to stdout with each change-me made a random secret"
    )
    args = parser.parse_args(argv)
    unknown = [name for name in getattr(args, "names", []) if name not in PROCESSES]
    if unknown:
        parser.error(f"unknown process {', '.join(unknown)}; choose from {', '.join(PROCESSES)}")

    if args.command == "run":
        sys.exit(
            run(
                args.host,
                args.port,
                args.service_port,
                args.data_dir.resolve(),
                demo_scale=args.demo_scale if args.demo else None,
            )
        )
    elif args.command == "demo":
        sys.exit(demo(args.url, scale=args.scale, seed=args.seed, as_of=args.as_of))
    elif args.command == "migrate":
        migrate(args.names)
    elif args.command == "check":
        check(args.names)
    elif args.command == "serve":
        serve(args.name, args.host, args.port or int(os.environ.get("PORT", PROCESSES[args.name].default_port)))
    elif args.command == "provision":
        provision(args.admin_url, args.database)
    elif args.command == "citus-distribute":
        sys.exit(citus_distribute(args.url))
    elif args.command in _CHECKS:
        sys.exit(_CHECKS[args.command]())
    elif args.command == "keys":
        sys.exit(keys(args.dir, args.owner, args.fill_env))
