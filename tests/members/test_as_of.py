"""Figures for a past day do not move when later-dated facts are recorded: the survey's members'
half, `/members/stats`, the member counts orgs' diagnostics and survey ask for, and the
education-upgrade work list, for 30 June, asked before and after leaving, floating out,
displacement, joining, transfers within, out and in, death and becoming full, all dated after it.
The expected figures are computed here from the facts each member had on that day."""

import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import httpx

from tests.builders import member_body
from tests.members.conftest import OrgReplica
from tests.support import Tokens

DAY = date(2026, 6, 30)
WRITE_ONCE = {"If-Match": "*"}


@dataclass
class OnTheDay:
    """What a member was on DAY, as this test recorded it: the independent side of the comparison."""

    id: str
    org: str  # "rural" or "urban": the community organization holding the relationship
    birth_date: date
    state: str = "normal"
    party_status: str = "full"
    whereabouts: str = "resident"
    education: str = "junior_high"
    joined: bool = True


def age(birth_date: date, on: date) -> int:
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


class District:
    def __init__(self, client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica) -> None:
        self.client, self.tokens, self.replica = client, tokens, replica
        self.people: list[OnTheDay] = []
        self.orgs: dict[str, dict[str, Any]] = {}

    async def build_tree(self) -> None:
        county = await self.replica.add(tier="county")
        township = await self.replica.add(tier="township", parent=county)
        self.orgs["county"] = county
        for setting in ("rural", "urban"):
            org = await self.replica.add(tier="community", kind="branch", parent=township, setting=setting)
            self.orgs[setting] = await self.replica.change(org, "org.updated", community_id=str(uuid.uuid4()))

    async def write(self, method: str, path: str, body: dict[str, Any], headers: dict[str, str] | None = None) -> Any:
        response = await self.client.request(method, path, json=body, headers=self.tokens.headers("org_admin") | (headers or {}))
        assert response.status_code in (200, 201), response.text
        return response.json()

    async def member(self, org: str, born: str, **body: Any) -> str:
        created = await self.write("POST", "/api/v1/members", member_body(org_id=self.orgs[org]["id"], birth_date=born, **body))
        return str(created["id"])

    async def state(self, member_id: str, state: str, on: str) -> None:
        await self.write("POST", f"/api/v1/members/{member_id}/state", {"state": state, "effective_on": on})

    async def whereabouts(self, member_id: str, whereabouts: str, since: str, **details: Any) -> None:
        body = {"whereabouts": whereabouts, "since": since, "details": details or None}
        await self.write("PUT", f"/api/v1/members/{member_id}/whereabouts", body, WRITE_ONCE)

    async def transfer(self, member_id: str, kind: str, days_ago: int, **body: Any) -> None:
        """Requested, approved and received on one day, shortly before today (a letter is valid for
        three months from the day it is read on)."""
        on = (date.today() - timedelta(days=days_ago)).isoformat()
        asked = await self.write("POST", "/api/v1/transfers", {"member_id": member_id, "kind": kind, "requested_on": on} | body)
        await self.write("POST", f"/api/v1/transfers/{asked['id']}/approve", {"decided_on": on, "letter_number": "介字1號"})
        await self.write("POST", f"/api/v1/transfers/{asked['id']}/receive", {"received_on": on})

    async def figures(self) -> dict[str, Any]:
        """Everything asked for DAY, as the API answers it."""
        viewer, service = self.tokens.headers("viewer"), self.tokens.headers("service")
        day, county = DAY.isoformat(), self.orgs["county"]["id"]

        async def get(path: str, headers: dict[str, str], **params: Any) -> Any:
            response = await self.client.get(path, params={"as_of": day} | params, headers=headers)
            assert response.status_code == 200, response.text
            return response.json()

        org_ids = [self.orgs[name]["id"] for name in ("rural", "urban")]
        counts = await self.client.post("/internal/member-counts", json={"org_ids": org_ids, "as_of": day}, headers=service)
        assert counts.status_code == 200, counts.text
        return {
            "survey": await get("/api/v1/members/survey", viewer, within=county),
            "stats": await get(
                "/api/v1/members/stats", viewer, within=county, group_by=["setting", "whereabouts", "party_status"]
            ),
            "not_transferred": await get("/api/v1/members/stats", viewer, within=county, population="not_transferred"),
            "all": await get("/api/v1/members/stats", viewer, within=county, population="all", group_by="state"),
            "community_counts": await get("/internal/community-member-counts", service, within=county),
            "member_counts": counts.json(),
            "upgrade": await get("/api/v1/members/worklists/education-upgrade", viewer, within=county),
        }


