"""Done when: a due item produces exactly one reminder per responsible account (also when the job
runs again); the fake SMS gateway receives it; a failing gateway is retried and every attempt
recorded; quiet hours hold; another township's account does not get it and cannot read it.

The gateway runs in process with the three services in process behind it, reached over HTTP
(ASGI) by the reminder job as in a deployment; the SMS gateway is a real HTTP server on a free
port (`receiver`). Time is pinned by passing `now` to the job and the worker."""

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from gateway.app import create_app as create_gateway
from gateway.events.ingest import OwnServiceToken, apply_orgs_event
from gateway.notify.delivery import Notifier
from gateway.notify.models import NoticeContact
from gateway.notify.rules import NotifySettings
from services.activities.app import create_app as create_activities
from services.activities.events import apply_org_event
from services.activities.settings import ActivitiesSettings
from services.kit.db import Database
from services.kit.peers import PeerClient
from services.kit.tree import child_path
from services.members.app import create_app as create_members
from services.members.events import apply_org_event as apply_members_org_event
from services.members.settings import MembersSettings
from services.orgs.app import create_app as create_orgs
from services.orgs.settings import OrgsSettings
from tests.builders import member_body
from tests.gateway.conftest import (
    Receiver,
    bearer,
    create_account,
    feed_event,
    gateway_settings,
    secadmin,
    sysadmin,
    token_of,
)
from tests.support import SuiteDatabase, Tokens, in_process

CREDENTIAL = "sms-key-of-the-test"  # a made-up credential of the fake gateway
# 11:00 in Beijing on a Monday; 23:00 is in the quiet hours (22:00-07:00), 07:00 ends them.
DAY = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)
NIGHT = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)
MORNING = datetime(2026, 12, 7, 23, 0, tzinfo=UTC)


@dataclass
class Stack:
    gateway: httpx.AsyncClient
    orgs: httpx.AsyncClient
    db: Database
    activities_db: Database
    notifier: Notifier
    tokens: Tokens
    members: httpx.AsyncClient
    members_db: Database
    security: dict[str, str] = field(default_factory=dict)  # a secadmin's headers, made once
    sysadmin: dict[str, str] = field(default_factory=dict)

    async def org(self, parent: dict[str, Any] | None, tier: str, kind: str = "committee") -> dict[str, Any]:
        """An organization made in the orgs service and known to the gateway's replica."""
        body = {"name": f"org {uuid.uuid4().hex[:6]}", "kind": kind, "tier": tier}
        if parent:
            body["parent_id"] = parent["id"]
        response = await self.orgs.post("/api/v1/orgs", json=body, headers=self.tokens.headers())
        assert response.status_code == 201, response.text
        made = dict(response.json())
        made["path"] = child_path(parent["path"] if parent else None, uuid.UUID(made["id"]))
        snapshot = {"id": made["id"], "parent_id": made["parent_id"], "path": made["path"], "version": made["version"]}
        async with self.db.write_sessions() as session:
            await apply_orgs_event(session, feed_event("org.created", uuid.UUID(made["id"]), snapshot))
            await session.commit()
        # The activities service knows it too (its feed is not consumed in tests): the study list asks by root.
        full = snapshot | {key: made[key] for key in ("name", "code", "kind", "tier", "status", "community_id", "setting")}
        async with self.activities_db.write_sessions() as session:
            await apply_org_event(session, feed_event("org.created", uuid.UUID(made["id"]), full))
            await session.commit()
        async with self.members_db.write_sessions() as session:  # members file and list members under it
            await apply_members_org_event(session, feed_event("org.created", uuid.UUID(made["id"]), full))
            await session.commit()
        return made

    async def overdue_term(self, org: dict[str, Any]) -> dict[str, Any]:
        body = {"number": 1, "started_on": "2015-01-10"}
        response = await self.orgs.post(f"/api/v1/orgs/{org['id']}/terms", json=body, headers=self.tokens.headers())
        assert response.status_code == 201, response.text
        return dict(response.json())

    async def admin(self, org: dict[str, Any], phone: str | None = None) -> dict[str, str]:
        """An org_admin of `org` logged in (with a phone for SMS when given)."""
        if not self.security:
            self.sysadmin = await sysadmin(self.gateway)
            self.security = (await secadmin(self.gateway, self.sysadmin))[1]
        account = await create_account(self.gateway, self.sysadmin)
        assigned = await self.gateway.put(
            f"/api/v1/users/{account['id']}/roles",
            json={"roles": ["org_admin"], "scope_org_id": org["id"]},
            headers=self.security | {"If-Match": "*"},
        )
        assert assigned.status_code == 200, assigned.text
        headers = bearer((await token_of(self.gateway, account["username"]))["access_token"])
        if phone:
            response = await self.gateway.put("/api/v1/notifications/contact", json={"phone": phone}, headers=headers)
            assert response.status_code == 200, response.text
        return headers

    async def floating_member(self, org: dict[str, Any], since: str) -> dict[str, Any]:
        """A member of `org` floating out since `since` (no fixed place), filed in the members service."""
        filed = await self.members.post("/api/v1/members", json=member_body(org_id=org["id"]), headers=self.tokens.headers())
        assert filed.status_code == 201, filed.text
        body = {"whereabouts": "floating_out", "since": since, "details": {"destination": "東莞", "fixed_place": False}}
        moved = await self.members.put(
            f"/api/v1/members/{filed.json()['id']}/whereabouts", json=body, headers=self.tokens.headers() | {"If-Match": "*"}
        )
        assert moved.status_code == 200, moved.text
        return dict(filed.json())

    async def member_account(self, member_id: str) -> dict[str, str]:
        """A member's own account, linked to their record, logged in."""
        if not self.security:
            self.sysadmin = await sysadmin(self.gateway)
            self.security = (await secadmin(self.gateway, self.sysadmin))[1]
        account = await create_account(self.gateway, self.sysadmin)
        assigned = await self.gateway.put(
            f"/api/v1/users/{account['id']}/roles",
            json={"roles": ["member"], "member_id": member_id},
            headers=self.security | {"If-Match": "*"},
        )
        assert assigned.status_code == 200, assigned.text
        return bearer((await token_of(self.gateway, account["username"]))["access_token"])

    async def run_reminders(self, now: datetime) -> str:
        async with self.db.write_sessions() as session:
            outcome = await self.notifier.run_reminders(session, now=now)
            await session.commit()
        return outcome

    async def inbox(self, headers: dict[str, str], **params: Any) -> list[dict[str, Any]]:
        response = await self.gateway.get("/api/v1/notifications", params=params, headers=headers)
        assert response.status_code == 200, response.text
        return list(response.json()["items"])


