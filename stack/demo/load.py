"""Loading a generated district into a running system through the public API, as a client would.

Organizations, communities, positions, terms, reserve cadres, units, co-building agreements, care
enrolments, activities with their attendance and contacts are POSTed one by one (several at a
time); members go in through the bulk import (`POST /members/import`, csv). The services learn of
each other's data from their event feeds, so the loader waits where a later step needs a replica
to have caught up (members need the org tree; attendance needs the members).
"""

import asyncio
import csv
import io
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from datetime import time as clock
from typing import Any

import httpx

from stack.demo.generate import District, MemberSpec
from stack.demo.progress import Progress

API = "/api/v1"
LOCAL = timezone(timedelta(hours=8))  # the district's local time (the activities policy's zone)
IMPORT_ROWS = 10_000  # under the members policy's 20 000 rows per import
REPLICA_WAIT_S = 120.0


class LoadError(RuntimeError):
    pass


async def login(client: httpx.AsyncClient, username: str, password: str) -> dict[str, str]:
    """The headers of an administrator who may write business data.

    The one place that knows how the demo signs in: if the first account becomes a pure system
    administrator, this is where an org_admin account is made or chosen instead.
    """
    response = await client.post(f"{API}/auth/token", data={"username": username, "password": password})
    if response.status_code != 200:
        raise LoadError(f"login as {username} failed: {response.status_code} {response.text[:200]}")
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


@dataclass
class Loaded:
    """The ids the system gave to the district's keys, and how long each step took."""

    orgs: dict[str, str] = field(default_factory=dict)
    communities: dict[str, str] = field(default_factory=dict)
    members: dict[str, str] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    def org_key(self, org_id: str) -> str:
        return {v: k for k, v in self.orgs.items()}[org_id]


class Loader:
    def __init__(self, client: httpx.AsyncClient, headers: dict[str, str], *, concurrency: int = 8) -> None:
        self.client = client
        self.headers = headers
        self.gate = asyncio.Semaphore(concurrency)
        self.progress = Progress(0)

    async def post(self, path: str, body: Any, *, retry_422_until: float | None = None) -> Any:
        """POST and return the JSON; a 422 is retried until `retry_422_until` (a replica catching up)."""
        while True:
            async with self.gate:
                response = await self.client.post(API + path, json=body, headers=self.headers)
            if response.status_code in (200, 201):
                return response.json()
            if response.status_code == 422 and retry_422_until is not None and time.monotonic() < retry_422_until:
                await asyncio.sleep(0.2)
                continue
            raise LoadError(f"POST {path} → {response.status_code}: {response.text[:500]}")

    async def get(self, path: str, params: dict[str, str]) -> Any:
        async with self.gate:
            response = await self.client.get(API + path, params=params, headers=self.headers)
        if response.status_code != 200:
            raise LoadError(f"GET {path} → {response.status_code}: {response.text[:500]}")
        return response.json()

    async def all_pages(self, path: str, params: dict[str, str]) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        cursor: str | None = None
        while True:
            page = await self.get(path, {**params, "limit": "200"} | ({"cursor": cursor} if cursor else {}))
            items += page["items"]
            cursor = page.get("next_cursor")
            if not cursor:
                return items


async def _each(loader: "Loader", items: list[Any], action: Callable[[Any], Awaitable[Any]]) -> list[Any]:
    async def counted(item: Any) -> Any:
        result = await action(item)
        loader.progress.advance()
        return result

    return list(await asyncio.gather(*(counted(item) for item in items)))


def planned_requests(d: District) -> int:
    """What the progress counts: each item POSTed, and each member imported."""
    lists: list[Any] = [d.orgs, d.communities, {p.org for p in d.positions}, d.terms, d.cadres, d.units, d.agreements]
    return sum(len(items) for items in lists) + len(d.care) + len(d.activities) + len(d.contacts) + len(d.members)


def _at(day: date, hour: int = 9) -> str:
    return datetime.combine(day, clock(hour), LOCAL).isoformat()


async def load(
    district: District,
    client: httpx.AsyncClient,
    headers: dict[str, str],
    *,
    concurrency: int = 8,
    progress: Progress | None = None,
) -> Loaded:
    loader = Loader(client, headers, concurrency=concurrency)
    loader.progress = progress or Progress(planned_requests(district))
    loaded = Loaded()
    step = time.monotonic()

    def lap(name: str) -> None:
        nonlocal step
        now = time.monotonic()
        loaded.timings[name] = round(now - step, 2)
        step = now

    loader.progress.start("organizations and communities")
    await _orgs(loader, loaded, district)
    lap("organizations and communities")
    loader.progress.start("members (import)")
    await _members(loader, loaded, district)
    lap("members")
    loader.progress.start("teams, terms, cadres, units, care")
    await _setup(loader, loaded, district)
    lap("teams, terms, cadres, units, care")
    loader.progress.start("activities, attendance, contacts")
    await _activities(loader, loaded, district)
    lap("activities, attendance, contacts")
    loader.progress.finish()
    return loaded


