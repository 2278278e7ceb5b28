"""The dues ledger through HTTP: rates computed from the policy's table, money in whole fen,
payments (and 代繳) of the exact amount, back payments at most six months back, reductions with
approval, `dues_paid_through` on the record, the unpaid list with a moving 'today', totals, xlsx."""

import io
import uuid
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook

from services.members.app import create_app as create_members
from services.members.settings import MembersSettings
from tests.builders import member_body
from tests.members.conftest import OrgReplica
from tests.support import SuiteDatabase, Tokens, in_process


async def member(client: httpx.AsyncClient, tokens: Tokens, org_id: str, **body: Any) -> str:
    response = await client.post("/api/v1/members", json=member_body(org_id=org_id, **body), headers=tokens.headers())
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


class Ledger:
    def __init__(self, client: httpx.AsyncClient, tokens: Tokens) -> None:
        self.client, self.tokens = client, tokens

    async def assess(self, member_id: str, month: str, **body: Any) -> httpx.Response:
        """As a client would: a month already assessed is replaced with If-Match of the version read."""
        body = {"category": "salaried", "base_fen": 400_000} | body
        headers = self.tokens.headers()
        ledger = await self.client.get(f"/api/v1/dues/{member_id}", headers=headers)
        read = ledger.json() if ledger.status_code == 200 else []
        version = next((row["version"] for row in read if row["month"].startswith(month)), None)
        if version is not None:
            headers |= {"If-Match": f'"{version}"'}
        return await self.client.put(f"/api/v1/dues/{member_id}/{month}", json=body, headers=headers)

    async def pay(self, member_id: str, month: str, **body: Any) -> httpx.Response:
        return await self.client.post(f"/api/v1/dues/{member_id}/{month}/payment", json=body, headers=self.tokens.headers())

    async def settle(self, member_id: str, month: str, **assessment: Any) -> None:
        assessed = await self.assess(member_id, month, **assessment)
        assert assessed.status_code in (200, 201), assessed.text
        paid = await self.pay(member_id, month, paid_fen=assessed.json()["due_fen"], paid_on=f"{month}-20")
        assert paid.status_code == 200, paid.text

    async def rows(self, member_id: str) -> list[dict[str, Any]]:
        response = await self.client.get(f"/api/v1/dues/{member_id}", headers=self.tokens.headers("viewer"))
        assert response.status_code == 200, response.text
        return list(response.json())

    async def paid_through(self, member_id: str) -> str | None:
        record = await self.client.get(f"/api/v1/members/{member_id}", headers=self.tokens.headers("viewer"))
        value: str | None = record.json()["dues_paid_through"]
        return value


@pytest.fixture
def ledger(members_client: httpx.AsyncClient, tokens: Tokens) -> Ledger:
    return Ledger(members_client, tokens)


@pytest.fixture
async def tree(replica: OrgReplica) -> dict[str, dict[str, Any]]:
    return await replica.tree()


