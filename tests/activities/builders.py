"""Builders for activities test data: through the HTTP API, or as the feeds announce it."""

import uuid
from typing import Any

import httpx
from sqlalchemy import func, select

from services.activities.events import apply_member_event, apply_org_event
from services.activities.models import Attendance, StudyRecord
from services.kit.db import Database
from tests.activities.conftest import Replicas, event


async def create_activity(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    *,
    org_id: str,
    type: str = "study_day",
    starts_at: str = "2026-03-10T09:00:00+08:00",
    ends_at: str | None = None,
    status: str = "held",
    **extra: Any,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "org_id": org_id,
        "type": type,
        "title": f"{type} {starts_at[:10]}",
        "starts_at": starts_at,
        "status": status,
    }
    if ends_at:
        body["ends_at"] = ends_at
    body.update(extra)
    response = await client.post("/api/v1/activities", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


# ---------------------------------------------------------------- study hours

TRAINING_DAY = "2026-03-10T09:00:00+08:00"


async def study_member(
    replicas: Replicas,
    *,
    org_id: str,
    birth_date: str = "1970-05-01",
    joined_on: str = "1995-07-01",
    care_programs: list[str] | None = None,
    state: str = "normal",
) -> str:
    """A member as the members feed announces them, with the birth and joining dates study hours use."""
    member_id = str(uuid.uuid4())
    payload = {
        "id": member_id,
        "version": 1,
        "name": f"黨員{member_id[:4]}",
        "sex": "female",
        "birth_date": birth_date,
        "education": "secondary",
        "org_id": org_id,
        "residence_community_id": None,
        "party_status": "full",
        "state": state,
        "whereabouts": "resident",
        "joined_on": joined_on,
        "full_on": None,
        "care_programs": care_programs or [],
    }
    async with replicas.db.write_sessions() as session:
        await apply_member_event(session, event("member.created", payload))
        await session.commit()
    return member_id


async def position(
    replicas: Replicas, *, org_id: str, member_id: str, role: str, since: str = "2024-01-01", until: str | None = None
) -> None:
    """A team position as the orgs feed announces it (orgs' `position.created`)."""
    payload: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "org_id": org_id,
        "member_id": member_id,
        "role": role,
        "since": since,
        "until": until,
        "source": "elected",
        "concurrent_posts": [],
        "version": 1,
    }
    async with replicas.db.write_sessions() as session:
        await apply_org_event(session, event("position.created", payload))
        await session.commit()


async def records_of(db: Database, member_id: str) -> int:
    async with db.read_sessions() as session:
        stmt = select(func.count()).where(StudyRecord.member_id == uuid.UUID(member_id))
        return int(await session.scalar(stmt) or 0)


async def attendance_of(db: Database, activity_id: str) -> int:
    async with db.read_sessions() as session:
        stmt = select(func.count()).where(Attendance.activity_id == uuid.UUID(activity_id))
        return int(await session.scalar(stmt) or 0)


async def self_study(
    client: httpx.AsyncClient, headers: dict[str, str], member_id: str, *, on: str = "2026-03-12", hours: str = "2"
) -> httpx.Response:
    body = {"member_id": member_id, "studied_on": on, "hours": hours, "title": "自學《黨章》"}
    return await client.post("/api/v1/study/records", json=body, headers=headers)


async def approved(client: httpx.AsyncClient, headers: dict[str, str], member_id: str, **kwargs: Any) -> dict[str, Any]:
    created = await self_study(client, headers, member_id, **kwargs)
    assert created.status_code == 201, created.text
    decided = await client.post(
        f"/api/v1/study/records/{created.json()['id']}/decision", json={"status": "approved"}, headers=headers
    )
    assert decided.status_code == 200, decided.text
    return dict(decided.json())


async def standing(
    client: httpx.AsyncClient, headers: dict[str, str], member_id: str, as_of: str = "2026-03-31"
) -> dict[str, Any]:
    response = await client.get(f"/api/v1/study/members/{member_id}", params={"as_of": as_of}, headers=headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def attend(
    client: httpx.AsyncClient, headers: dict[str, str], activity_id: str, records: list[dict[str, Any]]
) -> httpx.Response:
    return await client.post(f"/api/v1/activities/{activity_id}/attendance", json={"records": records}, headers=headers)
