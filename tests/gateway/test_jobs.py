"""`GET /api/v1/jobs`: every process's scheduled jobs with their intervals (settings), last runs and
next due times, composed by the gateway from each service's `GET /jobs` over HTTP; for the system
administrator only; a service that does not answer is listed as unavailable, not a 500."""

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import datetime
from typing import Any

import httpx

from gateway.app import create_app as create_gateway
from services.activities.app import create_app as create_activities
from services.activities.settings import ActivitiesSettings
from services.kit.peers import PeerClient
from services.members.app import create_app as create_members
from services.members.settings import MembersSettings
from services.orgs.app import create_app as create_orgs
from services.orgs.settings import OrgsSettings
from tests.gateway.conftest import GatewayFactory, settings_for, sysadmin
from tests.support import SuiteDatabase, Tokens, free_port_block, in_process

MEMBERS_JOBS = [
    "members.reencrypt",
    "members.lost_contact",
    "members.floating",
    "members.probation",
    "members.dues_arrears",
    "members.rollups",
    "members.partitions",
]
FAST = {"run_scheduler": True, "scheduler_tick_s": 0.05}


def _service(test_db: SuiteDatabase, name: str, **settings: Any) -> dict[str, Any]:
    return {"data_dir": test_db.data_dir, "database_url": test_db.urls[name], "json_logs": False} | settings


@asynccontextmanager
async def four_processes(test_db: SuiteDatabase) -> AsyncIterator[httpx.AsyncClient]:
    """The gateway and the three services in process, the gateway's peer clients speaking HTTP to
    the services' apps. The gateway and orgs run their schedulers with short intervals set through
    their settings; members and activities run none (their intervals are still settings)."""
    apps = {
        "orgs": create_orgs(OrgsSettings(**_service(test_db, "orgs", **FAST, job_intervals={"terms_s": 0.3}))),
        "members": create_members(
            MembersSettings(**_service(test_db, "members", consume_feeds=False, job_intervals={"probation_s": 120}))
        ),
        "activities": create_activities(ActivitiesSettings(**_service(test_db, "activities", consume_feeds=False))),
    }
    gateway = create_gateway(settings_for(test_db, **FAST, audit_checkpoint_interval_s=0.3))
    async with AsyncExitStack() as stack:
        for app in apps.values():
            await stack.enter_async_context(in_process(app))
        client = await stack.enter_async_context(in_process(gateway))
        gateway.state.peers = {
            name: PeerClient(name, f"http://{name}", retries=0, transport=httpx.ASGITransport(app=app))
            for name, app in apps.items()
        }
        for peer in gateway.state.peers.values():
            stack.push_async_callback(peer.aclose)
        yield client


def _by_process(answer: httpx.Response) -> dict[str, dict[str, Any]]:
    assert answer.status_code == 200, answer.text
    return {process["process"]: process for process in answer.json()["processes"]}


def _job(process: dict[str, Any], name: str) -> dict[str, Any]:
    return next(job for job in process["jobs"] if job["name"] == name)


async def test_every_process_lists_its_jobs_with_their_last_runs(test_db: SuiteDatabase) -> None:
    async with four_processes(test_db) as client:
        admin = await sysadmin(client)
        deadline = time.monotonic() + 30  # generous: a loaded machine; done as soon as both ran
        while True:
            processes = _by_process(await client.get("/api/v1/jobs", headers=admin))
            runs = [_job(processes["gateway"], "gateway.audit_checkpoint"), _job(processes["orgs"], "orgs.terms")]
            if all(job["last_run"] for job in runs) or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.1)

    assert list(processes) == ["gateway", "orgs", "members", "activities"]
    assert all(process["available"] for process in processes.values())
    checkpoint, terms = runs
    assert checkpoint["interval_s"] == 0.3
    assert terms["interval_s"] == 0.3
    for job in runs:
        last = job["last_run"]
        assert last is not None, job
        assert last["outcome"] == "ok"
        assert last["error"] is None
        started, finished = datetime.fromisoformat(last["started_at"]), datetime.fromisoformat(last["finished_at"])
        assert started <= finished
        assert started.utcoffset() is not None
        assert datetime.fromisoformat(job["next_run_at"]) > started
    assert terms["last_run"]["detail"].startswith("due ")
    assert processes["orgs"]["scheduler_running"] is True
    assert processes["orgs"]["tick_s"] == 0.05

    members = processes["members"]
    assert [job["name"] for job in members["jobs"]] == MEMBERS_JOBS
    assert _job(members, "members.probation")["interval_s"] == 120
    assert _job(members, "members.floating")["interval_s"] == 3600
    assert members["scheduler_running"] is False
    assert [job["name"] for job in processes["activities"]["jobs"]] == ["activities.study_hours", "activities.partitions"]


async def test_only_the_system_administrator_sees_the_jobs(gateway_with: GatewayFactory, tokens: Tokens) -> None:
    async with gateway_with() as client:
        org_admin = await client.get("/api/v1/jobs", headers=tokens.headers("org_admin"))
        auditor = await client.get("/api/v1/jobs", headers=tokens.headers("auditor"))
        nobody = await client.get("/api/v1/jobs")

    assert org_admin.status_code == 403
    assert org_admin.json()["type"] == "/problems/forbidden"
    assert auditor.status_code == 403
    assert nobody.status_code == 401


async def test_a_service_asked_directly_admits_only_the_system_administrator(
    orgs_client: httpx.AsyncClient, tokens: Tokens
) -> None:
    refused = await orgs_client.get("/jobs", headers=tokens.headers("org_admin"))
    admitted = await orgs_client.get("/jobs", headers=tokens.headers("sysadmin"))

    assert refused.status_code == 403
    assert admitted.status_code == 200
    assert admitted.json()["process"] == "orgs"
    assert [job["name"] for job in admitted.json()["jobs"]] == ["orgs.terms", "orgs.partitions"]


async def test_a_service_that_is_down_is_listed_unavailable(gateway_with: GatewayFactory) -> None:
    down = f"http://127.0.0.1:{free_port_block(1)}"
    async with gateway_with(orgs_url=down, members_url=down, activities_url=down) as client:
        answer = await client.get("/api/v1/jobs", headers=await sysadmin(client))

    processes = _by_process(answer)
    assert processes["gateway"]["available"] is True
    assert {"gateway.audit_checkpoint", "gateway.revocations_prune"} <= {job["name"] for job in processes["gateway"]["jobs"]}
    for name in ("orgs", "members", "activities"):
        assert processes[name]["available"] is False
        assert processes[name]["jobs"] == []
        assert processes[name]["reason"]