def _common(test_db: SuiteDatabase, name: str) -> dict[str, Any]:
    return {"data_dir": test_db.data_dir, "database_url": test_db.urls[name], "json_logs": False, "run_scheduler": False}


@pytest.fixture
async def stack(test_db: SuiteDatabase, tokens: Tokens, receiver: Receiver) -> AsyncIterator[Stack]:
    services = {
        "orgs": create_orgs(OrgsSettings(**_common(test_db, "orgs"))),
        "members": create_members(MembersSettings(**_common(test_db, "members"), consume_feeds=False)),
        "activities": create_activities(ActivitiesSettings(**_common(test_db, "activities"), consume_feeds=False)),
    }
    notify = NotifySettings(sms_url=receiver.url, sms_credential=CREDENTIAL, sms_template="SMS_0001", deliver=False)
    gateway_app = create_gateway(gateway_settings(test_db, notify=notify))
    async with (
        in_process(services["orgs"]) as orgs,
        in_process(services["members"]) as members,
        in_process(services["activities"]),
        in_process(gateway_app) as gateway,
    ):
        notifier: Notifier = gateway_app.state.notifier
        token = OwnServiceToken(gateway_app)
        # The job's peers reach the in-process services over HTTP (ASGI) instead of a port.
        notifier.peers = {
            name: PeerClient(name, "http://testserver", token_source=token, transport=httpx.ASGITransport(app=app))
            for name, app in services.items()
        }
        yield Stack(
            gateway=gateway,
            orgs=orgs,
            db=gateway_app.state.db,
            activities_db=services["activities"].state.db,
            notifier=notifier,
            tokens=tokens,
            members=members,
            members_db=services["members"].state.db,
        )
        for peer in notifier.peers.values():
            await peer.aclose()


async def district(stack: Stack) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any], dict[str, Any]]:
    county = await stack.org(None, "county")
    east, west = await stack.org(county, "township"), await stack.org(county, "township")
    community = await stack.org(east, "community", kind="branch")
    return county, east, west, community


