"""The drill itself (`make test-compose`, `python -m tests.compose.drill`): build, the secrets from
the image, up, the scenario, restarts, recreate, `down`/`up`, then the backup and the restore of
docs/operations.md ("Backups and restore"), command for command, onto a fresh deployment; `down -v`
at the end, also on failure. What each step checks: tests/compose/__init__.py."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sys
import tempfile
import time
import uuid
from pathlib import Path

from tests.compose.api import Api, eventually, same
from tests.compose.engine import (
    PRIVATE_NET,
    PROCESSES,
    PROJECT,
    ROOT,
    STARTED,
    TIMINGS,
    Compose,
    DrillFailed,
    check,
    enter_namespace_of,
    prepare_engine,
    run,
    say,
    step,
)

LOOPBACK_PORT = os.environ.get("COMPOSE_DRILL_PORT", "18000")  # only without the private-net override


def read_env(path: Path) -> dict[str, str]:
    pairs = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            pairs[key.strip()] = value.strip()
    return pairs


def make_env(work: Path, private_net: bool) -> Path:
    """The documented way: the image fills .env.example's change-me and writes the key pair."""
    env_file = work / "env"
    with step("secrets and token key pair from the image (dangjian keys)"):
        run(
            ["docker", "run", "--rm", "-i", "--network", "none", "--user", "0", "-v", f"{work / 'keys'}:/keys",
             "dangjian:latest", "dangjian", "keys", "--dir", "/keys", "--owner", "10001:10001", "--fill-env"],
            stdin=ROOT / ".env.example", stdout=env_file,
        )  # fmt: skip
        env_file.chmod(0o600)
        left = [name for name, value in read_env(env_file).items() if value == "change-me"]
        check(not left, f"dangjian keys --fill-env left change-me in {left}")
        text = env_file.read_text(encoding="utf-8")
        # The drill's files live in its own folder, not the project's ./keys and .env.
        text = text.replace("./keys/", f"{work / 'keys'}/")
        if not private_net:
            text = text.replace("GATEWAY_PORT=8000", f"GATEWAY_PORT=127.0.0.1:{LOOPBACK_PORT}")
        env_file.write_text(text + "\n# the drill's auditor account\nDRILL_AUDITOR_PASSWORD=" + f"Au-{uuid.uuid4().hex[:16]}-9\n")
        modes = {p.name: (oct(p.stat().st_mode & 0o777), p.stat().st_uid) for p in sorted((work / "keys").iterdir())}
        say(f"key pair: {modes}")
        check(modes["jwt-private.pem"] == ("0o400", 10001), "the private key must be readable by uid 10001 only")
    return env_file


# docs/operations.md, "Backups and restore", command for command (tests/test_compose.py holds the
# two lists against the document): the `docker compose` arguments, and the file each one writes
# or reads, named as in the document without its date. The gateway's audit keys and checkpoint
# file go to the secret store, apart from the database dump.
BACKUP: tuple[tuple[tuple[str, ...], str], ...] = (
    (("exec", "-T", "gateway", "tar", "-C", "/app/data", "-cf", "-", "keys", "audit-checkpoints.jsonl"), "gateway-audit.tar"),
    (("exec", "-T", "postgres", "pg_dump", "-U", "postgres", "-d", "dangjian", "-Fc"), "dangjian.dump"),
    (("exec", "-T", "activities", "tar", "-C", "/app/data", "-cf", "-", "attachments"), "attachments.tar"),
)
# ... and the restore, before its last command, `up -d --wait` (Compose.up).
RESTORE: tuple[tuple[tuple[str, ...], str | None], ...] = (
    (("stop", *PROCESSES), None),
    (
        ("exec", "-T", "postgres", "pg_restore", "-U", "postgres", "-d", "postgres", "--clean", "--if-exists", "--create"),
        "dangjian.dump",
    ),
    (("run", "--rm", "--no-deps", "-T", "gateway", "tar", "-C", "/app/data", "-xf", "-"), "gateway-audit.tar"),
    (("run", "--rm", "--no-deps", "-T", "activities", "tar", "-C", "/app/data", "-xf", "-"), "attachments.tar"),
)
SECRET_STORE_FILES = ("gateway-audit.tar",)


def kept_at(name: str, backups: Path, secret_store: Path) -> Path:
    return (secret_store if name in SECRET_STORE_FILES else backups) / name


def backup(compose: Compose, backups: Path, secret_store: Path) -> None:
    """The documented backup, taken while running: the gateway's audit material, the database,
    the attachments, in that order."""
    for args, name in BACKUP:
        compose(*args, stdout=kept_at(name, backups, secret_store))


def restore(compose: Compose, backups: Path, secret_store: Path) -> None:
    """The documented restore (all but its `up`): stop the processes, the database, the gateway's
    audit keys and checkpoint file, the attachments."""
    for args, name in RESTORE:
        compose(*args, stdin=kept_at(name, backups, secret_store) if name else None)


