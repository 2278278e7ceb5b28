"""`make test-compose`: the container deployment run for real, from the project's own Dockerfile and
docker-compose.yml, with the commands docs/operations.md gives a county IT office.

1. A Docker engine, Compose v2 and the base images. Where no registry is reachable (these CI
   machines), `../shared/containers/` provides them: an engine without a bridge, Compose v2 from
   Debian, and stand-in `python:3.11-slim` / `postgres:15` made from Debian packages. Elsewhere the
   real images are pulled (IMAGES=pull forces that, IMAGES=standin the stand-ins).
2. Build; the secrets and the token key pair made by the image (`dangjian keys`); `up --wait`.
3. Through the gateway: log in, create organizations, members, an activity with two attachments.
4. Restart the database and each process, recreate every container, `down` and `up`: everything,
   attachments included, is still there after each.
5. The backup and restore drill: the documented backup, a fresh deployment (`down -v`, `up`), the
   documented restore; the same counts, ID numbers still readable and searchable, the audit trail
   the same and still verifying, the attachments the same bytes.
6. `down -v` (also on failure; KEEP=1 leaves the stack up to look at).

Networking: with `../shared/containers/docker-compose.private-net.yml` every container shares ONE
private network namespace and nothing is published; without it the gateway is published on the
host's loopback only. Either way the drill talks to the gateway from inside the gateway's own
namespace (setns), never over a bridge. No ID number or phone is ever printed.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TypeVar

import httpx

ROOT = Path(__file__).resolve().parents[1]
SHARED = (ROOT.parent / "shared" / "containers").resolve()
PRIVATE_NET = SHARED / "docker-compose.private-net.yml"
PROJECT = os.environ.get("COMPOSE_DRILL_PROJECT", "dangjian-drill")
BASE_IMAGES = ("python:3.11-slim", "postgres:15")
PROCESSES = ("gateway", "orgs", "members", "activities")
GATEWAY = "http://127.0.0.1:8000"
LOOPBACK_PORT = os.environ.get("COMPOSE_DRILL_PORT", "18000")  # only without the private-net override
STARTED = time.monotonic()
T = TypeVar("T")


# --- output ----------------------------------------------------------------------------------

TIMINGS: list[tuple[str, float]] = []


def say(text: str) -> None:
    print(f"[{time.monotonic() - STARTED:6.1f}s] {text}", flush=True)


@contextlib.contextmanager
def step(name: str) -> Iterator[None]:
    say(f"== {name}")
    started = time.monotonic()
    yield
    took = time.monotonic() - started
    TIMINGS.append((name, took))
    say(f"-- {name}: {took:.1f}s")


class DrillFailed(AssertionError):
    pass


def check(condition: object, message: str) -> None:
    if not condition:
        raise DrillFailed(message)


# --- docker and compose ----------------------------------------------------------------------


def run(argv: list[str], *, stdin: Path | None = None, stdout: Path | None = None, quiet: bool = False) -> str:
    """Run a command; its output is returned (or written to `stdout`), a failure stops the drill."""
    with contextlib.ExitStack() as files:
        source = files.enter_context(stdin.open("rb")) if stdin else subprocess.DEVNULL
        target = files.enter_context(stdout.open("wb")) if stdout else subprocess.PIPE
        done = subprocess.run(argv, stdin=source, stdout=target, stderr=subprocess.PIPE, check=False)
    out = done.stdout.decode(errors="replace") if stdout is None else ""
    if done.returncode != 0:
        sys.stdout.write(out + done.stderr.decode(errors="replace"))
        raise DrillFailed(f"`{' '.join(argv)}` exited with {done.returncode}")
    if not quiet and out.strip():
        sys.stdout.write(out)
    return out


def shared_script(name: str) -> list[str]:
    return ["bash", str(SHARED / name)]


def run_shown(argv: list[str]) -> None:
    """A long step whose own progress is worth seeing (the stand-in images): output as it comes."""
    done = subprocess.run(argv, check=False)
    if done.returncode != 0:
        raise DrillFailed(f"`{' '.join(argv)}` exited with {done.returncode}")


def prepare_engine() -> None:
    """An engine, Compose v2 and the two base images, from ../shared/containers where needed."""
    with step("engine and Compose v2"):
        if subprocess.run(["docker", "info"], capture_output=True, check=False).returncode != 0:
            check((SHARED / "dockerd-start.sh").exists(), "no Docker engine answers, and ../shared/containers is not here")
            run(shared_script("dockerd-start.sh"))
        compose = subprocess.run(["docker", "compose", "version"], capture_output=True, text=True, check=False)
        if compose.returncode != 0 or (" v2." not in compose.stdout and " 2." not in compose.stdout):
            check((SHARED / "get-compose-v2.sh").exists(), "Compose v2 is missing, and ../shared/containers is not here")
            run(shared_script("get-compose-v2.sh"))
        run(["docker", "version", "--format", "engine {{.Server.Version}} (API {{.Server.APIVersion}})"])
        run(["docker", "compose", "version"])
    mode = os.environ.get("IMAGES", "auto")
    with step(f"base images ({mode})"):
        missing = [image for image in BASE_IMAGES if not image_exists(image)]
        if mode == "pull" or (mode == "auto" and missing and not (SHARED / "standin-images.sh").exists()):
            for image in BASE_IMAGES:
                run(["docker", "pull", "-q", image])
        elif mode == "standin" or missing:
            say(f"no {', '.join(missing) or 'fresh images'} here and no registry: stand-ins from ../shared/containers")
            run_shown(shared_script("standin-images.sh"))
        for image in BASE_IMAGES:
            check(image_exists(image), f"{image} is missing")
            say(f"{image}: {run(['docker', 'image', 'inspect', '-f', '{{.Id}}', image], quiet=True).strip()[:19]}")


def image_exists(image: str) -> bool:
    return subprocess.run(["docker", "image", "inspect", image], capture_output=True, check=False).returncode == 0


@dataclass
class Compose:
    env_file: Path
    private_net: bool

    def argv(self, *args: str, env_file: Path | None = None) -> list[str]:
        files = ["-f", str(ROOT / "docker-compose.yml")]
        if self.private_net:
            files += ["-f", str(PRIVATE_NET)]
        return [
            "docker", "compose", "-p", PROJECT, "--project-directory", str(ROOT),
            "--env-file", str(env_file or self.env_file), *files, *args,
        ]  # fmt: skip

    def __call__(self, *args: str, stdin: Path | None = None, stdout: Path | None = None, quiet: bool = True) -> str:
        return run(self.argv(*args), stdin=stdin, stdout=stdout, quiet=quiet)

    def up(self) -> float:
        """`up -d --wait`: every process healthy; the seconds it took."""
        started = time.monotonic()
        self("up", "-d", "--wait", "--wait-timeout", "180")
        return time.monotonic() - started

    def container(self, service: str) -> str:
        ids = self("ps", "-q", service).split()
        check(len(ids) == 1, f"expected one {service} container, found {ids}")
        return ids[0]

    def down(self, *extra: str) -> None:
        subprocess.run(self.argv("down", "--remove-orphans", "-t", "10", *extra), capture_output=True, check=False)


# --- into the gateway's network namespace ----------------------------------------------------

_CLONE_NEWNET = 0x40000000
_libc = ctypes.CDLL(None, use_errno=True)


def enter_namespace_of(container: str) -> None:
    """Move this thread into the network namespace of `container` (where 127.0.0.1:8000 is the gateway)."""
    pid = run(["docker", "inspect", "-f", "{{.State.Pid}}", container], quiet=True).strip()
    descriptor = os.open(f"/proc/{pid}/ns/net", os.O_RDONLY)
    try:
        if _libc.setns(descriptor, _CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), "setns into the gateway's network namespace")
    finally:
        os.close(descriptor)


# --- the scenario ----------------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n" + random.randbytes(300_000)
PDF = b"%PDF-1.4\n" + random.randbytes(50_000)


def resident_id(birth_date: date, serial: int) -> str:
    """A valid GB 11643 ID number (region 110105, check character computed)."""
    body = f"110105{birth_date:%Y%m%d}{serial % 1000:03d}"
    checksum = (1 - 2 * int(body, 13)) % 11
    return body + ("X" if checksum == 10 else str(checksum))


def eventually(what: str, attempt: Callable[[], T], timeout_s: float = 90.0) -> T:
    """`attempt()` until it returns without failing (a replica catching up, a pool reconnecting)."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            return attempt()
        except (DrillFailed, httpx.HTTPError) as error:
            if time.monotonic() > deadline:
                raise DrillFailed(f"{what}: still failing after {timeout_s:.0f}s: {error}") from error
            time.sleep(0.5)