async def _orgs(loader: Loader, loaded: Loaded, d: District) -> None:
    by_parent: dict[str | None, list[Any]] = {}
    for org in d.orgs:
        by_parent.setdefault(org.parent, []).append(org)
    level = by_parent.get(None, [])
    while level:

        async def create(org: Any) -> None:
            body = {"name": org.name, "kind": org.kind, "tier": org.tier, "established_on": "2010-01-01"}
            if org.parent:
                body["parent_id"] = loaded.orgs[org.parent]
            loaded.orgs[org.key] = (await loader.post("/orgs", body))["id"]

        await _each(loader, level, create)
        level = [child for org in level for child in by_parent.get(org.key, [])]

    async def community(c: Any) -> None:
        body = {
            "name": c.name,
            "township_org_id": loaded.orgs[c.township],
            "party_org_id": loaded.orgs[c.party_org],
            "setting": c.setting,
            "formation_mode": c.formation_mode,
            "guidance_category": c.guidance_category,
            "origin_villages": c.origin_villages,
            "households": c.households,
            "population": c.population,
        }
        loaded.communities[c.key] = (await loader.post("/communities", body))["id"]

    await _each(loader, d.communities, community)


COLUMNS = (
    "name", "sex", "id_number", "birth_date", "education", "occupation", "party_status", "joined_on", "full_on",
    "org_id", "residence_community_id", "whereabouts", "relationship_org", "destination", "contact_person",
    "temporary_address",
)  # fmt: skip


def members_csv(members: list[MemberSpec], loaded: Loaded) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for m in members:
        writer.writerow(
            [
                m.name, m.sex, m.id_number, m.birth_date.isoformat(), m.education, m.occupation, m.party_status,
                m.joined_on.isoformat(), m.full_on.isoformat() if m.full_on else "", loaded.orgs[m.org],
                loaded.communities.get(m.residence_community or "", ""), m.whereabouts,
                m.details.get("relationship_org", ""), m.details.get("destination", ""),
                m.details.get("contact_person", ""), m.details.get("temporary_address", ""),
            ]
        )  # fmt: skip
    return out.getvalue().encode()


async def _import(loader: Loader, body: bytes, *, dry_run: bool) -> httpx.Response:
    async with loader.gate:
        return await loader.client.post(
            f"{API}/members/import",
            params={"dry_run": str(dry_run).lower(), "format": "csv"},
            content=body,
            headers={**loader.headers, "Content-Type": "text/csv; charset=utf-8"},
            timeout=600,
        )


async def _members(loader: Loader, loaded: Loaded, d: District) -> None:
    chunks = [d.members[i : i + IMPORT_ROWS] for i in range(0, len(d.members), IMPORT_ROWS)]
    # The members service knows an organization once its replica of the tree has it: a dry run of
    # the last chunk (its organizations were created last) says when.
    deadline = time.monotonic() + REPLICA_WAIT_S
    last = members_csv(chunks[-1], loaded)
    while True:
        response = await _import(loader, last, dry_run=True)
        report = response.json()
        if response.status_code == 200 and not report["errors"]:
            break
        if time.monotonic() > deadline:
            raise LoadError(f"the members service does not accept the district's members: {str(report)[:800]}")
        await asyncio.sleep(0.3)
    for chunk in chunks:
        response = await _import(loader, members_csv(chunk, loaded), dry_run=False)
        if response.status_code != 200:
            raise LoadError(f"import failed: {response.status_code} {response.text[:800]}")
        loader.progress.advance(len(chunk))
    by_person = {(m.name, m.birth_date.isoformat()): m.key for m in d.members}
    for root in {d.county, d.org(d.outside_org).parent or d.outside_org}:
        for item in await loader.all_pages("/members", {"within": loaded.orgs[root]}):
            key = by_person.get((item["name"], item["birth_date"]))
            if key:
                loaded.members[key] = item["id"]
    missing = [m.key for m in d.members if m.key not in loaded.members]
    if missing:
        raise LoadError(f"{len(missing)} imported members not found again, e.g. {missing[:3]}")