class TestReminders:
    async def test_a_due_item_gives_one_notice_per_responsible_account_however_often_the_job_runs(self, stack: Stack) -> None:
        county, east, west, community = await district(stack)
        term = await stack.overdue_term(community)
        east_admins = [await stack.admin(east), await stack.admin(east)]
        west_admin, county_admin = await stack.admin(west), await stack.admin(county)

        first = await stack.run_reminders(DAY)
        await stack.run_reminders(DAY + timedelta(hours=1))
        await stack.run_reminders(DAY + timedelta(days=1))

        assert "new notices" in first, first
        assert "unread" not in first, first
        for headers in east_admins:
            notices = [n for n in await stack.inbox(headers) if n["item_id"] == term["id"]]
            assert len(notices) == 1
            [notice] = notices
            assert (notice["kind"], notice["org_id"], notice["due_on"]) == ("term_due", community["id"], term["ends_on"])
            assert notice["title"].startswith("换届提醒")
        # The nearest administrators are responsible: not the county's, not another township's.
        assert await stack.inbox(west_admin) == []
        assert await stack.inbox(county_admin) == []

    async def test_a_root_only_the_gateway_knows_leaves_every_list_readable(self, stack: Stack) -> None:
        # The gateway's copy of the tree may hold a root the services never had (or dissolved): the
        # lists asked once per root answer 404 for it, which means nothing is due there.
        _, _, _, community = await district(stack)
        await stack.overdue_term(community)
        stranger = uuid.uuid4()
        snapshot = {"id": str(stranger), "parent_id": None, "path": child_path(None, stranger), "version": 1}
        async with stack.db.write_sessions() as session:
            await apply_orgs_event(session, feed_event("org.created", stranger, snapshot))
            await session.commit()

        outcome = await stack.run_reminders(DAY)

        assert "unread" not in outcome, outcome

    async def test_another_townships_account_cannot_read_or_mark_a_notice(self, stack: Stack) -> None:
        _, east, west, community = await district(stack)
        await stack.overdue_term(community)
        owner, stranger = await stack.admin(east), await stack.admin(west)
        await stack.run_reminders(DAY)
        [notice] = await stack.inbox(owner)

        assert (await stack.gateway.get(f"/api/v1/notifications/{notice['id']}", headers=stranger)).status_code == 404
        assert (await stack.gateway.post(f"/api/v1/notifications/{notice['id']}/read", headers=stranger)).status_code == 404
        assert (await stack.gateway.get(f"/api/v1/notifications/{uuid.uuid4()}", headers=owner)).status_code == 404
        service = stack.tokens.headers("service")
        assert (await stack.gateway.get("/api/v1/notifications", headers=service)).status_code == 403

    async def test_marking_read(self, stack: Stack) -> None:
        _, east, _, community = await district(stack)
        await stack.overdue_term(community)
        owner = await stack.admin(east)
        await stack.run_reminders(DAY)
        [notice] = await stack.inbox(owner, unread="true")

        marked = await stack.gateway.post(f"/api/v1/notifications/{notice['id']}/read", headers=owner)

        assert marked.status_code == 200, marked.text
        assert marked.json()["read_at"] is not None
        assert await stack.inbox(owner, unread="true") == []
        assert [n["id"] for n in await stack.inbox(owner, unread="false")] == [notice["id"]]


class TestFloatingReports:
    """A floating member's missing periodic report (定期匯報): to the member's own account and the
    responsible administrators, once per missing period; a report clears it."""

    async def test_once_per_account_cleared_by_a_report_and_due_again_after_the_next_interval(self, stack: Stack) -> None:
        _, east, west, community = await district(stack)
        admins, west_admin = [await stack.admin(east), await stack.admin(east)], await stack.admin(west)
        member = await stack.floating_member(community, since="2026-01-05")
        own = await stack.member_account(member["id"])

        async def missing(headers: dict[str, str]) -> list[tuple[str, str]]:
            notices = await stack.inbox(headers)
            return [(n["item_id"], n["due_on"]) for n in notices if n["kind"] == "floating_report_missing"]

        async def listed_missing() -> list[str]:
            params = {"within": east["id"], "as_of": DAY.date().isoformat(), "missing_only": "true"}
            response = await stack.members.get(
                "/api/v1/members/worklists/floating-reports", params=params, headers=stack.tokens.headers()
            )
            assert response.status_code == 200, response.text
            return [row["member_id"] for row in response.json()["items"]]

        first = await stack.run_reminders(DAY)
        await stack.run_reminders(DAY + timedelta(hours=1))

        assert "unread" not in first, first
        assert await listed_missing() == [member["id"]]
        for headers in [*admins, own]:  # 92 days after floating out (the policy's interval)
            assert await missing(headers) == [(member["id"], "2026-04-07")]
        assert await missing(west_admin) == []

        # The gateway's proxy has no port to reach the in-process service: the member files it there.
        filed = await stack.members.post(
            "/api/v1/me/floating-reports",
            json={"reported_on": "2026-11-01", "location": "東莞", "work": "裝配工"},
            headers=stack.tokens.headers("member", member_id=member["id"]),
        )
        assert filed.status_code == 201, filed.text
        assert await listed_missing() == []  # the due item is gone
        await stack.run_reminders(DAY + timedelta(days=1))
        for headers in [*admins, own]:
            assert await missing(headers) == [(member["id"], "2026-04-07")]  # nothing new: the report is in

        # 92 days after the report (2027-02-01) passed with no other: the next missing period.
        await stack.run_reminders(datetime(2027, 3, 1, 3, 0, tzinfo=UTC))
        await stack.run_reminders(datetime(2027, 3, 2, 3, 0, tzinfo=UTC))
        for headers in [*admins, own]:
            assert sorted(await missing(headers)) == [(member["id"], "2026-04-07"), (member["id"], "2027-02-01")]
        assert await missing(west_admin) == []


