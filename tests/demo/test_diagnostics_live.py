"""The demo district loaded into the four real processes through the gateway, as a client would,
and the diagnostics report on it: each work list holds exactly the cases planted (or, for the
lists that follow from broad data, exactly those computed from the generated data)."""

from typing import Any

import httpx
import pytest

from stack.demo.expected import broad_lists
from stack.demo.generate import District
from stack.demo.load import Loaded
from tests.demo.conftest import LoadedDistrict
from tests.support import ORG_ADMIN_PASSWORD, ORG_ADMIN_USERNAME, LiveStack

pytestmark = pytest.mark.timeout(600)


@pytest.fixture(scope="module")
def demo(live: LiveStack, demo_district: LoadedDistrict) -> tuple[District, Loaded, dict[str, Any]]:
    district, loaded = demo_district.district, demo_district.loaded
    response = httpx.get(
        live.url() + "/api/v1/reports/diagnostics",
        params={"within": demo_district.county_id, "as_of": district.as_of.isoformat()},
        headers=_admin(live),
        timeout=120,
    )
    assert response.status_code == 200, response.text
    return district, loaded, response.json()


def _lists(report: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    return {entry["key"]: entry["items"] for entry in report["lists"]}


def _org_keys(loaded: Loaded, items: list[dict[str, Any]]) -> set[str]:
    keys = {v: k for k, v in loaded.orgs.items()}
    return {keys[item["org_id"]] for item in items}


def _member_keys(loaded: Loaded, items: list[dict[str, Any]]) -> set[str]:
    keys = {v: k for k, v in loaded.members.items()}
    return {keys[item["member_id"]] for item in items}


ORG_LISTS = {
    "form_mismatch": "form_mismatch",
    "small_or_incomplete_teams": "small_or_incomplete_teams",
    "no_cross_appointment": "no_cross_appointment",
    "terms_overdue": "terms_overdue",
    "study_day_only": "study_day_only",
    "units_without_co_building": "units_without_co_building",
}
MEMBER_LISTS = {
    "members_without_attendance": "inactive_members",
    "followed_members_uncontacted": "followed_uncontacted",
    "green_channel_unserved": "green_channel_unserved",
}


@pytest.mark.parametrize("key", sorted(ORG_LISTS))
def test_each_organization_list_holds_exactly_the_planted_cases(demo: tuple[District, Loaded, dict[str, Any]], key: str) -> None:
    district, loaded, report = demo

    assert district.planted[ORG_LISTS[key]], "nothing planted: the test could not fail"
    assert _org_keys(loaded, _lists(report)[key]) == district.planted[ORG_LISTS[key]]


@pytest.mark.parametrize("key", sorted(MEMBER_LISTS))
def test_each_member_list_holds_exactly_the_planted_cases(demo: tuple[District, Loaded, dict[str, Any]], key: str) -> None:
    district, loaded, report = demo

    assert district.planted[MEMBER_LISTS[key]], "nothing planted: the test could not fail"
    assert _member_keys(loaded, _lists(report)[key]) == district.planted[MEMBER_LISTS[key]]


def test_the_lists_that_follow_from_the_data_match_the_independent_computation(
    demo: tuple[District, Loaded, dict[str, Any]],
) -> None:
    district, loaded, report = demo
    lists = _lists(report)
    expected = broad_lists(district)
    assert all(expected.values()), "an empty expectation could not fail"

    assert _org_keys(loaded, lists["below_leading_goose"]) == expected["below_leading_goose"]
    assert _org_keys(loaded, lists["reserve_pools"]) == expected["reserve_pools"]
    assert _member_keys(loaded, lists["education_upgrade_missing"]) == expected["education_upgrade_missing"]


def test_communities_over_the_alarm_without_a_committee_are_called_out(demo: tuple[District, Loaded, dict[str, Any]]) -> None:
    district, loaded, report = demo
    form = _lists(report)["form_mismatch"]

    called_out = [item for item in form if item["figures"]["called_out"]]
    assert _org_keys(loaded, called_out) == district.planted["form_called_out"]
    assert all(item["figures"]["members"] > 150 and item["figures"]["kind"] != "committee" for item in called_out)


def test_other_setup_problems_are_only_the_planted_oversized_branches(demo: tuple[District, Loaded, dict[str, Any]]) -> None:
    district, loaded, report = demo
    other = _lists(report)["other_setup_problems"]

    assert {item["figures"]["rule"] for item in other} == {"branch_too_large"}
    assert _org_keys(loaded, other) == district.planted["branch_too_large"]


def test_every_list_has_its_chinese_label_and_measure(demo: tuple[District, Loaded, dict[str, Any]]) -> None:
    district, _loaded, report = demo

    for entry in report["lists"]:
        assert entry["label"]
        assert entry["measure"]
        assert entry["count"] == len(entry["items"])
    assert report["as_of"] == district.as_of.isoformat()


def test_a_report_within_one_township_holds_only_its_cases(
    live: LiveStack, demo: tuple[District, Loaded, dict[str, Any]]
) -> None:
    district, loaded, report = demo
    township = district.communities[0].township
    scoped = httpx.get(
        live.url() + "/api/v1/reports/diagnostics",
        params={"within": loaded.orgs[township], "as_of": district.as_of.isoformat()},
        headers=_admin(live),
        timeout=120,
    )

    assert scoped.status_code == 200, scoped.text
    in_township = {c.party_org for c in district.communities if c.township == township}
    for entry in scoped.json()["lists"]:
        if entry["key"] in ORG_LISTS:
            assert _org_keys(loaded, entry["items"]) <= in_township
    whole = {entry["key"]: entry["count"] for entry in report["lists"]}
    assert sum(entry["count"] for entry in scoped.json()["lists"]) < sum(whole.values())


def test_without_a_token_it_is_401_and_without_a_scope_422(live: LiveStack) -> None:
    assert httpx.get(live.url() + "/api/v1/reports/diagnostics").status_code == 401
    response = httpx.get(live.url() + "/api/v1/reports/diagnostics", headers=_admin(live))
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


def test_an_unknown_subtree_is_404(live: LiveStack) -> None:
    response = httpx.get(
        live.url() + "/api/v1/reports/diagnostics",
        params={"within": "00000000-0000-0000-0000-000000000000"},
        headers=_admin(live),
    )
    assert response.status_code == 404


def _admin(live: LiveStack) -> dict[str, str]:
    token = httpx.post(live.url() + "/api/v1/auth/token", data={"username": ORG_ADMIN_USERNAME, "password": ORG_ADMIN_PASSWORD})
    return {"Authorization": f"Bearer {token.json()['access_token']}"}
