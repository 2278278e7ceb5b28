"""The recruitment pipeline through HTTP: each stage a dated step, each rule refusing with a 422
and writing nothing, the approval making the member record, the work lists with a moving 'today'."""

import uuid
from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from services.kit.db import Database
from services.members.models import Application, outbox
from tests.builders import member_body, next_person, resident_id
from tests.members.conftest import OrgReplica
from tests.support import Tokens

API = "/api/v1/recruitment/applications"

# A pipeline that keeps every rule: notice Mon 2024-04-01 .. Mon 2024-04-08 (6 working days),
# branch meeting 2024-04-15, approval a month later, probation over on 2025-04-15.
TALK = {"kind": "talk", "effective_on": "2023-01-20", "deciding_body": "第一支部 張書記", "documents": ["談話記錄"]}
ACTIVIST = {"kind": "activist", "effective_on": "2023-03-01", "deciding_body": "第一支部委員會", "documents": ["推薦表"]}
TARGET = {"kind": "development_target", "effective_on": "2024-03-01", "deciding_body": "第一支部委員會"}
ADMISSION = {
    "kind": "admission",
    "effective_on": "2024-04-15",
    "deciding_body": "第一支部黨員大會",
    "documents": ["入黨志願書", "政審材料"],
    "training_days": 3,
    "training_hours": 0,
    "notice_from": "2024-04-01",
    "notice_to": "2024-04-08",
}
APPROVAL = {"kind": "approval", "effective_on": "2024-05-20", "deciding_body": "街道黨工委"}
FULL = {"kind": "full", "effective_on": "2025-04-15", "deciding_body": "第一支部黨員大會"}


async def full_member(client: httpx.AsyncClient, tokens: Tokens, org_id: str, **body: Any) -> str:
    response = await client.post("/api/v1/members", json=member_body(org_id=org_id, **body), headers=tokens.headers())
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def application_body(org_id: str, **overrides: Any) -> dict[str, Any]:
    id_number, birth_date, sex = next_person(born_after=date(1980, 1, 1))
    body = {
        "name": "申請人" + uuid.uuid4().hex[:4],
        "sex": sex,
        "id_number": id_number,
        "birth_date": birth_date.isoformat(),
        "phone": "13900001111",
        "education": "bachelor",
        "occupation": "in_service",
        "org_id": org_id,
        "applied_on": "2023-01-10",
        "deciding_body": "第一支部",
        "documents": ["入黨申請書"],
    }
    return body | overrides


class Pipeline:
    """One application in a tree with two full members (contacts, introducers) and a probationary one."""

    def __init__(self, client: httpx.AsyncClient, tokens: Tokens, tree: dict[str, dict[str, Any]]) -> None:
        self.client, self.tokens, self.tree = client, tokens, tree
        self.branch = tree["branch"]["id"]
        self.full_ids: list[str] = []
        self.probationary_id = ""
        self.app: dict[str, Any] = {}

    async def start(self, **overrides: Any) -> httpx.Response:
        self.full_ids = [await full_member(self.client, self.tokens, self.branch) for _ in range(3)]
        self.probationary_id = await full_member(
            self.client, self.tokens, self.branch, party_status="probationary", full_on=None, joined_on="2023-06-01"
        )
        response = await self.client.post(API, json=application_body(self.branch, **overrides), headers=self.tokens.headers())
        if response.status_code == 201:
            self.app = response.json()
        return response

    async def step(self, body: dict[str, Any]) -> httpx.Response:
        response = await self.client.post(f"{API}/{self.app['id']}/steps", json=body, headers=self.tokens.headers())
        if response.status_code == 200:
            self.app = response.json()
        return response

    async def through(self, *bodies: dict[str, Any]) -> None:
        for body in bodies:
            response = await self.step(body)
            assert response.status_code == 200, response.text

    def activist(self, **overrides: Any) -> dict[str, Any]:
        return ACTIVIST | {"contact_ids": self.full_ids[:1]} | overrides

    def admission(self, **overrides: Any) -> dict[str, Any]:
        return ADMISSION | {"introducer_ids": self.full_ids[1:3]} | overrides

    async def to_target(self) -> None:
        await self.start()
        await self.through(TALK, self.activist(), TARGET)

    async def to_probationary(self) -> None:
        await self.to_target()
        await self.through(self.admission(), APPROVAL)

    async def steps(self) -> list[dict[str, Any]]:
        response = await self.client.get(f"{API}/{self.app['id']}/steps", headers=self.tokens.headers("viewer"))
        return list(response.json())


