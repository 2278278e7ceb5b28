"""The demo district loaded once per test session into the live stack, through the gateway.

Session-scoped so that every test of the demo (the diagnostics here, the survey comparison)
reads the same district: a second load of the same seed would be refused by the member import.
"""

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
import pytest

from stack.demo.generate import District, generate
from stack.demo.load import Loaded, load, login
from tests.support import ORG_ADMIN_PASSWORD, ORG_ADMIN_USERNAME, LiveStack

DEMO_SEED = 11
DEMO_SCALE = 0.1


@dataclass(frozen=True)
class LoadedDistrict:
    district: District
    loaded: Loaded

    @property
    def county_id(self) -> str:
        return self.loaded.orgs[self.district.county]


async def _load(url: str, district: District) -> Loaded:
    async with httpx.AsyncClient(base_url=url, timeout=120) as client:
        headers = await login(client, ORG_ADMIN_USERNAME, ORG_ADMIN_PASSWORD)
        return await load(district, client, headers, concurrency=4)


@pytest.fixture(scope="session")
def demo_district(live: LiveStack) -> LoadedDistrict:
    # As of today (UTC): the members service refuses dates after its own today.
    district = generate(seed=DEMO_SEED, scale=DEMO_SCALE, as_of=datetime.now(UTC).date())
    return LoadedDistrict(district, asyncio.run(_load(live.url(), district)))
