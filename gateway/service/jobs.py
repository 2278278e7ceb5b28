"""The scheduled jobs of all four processes, composed: the gateway's own from its tables, each
service's from its `GET /jobs` over HTTP with the caller's own token (the service checks the role
too). A service that does not answer is listed as unavailable; the others are still shown."""

import asyncio

import httpx
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.schemas.jobs import JobsOverview
from services.kit.peers import PeerClient, PeerUnavailable
from services.kit.scheduler import ProcessJobs, Scheduler


async def _service_jobs(name: str, peer: PeerClient, authorization: str) -> ProcessJobs:
    try:
        response = await peer.request("GET", "/jobs", headers={"authorization": authorization})
        if response.status_code != 200:
            return ProcessJobs(process=name, available=False, reason=f"status {response.status_code}")
        answer = ProcessJobs.model_validate(response.json())
    except PeerUnavailable as unavailable:
        return ProcessJobs(process=name, available=False, reason=unavailable.reason)
    except (httpx.HTTPError, ValueError, ValidationError) as error:
        return ProcessJobs(process=name, available=False, reason=type(error).__name__)
    return answer.model_copy(update={"process": name})


async def overview(session: AsyncSession, scheduler: Scheduler, peers: dict[str, PeerClient], authorization: str) -> JobsOverview:
    own = await scheduler.overview(session)
    services = await asyncio.gather(*(_service_jobs(name, peer, authorization) for name, peer in peers.items()))
    return JobsOverview(processes=[own, *services])
