"""The survey report on the demo district equals the figures computed independently from the
generated data (`stack.demo.expected`): every count and denominator exactly, every share to 0.1
point, rural and urban side by side."""

from typing import Any

import httpx
import pytest

from stack.demo.expected import survey
from tests.demo.conftest import LoadedDistrict
from tests.support import ORG_ADMIN_PASSWORD, ORG_ADMIN_USERNAME, LiveStack

pytestmark = pytest.mark.timeout(600)


def _report(live: LiveStack, demo: LoadedDistrict) -> dict[str, Any]:
    token = httpx.post(live.url() + "/api/v1/auth/token", data={"username": ORG_ADMIN_USERNAME, "password": ORG_ADMIN_PASSWORD})
    response = httpx.get(
        live.url() + "/api/v1/reports/survey",
        params={"within": demo.county_id, "as_of": demo.district.as_of.isoformat()},
        headers={"Authorization": f"Bearer {token.json()['access_token']}"},
        timeout=120,
    )
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_every_survey_figure_equals_the_independent_computation(live: LiveStack, demo_district: LoadedDistrict) -> None:
    expected = {f["key"]: f for f in survey(demo_district.district)["figures"]}
    reported = {f["key"]: f for f in _report(live, demo_district)["figures"]}
    assert set(expected) <= set(reported)
    mismatches = []
    for key, want in expected.items():
        got = reported[key]
        for side in ("rural", "urban", "total"):
            if (got[side]["count"], got[side]["denominator"]) != (want[side]["count"], want[side]["denominator"]):
                mismatches.append(f"{key}/{side}: reported {got[side]}, expected {want[side]}")
            elif want[side]["share"] is not None and abs(got[side]["share"] - want[side]["share"]) > 0.1:
                mismatches.append(f"{key}/{side}: share {got[side]['share']} vs {want[side]['share']}")
        if want["difference_points"] is not None and abs(got["difference_points"] - want["difference_points"]) > 0.1:
            mismatches.append(f"{key}: difference {got['difference_points']} vs {want['difference_points']}")
    assert not mismatches, "\n".join(mismatches)


def test_the_demo_district_is_shaped_like_the_seed(demo_district: LoadedDistrict) -> None:
    # The comparison above means something only if the district has both sides and every figure.
    figures = {f["key"]: f for f in survey(demo_district.district)["figures"]}
    assert figures["communities"]["rural"]["count"] > 0
    assert figures["communities"]["urban"]["count"] > 0
    assert figures["members"]["total"]["count"] > 0
    assert figures["team_members_aged_46_plus"]["rural"]["count"] > 0
