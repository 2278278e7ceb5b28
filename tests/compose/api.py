"""The drill's client of the gateway: the scenario it writes (organizations, members, an activity
with attachments, an auditor), the snapshot of what the deployment must keep (read back through
the API, the audit trail verified and its signed checkpoints listed), and the comparison of two
snapshots. No ID number or phone is ever printed: members are compared by digests."""

from __future__ import annotations

import functools
import hashlib
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, TypeVar

import httpx

from tests.compose.engine import DrillFailed, check, say

GATEWAY = "http://127.0.0.1:8000"
PNG = b"\x89PNG\r\n\x1a\n" + random.randbytes(300_000)
PDF = b"%PDF-1.4\n" + random.randbytes(50_000)
T = TypeVar("T")


def resident_id(birth_date: date, serial: int) -> str:
    """A valid GB 11643 ID number (region 110105, check character computed)."""
    body = f"110105{birth_date:%Y%m%d}{serial % 1000:03d}"
    checksum = (1 - 2 * int(body, 13)) % 11
    return body + ("X" if checksum == 10 else str(checksum))


def eventually(what: str, attempt: Callable[[], T], timeout_s: float = 90.0) -> T:
    """`attempt()` until it returns without failing (a replica catching up, a pool reconnecting,
    a service still reading the gateway's revocations after a restart)."""
    deadline = time.monotonic() + timeout_s
    first: str | None = None
    while True:
        try:
            return attempt()
        except (DrillFailed, httpx.HTTPError) as error:
            first = first or str(error)  # the cause; the last failure may be a consequence (429 on logins)
            if time.monotonic() > deadline:
                also = "" if first == str(error) else f" (first failure: {first})"
                raise DrillFailed(f"{what}: still failing after {timeout_s:.0f}s: {error}{also}") from error
            time.sleep(0.5)


@dataclass
class Snapshot:
    """What the deployment must still hold: compared after every restart, recreate and restore."""

    orgs: list[str]
    members: dict[str, str]  # member id -> sha256 of its (unmasked) ID number: nothing personal printed
    activities: list[str]
    attachments: dict[str, str]  # attachment id -> sha256 of the bytes served
    audit: list[dict[str, Any]] = field(default_factory=list)
    # The signed checkpoints (kept outside the database, in the gateway's data dir) and their key.
    checkpoints: list[dict[str, Any]] = field(default_factory=list)
    checkpoint_key: str = ""

    def summary(self) -> str:
        return (
            f"{len(self.orgs)} organizations, {len(self.members)} members, {len(self.activities)} activities, "
            f"{len(self.attachments)} attachments, {len(self.audit)} audit rows, {len(self.checkpoints)} audit checkpoints"
        )