@dataclass
class Snapshot:
    """What the deployment must still hold: compared after every restart, recreate and restore."""

    orgs: list[str]
    members: dict[str, str]  # member id -> sha256 of its (unmasked) ID number: nothing personal printed
    activities: list[str]
    attachments: dict[str, str]  # attachment id -> sha256 of the bytes served
    audit: list[dict[str, Any]] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{len(self.orgs)} organizations, {len(self.members)} members, {len(self.activities)} activities, "
            f"{len(self.attachments)} attachments, {len(self.audit)} audit rows"
        )


class Api:
    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.client = httpx.Client(base_url=GATEWAY, timeout=30.0)

    def token(self, username: str, password: str) -> dict[str, str]:
        response = self.client.post("/api/v1/auth/token", data={"username": username, "password": password})
        check(response.status_code == 200, f"login of {username}: {response.status_code} {response.text[:200]}")
        return {"Authorization": f"Bearer {response.json()['access_token']}"}

    def business(self) -> dict[str, str]:
        return self.token(self.env["ADMIN_ORG_ADMIN_USERNAME"], self.env["ADMIN_ORG_ADMIN_PASSWORD"])

    def auditor(self) -> dict[str, str]:
        return self.token("drill-auditor", self.env["DRILL_AUDITOR_PASSWORD"])

    def post(self, path: str, headers: dict[str, str], **kwargs: Any) -> dict[str, Any]:
        response = self.client.post(path, headers=headers | {"Idempotency-Key": uuid.uuid4().hex}, **kwargs)
        check(response.status_code == 201, f"POST {path}: {response.status_code} {response.text[:300]}")
        return dict(response.json())

    def all(self, path: str, headers: dict[str, str]) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        cursor: str | None = None
        while True:
            params = {"limit": 200} | ({"cursor": cursor} if cursor else {})
            response = self.client.get(path, headers=headers, params=params)
            check(response.status_code == 200, f"GET {path}: {response.status_code} {response.text[:200]}")
            page = response.json()
            items += page["items"]
            cursor = page.get("next_cursor")
            if not cursor:
                return items

    def write_scenario(self) -> None:
        """The sysadmin makes an auditor; the business administrator makes a small district."""
        admin = self.token(self.env["ADMIN_USERNAME"], self.env["ADMIN_PASSWORD"])
        self.post(
            "/api/v1/users",
            admin,
            json={"username": "drill-auditor", "password": self.env["DRILL_AUDITOR_PASSWORD"], "roles": ["auditor"]},
        )
        headers = self.business()
        county = self.post("/api/v1/orgs", headers, json={"name": "演練縣委", "kind": "committee", "tier": "county"})
        township = self.post(
            "/api/v1/orgs",
            headers,
            json={"name": "演練鎮黨委", "kind": "committee", "tier": "township", "parent_id": county["id"]},
        )
        community = {"kind": "branch", "tier": "community", "parent_id": township["id"]}
        branches = [self.post("/api/v1/orgs", headers, json=community | {"name": f"演練社區{n}支部"}) for n in (1, 2)]
        say("3 levels of organizations written (county, township, 2 community branches)")
        serial = random.randrange(0, 900)
        for n in range(6):
            birth = date(1950, 1, 1) + timedelta(days=3000 * n + random.randrange(0, 1000))
            number = resident_id(birth, serial + n)
            joined = birth.replace(year=birth.year + 25, day=min(birth.day, 28))
            body = {
                "name": f"演練黨員{n}", "sex": "male" if (serial + n) % 2 else "female", "id_number": number,
                "birth_date": birth.isoformat(), "phone": f"1381234{5600 + n:04d}", "education": "junior_high",
                "occupation": "farmer", "party_status": "full", "joined_on": joined.isoformat(),
                "full_on": joined.replace(year=joined.year + 1).isoformat(), "org_id": branches[n % 2]["id"],
            }  # fmt: skip
            # The members service knows an organization once it has read the orgs feed.
            eventually("a member under a new organization", functools.partial(self.post, "/api/v1/members", headers, json=body))
        say("6 members written (valid GB 11643 ID numbers, encrypted at rest)")
        activity_body = {
            "org_id": branches[0]["id"],
            "type": "study_day",
            "title": "演練主題黨日",
            "starts_at": "2026-03-10T09:00:00+08:00",
            "status": "held",
        }
        activity = eventually(
            "an activity under a new organization", lambda: self.post("/api/v1/activities", headers, json=activity_body)
        )
        for content, media_type, name in ((PNG, "image/png", "photo.png"), (PDF, "application/pdf", "minutes.pdf")):
            stored = self.post(
                f"/api/v1/activities/{activity['id']}/attachments",
                headers | {"content-type": media_type},
                params={"filename": name, "kind": "photo" if media_type == "image/png" else "minutes"},
                content=content,
            )
            check(stored["sha256"] == hashlib.sha256(content).hexdigest(), "the stored attachment's digest differs")
        say(f"1 activity with 2 attachments uploaded ({len(PNG) + len(PDF)} bytes)")

    def snapshot(self, *, with_audit: bool = True) -> Snapshot:
        headers = self.business()
        orgs = sorted(o["id"] for o in self.all("/api/v1/orgs", headers))
        members: dict[str, str] = {}
        for member in self.all("/api/v1/members", headers):
            number = member["id_number"]
            check("*" not in number and len(number) == 18, f"member {member['id']}: the ID number is not readable")
            found = self.client.post("/api/v1/members/search", headers=headers, json={"id_number": number})
            check(
                found.status_code == 200 and [m["id"] for m in found.json()["items"]] == [member["id"]],
                f"member {member['id']}: not found by its ID number (blind index) ({found.status_code})",
            )
            members[member["id"]] = hashlib.sha256(number.encode()).hexdigest()
        activities = sorted(a["id"] for a in self.all("/api/v1/activities", headers))
        attachments: dict[str, str] = {}
        for activity_id in activities:
            listed = self.client.get(f"/api/v1/activities/{activity_id}/attachments", headers=headers)
            check(listed.status_code == 200, f"attachments of {activity_id}: {listed.status_code}")
            for attachment in listed.json():
                content = self.client.get(
                    f"/api/v1/activities/{activity_id}/attachments/{attachment['id']}/content", headers=headers
                )
                check(content.status_code == 200, f"attachment {attachment['id']}: {content.status_code} {content.text[:200]}")
                digest = hashlib.sha256(content.content).hexdigest()
                check(
                    digest == attachment["sha256"], f"attachment {attachment['id']}: served bytes differ from the stored digest"
                )
                attachments[attachment["id"]] = digest
        audit: list[dict[str, Any]] = []
        if with_audit:
            auditor = self.auditor()
            verified = self.client.get("/api/v1/audit/verify", headers=auditor)
            check(verified.status_code == 200, f"audit verify: {verified.status_code} {verified.text[:200]}")
            report = verified.json()
            check(report["intact"], f"the audit chain does not verify: {report}")
            audit = self.all("/api/v1/audit", auditor)
        return Snapshot(orgs, members, activities, attachments, audit)


