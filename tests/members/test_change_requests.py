"""A member's change requests through HTTP: filed through the own view, reviewed by an
administrator whose scope holds the member. Approved, the change is applied and the history names
both the member who asked and the reviewer; rejected (with a reason), nothing changes. Bad input
is a precise 422 and nothing is written."""

import base64
from typing import Any

import httpx
import pytest

from tests.members.conftest import OrgReplica
from tests.members.test_own import as_member, file_member
from tests.support import Tokens

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
async def world(members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica) -> dict[str, Any]:
    tree = await replica.tree()
    other = await replica.tree()
    me = await file_member(members_client, tokens, tree["small"]["id"], phone="13800001111", education="secondary")
    return {
        "me": me,
        "member": as_member(tokens, me["id"]),
        "reviewer": tokens.headers("org_admin", scope_org_id=tree["township"]["id"]),
        "stranger": tokens.headers("org_admin", scope_org_id=other["township"]["id"]),
        "viewer": tokens.headers("viewer", scope_org_id=tree["township"]["id"]),
        "admin": tokens.headers(),
    }


async def record(client: httpx.AsyncClient, world: dict[str, Any]) -> dict[str, Any]:
    response = await client.get(f"/api/v1/members/{world['me']['id']}", headers=world["admin"])
    assert response.status_code == 200, response.text
    return dict(response.json())


async def ask(client: httpx.AsyncClient, world: dict[str, Any], **body: Any) -> httpx.Response:
    return await client.post("/api/v1/me/change-requests", json=body, headers=world["member"])


class TestFiling:
    async def test_a_member_asks_and_sees_the_request_waiting(
        self, members_client: httpx.AsyncClient, world: dict[str, Any]
    ) -> None:
        asked = await ask(members_client, world, phone="13912345678", address="柳河社區3組12號", reason="換了手機")
        listed = await members_client.get("/api/v1/me/change-requests", headers=world["member"])

        assert asked.status_code == 201, asked.text
        assert asked.json()["status"] == "pending"
        assert asked.json()["fields"] == ["phone", "address"]
        assert asked.json()["phone"] == "13912345678"  # the member's own asked phone, in full
        assert [item["id"] for item in listed.json()] == [asked.json()["id"]]

    async def test_an_education_change_needs_its_evidence(self, members_client: httpx.AsyncClient, world: dict[str, Any]) -> None:
        bare = await ask(members_client, world, education="college")
        with_note = await ask(members_client, world, education="college", evidence_note="2025年畢業, 證書編號 123")

        assert bare.status_code == 422
        assert bare.json()["type"].endswith("/invalid-change-request")
        assert [e["field"] for e in bare.json()["errors"]] == ["evidence_note"]
        assert with_note.status_code == 201, with_note.text

    async def test_an_evidence_file_is_kept_and_given_to_the_reviewer(
        self, members_client: httpx.AsyncClient, world: dict[str, Any]
    ) -> None:
        asked = await ask(
            members_client,
            world,
            education="college",
            evidence_filename="畢業證書.pdf",
            evidence_base64=base64.b64encode(PDF).decode(),
        )
        evidence = await members_client.get(f"/api/v1/change-requests/{asked.json()['id']}/evidence", headers=world["reviewer"])

        assert asked.status_code == 201, asked.text
        assert asked.json()["has_evidence_file"] is True
        assert evidence.status_code == 200
        assert evidence.content == PDF
        assert evidence.headers["content-type"] == "application/pdf"

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({}, "phone"),
            ({"education": "secondary", "evidence_note": "x"}, "education"),  # what the record already says
            ({"education": "college", "evidence_base64": "bm90IGEgcGRm", "evidence_filename": "a.pdf"}, "evidence_base64"),
            ({"education": "college", "evidence_base64": "%%%"}, "evidence_base64"),
            ({"phone": "13912345678", "evidence_base64": base64.b64encode(PDF).decode()}, "evidence_filename"),
        ],
    )
    async def test_a_bad_request_is_refused_and_nothing_is_written(
        self, members_client: httpx.AsyncClient, world: dict[str, Any], body: dict[str, Any], field: str
    ) -> None:
        refused = await ask(members_client, world, **body)
        listed = await members_client.get("/api/v1/me/change-requests", headers=world["member"])

        assert refused.status_code == 422
        assert field in [e["field"] for e in refused.json()["errors"]]
        assert listed.json() == []

    async def test_one_request_waits_at_a_time(self, members_client: httpx.AsyncClient, world: dict[str, Any]) -> None:
        first = await ask(members_client, world, phone="13912345678")
        second = await ask(members_client, world, address="柳河社區3組12號")

        assert first.status_code == 201
        assert second.status_code == 409
        assert second.json()["type"].endswith("/change-request-open")