@pytest.fixture
async def pipe(members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica) -> Pipeline:
    return Pipeline(members_client, tokens, await replica.tree())


async def assert_refused(pipe: Pipeline, body: dict[str, Any], field: str) -> None:
    """A 422 naming `field`, and the application and its steps exactly as before."""
    before, steps_before = dict(pipe.app), await pipe.steps()
    response = await pipe.step(body)
    assert response.status_code == 422, response.text
    assert field in {e["field"] for e in response.json()["errors"]}, response.json()
    current = await pipe.client.get(f"{API}/{pipe.app['id']}", headers=pipe.tokens.headers())
    assert current.json() == before
    assert await pipe.steps() == steps_before


class TestThePipeline:
    async def test_from_application_to_full_member_each_step_dated_with_its_body_and_documents(
        self, pipe: Pipeline, members_db: Database
    ) -> None:
        await pipe.to_probationary()

        member_id = pipe.app["member_id"]
        assert pipe.app["stage"] == "probationary"
        assert pipe.app["probation_ends_on"] == "2025-04-15"
        member = (await pipe.client.get(f"/api/v1/members/{member_id}", headers=pipe.tokens.headers())).json()
        assert (member["party_status"], member["joined_on"], member["name"]) == ("probationary", "2024-04-15", pipe.app["name"])
        assert member["id_number"] == pipe.app["id_number"]

        await pipe.through(FULL)

        assert pipe.app["stage"] == "full"
        member = (await pipe.client.get(f"/api/v1/members/{member_id}", headers=pipe.tokens.headers())).json()
        assert (member["party_status"], member["full_on"]) == ("full", "2025-04-15")
        history = (await pipe.client.get(f"/api/v1/members/{member_id}/history", headers=pipe.tokens.headers())).json()
        assert [(e["kind"], e["effective_on"]) for e in history] == [("joined", "2024-04-15"), ("became_full", "2025-04-15")]
        steps = await pipe.steps()
        assert [s["kind"] for s in steps] == [
            "applied",
            "talk",
            "activist",
            "development_target",
            "admission",
            "approval",
            "full",
        ]
        assert steps[4]["deciding_body"] == "第一支部黨員大會"
        assert steps[4]["documents"] == ["入黨志願書", "政審材料"]
        assert steps[4]["details"]["introducer_ids"] == pipe.full_ids[1:3]

    async def test_the_applicants_numbers_are_encrypted_masked_and_kept_out_of_events(
        self, pipe: Pipeline, members_db: Database
    ) -> None:
        await pipe.to_probationary()
        id_number = pipe.app["id_number"]

        shown = await pipe.client.get(f"{API}/{pipe.app['id']}", headers=pipe.tokens.headers("viewer"))

        assert shown.json()["id_number"] == id_number[:6] + "*" * 12
        assert shown.json()["phone"] == "139****1111"
        async with members_db.read_sessions() as session:
            row = (await session.execute(select(Application).where(Application.id == uuid.UUID(pipe.app["id"])))).scalar_one()
            payloads = (await session.execute(select(outbox.c.type, outbox.c.payload))).all()
        assert id_number.encode() not in row.id_number_cipher
        assert b"13900001111" not in (row.phone_cipher or b"")
        types = [p.type for p in payloads]
        assert {"application.applied", "application.activist", "application.approval"} <= set(types)
        assert all(id_number not in str(p.payload) and "13900001111" not in str(p.payload) for p in payloads)

    async def test_an_applicant_under_18_is_refused_and_nothing_is_written(self, pipe: Pipeline) -> None:
        response = await pipe.start(birth_date="2005-01-11", id_number=next_id("2005-01-11"), sex="male", applied_on="2023-01-10")

        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "birth_date"
        listed = await pipe.client.get(API, params={"within": pipe.branch}, headers=pipe.tokens.headers())
        assert listed.json()["items"] == []

    async def test_an_applicant_who_turned_18_that_day_may_apply(self, pipe: Pipeline) -> None:
        response = await pipe.start(birth_date="2005-01-10", id_number=next_id("2005-01-10"), sex="male", applied_on="2023-01-10")

        assert response.status_code == 201, response.text