class TestRates:
    @pytest.mark.parametrize(
        ("category", "base_fen", "rate_bp", "due_fen"),
        [
            ("salaried", 300_000, 50, 1_500),
            ("salaried", 300_001, 100, 3_000),
            ("salaried", 500_000, 100, 5_000),
            ("salaried", 500_001, 150, 7_500),
            ("salaried", 1_000_000, 150, 15_000),
            ("salaried", 1_000_001, 200, 20_000),
            ("salaried", 123_456, 50, 617),
            ("retiree", 500_000, 50, 2_500),
            ("retiree", 500_001, 100, 5_000),
            ("farmer", None, None, 20),
            ("student", None, None, 20),
            ("unemployed", None, None, 20),
            ("basic_allowance", None, None, 20),
        ],
    )
    async def test_the_rate_and_amount_follow_the_2008_table(
        self, ledger: Ledger, tree: dict[str, Any], category: str, base_fen: int | None, rate_bp: int | None, due_fen: int
    ) -> None:
        mid = await member(ledger.client, ledger.tokens, tree["branch"]["id"])

        response = await ledger.assess(mid, "2026-01", category=category, base_fen=base_fen)

        assert response.status_code == 201, response.text
        assert (response.json()["rate_bp"], response.json()["due_fen"]) == (rate_bp, due_fen)

    async def test_the_rate_or_amount_cannot_be_typed(self, ledger: Ledger, tree: dict[str, Any]) -> None:
        mid = await member(ledger.client, ledger.tokens, tree["branch"]["id"])

        typed = await ledger.assess(mid, "2026-01", rate_bp=10)
        due = await ledger.assess(mid, "2026-01", due_fen=1)

        assert (typed.status_code, due.status_code) == (422, 422)
        assert await ledger.rows(mid) == []

    async def test_a_salaried_member_needs_a_base_and_a_farmer_has_none(self, ledger: Ledger, tree: dict[str, Any]) -> None:
        mid = await member(ledger.client, ledger.tokens, tree["branch"]["id"])

        without = await ledger.assess(mid, "2026-01", base_fen=None)
        farmer = await ledger.assess(mid, "2026-01", category="farmer", base_fen=100_000)

        assert (without.status_code, farmer.status_code) == (422, 422)

    @pytest.mark.parametrize("amount", [12.5, 12.0, -1, "1200"])
    async def test_money_is_whole_non_negative_fen(self, ledger: Ledger, tree: dict[str, Any], amount: object) -> None:
        mid = await member(ledger.client, ledger.tokens, tree["branch"]["id"])

        response = await ledger.assess(mid, "2026-01", base_fen=amount)

        assert response.status_code == 422
        assert await ledger.rows(mid) == []

    async def test_a_probationary_member_pays_from_the_month_of_admission(self, ledger: Ledger, tree: dict[str, Any]) -> None:
        mid = await member(
            ledger.client, ledger.tokens, tree["branch"]["id"], party_status="probationary", full_on=None, joined_on="2026-03-20"
        )

        before = await ledger.assess(mid, "2026-02")
        admitted = await ledger.assess(mid, "2026-03")

        assert (before.status_code, admitted.status_code) == (422, 201)

    async def test_a_malformed_month_is_422(self, ledger: Ledger, tree: dict[str, Any]) -> None:
        mid = await member(ledger.client, ledger.tokens, tree["branch"]["id"])

        assert (await ledger.assess(mid, "2026-13")).status_code == 422

    async def test_the_year_zero_is_a_422_not_a_500(self, ledger: Ledger, tree: dict[str, Any]) -> None:
        # Found by the fuzzing (tests/fuzz): "0000-01" matched the month pattern, and no date has it.
        mid = await member(ledger.client, ledger.tokens, tree["branch"]["id"])
        viewer = ledger.tokens.headers("viewer")

        assert (await ledger.assess(mid, "0000-01")).status_code == 422
        assert (await ledger.client.get("/api/v1/dues/totals", params={"month": "0000-01"}, headers=viewer)).status_code == 422


class TestPayments:
    async def test_the_exact_amount_is_paid_by_the_member_or_another(self, ledger: Ledger, tree: dict[str, Any]) -> None:
        mid = await member(ledger.client, ledger.tokens, tree["branch"]["id"])
        payer = await member(ledger.client, ledger.tokens, tree["branch"]["id"])
        await ledger.assess(mid, "2026-01")

        short = await ledger.pay(mid, "2026-01", paid_fen=3_999, paid_on="2026-01-20")
        unknown = await ledger.pay(mid, "2026-01", paid_fen=4_000, paid_on="2026-01-20", paid_by_member_id=str(uuid.uuid4()))
        paid = await ledger.pay(mid, "2026-01", paid_fen=4_000, paid_on="2026-01-20", paid_by_member_id=payer)
        again = await ledger.pay(mid, "2026-01", paid_fen=4_000, paid_on="2026-01-21")

        assert (short.status_code, unknown.status_code, paid.status_code, again.status_code) == (422, 422, 200, 409)
        assert paid.json()["paid_by_member_id"] == payer
        assert paid.json()["settled"] is True

    async def test_a_back_payment_reaches_six_months_back_and_no_further(self, ledger: Ledger, tree: dict[str, Any]) -> None:
        mid = await member(ledger.client, ledger.tokens, tree["branch"]["id"])
        await ledger.assess(mid, "2026-01")
        await ledger.assess(mid, "2026-02")

        too_old = await ledger.pay(mid, "2026-01", paid_fen=4_000, paid_on="2026-08-01")
        six_back = await ledger.pay(mid, "2026-02", paid_fen=4_000, paid_on="2026-08-31")

        assert too_old.status_code == 422
        assert too_old.json()["type"] == "/problems/back-payment-too-old"
        assert six_back.status_code == 200
        assert [r["paid_fen"] for r in await ledger.rows(mid)] == [None, 4_000]

    async def test_a_paid_month_keeps_its_base(self, ledger: Ledger, tree: dict[str, Any]) -> None:
        mid = await member(ledger.client, ledger.tokens, tree["branch"]["id"])
        await ledger.settle(mid, "2026-01")

        assert (await ledger.assess(mid, "2026-01", base_fen=100)).status_code == 409