async def test_figures_for_a_past_day_stay_the_same_after_later_dated_changes(
    members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
) -> None:
    d = District(members_client, tokens, replica)
    await d.build_tree()
    people = d.people

    def person(member_id: str, org: str, born: str, **facts: Any) -> None:
        people.append(OnTheDay(member_id, org, date.fromisoformat(born), **facts))

    # Records as they stand before anything after DAY is recorded.
    for org, born in (("rural", "1950-03-01"), ("rural", "1992-07-01"), ("urban", "1980-06-30")):
        person(await d.member(org, born), org, born)
    leaving = await d.member("rural", "1990-01-01")
    person(leaving, "rural", "1990-01-01")
    floating = await d.member("rural", "1985-05-05", education="college")
    person(floating, "rural", "1985-05-05", education="college")
    displaced = await d.member("urban", "1991-02-02")
    person(displaced, "urban", "1991-02-02")
    dying = await d.member("urban", "1940-01-01")
    person(dying, "urban", "1940-01-01")
    leaving_the_system = await d.member("rural", "1988-08-08")
    person(leaving_the_system, "rural", "1988-08-08")
    moving = await d.member("rural", "1993-03-03")
    person(moving, "rural", "1993-03-03")  # still in the rural community on DAY
    back = await d.member("rural", "1979-09-09")
    await d.whereabouts(back, "floating_out", "2026-03-01", destination="深圳")
    person(back, "rural", "1979-09-09", whereabouts="floating_out")
    probationary = await d.member("urban", "1999-12-31", party_status="probationary", joined_on="2025-07-01", full_on=None)
    person(probationary, "urban", "1999-12-31", party_status="probationary")
    not_here = await d.member(
        "rural",
        "1987-04-04",
        whereabouts="not_transferred",
        whereabouts_details={"relationship_org": "外縣某支部"},
        residence_community_id=d.orgs["rural"]["community_id"],
    )
    person(not_here, "rural", "1987-04-04", whereabouts="not_transferred")
    gone = await d.member("rural", "1960-06-06")
    await d.state(gone, "left", "2026-05-01")
    person(gone, "rural", "1960-06-06", state="left")

    before = await d.figures()

    # Everything below is dated after DAY.
    await d.state(leaving, "left", "2026-09-01")
    await d.whereabouts(floating, "floating_out", "2026-09-01", destination="杭州", fixed_place=True)
    await d.whereabouts(displaced, "displaced", "2026-08-15", temporary_address="安置小區3棟")
    await d.state(dying, "deceased", "2026-10-01")
    await d.transfer(leaving_the_system, "out", 12, external_org="外省某黨委")
    await d.transfer(moving, "within", 11, to_org_id=d.orgs["urban"]["id"])
    await d.whereabouts(back, "resident", "2026-08-01")
    await d.write("POST", f"/api/v1/members/{probationary}/full", {"full_on": "2026-07-15"})
    await d.transfer(not_here, "in", 10, to_org_id=d.orgs["rural"]["id"])
    joiner = await d.member("rural", "2000-01-01", party_status="probationary", joined_on="2026-08-01", full_on=None)
    person(joiner, "rural", "2000-01-01", joined=False)

    after = await d.figures()

    assert after == before
    assert read(before) == expected(d)
    # The changes did happen: today's figures differ.
    within = {"within": d.orgs["county"]["id"]}
    today = (await members_client.get("/api/v1/members/survey", params=within, headers=tokens.headers("viewer"))).json()
    assert (today["total"]["members"], today["total"]["floating_out"], today["total"]["displaced"]) == (10, 1, 1)


def read(figures: dict[str, Any]) -> dict[str, Any]:
    """The API's answers in the shape `expected` computes."""
    names = ("members", "members_aged_46_plus", "floating_out", "displaced", "not_transferred")
    stats = figures["stats"]["groups"]
    return {
        "survey": {side: {name: figures["survey"][side][name] for name in names} for side in ("rural", "urban", "total")},
        "stats": sorted(((g["key"]["setting"], g["key"]["whereabouts"], g["key"]["party_status"]), g["count"]) for g in stats),
        "not_transferred": figures["not_transferred"]["total"],
        "all": sorted((g["key"]["state"], g["count"]) for g in figures["all"]["groups"]),
        "community_counts": figures["community_counts"]["counts"],
        "member_counts": figures["member_counts"]["counts"],
        "upgrade": sorted((item["member_id"], item["org_id"]) for item in figures["upgrade"]["items"]),
    }


def expected(d: District) -> dict[str, Any]:
    """The same figures computed from the facts of DAY listed in the test."""
    members = [p for p in d.people if p.joined and p.state == "normal" and p.whereabouts != "not_transferred"]
    not_transferred = [p for p in d.people if p.joined and p.state == "normal" and p.whereabouts == "not_transferred"]

    def side(setting: str | None) -> dict[str, int]:
        held = [p for p in members if setting in (None, p.org)]
        waiting = [p for p in not_transferred if setting in (None, p.org)]
        return {
            "members": len(held),
            "members_aged_46_plus": sum(1 for p in held if age(p.birth_date, DAY) >= 46),
            "floating_out": sum(1 for p in held if p.whereabouts == "floating_out"),
            "displaced": sum(1 for p in held if p.whereabouts == "displaced"),
            "not_transferred": len(waiting),
        }

    stats = Counter((p.org, p.whereabouts, p.party_status) for p in members)
    by_state = Counter(p.state for p in d.people if p.joined)
    counts = {
        name: {
            "members": sum(1 for p in members if p.org == name),
            "full": sum(1 for p in members if p.org == name and p.party_status == "full"),
            "probationary": sum(1 for p in members if p.org == name and p.party_status == "probationary"),
        }
        for name in ("rural", "urban")
    }
    upgrade = [(p.id, d.orgs[p.org]["id"]) for p in members if age(p.birth_date, DAY) < 45 and p.education != "college"]
    return {
        "survey": {name: side(setting) for name, setting in (("rural", "rural"), ("urban", "urban"), ("total", None))},
        "stats": sorted(stats.items()),
        "not_transferred": len(not_transferred),
        "all": sorted(by_state.items()),
        "community_counts": {d.orgs[name]["community_id"]: counts[name] for name in counts},
        "member_counts": {d.orgs[name]["id"]: counts[name] for name in counts},
        "upgrade": sorted(upgrade),
    }
