"""The member record through HTTP: validation, encryption at rest, masking, history, clocks."""

import uuid
from datetime import datetime
from typing import Any
from unittest.mock import AsyncMock

import httpx
import pytest
from sqlalchemy import func, select

from services.kit.db import Database
from services.members.models import Member
from services.members.service import person_index
from tests.builders import member_body, resident_id
from tests.members.conftest import OrgReplica
from tests.support import Tokens


async def create(client: httpx.AsyncClient, tokens: Tokens, **body: Any) -> dict[str, Any]:
    response = await client.post("/api/v1/members", json=member_body(**body), headers=tokens.headers("org_admin"))
    assert response.status_code == 201, response.text
    return dict(response.json())


async def member_count(db: Database) -> int:
    async with db.read_sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(Member)) or 0)


class TestCreateMember:
    async def test_a_full_record_is_created_and_read_back_unmasked_by_an_admin(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        tree = await replica.tree()
        body = member_body(org_id=tree["branch"]["id"], name="張𠮷祥", ethnicity="漢族")

        response = await members_client.post("/api/v1/members", json=body, headers=tokens.headers("org_admin"))

        assert response.status_code == 201, response.text
        member = response.json()
        assert member["name"] == "張𠮷祥"
        assert member["id_number"] == body["id_number"]
        assert member["phone"] == "13812345678"
        assert member["state"] == "normal"
        assert member["whereabouts"] == "resident"
        assert member["masked"] is False
        read = await members_client.get(f"/api/v1/members/{member['id']}", headers=tokens.headers("org_admin"))
        assert read.json()["name"] == "張𠮷祥"

    async def test_created_at_is_read_back_with_its_offset(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        # Found by the fuzzing (tests/fuzz): SQLite handed `created_at` back without its offset,
        # which is no RFC 3339 date-time as the OpenAPI description promises.
        tree = await replica.tree()
        member = await create(members_client, tokens, org_id=tree["branch"]["id"])

        read = await members_client.get(f"/api/v1/members/{member['id']}", headers=tokens.headers("org_admin"))

        assert datetime.fromisoformat(read.json()["created_at"]).utcoffset() is not None

    async def test_education_or_occupation_cannot_be_cleared(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        # Found by the fuzzing (tests/fuzz): a null for a fact every record holds reached the
        # database's NOT NULL (a 500).
        tree = await replica.tree()
        member = await create(members_client, tokens, org_id=tree["branch"]["id"])

        response = await members_client.patch(
            f"/api/v1/members/{member['id']}",
            json={"education": None, "occupation": None},
            headers=tokens.headers("org_admin") | {"If-Match": "*"},
        )

        assert response.status_code == 422, response.text
        assert {e["field"] for e in response.json()["errors"]} == {"education", "occupation"}

    async def test_a_nul_character_inside_whereabouts_details_is_named_where_it_is(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        # The NUL check looks at a request once, not field by field; a nested value still gets its full place.
        tree = await replica.tree()
        body = member_body(org_id=tree["branch"]["id"]) | {
            "whereabouts": "floating_out",
            "whereabouts_details": {"destination": "廣州\x00天河", "contact_person": "李四"},
        }

        response = await members_client.post("/api/v1/members", json=body, headers=tokens.headers())

        assert response.status_code == 422, response.text
        assert [e["field"] for e in response.json()["errors"]] == ["whereabouts_details.destination"]

    async def test_a_viewer_sees_the_id_number_and_phone_masked(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        tree = await replica.tree()
        member = await create(members_client, tokens, org_id=tree["branch"]["id"])

        read = await members_client.get(f"/api/v1/members/{member['id']}", headers=tokens.headers("viewer"))

        assert read.status_code == 200
        shown = read.json()
        assert shown["id_number"] == member["id_number"][:6] + "*" * 12
        assert shown["phone"] == "138****5678"
        assert shown["masked"] is True

    async def test_the_database_holds_ciphertext_and_a_keyed_hash_only(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica, members_db: Database
    ) -> None:
        tree = await replica.tree()
        member = await create(members_client, tokens, org_id=tree["branch"]["id"])

        async with members_db.read_sessions() as session:
            row = (
                await session.execute(
                    select(Member.id_number_cipher, Member.id_number_index, Member.phone_cipher).where(
                        Member.id == uuid.UUID(member["id"])
                    )
                )
            ).one()

        assert member["id_number"].encode() not in row.id_number_cipher
        assert member["id_number"][:14].encode() not in row.id_number_cipher
        assert b"13812345678" not in (row.phone_cipher or b"")
        assert member["id_number"] not in row.id_number_index

    async def test_a_lower_case_x_is_normalized(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        tree = await replica.tree()
        for serial in range(1, 1000):
            number = resident_id(__import__("datetime").date(1972, 3, 4), serial)
            if number.endswith("X"):
                break
        body = member_body(org_id=tree["branch"]["id"], birth_date="1972-03-04")
        body |= {"id_number": number.lower(), "sex": "male" if serial % 2 else "female"}

        response = await members_client.post("/api/v1/members", json=body, headers=tokens.headers("org_admin"))

        assert response.status_code == 201, response.text
        assert response.json()["id_number"] == number

    async def test_the_id_number_is_searchable_by_exact_value(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        tree = await replica.tree()
        member = await create(members_client, tokens, org_id=tree["branch"]["id"])
        await create(members_client, tokens, org_id=tree["branch"]["id"])

        found = await members_client.get(
            "/api/v1/members", params={"id_number": member["id_number"]}, headers=tokens.headers("viewer")
        )

        assert [m["id"] for m in found.json()["items"]] == [member["id"]]

    async def test_search_by_id_number_or_phone_in_the_body(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        tree = await replica.tree()
        # A phone no other test files (the database is shared by the session's tests).
        phone = f"139{uuid.uuid4().int % 10**8:08d}"
        member = await create(members_client, tokens, org_id=tree["branch"]["id"], phone=phone)
        await create(members_client, tokens, org_id=tree["branch"]["id"])
        viewer = tokens.headers("viewer")

        by_id = await members_client.post("/api/v1/members/search", json={"id_number": member["id_number"]}, headers=viewer)
        by_phone = await members_client.post("/api/v1/members/search", json={"phone": phone}, headers=viewer)
        neither = await members_client.post("/api/v1/members/search", json={}, headers=viewer)

        assert [m["id"] for m in by_id.json()["items"]] == [member["id"]]
        assert [m["id"] for m in by_phone.json()["items"]] == [member["id"]]
        assert by_phone.json()["items"][0]["phone"] == f"139****{phone[-4:]}"
        assert neither.status_code == 422

    async def test_a_small_community_without_branches_holds_its_members(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        tree = await replica.tree()
        member = await create(members_client, tokens, org_id=tree["small"]["id"])
        assert member["org_id"] == tree["small"]["id"]


class TestCreateMemberRefusals:
    async def refused(
        self, client: httpx.AsyncClient, tokens: Tokens, db: Database, body: dict[str, Any], status: int = 422
    ) -> dict[str, Any]:
        before = await member_count(db)
        response = await client.post("/api/v1/members", json=body, headers=tokens.headers("org_admin"))
        assert response.status_code == status, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert await member_count(db) == before
        return dict(response.json())

    async def test_a_wrong_check_character(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica, members_db: Database
    ) -> None:
        tree = await replica.tree()
        body = member_body(org_id=tree["branch"]["id"])
        last = body["id_number"][-1]
        body["id_number"] = body["id_number"][:-1] + ("0" if last != "0" else "1")

        problem = await self.refused(members_client, tokens, members_db, body)

        assert problem["errors"][0]["field"] == "id_number"

    async def test_a_birth_date_that_disagrees_with_the_id_number(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica, members_db: Database
    ) -> None:
        tree = await replica.tree()
        body = member_body(org_id=tree["branch"]["id"], birth_date="1960-05-05") | {"birth_date": "1960-05-06"}

        problem = await self.refused(members_client, tokens, members_db, body)

        assert "birth_date" in {e["field"] for e in problem["errors"]}

    async def test_a_sex_that_disagrees_with_the_id_number(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica, members_db: Database
    ) -> None:
        tree = await replica.tree()
        body = member_body(org_id=tree["branch"]["id"])
        body["sex"] = "female" if body["sex"] == "male" else "male"

        problem = await self.refused(members_client, tokens, members_db, body)

        assert {e["field"] for e in problem["errors"]} == {"sex"}

    async def test_an_id_number_born_in_the_future(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica, members_db: Database
    ) -> None:
        tree = await replica.tree()
        body = member_body(org_id=tree["branch"]["id"], birth_date="2090-01-01", joined_on="2091-01-01", full_on=None)
        body["party_status"] = "probationary"

        problem = await self.refused(members_client, tokens, members_db, body)

        assert any(e["field"] == "id_number" and "future" in e["message"] for e in problem["errors"])

    async def test_a_duplicate_id_number_among_living_records(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica, members_db: Database
    ) -> None:
        tree = await replica.tree()
        first = await create(members_client, tokens, org_id=tree["branch"]["id"])
        again = member_body(org_id=tree["small"]["id"]) | {
            k: first[k] for k in ("id_number", "birth_date", "sex", "joined_on", "full_on")
        }

        problem = await self.refused(members_client, tokens, members_db, again, status=409)

        assert problem["type"] == "/problems/duplicate-id-number"

    async def test_the_database_refuses_a_duplicate_that_a_concurrent_check_missed(
        self,
        members_client: httpx.AsyncClient,
        tokens: Tokens,
        replica: OrgReplica,
        members_db: Database,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        tree = await replica.tree()
        first = await create(members_client, tokens, org_id=tree["branch"]["id"])
        monkeypatch.setattr(person_index, "open_record", AsyncMock(return_value=None))  # as if both checked at once
        again = member_body(org_id=tree["small"]["id"]) | {
            k: first[k] for k in ("id_number", "birth_date", "sex", "joined_on", "full_on")
        }

        problem = await self.refused(members_client, tokens, members_db, again, status=409)

        assert problem["type"] == "/problems/duplicate-id-number"

    async def test_a_deceased_record_does_not_block_its_id_number(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        tree = await replica.tree()
        first = await create(members_client, tokens, org_id=tree["branch"]["id"])
        died = await members_client.post(
            f"/api/v1/members/{first['id']}/state",
            json={"state": "deceased", "effective_on": "2026-01-02"},
            headers=tokens.headers("org_admin"),
        )
        assert died.status_code == 200, died.text
        again = member_body(org_id=tree["small"]["id"]) | {
            k: first[k] for k in ("id_number", "birth_date", "sex", "joined_on", "full_on")
        }

        response = await members_client.post("/api/v1/members", json=again, headers=tokens.headers("org_admin"))

        assert response.status_code == 201, response.text

    async def test_an_unknown_organization(self, members_client: httpx.AsyncClient, tokens: Tokens, members_db: Database) -> None:
        problem = await self.refused(members_client, tokens, members_db, member_body(org_id=str(uuid.uuid4())))
        assert problem["errors"][0]["field"] == "org_id"

    async def test_a_dissolved_organization(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica, members_db: Database
    ) -> None:
        tree = await replica.tree()
        await replica.change(tree["branch"], "org.dissolved", status="dissolved", dissolved_on="2026-01-01")

        problem = await self.refused(members_client, tokens, members_db, member_body(org_id=tree["branch"]["id"]))

        assert problem["type"] == "/problems/organization-cannot-hold-members"

    async def test_a_community_organization_that_has_branches(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica, members_db: Database
    ) -> None:
        tree = await replica.tree()
        await self.refused(members_client, tokens, members_db, member_body(org_id=tree["community"]["id"]))

    async def test_a_township_committee(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica, members_db: Database
    ) -> None:
        tree = await replica.tree()
        await self.refused(members_client, tokens, members_db, member_body(org_id=tree["township"]["id"]))

    async def test_becoming_full_before_joining(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica, members_db: Database
    ) -> None:
        tree = await replica.tree()
        body = member_body(org_id=tree["branch"]["id"])
        body["full_on"] = body["joined_on"][:4] + "-01-01"
        body["joined_on"] = body["joined_on"][:4] + "-06-01"

        problem = await self.refused(members_client, tokens, members_db, body)

        assert problem["errors"][0] == {"field": "full_on", "message": "becoming full before joining"}

    async def test_an_unknown_enum_code(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica, members_db: Database
    ) -> None:
        tree = await replica.tree()
        problem = await self.refused(
            members_client, tokens, members_db, member_body(org_id=tree["branch"]["id"], education="doctorate")
        )
        assert problem["errors"][0]["field"] == "education"

    async def test_extra_fields_such_as_id_and_state(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica, members_db: Database
    ) -> None:
        tree = await replica.tree()
        body = member_body(org_id=tree["branch"]["id"]) | {"id": str(uuid.uuid4()), "state": "normal"}

        problem = await self.refused(members_client, tokens, members_db, body)

        assert {e["field"] for e in problem["errors"]} == {"id", "state"}

    async def test_floating_out_without_a_destination(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica, members_db: Database
    ) -> None:
        tree = await replica.tree()
        body = member_body(org_id=tree["branch"]["id"], whereabouts="floating_out")

        problem = await self.refused(members_client, tokens, members_db, body)

        assert problem["errors"][0]["field"] == "whereabouts_details.destination"

    async def test_a_viewer_may_not_create(self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica) -> None:
        tree = await replica.tree()
        response = await members_client.post(
            "/api/v1/members", json=member_body(org_id=tree["branch"]["id"]), headers=tokens.headers("viewer")
        )
        assert response.status_code == 403


class TestScope:
    async def test_a_member_outside_the_callers_subtree_is_not_found(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        mine, theirs = await replica.tree(), await replica.tree()
        member = await create(members_client, tokens, org_id=theirs["branch"]["id"])
        scoped = tokens.headers("org_admin", scope_org_id=uuid.UUID(mine["county"]["id"]))

        read = await members_client.get(f"/api/v1/members/{member['id']}", headers=scoped)
        listed = await members_client.get("/api/v1/members", params={"org_id": member["org_id"]}, headers=scoped)
        looked_up = await members_client.post("/api/v1/members/lookup", json={"ids": [member["id"]]}, headers=scoped)

        assert read.status_code == 404
        assert listed.json()["items"] == []
        assert looked_up.json()["items"] == []


class TestListMembers:
    async def test_filters_by_subtree_state_whereabouts_education_age_and_name(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        tree = await replica.tree()
        old = await create(members_client, tokens, org_id=tree["branch"]["id"], birth_date="1940-02-02", name="老王")
        young = await create(
            members_client, tokens, org_id=tree["small"]["id"], birth_date="1995-02-02", education="bachelor", name="小李"
        )
        admin = tokens.headers("org_admin")

        async def ids(**params: Any) -> set[str]:
            response = await members_client.get(
                "/api/v1/members", params={"within": tree["county"]["id"], **params}, headers=admin
            )
            assert response.status_code == 200, response.text
            return {m["id"] for m in response.json()["items"]}

        assert await ids() == {old["id"], young["id"]}
        assert await ids(within=tree["community"]["id"]) == {old["id"]}
        assert await ids(education="bachelor") == {young["id"]}
        assert await ids(age_min=46, as_of="2026-11-26") == {old["id"]}
        assert await ids(age_max=31, as_of="2026-11-26") == {young["id"]}
        assert await ids(age_max=30, as_of="2026-11-26") == set()
        assert await ids(q="老") == {old["id"]}
        assert await ids(state="lost_contact") == set()

    async def test_pages_follow_the_cursor(self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica) -> None:
        tree = await replica.tree()
        made = {(await create(members_client, tokens, org_id=tree["branch"]["id"]))["id"] for _ in range(5)}
        seen: list[str] = []
        cursor = None
        while True:
            params: dict[str, Any] = {"org_id": tree["branch"]["id"], "limit": 2}
            if cursor:
                params["cursor"] = cursor
            page = (await members_client.get("/api/v1/members", params=params, headers=tokens.headers("viewer"))).json()
            seen += [m["id"] for m in page["items"]]
            cursor = page["next_cursor"]
            if not cursor:
                break
        assert sorted(seen) == sorted(made)