class TestDelivery:
    async def test_a_failing_gateway_is_retried_each_attempt_recorded_then_delivered(
        self, stack: Stack, receiver: Receiver
    ) -> None:
        _, east, _, community = await district(stack)
        await stack.overdue_term(community)
        owner = await stack.admin(east, phone="13800138000")
        await stack.run_reminders(DAY)
        [notice] = await stack.inbox(owner)

        receiver.status = 500
        assert await stack.notifier.deliver_round(now=DAY) == 1
        assert await stack.notifier.deliver_round(now=DAY + timedelta(seconds=30)) == 0  # within the backoff
        receiver.status = 200
        assert await stack.notifier.deliver_round(now=DAY + timedelta(minutes=2)) == 1
        assert await stack.notifier.deliver_round(now=DAY + timedelta(hours=1)) == 0  # delivered once

        assert len(receiver.received) == 2
        sent = receiver.received[-1]
        assert sent["headers"]["Authorization"] == f"Bearer {CREDENTIAL}"
        body = httpx.Response(200, content=sent["body"]).json()
        assert body["phone"] == "13800138000"
        assert body["template"] == "SMS_0001"
        assert "换届提醒" in body["text"]
        assert body["params"]["due_on"] == notice["due_on"]
        detail = (await stack.gateway.get(f"/api/v1/notifications/{notice['id']}", headers=owner)).json()
        [delivery] = detail["deliveries"]
        assert (delivery["channel"], delivery["status"], delivery["attempts"]) == ("sms", "delivered", 2)
        assert [(a["ok"], a["http_status"], a["error"]) for a in delivery["attempt_log"]] == [
            (False, 500, "status 500"),
            (True, 200, None),
        ]
        assert delivery["delivered_at"] is not None

    async def test_quiet_hours_hold_the_delivery_not_the_inbox(self, stack: Stack, receiver: Receiver) -> None:
        _, east, _, community = await district(stack)
        await stack.overdue_term(community)
        owner = await stack.admin(east, phone="13900139000")

        await stack.run_reminders(NIGHT)

        [notice] = await stack.inbox(owner)  # in the inbox at once
        assert await stack.notifier.deliver_round(now=NIGHT) == 0
        assert await stack.notifier.deliver_round(now=MORNING - timedelta(minutes=1)) == 0
        assert receiver.received == []
        detail = (await stack.gateway.get(f"/api/v1/notifications/{notice['id']}", headers=owner)).json()
        assert detail["deliveries"][0]["next_attempt_at"] == "2026-12-07T23:00:00Z"
        assert await stack.notifier.deliver_round(now=MORNING) == 1
        assert [httpx.Response(200, content=r["body"]).json()["phone"] for r in receiver.received] == ["13900139000"]

    async def test_an_account_without_a_phone_gets_the_inbox_entry_only(self, stack: Stack, receiver: Receiver) -> None:
        _, east, _, community = await district(stack)
        await stack.overdue_term(community)
        owner = await stack.admin(east)
        await stack.run_reminders(DAY)
        [notice] = await stack.inbox(owner)

        await stack.notifier.deliver_round(now=DAY)

        detail = (await stack.gateway.get(f"/api/v1/notifications/{notice['id']}", headers=owner)).json()
        assert detail["deliveries"] == []


class TestContact:
    async def test_the_phone_is_stored_encrypted_and_shown_masked(self, stack: Stack) -> None:
        _, east, _, _ = await district(stack)
        owner = await stack.admin(east)

        response = await stack.gateway.put(
            "/api/v1/notifications/contact", json={"phone": "13712345678", "wechat_openid": "oABC-def_123456"}, headers=owner
        )

        assert response.status_code == 200, response.text
        assert response.json() == {"phone": "*******5678", "wechat_openid": "***********3456"}
        assert (await stack.gateway.get("/api/v1/notifications/contact", headers=owner)).json() == response.json()
        async with stack.db.read_sessions() as session:
            stored = (await session.scalars(select(NoticeContact.phone))).all()
        assert all(b"13712345678" not in blob for blob in stored if blob)

    async def test_a_malformed_phone_is_a_422(self, stack: Stack) -> None:
        _, east, _, _ = await district(stack)
        owner = await stack.admin(east)
        response = await stack.gateway.put("/api/v1/notifications/contact", json={"phone": "call me"}, headers=owner)
        assert response.status_code == 422
