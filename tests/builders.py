"""Keyword-only builders for test data, through the HTTP API."""

import itertools
import random
import uuid
from datetime import date, timedelta
from typing import Any

import httpx


def unique_code(prefix: str = "T") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


async def create_org(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    *,
    tier: str,
    kind: str = "committee",
    parent_id: str | None = None,
    name: str | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {"name": name or f"{tier} {uuid.uuid4().hex[:6]}", "kind": kind, "tier": tier, "code": unique_code()}
    if parent_id:
        body["parent_id"] = parent_id
    response = await client.post("/api/v1/orgs", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def create_tree(client: httpx.AsyncClient, headers: dict[str, str]) -> dict[str, dict[str, Any]]:
    """county → two townships → a community under the first, with a branch inside it."""
    county = await create_org(client, headers, tier="county")
    township_a = await create_org(client, headers, tier="township", parent_id=county["id"])
    township_b = await create_org(client, headers, tier="township", parent_id=county["id"])
    community = await create_org(client, headers, tier="community", kind="general_branch", parent_id=township_a["id"])
    branch = await create_org(client, headers, tier="inner", kind="branch", parent_id=community["id"])
    return {"county": county, "township_a": township_a, "township_b": township_b, "community": community, "branch": branch}


# Resident ID numbers (GB 11643) that are valid and unique within a test session: a running
# number picks the birth date and the serial, so thousands of members never collide.
_ID_COUNTER = itertools.count(random.randrange(0, 2_000_000, 1000))
ID_REGION = "110105"  # 北京市朝陽區, a region code python-stdnum knows


def resident_id(birth_date: date, serial: int, region: str = ID_REGION) -> str:
    """The ID number issued in `region` to someone born on `birth_date` with the 3-digit `serial` (odd = male)."""
    body = f"{region}{birth_date:%Y%m%d}{serial % 1000:03d}"
    checksum = (1 - 2 * int(body, 13)) % 11
    return body + ("X" if checksum == 10 else str(checksum))


def next_person(*, born_after: date = date(1940, 1, 1)) -> tuple[str, date, str]:
    """A fresh (ID number, birth date, sex) triple."""
    n = next(_ID_COUNTER)
    birth_date = born_after + timedelta(days=(n // 1000) % 20000)
    serial = n % 1000
    return resident_id(birth_date, serial), birth_date, "male" if serial % 2 else "female"


def member_body(*, org_id: str, **overrides: Any) -> dict[str, Any]:
    """A valid new member record under `org_id` (joined at 25, full a year later); a `birth_date`
    in overrides gets a matching ID number and sex unless those are given too."""
    if "birth_date" in overrides:
        birth_date = date.fromisoformat(overrides["birth_date"])
        serial = next(_ID_COUNTER) % 1000
        id_number, sex = resident_id(birth_date, serial), "male" if serial % 2 else "female"
    else:
        id_number, birth_date, sex = next_person()
    joined_on = _years_after(birth_date, 25)
    body: dict[str, Any] = {
        "name": f"黨員{uuid.uuid4().hex[:4]}",
        "sex": sex,
        "id_number": id_number,
        "birth_date": birth_date.isoformat(),
        "phone": "13812345678",
        "education": "junior_high",
        "occupation": "farmer",
        "party_status": "full",
        "joined_on": joined_on.isoformat(),
        "full_on": _years_after(joined_on, 1).isoformat(),
        "org_id": org_id,
    }
    return body | overrides


def _years_after(day: date, years: int) -> date:
    return day.replace(year=day.year + years, day=min(day.day, 28))