class Api:
    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.client = httpx.Client(base_url=GATEWAY, timeout=30.0)

    def token(self, username: str, password: str) -> dict[str, str]:
        response = self.client.post("/api/v1/auth/token", data={"username": username, "password": password})
        check(response.status_code == 200, f"login of {username}: {response.status_code} {response.text[:200]}")
        return {"Authorization": f"Bearer {response.json()['access_token']}"}

    def business(self) -> dict[str, str]:
        return self.token(self.env["ADMIN_ORG_ADMIN_USERNAME"], self.env["ADMIN_ORG_ADMIN_PASSWORD"])

    def auditor(self) -> dict[str, str]:
        return self.token("drill-auditor", self.env["DRILL_AUDITOR_PASSWORD"])

    def post(self, path: str, headers: dict[str, str], **kwargs: Any) -> dict[str, Any]:
        response = self.client.post(path, headers=headers | {"Idempotency-Key": uuid.uuid4().hex}, **kwargs)
        check(response.status_code == 201, f"POST {path}: {response.status_code} {response.text[:300]}")
        return dict(response.json())

    def all(self, path: str, headers: dict[str, str], **query: str) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        cursor: str | None = None
        while True:
            params: dict[str, Any] = {"limit": 200, **query} | ({"cursor": cursor} if cursor else {})
            response = self.client.get(path, headers=headers, params=params)
            check(response.status_code == 200, f"GET {path}: {response.status_code} {response.text[:200]}")
            page = response.json()
            items += page["items"]
            cursor = page.get("next_cursor")
            if not cursor:
                return items

    def write_scenario(self) -> None:
        """The sysadmin makes an auditor; the business administrator makes a small district."""
        admin = self.token(self.env["ADMIN_USERNAME"], self.env["ADMIN_PASSWORD"])
        self.post(
            "/api/v1/users",
            admin,
            json={"username": "drill-auditor", "password": self.env["DRILL_AUDITOR_PASSWORD"], "roles": ["auditor"]},
        )
        headers = self.business()
        county = self.post("/api/v1/orgs", headers, json={"name": "演練縣委", "kind": "committee", "tier": "county"})
        township = self.post(
            "/api/v1/orgs",
            headers,
            json={"name": "演練鎮黨委", "kind": "committee", "tier": "township", "parent_id": county["id"]},
        )
        community = {"kind": "branch", "tier": "community", "parent_id": township["id"]}
        branches = [self.post("/api/v1/orgs", headers, json=community | {"name": f"演練社區{n}支部"}) for n in (1, 2)]
        say("3 levels of organizations written (county, township, 2 community branches)")
        serial = random.randrange(0, 900)
        for n in range(6):
            birth = date(1950, 1, 1) + timedelta(days=3000 * n + random.randrange(0, 1000))
            number = resident_id(birth, serial + n)
            joined = birth.replace(year=birth.year + 25, day=min(birth.day, 28))
            body = {
                "name": f"演練黨員{n}", "sex": "male" if (serial + n) % 2 else "female", "id_number": number,
                "birth_date": birth.isoformat(), "phone": f"1381234{5600 + n:04d}", "education": "junior_high",
                "occupation": "farmer", "party_status": "full", "joined_on": joined.isoformat(),
                "full_on": joined.replace(year=joined.year + 1).isoformat(), "org_id": branches[n % 2]["id"],
            }  # fmt: skip
            # The members service knows an organization once it has read the orgs feed.
            eventually("a member under a new organization", functools.partial(self.post, "/api/v1/members", headers, json=body))
        say("6 members written (valid GB 11643 ID numbers, encrypted at rest)")
        activity_body = {
            "org_id": branches[0]["id"],
            "type": "study_day",
            "title": "演練主題黨日",
            "starts_at": "2026-03-10T09:00:00+08:00",
            "status": "held",
        }
        activity = eventually(
            "an activity under a new organization", lambda: self.post("/api/v1/activities", headers, json=activity_body)
        )
        for content, media_type, name in ((PNG, "image/png", "photo.png"), (PDF, "application/pdf", "minutes.pdf")):
            stored = self.post(
                f"/api/v1/activities/{activity['id']}/attachments",
                headers | {"content-type": media_type},
                params={"filename": name, "kind": "photo" if media_type == "image/png" else "minutes"},
                content=content,
            )
            check(stored["sha256"] == hashlib.sha256(content).hexdigest(), "the stored attachment's digest differs")
        say(f"1 activity with 2 attachments uploaded ({len(PNG) + len(PDF)} bytes)")

    def checkpoint_now(self) -> dict[str, Any]:
        """An auditor's on-demand checkpoint (besides the scheduled one a minute): the head signed now."""
        return self.post("/api/v1/audit/checkpoints", self.auditor())

    def snapshot(self, *, with_audit: bool = True) -> Snapshot:
        headers = self.business()
        orgs = sorted(o["id"] for o in self.all("/api/v1/orgs", headers))
        members: dict[str, str] = {}
        for member in self.all("/api/v1/members", headers):
            number = member["id_number"]
            check("*" not in number and len(number) == 18, f"member {member['id']}: the ID number is not readable")
            found = self.client.post("/api/v1/members/search", headers=headers, json={"id_number": number})
            check(
                found.status_code == 200 and [m["id"] for m in found.json()["items"]] == [member["id"]],
                f"member {member['id']}: not found by its ID number (blind index) ({found.status_code})",
            )
            members[member["id"]] = hashlib.sha256(number.encode()).hexdigest()
        activities = sorted(a["id"] for a in self.all("/api/v1/activities", headers))
        attachments: dict[str, str] = {}
        for activity_id in activities:
            listed = self.client.get(f"/api/v1/activities/{activity_id}/attachments", headers=headers)
            check(listed.status_code == 200, f"attachments of {activity_id}: {listed.status_code}")
            for attachment in listed.json():
                content = self.client.get(
                    f"/api/v1/activities/{activity_id}/attachments/{attachment['id']}/content", headers=headers
                )
                check(content.status_code == 200, f"attachment {attachment['id']}: {content.status_code} {content.text[:200]}")
                digest = hashlib.sha256(content.content).hexdigest()
                check(
                    digest == attachment["sha256"], f"attachment {attachment['id']}: served bytes differ from the stored digest"
                )
                attachments[attachment["id"]] = digest
        snapshot = Snapshot(orgs, members, activities, attachments)
        if with_audit:
            auditor = self.auditor()
            verified = self.client.get("/api/v1/audit/verify", headers=auditor)
            check(verified.status_code == 200, f"audit verify: {verified.status_code} {verified.text[:200]}")
            report = verified.json()
            check(report["intact"], f"the audit chain does not verify: {report}")
            # Oldest first, so that what was there stays a prefix as the trail grows (newest first
            # is the trail view's default).
            snapshot.audit = self.all("/api/v1/audit", auditor, order="asc")
            kept = self.client.get("/api/v1/audit/checkpoints", headers=auditor)
            check(kept.status_code == 200, f"audit checkpoints: {kept.status_code} {kept.text[:200]}")
            snapshot.checkpoints, snapshot.checkpoint_key = kept.json()["items"], kept.json()["public_key"]
            check(snapshot.checkpoints, "no signed audit checkpoint (the anchor is written at the gateway's start)")
        return snapshot


def same(expected: Snapshot, actual: Snapshot, when: str) -> None:
    check(actual.orgs == expected.orgs, f"{when}: organizations {len(expected.orgs)} -> {len(actual.orgs)}")
    check(
        actual.members == expected.members,
        f"{when}: members (or their ID numbers) differ: {len(expected.members)} -> {len(actual.members)}",
    )
    check(actual.activities == expected.activities, f"{when}: activities {len(expected.activities)} -> {len(actual.activities)}")
    check(actual.attachments == expected.attachments, f"{when}: attachments {expected.attachments} -> {actual.attachments}")
    # The audit trail only grows (each login and read is audited): what was there is there unchanged.
    check(actual.audit[: len(expected.audit)] == expected.audit, f"{when}: the audit trail before differs")
    # So does the checkpoint file, under the same signing key.
    check(actual.checkpoint_key == expected.checkpoint_key, f"{when}: the audit checkpoints are signed with another key")
    check(
        actual.checkpoints[: len(expected.checkpoints)] == expected.checkpoints,
        f"{when}: the audit checkpoints before differ ({len(expected.checkpoints)} -> {len(actual.checkpoints)})",
    )
    say(f"{when}: all there ({actual.summary()}; audit chain verifies)")
