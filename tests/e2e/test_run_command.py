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
    env |= {"ADMIN_ORG_ADMIN_USERNAME": "district", "ADMIN_ORG_ADMIN_PASSWORD": "Run-district-password-1"}
    log = tmp_path / "run.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "stack", "run"], env=env, cwd=PROJECT_ROOT, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        assert wait_until(lambda: "is up at" in log.read_text(), 60, 0.2), log.read_text()[-3000:]
        base = f"http://127.0.0.1:{port}"
        admin = httpx.post(base + "/api/v1/auth/token", data={"username": "admin", "password": "Run-test-password-1"}).json()
        district = httpx.post(
            base + "/api/v1/auth/token", data={"username": "district", "password": "Run-district-password-1"}
        ).json()

        assert httpx.get(base + "/api/v1/orgs").status_code == 401
        assert (
            httpx.get(base + "/api/v1/orgs", headers={"Authorization": f"Bearer {district['access_token']}"}).status_code == 200
        )
        # The first administrator manages accounts and sees no business data.
        assert httpx.get(base + "/api/v1/orgs", headers={"Authorization": f"Bearer {admin['access_token']}"}).status_code == 403
        assert httpx.get(base + "/api/v1/users", headers={"Authorization": f"Bearer {admin['access_token']}"}).status_code == 200
        for offset in (1, 2, 3):
            assert httpx.get(f"http://127.0.0.1:{port + offset}/healthz").status_code == 200
        assert {p.name for p in tmp_path.glob("*.db")} == {"gateway.db", "orgs.db", "members.db", "activities.db"}
        assert f"{base}/docs" in log.read_text()
        assert "ADMIN_ORG_ADMIN_USERNAME" in log.read_text()  # how to get a business account
        # The banner names the accounts that exist, and its login line works as written.
        banner = log.read_text()
        accounts = next(line for line in banner.splitlines() if line.startswith("Accounts: "))
        assert "admin (sysadmin)" in accounts
        assert "district (org_admin)" in accounts
        login = next(line.strip() for line in banner.splitlines() if line.strip().startswith("TOKEN=$("))
        shell = subprocess.run(
            ["bash", "-c", login + '\nprintf %s "$TOKEN"'], env=env, capture_output=True, text=True, timeout=60, check=True
        )
        assert httpx.get(base + "/api/v1/orgs", headers={"Authorization": f"Bearer {shell.stdout}"}).status_code == 200
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
    assert process.returncode == 0