class TestReview:
    async def test_approved_the_change_is_applied_with_both_names_in_the_history(
        self, members_client: httpx.AsyncClient, world: dict[str, Any], tokens: Tokens
    ) -> None:
        before = await record(members_client, world)
        asked = await ask(
            members_client, world, phone="13912345678", address="柳河社區3組12號", education="college", evidence_note="證書 123"
        )
        pending = await members_client.get("/api/v1/change-requests", params={"status": "pending"}, headers=world["reviewer"])
        approved = await members_client.post(
            f"/api/v1/change-requests/{asked.json()['id']}/decision", json={"decision": "approve"}, headers=world["reviewer"]
        )
        after = await record(members_client, world)
        history = await members_client.get("/api/v1/me/history", headers=world["member"])

        assert [item["id"] for item in pending.json()["items"]] == [asked.json()["id"]]
        assert approved.status_code == 200, approved.text
        assert approved.json()["status"] == "approved"
        assert (after["phone"], after["address"], after["education"]) == ("13912345678", "柳河社區3組12號", "college")
        assert after["version"] == before["version"] + 1
        event = history.json()[-1]
        assert event["kind"] == "details_changed"
        assert event["details"]["fields"] == ["address", "education", "phone"]
        assert event["details"]["requested_by_member"] == world["me"]["name"]
        assert event["details"]["requested_by"] == approved.json()["requested_by"]
        assert event["details"]["reviewed_by"] == approved.json()["reviewed_by"] == event["actor"]
        assert event["details"]["requested_by"] != event["details"]["reviewed_by"]
        assert "13912345678" not in history.text  # which fields, never their values

    async def test_rejected_nothing_changes(self, members_client: httpx.AsyncClient, world: dict[str, Any]) -> None:
        before = await record(members_client, world)
        history_before = await members_client.get("/api/v1/me/history", headers=world["member"])
        asked = await ask(members_client, world, phone="13912345678")
        without_reason = await members_client.post(
            f"/api/v1/change-requests/{asked.json()['id']}/decision", json={"decision": "reject"}, headers=world["reviewer"]
        )
        rejected = await members_client.post(
            f"/api/v1/change-requests/{asked.json()['id']}/decision",
            json={"decision": "reject", "note": "號碼無法接通"},
            headers=world["reviewer"],
        )
        again = await members_client.post(
            f"/api/v1/change-requests/{asked.json()['id']}/decision", json={"decision": "approve"}, headers=world["reviewer"]
        )
        after = await record(members_client, world)
        history_after = await members_client.get("/api/v1/me/history", headers=world["member"])
        mine = await members_client.get("/api/v1/me/change-requests", headers=world["member"])

        assert without_reason.status_code == 422
        assert [e["field"] for e in without_reason.json()["errors"]] == ["note"]
        assert rejected.status_code == 200, rejected.text
        assert again.status_code == 409
        assert after == before
        assert history_after.json() == history_before.json()
        assert [(r["status"], r["review_note"]) for r in mine.json()] == [("rejected", "號碼無法接通")]

    async def test_outside_the_scope_a_request_is_not_found(
        self, members_client: httpx.AsyncClient, world: dict[str, Any]
    ) -> None:
        asked = await ask(members_client, world, phone="13912345678")
        listed = await members_client.get("/api/v1/change-requests", headers=world["stranger"])
        read = await members_client.get(f"/api/v1/change-requests/{asked.json()['id']}", headers=world["stranger"])
        decided = await members_client.post(
            f"/api/v1/change-requests/{asked.json()['id']}/decision", json={"decision": "approve"}, headers=world["stranger"]
        )
        by_viewer = await members_client.post(
            f"/api/v1/change-requests/{asked.json()['id']}/decision", json={"decision": "approve"}, headers=world["viewer"]
        )
        masked = await members_client.get(f"/api/v1/change-requests/{asked.json()['id']}", headers=world["viewer"])

        assert listed.json()["items"] == []
        assert (read.status_code, decided.status_code, by_viewer.status_code) == (404, 404, 403)
        assert masked.json()["phone"] == "139****5678"
        assert (await record(members_client, world))["phone"] == "13800001111"

    async def test_a_member_cannot_review(self, members_client: httpx.AsyncClient, world: dict[str, Any]) -> None:
        asked = await ask(members_client, world, phone="13912345678")
        decided = await members_client.post(
            f"/api/v1/change-requests/{asked.json()['id']}/decision", json={"decision": "approve"}, headers=world["member"]
        )
        assert decided.status_code == 403