def next_id(birth: str) -> str:
    """A valid male ID number for this birth date (odd serial)."""
    return resident_id(date.fromisoformat(birth), 2 * (uuid.uuid4().int % 400) + 1)


class TestStageRules:
    async def test_a_stage_cannot_be_skipped(self, pipe: Pipeline) -> None:
        await pipe.start()
        await pipe.through(TALK)

        await assert_refused(pipe, TARGET, "kind")
        await assert_refused(pipe, pipe.admission(), "kind")

    async def test_the_talk_comes_before_the_activist_step(self, pipe: Pipeline) -> None:
        await pipe.start()

        await assert_refused(pipe, pipe.activist(), "kind")

    async def test_a_talk_later_than_a_month_needs_a_reason(self, pipe: Pipeline) -> None:
        await pipe.start()

        await assert_refused(pipe, TALK | {"effective_on": "2023-02-11"}, "reason")
        await pipe.through(TALK | {"effective_on": "2023-02-11", "reason": "申請人外出務工"})

    async def test_an_activist_needs_one_or_two_full_members_as_contacts(self, pipe: Pipeline) -> None:
        await pipe.start()
        await pipe.through(TALK)

        await assert_refused(pipe, pipe.activist(contact_ids=[]), "contact_ids")
        await assert_refused(pipe, pipe.activist(contact_ids=pipe.full_ids), "contact_ids")
        await assert_refused(pipe, pipe.activist(contact_ids=[pipe.probationary_id]), "contact_ids")
        await pipe.through(pipe.activist(contact_ids=pipe.full_ids[:2]))

    async def test_an_activist_of_11_months_is_not_yet_a_development_target(self, pipe: Pipeline) -> None:
        await pipe.start()
        await pipe.through(TALK, pipe.activist())

        await assert_refused(pipe, TARGET | {"effective_on": "2024-02-29"}, "effective_on")
        await pipe.through(TARGET | {"effective_on": "2024-03-01"})

    async def test_a_step_before_the_previous_one_or_in_the_future_is_refused(self, pipe: Pipeline) -> None:
        await pipe.start()
        await pipe.through(TALK)

        await assert_refused(pipe, pipe.activist(effective_on="2023-01-15"), "effective_on")
        await assert_refused(pipe, pipe.activist(effective_on="2099-01-01"), "effective_on")