def drill(work: Path) -> None:
    prepare_engine()
    private_net = PRIVATE_NET.exists()
    say(
        "network: "
        + (
            "one private namespace (../shared/containers override), nothing published"
            if private_net
            else f"gateway published on 127.0.0.1:{LOOPBACK_PORT} only"
        )
    )
    compose = Compose(ROOT / ".env.example", private_net)
    compose.down("-v")  # what an interrupted run may have left
    with step("build the image (docker compose build)"):
        compose("build")
    compose = Compose(make_env(work, private_net), private_net)
    env = read_env(compose.env_file)

    with step("up to healthy, fresh volumes (initdb, provision, migrations)"):
        took = compose.up()
    up_times = {"fresh volumes": took}
    enter_namespace_of(compose.container("gateway"))
    api = Api(env)
    with step("scenario: log in, write organizations, members, an activity and attachments"):
        api.write_scenario()
        expected = api.snapshot()
        say(f"written: {expected.summary()}")

    with step("restart the database, then each process"):
        compose("restart", "postgres")
        compose.up()
        same(expected, eventually("reads after the database restart", api.snapshot), "after restarting postgres")
        for name in PROCESSES:
            compose("restart", name)
            up_times[f"restart {name}"] = compose.up()
            enter_namespace_of(compose.container("gateway"))
            same(expected, eventually(f"reads after restarting {name}", api.snapshot), f"after restarting {name}")

    with step("recreate every container (up --force-recreate)"):
        compose("up", "-d", "--force-recreate", "--wait", "--wait-timeout", "180")
        enter_namespace_of(compose.container("gateway"))
        same(expected, eventually("reads after recreating", api.snapshot), "after recreating every container")

    with step("down, then up (volumes kept)"):
        compose("down")
        up_times["after down (volumes kept)"] = compose.up()
        enter_namespace_of(compose.container("gateway"))
        same(expected, eventually("reads after down and up", api.snapshot), "after down and up")

    backups, secret_store = work / "backups", work / "secret-store"
    backups.mkdir()
    secret_store.mkdir(mode=0o700)
    with step("backup (documented: gateway audit keys and checkpoints, pg_dump, attachments)"):
        made = api.checkpoint_now()
        say(f"checkpoint signed on demand at row {made['seq']}")
        before = api.snapshot()
        backup(compose, backups, secret_store)
        sizes = {p.name: p.stat().st_size for p in sorted([*backups.iterdir(), *secret_store.iterdir()])}
        say(f"backup files: {sizes}")

    with step("fresh deployment (down -v, up)"):
        compose.down("-v")
        up_times["fresh deployment for the restore"] = compose.up()
        enter_namespace_of(compose.container("gateway"))
        fresh = eventually("reads on the fresh deployment", lambda: api.snapshot(with_audit=False))
        check(not fresh.members and not fresh.attachments, f"the fresh deployment is not empty: {fresh.summary()}")
        say(f"fresh deployment: {fresh.summary()}")

    with step("restore (documented: stop, pg_restore, audit keys and checkpoints, attachments, up)"):
        restore(compose, backups, secret_store)
        up_times["after the restore"] = compose.up()
        enter_namespace_of(compose.container("gateway"))
        restored = eventually("reads after the restore", api.snapshot)
        same(before, restored, "after the restore")
        check(restored.members == expected.members and restored.attachments == expected.attachments, "restored data differs")
        check(any(kept["seq"] == made["seq"] for kept in restored.checkpoints), "the checkpoint made before the backup is gone")

    print("\nup to healthy (docker compose up -d --wait):")
    for what, seconds in up_times.items():
        print(f"  {what:<40} {seconds:6.1f}s")


def _terminated(signum: int, _frame: object) -> None:
    raise DrillFailed(f"stopped by signal {signum} (the time limit?)")


def main() -> int:
    signal.signal(signal.SIGTERM, _terminated)  # `timeout` in the Makefile: still clean up (down -v)
    work = Path(tempfile.mkdtemp(prefix="dangjian-compose-"))
    compose = Compose(ROOT / ".env.example", PRIVATE_NET.exists())
    outcome = 1
    try:
        drill(work)
        outcome = 0
    except DrillFailed as failure:
        say(f"FAILED: {failure}")
        with contextlib.suppress(Exception):
            run(compose.argv("ps", "-a", env_file=work / "env" if (work / "env").exists() else None))
            run(compose.argv("logs", "--tail", "30", env_file=work / "env" if (work / "env").exists() else None))
    finally:
        if os.environ.get("KEEP") == "1":
            say(f"KEEP=1: the stack {PROJECT} stays up; env file {work / 'env'}")
        else:
            with step("down -v"):
                compose.down("-v")
            shutil.rmtree(work, ignore_errors=True)
        width = max([len(name) for name, _ in TIMINGS] + [5])
        print("\ntimings:")
        for name, seconds in TIMINGS:
            print(f"  {name:<{width}} {seconds:6.1f}s")
        print(f"  {'total':<{width}} {time.monotonic() - STARTED:6.1f}s")
        print("make test-compose: " + ("PASSED" if outcome == 0 else "FAILED"), flush=True)
    return outcome


if __name__ == "__main__":
    sys.exit(main())