class TestReductions:
    async def test_a_reduction_or_exemption_needs_its_approval_and_lowers_what_is_due(
        self, ledger: Ledger, tree: dict[str, Any]
    ) -> None:
        mid = await member(ledger.client, ledger.tokens, tree["branch"]["id"])
        await ledger.assess(mid, "2026-01")
        await ledger.assess(mid, "2026-02")
        approval = {"approved_by": "第一支部委員會", "approved_on": "2026-01-10", "reason": "家庭困難"}
        url = f"/api/v1/dues/{mid}/2026-01/reduction"
        headers = ledger.tokens.headers()

        unapproved = await ledger.client.post(url, json={"kind": "reduced", "due_fen": 1_000}, headers=headers)
        not_lower = await ledger.client.post(url, json={"kind": "reduced", "due_fen": 4_000} | approval, headers=headers)
        reduced = await ledger.client.post(url, json={"kind": "reduced", "due_fen": 1_000} | approval, headers=headers)
        exempt = await ledger.client.post(
            f"/api/v1/dues/{mid}/2026-02/reduction", json={"kind": "exempt"} | approval, headers=headers
        )

        assert (unapproved.status_code, not_lower.status_code) == (422, 422)
        assert reduced.json()["due_fen"] == 1_000
        assert reduced.json()["standard_fen"] == 4_000
        assert (exempt.json()["due_fen"], exempt.json()["settled"]) == (0, True)
        assert (await ledger.pay(mid, "2026-01", paid_fen=1_000, paid_on="2026-01-20")).status_code == 200
        assert await ledger.paid_through(mid) == "2026-02"


class TestPaidThrough:
    async def test_the_record_shows_the_last_month_of_the_unbroken_run(self, ledger: Ledger, tree: dict[str, Any]) -> None:
        mid = await member(ledger.client, ledger.tokens, tree["branch"]["id"])
        assert await ledger.paid_through(mid) is None

        await ledger.settle(mid, "2026-01")
        await ledger.settle(mid, "2026-02")
        assert await ledger.paid_through(mid) == "2026-02"
        await ledger.assess(mid, "2026-03")
        await ledger.settle(mid, "2026-04")
        assert await ledger.paid_through(mid) == "2026-02"
        await ledger.pay(mid, "2026-03", paid_fen=4_000, paid_on="2026-05-01")
        assert await ledger.paid_through(mid) == "2026-04"


async def unpaid(ledger: Ledger, as_of: str, within: str) -> dict[str, int]:
    response = await ledger.client.get(
        "/api/v1/dues/unpaid", params={"as_of": as_of, "within": within}, headers=ledger.tokens.headers("viewer")
    )
    assert response.status_code == 200, response.text
    return {item["member_id"]: item["months_unpaid"] for item in response.json()["items"]}


class TestUnpaidList:
    async def test_six_months_unpaid_without_a_reason_are_listed(self, ledger: Ledger, tree: dict[str, Any]) -> None:
        branch = tree["branch"]["id"]
        paid_to_april = await member(ledger.client, ledger.tokens, branch, joined_on="2020-01-01", full_on="2021-01-01")
        for month in ("2026-01", "2026-02", "2026-03", "2026-04"):
            await ledger.settle(paid_to_april, month)
        with_reason = await member(ledger.client, ledger.tokens, branch, joined_on="2020-01-01", full_on="2021-01-01")
        await ledger.settle(with_reason, "2026-04")
        await ledger.assess(with_reason, "2026-05", unpaid_reason="住院治療")
        never_paid = await member(
            ledger.client, ledger.tokens, branch, joined_on="2026-05-10", party_status="probationary", full_on=None
        )

        # October: May to September unpaid, five months.
        assert await unpaid(ledger, "2026-10-31", branch) == {}
        # November: May to October, six months (the current month is not yet late).
        assert await unpaid(ledger, "2026-11-01", branch) == {paid_to_april: 6, never_paid: 6}