def same(expected: Snapshot, actual: Snapshot, when: str) -> None:
    check(actual.orgs == expected.orgs, f"{when}: organizations {len(expected.orgs)} -> {len(actual.orgs)}")
    check(
        actual.members == expected.members,
        f"{when}: members (or their ID numbers) differ: {len(expected.members)} -> {len(actual.members)}",
    )
    check(actual.activities == expected.activities, f"{when}: activities {len(expected.activities)} -> {len(actual.activities)}")
    check(actual.attachments == expected.attachments, f"{when}: attachments {expected.attachments} -> {actual.attachments}")
    # The audit trail only grows (each login and read is audited): what was there is there unchanged.
    check(actual.audit[: len(expected.audit)] == expected.audit, f"{when}: the audit trail before differs")
    say(f"{when}: all there ({actual.summary()}; audit chain verifies)")


# --- the drill -------------------------------------------------------------------------------


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

    backup = work / "backup"
    backup.mkdir()
    with step("backup (documented: pg_dump, then the attachments)"):
        before = api.snapshot()
        compose("exec", "-T", "postgres", "pg_dump", "-U", "postgres", "-d", "dangjian", "-Fc", stdout=backup / "dangjian.dump")
        compose(
            "exec", "-T", "activities", "tar", "-C", "/app/data", "-cf", "-", "attachments", stdout=backup / "attachments.tar"
        )
        sizes = {p.name: p.stat().st_size for p in sorted(backup.iterdir())}
        say(f"backup files: {sizes}")

    with step("fresh deployment (down -v, up)"):
        compose.down("-v")
        up_times["fresh deployment for the restore"] = compose.up()
        enter_namespace_of(compose.container("gateway"))
        fresh = eventually("reads on the fresh deployment", lambda: api.snapshot(with_audit=False))
        check(not fresh.members and not fresh.attachments, f"the fresh deployment is not empty: {fresh.summary()}")
        say(f"fresh deployment: {fresh.summary()}")

    with step("restore (documented: stop the processes, pg_restore, the attachments, up)"):
        compose("stop", *PROCESSES)
        compose(
            "exec",
            "-T",
            "postgres",
            "pg_restore",
            "-U",
            "postgres",
            "-d",
            "dangjian",
            "--clean",
            "--if-exists",
            stdin=backup / "dangjian.dump",
        )
        compose(
            "run", "--rm", "--no-deps", "-T", "activities", "tar", "-C", "/app/data", "-xf", "-", stdin=backup / "attachments.tar"
        )
        up_times["after the restore"] = compose.up()
        enter_namespace_of(compose.container("gateway"))
        restored = eventually("reads after the restore", api.snapshot)
        same(before, restored, "after the restore")
        check(restored.members == expected.members and restored.attachments == expected.attachments, "restored data differs")

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
        print("\ntimings:")
        for name, seconds in TIMINGS:
            print(f"  {name:<72} {seconds:6.1f}s")
        print(f"  {'total':<72} {time.monotonic() - STARTED:6.1f}s")
        print("make test-compose: " + ("PASSED" if outcome == 0 else "FAILED"), flush=True)
    return outcome


if __name__ == "__main__":
    sys.exit(main())
