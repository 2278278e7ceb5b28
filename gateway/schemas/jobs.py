"""Shapes of the scheduled jobs of every process (`/api/v1/jobs`)."""

from pydantic import Field

from services.kit.scheduler import ProcessJobs
from services.kit.schemas import Schema


class JobsOverview(Schema):
    """Every process's scheduled jobs: the gateway's own, then each service's (`GET /jobs` of each)."""

    processes: list[ProcessJobs] = Field(description="gateway, orgs, members, activities; one that did not answer is unavailable")