class TestTotalsAndExport:
    async def test_monthly_totals_per_organization_and_the_treasurers_xlsx(self, ledger: Ledger, tree: dict[str, Any]) -> None:
        branch, small = tree["branch"]["id"], tree["small"]["id"]
        a = await member(ledger.client, ledger.tokens, branch)
        b = await member(ledger.client, ledger.tokens, branch)
        c = await member(ledger.client, ledger.tokens, small)
        await ledger.settle(a, "2026-06", base_fen=250_000)
        await ledger.assess(b, "2026-06", category="farmer", base_fen=None)
        await ledger.settle(c, "2026-06", category="retiree", base_fen=600_000)

        totals = await ledger.client.get(
            "/api/v1/dues/totals", params={"month": "2026-06", "within": tree["township"]["id"]}, headers=ledger.tokens.headers()
        )
        exported = await ledger.client.get(
            "/api/v1/dues/export", params={"month": "2026-06", "within": branch}, headers=ledger.tokens.headers("viewer")
        )

        by_org = {t["org_id"]: (t["members"], t["due_fen"], t["paid_fen"], t["unpaid_members"]) for t in totals.json()}
        assert by_org == {branch: (2, 1_250 + 20, 1_250, 1), small: (1, 6_000, 6_000, 0)}
        assert exported.status_code == 200
        sheet = load_workbook(io.BytesIO(exported.content)).active
        assert sheet is not None
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][:4] == ("黨組織", "姓名", "月份", "黨費類別")
        assert sorted(r[3] for r in rows[1:]) == sorted(["農民", "在職"])
        salaried = next(r for r in rows[1:] if r[3] == "在職")
        assert (salaried[4], salaried[5], salaried[7], salaried[10]) == (2500, "0.5%", 12.5, 12.5)


class TestAccess:
    async def test_out_of_scope_is_404_and_a_viewer_cannot_write(self, ledger: Ledger, tree: dict[str, Any]) -> None:
        mid = await member(ledger.client, ledger.tokens, tree["branch"]["id"])
        elsewhere = uuid.UUID(tree["small"]["id"])

        read = await ledger.client.get(f"/api/v1/dues/{mid}", headers=ledger.tokens.headers("viewer", scope_org_id=elsewhere))
        write = await ledger.client.put(
            f"/api/v1/dues/{mid}/2026-01",
            json={"category": "farmer"},
            headers=ledger.tokens.headers("org_admin", scope_org_id=elsewhere),
        )
        viewer = await ledger.client.put(
            f"/api/v1/dues/{mid}/2026-01", json={"category": "farmer"}, headers=ledger.tokens.headers("viewer")
        )

        assert (read.status_code, write.status_code, viewer.status_code) == (404, 404, 403)


class TestPolicy:
    async def test_the_province_sets_the_farmers_amount_by_configuration(
        self, test_db: SuiteDatabase, tokens: Tokens, replica: OrgReplica, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("MEMBERS_POLICY__DUES_FARMER_FEN", "50")
        settings = MembersSettings(
            data_dir=test_db.data_dir, database_url=test_db.urls["members"], json_logs=False, consume_feeds=False
        )
        tree = await replica.tree()
        async with in_process(create_members(settings)) as client:
            ledger = Ledger(client, tokens)
            mid = await member(client, tokens, tree["branch"]["id"])

            response = await ledger.assess(mid, "2026-01", category="farmer", base_fen=None)
            policy = await client.get("/policy", headers=tokens.headers("viewer"))

        assert (response.status_code, response.json()["due_fen"]) == (201, 50)
        assert policy.json()["dues_farmer_fen"] == 50