class TestAdmission:
    async def test_the_introducers_are_two_full_members_neither_probationary_nor_the_applicant(
        self, pipe: Pipeline, members_client: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        await pipe.to_target()
        # The applicant's own record, filed (wrongly) by hand: it must not introduce its own person.
        own = member_body(
            org_id=pipe.branch,
            id_number=pipe_id_number(pipe),
            birth_date=pipe.app["birth_date"],
            sex=pipe.app["sex"],
        )
        response = await members_client.post("/api/v1/members", json=own, headers=tokens.headers())
        assert response.status_code == 201, response.text
        themself = response.json()["id"]

        await assert_refused(pipe, pipe.admission(introducer_ids=[pipe.full_ids[1], pipe.probationary_id]), "introducer_ids")
        await assert_refused(pipe, pipe.admission(introducer_ids=[pipe.full_ids[1], themself]), "introducer_ids")
        await assert_refused(pipe, pipe.admission(introducer_ids=[pipe.full_ids[1]]), "introducer_ids")
        await assert_refused(pipe, pipe.admission(introducer_ids=[pipe.full_ids[1], pipe.full_ids[1]]), "introducer_ids")
        await pipe.through(pipe.admission())

    async def test_the_training_lasts_three_days_or_24_hours(self, pipe: Pipeline) -> None:
        await pipe.to_target()

        await assert_refused(pipe, pipe.admission(training_days=2, training_hours=23), "training")
        await pipe.through(pipe.admission(training_days=2, training_hours=24))

    async def test_the_notice_runs_five_working_days_weekends_not_counted(self, pipe: Pipeline) -> None:
        await pipe.to_target()

        # Fri 2024-04-05 .. Wed 2024-04-10: six days, four of them working days.
        await assert_refused(pipe, pipe.admission(notice_from="2024-04-05", notice_to="2024-04-10"), "notice_to")
        await pipe.through(pipe.admission(notice_from="2024-04-05", notice_to="2024-04-11"))

    async def test_the_approval_comes_within_three_months_or_six_with_a_reason(self, pipe: Pipeline) -> None:
        await pipe.to_target()
        await pipe.through(pipe.admission())

        await assert_refused(pipe, APPROVAL | {"effective_on": "2024-07-16"}, "reason")
        await assert_refused(pipe, APPROVAL | {"effective_on": "2024-10-16", "reason": "黨委換屆"}, "effective_on")
        await pipe.through(APPROVAL | {"effective_on": "2024-10-15", "reason": "黨委換屆"})
        assert pipe.app["member_id"] is not None

    async def test_the_approval_needs_the_branch_meeting_first(self, pipe: Pipeline) -> None:
        await pipe.to_target()

        await assert_refused(pipe, APPROVAL, "kind")


def pipe_id_number(pipe: Pipeline) -> str:
    # The org_admin sees the number in clear (UNMASKED_ROLES).
    return str(pipe.app["id_number"])


class TestProbation:
    async def test_becoming_full_before_the_year_is_refused(self, pipe: Pipeline) -> None:
        await pipe.to_probationary()

        await assert_refused(pipe, FULL | {"effective_on": "2025-04-14"}, "effective_on")

    async def test_the_probation_is_extended_once_by_6_to_12_months(self, pipe: Pipeline) -> None:
        await pipe.to_probationary()
        extension = {"kind": "extension", "effective_on": "2025-04-15", "deciding_body": "第一支部黨員大會", "months": 5}

        await assert_refused(pipe, extension, "months")
        await assert_refused(pipe, extension | {"months": 13}, "months")
        await pipe.through(extension | {"months": 6})
        assert pipe.app["probation_ends_on"] == "2025-10-15"
        await assert_refused(pipe, extension | {"months": 6}, "months")
        await assert_refused(pipe, FULL | {"effective_on": "2025-10-14"}, "effective_on")
        # The member record carries the extension too: becoming full directly counts it.
        member_path = f"/api/v1/members/{pipe.app['member_id']}"
        direct = await pipe.client.post(member_path + "/full", json={"full_on": "2025-04-15"}, headers=pipe.tokens.headers())
        assert (direct.status_code, direct.json()["earliest_full_on"]) == (422, "2025-10-15")
        await pipe.through(FULL | {"effective_on": "2025-10-15"})
        history = (await pipe.client.get(member_path + "/history", headers=pipe.tokens.headers())).json()
        assert [(e["kind"], e["effective_on"]) for e in history] == [
            ("joined", "2024-04-15"),
            ("probation_extended", "2025-04-15"),
            ("became_full", "2025-10-15"),
        ]

    async def test_a_cancelled_probation_closes_the_member_record(self, pipe: Pipeline) -> None:
        await pipe.to_probationary()

        await pipe.through(
            {"kind": "cancelled", "effective_on": "2025-01-10", "deciding_body": "第一支部", "reason": "不履行義務"}
        )

        assert pipe.app["stage"] == "cancelled"
        member = (await pipe.client.get(f"/api/v1/members/{pipe.app['member_id']}", headers=pipe.tokens.headers())).json()
        assert member["state"] == "left"
        later = await pipe.step(FULL)
        assert later.status_code == 409


async def due(client: httpx.AsyncClient, tokens: Tokens, kind: str, as_of: str, within: str) -> list[str]:
    response = await client.get(
        "/api/v1/recruitment/due", params={"kind": kind, "as_of": as_of, "within": within}, headers=tokens.headers("viewer")
    )
    assert response.status_code == 200, response.text
    return [item["application"]["id"] for item in response.json()["items"]]


class TestWorkLists:
    async def test_an_application_without_a_talk_is_listed_once_a_month_has_passed(self, pipe: Pipeline) -> None:
        await pipe.start()
        ids = [pipe.app["id"]]

        assert await due(pipe.client, pipe.tokens, "talk", "2023-02-10", pipe.branch) == []
        assert await due(pipe.client, pipe.tokens, "talk", "2023-02-11", pipe.branch) == ids
        await pipe.through(TALK)
        assert await due(pipe.client, pipe.tokens, "talk", "2023-02-11", pipe.branch) == []

    async def test_an_activist_is_due_for_review_six_months_after_the_last_one(self, pipe: Pipeline) -> None:
        await pipe.start()
        await pipe.through(TALK, pipe.activist())
        ids = [pipe.app["id"]]

        assert await due(pipe.client, pipe.tokens, "review", "2023-08-31", pipe.branch) == []
        assert await due(pipe.client, pipe.tokens, "review", "2023-09-01", pipe.branch) == ids
        await pipe.through({"kind": "review", "effective_on": "2023-09-01", "deciding_body": "第一支部委員會"})
        assert await due(pipe.client, pipe.tokens, "review", "2023-09-01", pipe.branch) == []
        assert await due(pipe.client, pipe.tokens, "review", "2024-03-01", pipe.branch) == ids

    async def test_a_probation_ending_within_30_days_is_listed(self, pipe: Pipeline) -> None:
        await pipe.to_probationary()
        ids = [pipe.app["id"]]

        assert await due(pipe.client, pipe.tokens, "probation_ending", "2025-03-15", pipe.branch) == []
        assert await due(pipe.client, pipe.tokens, "probation_ending", "2025-03-16", pipe.branch) == ids

    async def test_an_approval_is_overdue_three_months_after_the_branch_meeting(self, pipe: Pipeline) -> None:
        await pipe.to_target()
        await pipe.through(pipe.admission())
        ids = [pipe.app["id"]]

        assert await due(pipe.client, pipe.tokens, "approval", "2024-07-15", pipe.branch) == []
        assert await due(pipe.client, pipe.tokens, "approval", "2024-07-16", pipe.branch) == ids
        await pipe.through(APPROVAL)
        assert await due(pipe.client, pipe.tokens, "approval", "2024-07-16", pipe.branch) == []

    async def test_the_lists_stay_inside_the_callers_scope(self, pipe: Pipeline) -> None:
        await pipe.start()
        elsewhere = pipe.tree["small"]["id"]

        response = await pipe.client.get(
            "/api/v1/recruitment/due",
            params={"kind": "talk", "as_of": "2023-03-01"},
            headers=pipe.tokens.headers("viewer", scope_org_id=uuid.UUID(elsewhere)),
        )
        single = await pipe.client.get(
            f"{API}/{pipe.app['id']}", headers=pipe.tokens.headers("viewer", scope_org_id=uuid.UUID(elsewhere))
        )

        assert response.json()["items"] == []
        assert single.status_code == 404


class TestRecruitStats:
    async def test_recruits_per_year_by_age_band_and_education(self, pipe: Pipeline) -> None:
        await pipe.to_probationary()
        second = Pipeline(pipe.client, pipe.tokens, pipe.tree)
        await second.start(education="secondary", birth_date="1999-03-01", id_number=next_id("1999-03-01"), sex="male")
        await second.through(TALK, second.activist(), TARGET, second.admission(), APPROVAL)
        # A third still on the way is not a recruit.
        third = Pipeline(pipe.client, pipe.tokens, pipe.tree)
        await third.start()

        by_education = await pipe.client.get(
            "/api/v1/recruitment/stats", params={"group_by": "education", "within": pipe.branch}, headers=pipe.tokens.headers()
        )
        by_age = await pipe.client.get(
            "/api/v1/recruitment/stats",
            params={"group_by": "age_band", "within": pipe.branch, "year_from": 2024, "year_to": 2024},
            headers=pipe.tokens.headers(),
        )

        assert by_education.status_code == 200, by_education.text
        assert {(r["year"], r["key"], r["count"]) for r in by_education.json()["rows"]} == {
            (2024, "bachelor", 1),
            (2024, "secondary", 1),
        }
        # Born 1999-03-01, the meeting on 2024-04-15: 25, in the band below 26.
        rows = {r["key"]: r["count"] for r in by_age.json()["rows"]}
        assert by_age.json()["age_bands"] == ["<26", "26-35", "36-45", "46+"]
        assert rows["<26"] == 1
        assert sum(rows.values()) == 2


class TestAccess:
    async def test_a_viewer_reads_but_cannot_write(self, pipe: Pipeline) -> None:
        await pipe.start()

        created = await pipe.client.post(API, json=application_body(pipe.branch), headers=pipe.tokens.headers("viewer"))
        step = await pipe.client.post(f"{API}/{pipe.app['id']}/steps", json=TALK, headers=pipe.tokens.headers("viewer"))
        read = await pipe.client.get(f"{API}/{pipe.app['id']}", headers=pipe.tokens.headers("viewer"))

        assert (created.status_code, step.status_code, read.status_code) == (403, 403, 200)

    async def test_unknown_fields_and_unknown_step_kinds_are_422(self, pipe: Pipeline) -> None:
        await pipe.start()

        extra = await pipe.client.post(API, json=application_body(pipe.branch, stage="full"), headers=pipe.tokens.headers())
        kind = await pipe.step(TALK | {"kind": "promote"})

        assert (extra.status_code, kind.status_code) == (422, 422)


class TestOnePersonOnce:
    async def test_a_second_open_application_or_one_for_a_member_is_409(self, pipe: Pipeline) -> None:
        await pipe.start()
        again = application_body(
            pipe.branch, id_number=pipe.app["id_number"], birth_date=pipe.app["birth_date"], sex=pipe.app["sex"]
        )
        member = (await pipe.client.get(f"/api/v1/members/{pipe.full_ids[0]}", headers=pipe.tokens.headers())).json()
        of_member = application_body(
            pipe.branch, id_number=member["id_number"], birth_date=member["birth_date"], sex=member["sex"]
        )

        second = await pipe.client.post(API, json=again, headers=pipe.tokens.headers())
        members_own = await pipe.client.post(API, json=of_member, headers=pipe.tokens.headers())

        assert (second.status_code, members_own.status_code) == (409, 409)
        assert second.json()["type"] == "/problems/duplicate-application"
        listed = await pipe.client.get(API, params={"within": pipe.branch}, headers=pipe.tokens.headers())
        assert [a["id"] for a in listed.json()["items"]] == [pipe.app["id"]]
