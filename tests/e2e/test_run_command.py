"""The README's run command: `dangjian run` (what `make run` starts) on the embedded default."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from stack.processes import PROJECT_ROOT
from tests.support import free_port_block, wait_until


def test_run_brings_up_all_four_processes_on_sqlite(tmp_path: Path) -> None:
    port = free_port_block(4)
    env = {k: v for k, v in os.environ.items() if not k.endswith("_DATABASE_URL")}
    env |= {"ADMIN_PASSWORD": "Run-test-password-1", "PORT": str(port), "SERVICE_PORT": str(port + 1), "DATA_DIR": str(tmp_path)}
    log = tmp_path / "run.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "stack", "run"], env=env, cwd=PROJECT_ROOT, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        assert wait_until(lambda: "is up at" in log.read_text(), 60, 0.2), log.read_text()[-3000:]
        base = f"http://127.0.0.1:{port}"
        token = httpx.post(base + "/api/v1/auth/token", data={"username": "admin", "password": "Run-test-password-1"}).json()

        assert httpx.get(base + "/api/v1/orgs").status_code == 401
        # The first administrator is let in, and sees no business data (separation of duties).
        assert httpx.get(base + "/api/v1/me", headers={"Authorization": f"Bearer {token['access_token']}"}).status_code == 200
        assert httpx.get(base + "/api/v1/orgs", headers={"Authorization": f"Bearer {token['access_token']}"}).status_code == 403
        for offset in (1, 2, 3):
            assert httpx.get(f"http://127.0.0.1:{port + offset}/healthz").status_code == 200
        assert {p.name for p in tmp_path.glob("*.db")} == {"gateway.db", "orgs.db", "members.db", "activities.db"}
        assert f"{base}/docs" in log.read_text()
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
    assert process.returncode == 0
