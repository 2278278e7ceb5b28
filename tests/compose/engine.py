"""The drill's machinery: its output (steps and their timings), commands, the Docker engine and
base images (from ../shared/containers where no registry is reachable), the `docker compose`
wrapper for the drill's own project, and entering the gateway's network namespace."""

from __future__ import annotations

import contextlib
import ctypes
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHARED = (ROOT.parent / "shared" / "containers").resolve()
PRIVATE_NET = SHARED / "docker-compose.private-net.yml"
PROJECT = os.environ.get("COMPOSE_DRILL_PROJECT", "dangjian-drill")
BASE_IMAGES = ("python:3.11-slim", "postgres:15")
PROCESSES = ("gateway", "orgs", "members", "activities")
STARTED = time.monotonic()


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


# --- commands --------------------------------------------------------------------------------


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


# --- the engine and the base images ----------------------------------------------------------


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


# --- docker compose --------------------------------------------------------------------------


@dataclass
class Compose:
    """`docker compose` for the drill's project (PROJECT), with its env file and, where present,
    the private-network override."""

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
