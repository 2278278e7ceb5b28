"""Elections through HTTP: nominations, vetting, the 差額 ballot, quorum and majority, the result
taking effect as a term and positions (a secretary's after the higher organization's approval),
and scope."""

import uuid
from typing import Any

import httpx

from tests.orgs.builders import add_position, add_term, create_community_tree
from tests.orgs.conftest import MembersStub
from tests.support import Tokens


async def _setup(
    api: httpx.AsyncClient, headers: dict[str, str], org_id: str, *, seats: dict[str, int], **extra: Any
) -> dict[str, Any]:
    body = {
        "kind": "term_change",
        "held_on": "2026-03-01",
        "eligible_voters": 50,
        "seats": [{"role": role, "seats": n} for role, n in seats.items()],
    } | extra
    response = await api.post(f"/api/v1/orgs/{org_id}/elections", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def _candidates(
    api: httpx.AsyncClient, headers: dict[str, str], stub: MembersStub, election_id: str, org_id: str, roles: list[str]
) -> list[dict[str, Any]]:
    """Nominate one new member per role listed and vet each (approved)."""
    made = []
    for role in roles:
        member_id = stub.new_member(org_id=org_id)
        nominated = await api.post(
            f"/api/v1/elections/{election_id}/candidates", json={"member_id": member_id, "role": role}, headers=headers
        )
        assert nominated.status_code == 201, nominated.text
        vetted = await api.post(
            f"/api/v1/elections/{election_id}/candidates/{nominated.json()['id']}/vetting",
            json={"passed": True},
            headers=headers,
        )
        assert vetted.status_code == 200, vetted.text
        made.append(vetted.json())
    return made


async def _world(api: httpx.AsyncClient, tokens: Tokens, stub: MembersStub) -> dict[str, Any]:
    admin = tokens.headers("org_admin")
    tree = await create_community_tree(api, admin)
    org_id = tree["party_org"]["id"]
    stub.set_count(org_id, members=50)  # a committee is allowed from 7 full members
    township = tokens.headers(scope_org_id=tree["township"]["id"])
    return {"tree": tree, "org_id": org_id, "township": township, "admin": admin}


async def test_too_few_candidates_for_the_contest_rule_is_refused(
    orgs_api: httpx.AsyncClient, tokens: Tokens, members_stub: MembersStub
) -> None:
    w = await _world(orgs_api, tokens, members_stub)
    h, org_id = w["township"], w["org_id"]
    election = await _setup(orgs_api, h, org_id, seats={"secretary": 1, "committee_member": 5})
    # One secretary candidate (等額 allowed) and five for five committee seats: 差額 of 20% needs six.
    await _candidates(orgs_api, h, members_stub, election["id"], org_id, ["secretary"] + ["committee_member"] * 5)

    response = await orgs_api.post(f"/api/v1/elections/{election['id']}/ballot", headers=h)

    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["type"].endswith("election-rule")
    assert [e["field"] for e in problem["errors"]] == ["seats.committee_member"]
    message = problem["errors"][0]["message"]
    assert "5 vetted candidate(s) for 5 seat(s)" in message
    assert "差額" in message
    assert "6 needed" in message
    assert (await orgs_api.get(f"/api/v1/elections/{election['id']}", headers=h)).json()["status"] == "nominating"


async def test_too_few_voters_or_no_majority_is_refused_and_nothing_written(
    orgs_api: httpx.AsyncClient, tokens: Tokens, members_stub: MembersStub
) -> None:
    w = await _world(orgs_api, tokens, members_stub)
    h, org_id = w["township"], w["org_id"]
    election = await _setup(orgs_api, h, org_id, seats={"deputy_secretary": 1})
    [deputy] = await _candidates(orgs_api, h, members_stub, election["id"], org_id, ["deputy_secretary"])
    assert (await orgs_api.post(f"/api/v1/elections/{election['id']}/ballot", headers=h)).status_code == 200
    path = f"/api/v1/elections/{election['id']}/count"

    too_few = await orgs_api.post(
        path, json={"voters_present": 40, "votes": [{"candidate_id": deputy["id"], "votes": 40}]}, headers=h
    )
    no_majority = await orgs_api.post(
        path, json={"voters_present": 45, "votes": [{"candidate_id": deputy["id"], "votes": 25}]}, headers=h
    )

    assert too_few.status_code == 422, too_few.text
    assert [e["field"] for e in too_few.json()["errors"]] == ["voters_present"]
    assert "40 of 50 entitled present" in too_few.json()["errors"][0]["message"]
    assert no_majority.status_code == 422, no_majority.text
    # 25 of 45 present is more than half of those present, but not of the 50 entitled (26 needed).
    [error] = no_majority.json()["errors"]
    assert error["field"] == "seats.deputy_secretary"
    assert "26 votes" in error["message"]
    assert "has 25" in error["message"]
    after = (await orgs_api.get(f"/api/v1/elections/{election['id']}", headers=h)).json()
    assert after["status"] == "balloting"
    assert after["voters_present"] is None
    assert [c["votes"] for c in after["candidates"]] == [None]
    assert (await orgs_api.get(f"/api/v1/orgs/{org_id}/terms", headers=h)).json() == []
    assert (await orgs_api.get(f"/api/v1/orgs/{org_id}/positions", headers=h)).json() == []


async def test_a_valid_term_change_creates_the_term_and_team_after_the_higher_organizations_approval(
    orgs_api: httpx.AsyncClient, tokens: Tokens, members_stub: MembersStub
) -> None:
    w = await _world(orgs_api, tokens, members_stub)
    h, org_id = w["township"], w["org_id"]
    old_secretary = members_stub.new_member(org_id=org_id)
    assert (await add_term(orgs_api, h, org_id=org_id, number=1, started_on="2021-03-01")).status_code == 201
    await add_position(orgs_api, h, org_id=org_id, member_id=old_secretary, since="2021-03-01")
    election = await _setup(orgs_api, h, org_id, seats={"secretary": 1, "committee_member": 3})
    made = await _candidates(orgs_api, h, members_stub, election["id"], org_id, ["secretary"] + ["committee_member"] * 4)
    assert (await orgs_api.post(f"/api/v1/elections/{election['id']}/ballot", headers=h)).status_code == 200
    votes = [48, 45, 44, 30, 12]

    counted = await orgs_api.post(
        f"/api/v1/elections/{election['id']}/count",
        json={"voters_present": 48, "votes": [{"candidate_id": c["id"], "votes": v} for c, v in zip(made, votes, strict=True)]},
        headers=h,
    )

    assert counted.status_code == 200, counted.text
    assert counted.json()["status"] == "awaiting_approval"
    assert (await orgs_api.get(f"/api/v1/orgs/{org_id}/terms", headers=h)).json()[-1]["number"] == 1
    # The community organization itself is not its own higher organization.
    own = tokens.headers(scope_org_id=org_id)
    refused = await orgs_api.post(f"/api/v1/elections/{election['id']}/approval", json={"approved_on": "2026-03-05"}, headers=own)
    assert refused.status_code == 403, refused.text

    approved = await orgs_api.post(f"/api/v1/elections/{election['id']}/approval", json={"approved_on": "2026-03-05"}, headers=h)

    assert approved.status_code == 200, approved.text
    body = approved.json()
    assert body["status"] == "effective"
    assert body["approved_on"] == "2026-03-05"
    terms = (await orgs_api.get(f"/api/v1/orgs/{org_id}/terms", headers=h)).json()
    assert [(t["number"], t["started_on"], t["elected_on"]) for t in terms] == [
        (1, "2021-03-01", None),
        (2, "2026-03-05", "2026-03-01"),
    ]
    assert terms[1]["id"] == body["term_id"]
    assert (terms[1]["eligible_voters"], terms[1]["voters_present"], terms[1]["lowest_votes_elected"]) == (50, 48, 30)
    team = (await orgs_api.get(f"/api/v1/orgs/{org_id}/positions", params={"as_of": "2026-03-05"}, headers=h)).json()
    elected = {(c["member_id"], c["role"]) for c in made[:4]}
    assert {(p["member_id"], p["role"]) for p in team} == elected
    assert all(p["since"] == "2026-03-05" and p["source"] == "elected" for p in team)
    before = (await orgs_api.get(f"/api/v1/orgs/{org_id}/positions", params={"as_of": "2026-03-04"}, headers=h)).json()
    assert [p["member_id"] for p in before] == [old_secretary]


async def test_a_by_election_counted_by_the_system_fills_the_seat_at_once(
    orgs_api: httpx.AsyncClient, tokens: Tokens, members_stub: MembersStub
) -> None:
    w = await _world(orgs_api, tokens, members_stub)
    h, org_id = w["township"], w["org_id"]
    assert (await add_term(orgs_api, h, org_id=org_id, number=3, started_on="2024-01-10")).status_code == 201
    election = await _setup(
        orgs_api, h, org_id, seats={"deputy_secretary": 1}, kind="by_election", counting="system", eligible_voters=10
    )
    a, b = await _candidates(orgs_api, h, members_stub, election["id"], org_id, ["deputy_secretary"] * 2)
    assert (await orgs_api.post(f"/api/v1/elections/{election['id']}/ballot", headers=h)).status_code == 200
    ballots = f"/api/v1/elections/{election['id']}/ballots"

    twice = await orgs_api.post(ballots, json={"ballots": [[a["id"], b["id"]]]}, headers=h)
    stranger = await orgs_api.post(ballots, json={"ballots": [[str(uuid.uuid4())]]}, headers=h)
    entered = await orgs_api.post(ballots, json={"ballots": [[a["id"]]] * 6 + [[b["id"]]] * 2 + [[]]}, headers=h)
    counted = await orgs_api.post(f"/api/v1/elections/{election['id']}/count", json={"voters_present": 9}, headers=h)

    assert twice.status_code == 422
    assert twice.json()["errors"][0]["field"] == "ballots.0"
    assert stranger.status_code == 422
    assert stranger.json()["type"].endswith("unknown-reference")
    assert entered.status_code == 200
    assert entered.json()["ballots_cast"] == 9
    assert counted.status_code == 200, counted.text
    result = counted.json()
    assert result["status"] == "effective"
    assert {c["member_id"]: (c["votes"], c["elected"]) for c in result["candidates"]} == {
        a["member_id"]: (6, True),
        b["member_id"]: (2, False),
    }
    terms = (await orgs_api.get(f"/api/v1/orgs/{org_id}/terms", headers=h)).json()
    assert [t["number"] for t in terms] == [3]
    assert result["term_id"] == terms[0]["id"]
    team = (await orgs_api.get(f"/api/v1/orgs/{org_id}/positions", headers=h)).json()
    assert [(p["member_id"], p["role"], p["since"]) for p in team] == [(a["member_id"], "deputy_secretary", "2026-03-01")]


async def test_another_townships_election_is_not_found_and_its_members_are_unknown(
    orgs_api: httpx.AsyncClient, tokens: Tokens, members_stub: MembersStub
) -> None:
    w = await _world(orgs_api, tokens, members_stub)
    other = await create_community_tree(orgs_api, w["admin"])
    theirs = tokens.headers(scope_org_id=other["township"]["id"])
    h, org_id = w["township"], w["org_id"]
    election = await _setup(orgs_api, h, org_id, seats={"secretary": 1})
    path = f"/api/v1/elections/{election['id']}"

    assert (await orgs_api.get(path, headers=theirs)).status_code == 404
    assert (await orgs_api.get(f"/api/v1/orgs/{org_id}/elections", headers=theirs)).status_code == 404
    foreign = members_stub.new_member(org_id=other["party_org"]["id"])
    stolen = await orgs_api.post(f"{path}/candidates", json={"member_id": foreign, "role": "secretary"}, headers=theirs)
    assert stolen.status_code == 404
    answers = [
        await orgs_api.post(f"{path}/candidates", json={"member_id": member_id, "role": "secretary"}, headers=h)
        for member_id in (foreign, str(uuid.uuid4()))
    ]
    assert [a.status_code for a in answers] == [422, 422]
    assert answers[0].json() == answers[1].json()
    assert (await orgs_api.get(path, headers=h)).json()["candidates"] == []
    assert [e["id"] for e in (await orgs_api.get(f"/api/v1/orgs/{org_id}/elections", headers=h)).json()] == [election["id"]]