async def _setup(loader: Loader, loaded: Loaded, d: District) -> None:
    async def team(org_key: str) -> None:
        # A whole team at once: a committee of 3 cannot be formed one position at a time.
        body = [
            {
                "member_id": loaded.members[p.member],
                "role": p.role,
                "since": p.since.isoformat(),
                "concurrent_posts": p.concurrent_posts,
            }
            for p in d.positions
            if p.org == org_key
        ]
        await loader.post(f"/orgs/{loaded.orgs[org_key]}/positions/batch", {"positions": body})

    async def term(t: Any) -> None:
        body = {"number": t.number, "started_on": t.started_on.isoformat(), "elected_on": t.started_on.isoformat()}
        await loader.post(f"/orgs/{loaded.orgs[t.org]}/terms", body)

    async def cadre(c: Any) -> None:
        body = {"name": c.name, "birth_date": c.birth_date.isoformat(), "education": c.education, "since": c.since.isoformat()}
        await loader.post(f"/communities/{loaded.communities[c.community]}/reserve-cadres", body)

    async def unit(u: Any) -> None:
        body = {"community_id": loaded.communities[u.community], "name": u.name, "category": u.category}
        loaded.units[u.key] = (await loader.post("/units", body))["id"]

    async def agreement(a: Any) -> None:
        body = {
            "unit_id": loaded.units[a.unit],
            "community_id": loaded.communities[a.community],
            "started_on": a.started_on.isoformat(),
            "content": a.content,
        }
        await loader.post("/co-building", body)

    async def care(c: Any) -> None:
        body: dict[str, Any] = {"program": c.program, "enrolled_on": c.enrolled_on.isoformat()}
        if c.program == "green_channel":
            body |= {"grounds": c.grounds, "services": c.services}
        else:
            body |= {"target_level": c.target_level, "school": "區委黨校學歷進修班"}
        await loader.post(f"/members/{loaded.members[c.member]}/care", body)

    async def units_then_agreements() -> None:
        await _each(loader, d.units, unit)
        await _each(loader, d.agreements, agreement)

    # Independent of each other: the services work on them side by side (the gate bounds the total).
    await asyncio.gather(
        _each(loader, sorted({p.org for p in d.positions}), team),
        _each(loader, d.terms, term),
        _each(loader, d.cadres, cadre),
        units_then_agreements(),
        _each(loader, d.care, care),
    )


async def _activities(loader: Loader, loaded: Loaded, d: District) -> None:
    deadline = time.monotonic() + REPLICA_WAIT_S
    # Home services may only be logged once the activities service knows who is in the green
    # channel: wait until its work list holds every enrolled member (none is served yet).
    green = sum(1 for c in d.care if c.program == "green_channel")
    period = str(d.as_of.year)
    while green:
        listed = await loader.all_pages("/compliance/green-channel-unserved", {"within": loaded.orgs[d.county], "period": period})
        if len(listed) >= green:
            break
        if time.monotonic() > deadline:
            raise LoadError(f"the activities service lists {len(listed)} of {green} green-channel members")
        await asyncio.sleep(0.3)

    async def activity(a: Any) -> None:
        body: dict[str, Any] = {
            "org_id": loaded.orgs[a.org],
            "type": a.type,
            "title": a.title,
            "starts_at": _at(a.day),
            "ends_at": _at(a.day, 11),
            "status": "held",
        }
        if a.served_member:
            body["served_member_id"] = loaded.members[a.served_member]
        created = await loader.post("/activities", body, retry_422_until=deadline)
        records = [{"member_id": loaded.members[k], "status": "present"} for k in a.present]
        records += [{"member_id": loaded.members[k], "status": "absent"} for k in a.absent]
        if records:
            await loader.post(f"/activities/{created['id']}/attendance", {"records": records}, retry_422_until=deadline)

    async def contact(c: Any) -> None:
        body = {
            "org_id": loaded.orgs[c.org],
            "member_id": loaded.members[c.member],
            "contacted_on": c.day.isoformat(),
            "kind": c.kind,
            "channel": c.channel,
        }
        await loader.post("/contacts", body, retry_422_until=deadline)

    await asyncio.gather(_each(loader, d.activities, activity), _each(loader, d.contacts, contact))


async def load_into(url: str, username: str, password: str, *, scale: float, seed: int, as_of: date) -> Loaded:
    """Generate the district and load it into the gateway at `url`."""
    from stack.demo.generate import generate

    district = generate(seed=seed, scale=scale, as_of=as_of)
    async with httpx.AsyncClient(base_url=url, timeout=120) as client:
        headers = await login(client, username, password)
        return await load(district, client, headers)
