"""`GET /api/v1/reports/survey` on the real processes: a small district built through the public
API whose every figure is worked out by hand below, in JSON, xlsx and HTML (headless Chromium).

The district (as of 2026-06-30):
- rural 甲 (branch): m1 51 college (secretary), m2 46 on the day junior high (deputy), m3 76 primary
  joined 1975, m4 31 bachelor floating out; 2 units; cadres: college, secondary.
- rural 乙 (a committee with 2 members: should be a joint branch): m5 44 secondary (secretary),
  m6 66 junior high displaced; cadres: junior high, and a bachelor whose time ended in 2025.
- urban 丙 (branch): m7 41 postgraduate (secretary), m8 56 college (deputy), m9 38 bachelor, and
  a member whose relationship was never transferred, living in 甲; 1 unit; cadre: bachelor.
"""

# ruff: noqa: RUF001 - Chinese text takes full-width punctuation

import io
import os
import shutil
import subprocess
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook

from gateway.reports import html
from tests.builders import member_body
from tests.e2e.test_live_stack import admin_headers
from tests.support import LiveStack, Tokens, wait_until

AS_OF = "2026-06-30"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
REQUIRE_CHROMIUM = os.environ.get("SURVEY_REQUIRE_CHROMIUM") == "1"

# Every figure: (rural count, denominator, share), (urban …), (total …), difference in points.
EXPECTED: dict[str, tuple[tuple[int, int | None, float | None], ...] | Any] = {
    "communities": ((2, None, None), (1, None, None), (3, None, None), None),
    "community_units": ((2, None, None), (1, None, None), (3, None, None), None),
    "team_members": ((3, None, None), (2, None, None), (5, None, None), None),
    "team_members_aged_46_plus": ((2, 3, 66.7), (1, 2, 50.0), (3, 5, 60.0), 16.7),
    "team_members_college_or_above": ((1, 3, 33.3), (2, 2, 100.0), (3, 5, 60.0), -66.7),
    "secretaries": ((2, None, None), (1, None, None), (3, None, None), None),
    "secretaries_aged_45_plus": ((1, 2, 50.0), (0, 1, 0.0), (1, 3, 33.3), 50.0),
    "secretaries_college_or_above": ((1, 2, 50.0), (1, 1, 100.0), (2, 3, 66.7), -50.0),
    "reserve_cadres": ((3, None, None), (1, None, None), (4, None, None), None),
    "reserve_cadres_college_or_above": ((1, 3, 33.3), (1, 1, 100.0), (2, 4, 50.0), -66.7),
    "members": ((6, None, None), (3, None, None), (9, None, None), None),
    # 4/6 = 66.67 → 66.7 and 1/3 = 33.33 → 33.3: the difference is that of the shares shown.
    "members_aged_46_plus": ((4, 6, 66.7), (1, 3, 33.3), (5, 9, 55.6), 33.4),
    "members_junior_high_or_below": ((3, 6, 50.0), (0, 3, 0.0), (3, 9, 33.3), 50.0),
    "members_joined_before_reform": ((1, 6, 16.7), (0, 3, 0.0), (1, 9, 11.1), 16.7),
    "not_transferred": ((1, None, None), (0, None, None), (1, None, None), None),
    "floating_out": ((1, 6, 16.7), (0, 3, 0.0), (1, 9, 11.1), 16.7),
    "displaced": ((1, 6, 16.7), (0, 3, 0.0), (1, 9, 11.1), 16.7),
    "form_mismatches": ((1, 2, 50.0), (0, 1, 0.0), (1, 3, 33.3), 50.0),
}


def _post(live: LiveStack, headers: dict[str, str], path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = httpx.post(live.url() + "/api/v1" + path, json=body, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def _member(live: LiveStack, headers: dict[str, str], org: dict[str, Any], born: str, education: str, **extra: Any) -> str:
    body = member_body(org_id=org["id"], birth_date=born, education=education, **extra)

    def created() -> str | None:
        response = httpx.post(live.url() + "/api/v1/members", json=body, headers=headers)
        return str(response.json()["id"]) if response.status_code == 201 else None

    member_id = wait_until(created, 10, 0.1)  # the first one waits for the members' replica of the org
    assert member_id, f"the member could not be filed under {org['name']}"
    return str(member_id)


class District:
    def __init__(self, live: LiveStack) -> None:
        h = self.headers = admin_headers(live)
        self.county = _post(live, h, "/orgs", {"name": f"測試區{uuid.uuid4().hex[:4]}", "kind": "committee", "tier": "county"})
        township = _post(
            live, h, "/orgs", {"name": "測試鎮", "kind": "committee", "tier": "township", "parent_id": self.county["id"]}
        )
        self.orgs: dict[str, dict[str, Any]] = {}
        self.communities: dict[str, dict[str, Any]] = {}
        for name, kind, setting in (("甲", "branch", "rural"), ("乙", "committee", "rural"), ("丙", "branch", "urban")):
            org = _post(
                live, h, "/orgs", {"name": f"{name}社區黨組織", "kind": kind, "tier": "community", "parent_id": township["id"]}
            )
            self.orgs[name] = org
            self.communities[name] = _post(
                live,
                h,
                "/communities",
                {"name": f"{name}社區", "township_org_id": township["id"], "party_org_id": org["id"], "setting": setting},
            )
        a, b, c = self.orgs["甲"], self.orgs["乙"], self.orgs["丙"]
        m1 = _member(live, h, a, "1975-01-01", "college")
        m2 = _member(live, h, a, "1980-06-30", "junior_high")
        _member(live, h, a, "1950-01-01", "primary_or_below")  # joined at 25: 1975
        floating = {"whereabouts": "floating_out", "whereabouts_details": {"destination": "杭州"}}
        _member(live, h, a, "1995-01-01", "bachelor", **floating)
        m5 = _member(live, h, b, "1981-07-01", "secondary")
        displaced = {"whereabouts": "displaced", "whereabouts_details": {"temporary_address": "過渡房"}}
        _member(live, h, b, "1960-01-01", "junior_high", **displaced)
        m7 = _member(live, h, c, "1985-01-01", "postgraduate")
        m8 = _member(live, h, c, "1970-01-01", "college")
        _member(live, h, c, "1988-01-01", "bachelor")
        lodger = {
            "whereabouts": "not_transferred",
            "whereabouts_details": {"relationship_org": "某局機關黨委"},
            "residence_community_id": self.communities["甲"]["id"],
        }
        _member(live, h, c, "1978-01-01", "bachelor", **lodger)
        for org, member_id, role in ((a, m1, "secretary"), (a, m2, "deputy_secretary"), (b, m5, "secretary")):
            _post(live, h, f"/orgs/{org['id']}/positions", {"member_id": member_id, "role": role, "since": "2024-01-01"})
        for member_id, role in ((m7, "secretary"), (m8, "deputy_secretary")):
            _post(live, h, f"/orgs/{c['id']}/positions", {"member_id": member_id, "role": role, "since": "2024-01-01"})
        for name, units in (("甲", 2), ("丙", 1)):
            for i in range(units):
                _post(
                    live,
                    h,
                    "/units",
                    {"community_id": self.communities[name]["id"], "name": f"{name}單位{i}", "category": "enterprise"},
                )
        cadres = (
            ("甲", "college", None),
            ("甲", "secondary", None),
            ("乙", "junior_high", None),
            ("乙", "bachelor", "2025-12-31"),
            ("丙", "bachelor", None),
        )
        for name, education, until in cadres:
            body = {"name": "後備", "birth_date": "1992-05-05", "education": education, "since": "2024-01-01", "until": until}
            _post(live, h, f"/communities/{self.communities[name]['id']}/reserve-cadres", body)
        self.live = live

    def report(self, headers: dict[str, str] | None = None, language: str = "zh-TW", **params: Any) -> httpx.Response:
        """The report as a reader of `language` gets it (the texts below are Traditional)."""
        params = {"within": self.county["id"], "as_of": AS_OF} | params
        headers = (headers or self.headers) | {"Accept-Language": language}
        return httpx.get(self.live.url() + "/api/v1/reports/survey", params=params, headers=headers, timeout=30)


@pytest.fixture(scope="module")
def district(live: LiveStack) -> District:
    built = District(live)

    def positions_arrived() -> bool:
        response = built.report()
        if response.status_code != 200:
            return False
        figures = {f["key"]: f for f in response.json()["figures"]}
        return bool(figures["team_members"]["total"]["count"] == 5)

    assert wait_until(positions_arrived, 15, 0.2), "the members service never received the team positions"
    return built


def _sides(figure: dict[str, Any]) -> tuple[Any, ...]:
    return (
        *[(figure[side]["count"], figure[side]["denominator"], figure[side]["share"]) for side in ("rural", "urban", "total")],
        figure["difference_points"],
    )


class TestSurveyReportJson:
    def test_every_figure_as_worked_out_by_hand(self, district: District) -> None:
        response = district.report()

        assert response.status_code == 200, response.text
        body = response.json()
        assert body["within"] == district.county["id"]
        assert body["as_of"] == AS_OF
        assert body["parameters"] == {
            "team_age_min": 46,
            "secretary_age_min": 45,
            "member_age_min": 46,
            "reform_date": "1978-12-18",
            "college_or_above": ["college", "bachelor", "postgraduate"],
            "junior_high_or_below": ["junior_high", "primary_or_below"],
        }
        assert [f["key"] for f in body["figures"]] == list(EXPECTED)
        assert {f["key"]: _sides(f) for f in body["figures"]} == EXPECTED
        assert all(f["label"] for f in body["figures"])
        assert [(m["community_name"], m["kind"], m["expected_kind"], m["members"]) for m in body["form_mismatches"]] == [
            ("乙社區", "committee", "joint_branch", 2)
        ]

    def test_thresholds_are_parameters(self, district: District) -> None:
        # At 44 the rural secretary 乙 (born 1981-07-01) counts too; at 47 the deputy of 甲 no longer does.
        body = district.report(secretary_age_min=44, team_age_min=47).json()
        figures = {f["key"]: f for f in body["figures"]}

        assert figures["secretaries_aged_45_plus"]["rural"]["count"] == 2
        assert figures["team_members_aged_46_plus"]["rural"]["count"] == 1
        assert figures["team_members_aged_46_plus"]["label"] == "班子成員47歲以上"
        assert body["parameters"]["secretary_age_min"] == 44

    def test_a_date_before_the_teams_counts_no_team(self, district: District) -> None:
        figures = {f["key"]: f for f in district.report(as_of="2023-12-31").json()["figures"]}

        assert figures["team_members"]["total"]["count"] == 0
        assert figures["team_members_aged_46_plus"]["total"]["share"] is None

    def test_scope_is_the_callers_own(self, district: District, live: LiveStack) -> None:
        tokens = Tokens(live.key_dir)
        elsewhere = tokens.headers("viewer", scope_org_id=uuid.uuid4())
        inside = tokens.headers("viewer", scope_org_id=uuid.UUID(district.county["id"]))

        assert district.report(headers=inside).status_code == 200
        assert district.report(headers=elsewhere).status_code == 404
        assert district.report(headers=tokens.headers("sysadmin")).status_code == 403
        assert httpx.get(live.url() + "/api/v1/reports/survey").status_code == 401
        assert district.report(team_age_min=-1).status_code == 422
        assert district.report(within=str(uuid.uuid4())).status_code == 404


class TestSurveyReportXlsx:
    def test_the_workbook_has_a_sheet_per_table_and_native_charts(self, district: District) -> None:
        response = district.report(format="xlsx")

        assert response.status_code == 200, response.text
        book = load_workbook(io.BytesIO(response.content))
        assert book.sheetnames == ["總表", "年齡結構", "文化程度", "組織設置不符", "說明"]
        rows = {row[1]: row for row in book["總表"].iter_rows(min_row=2, values_only=True)}
        assert rows["members_aged_46_plus"][2:] == (4, 6, 66.7, 1, 3, 33.3, 5, 9, 55.6, 33.4)
        charts = [chart for sheet in ("年齡結構", "文化程度") for chart in book[sheet]._charts]
        assert [type(chart).__name__ for chart in charts] == ["BarChart", "BarChart"]
        assert [len(chart.series) for chart in charts] == [2, 2]  # rural and urban
        assert book["組織設置不符"]["A2"].value == "乙社區"
        # Labels, not codes: the setting and the forms as people call them.
        assert [c.value for c in book["組織設置不符"][2]][:5] == ["乙社區", "農村社區", "乙社區黨組織", "黨委", "聯合黨支部"]
        assert book["說明"]["B1"].value == district.county["name"]

    def test_the_workbook_in_simplified_script(self, district: District) -> None:
        response = district.report(format="xlsx", language="zh-CN,zh;q=0.9")

        assert response.status_code == 200, response.text
        assert response.headers["content-language"] == "zh-Hans"
        book = load_workbook(io.BytesIO(response.content))
        assert book.sheetnames == ["总表", "年龄结构", "文化程度", "组织设置不符", "说明"]
        assert [c.value for c in book["组织设置不符"][2]][:5] == ["乙社区", "农村社区", "乙社区党组织", "党委", "联合党支部"]
        labels = [row[0] for row in book["总表"].iter_rows(min_row=2, values_only=True)]
        assert "后备干部" in labels
        assert not any("後備幹部" in str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row)
        charts = [chart for sheet in ("年龄结构", "文化程度") for chart in book[sheet]._charts]
        assert [len(chart.series) for chart in charts] == [2, 2]  # the charts' references follow the sheet names


class TestSurveyReportHtml:
    def test_the_page_in_the_readers_script_names_the_scope_and_its_county(self, district: District, live: LiveStack) -> None:
        simplified = district.report(format="html", language="zh-CN")
        traditional = district.report(format="html", language="zh-TW")
        default = district.report(format="html", language="")
        township = next(iter(district.orgs.values()))["parent_id"]

        assert simplified.status_code == 200, simplified.text
        assert simplified.headers["content-language"] == "zh-Hans"
        assert "<html lang='zh-Hans'>" in simplified.text
        assert "农村社区党建工作存在的问题和对策的报告" in simplified.text
        assert "農村社區" not in simplified.text
        assert "应为联合党支部" in simplified.text  # the label of the code, not the code
        assert "范围：" in simplified.text
        assert district.county["id"] not in simplified.text  # the county by name, not by id
        assert "<html lang='zh-Hant'>" in traditional.text
        assert "農村社區黨建工作存在的問題和對策的報告" in traditional.text
        assert "农村社区" not in traditional.text
        assert default.text == simplified.text  # the deployment's default: Simplified
        within_township = district.report(format="html", language="zh-TW", within=township)
        assert f"範圍：{district.county['name']}　測試鎮" in within_township.text

    def test_the_page_renders_in_headless_chromium_with_the_figures(self, district: District, tmp_path: Path) -> None:
        if not shutil.which(CHROMIUM):
            message = "chromium is not installed: `apt-get install -y chromium` (CI sets SURVEY_REQUIRE_CHROMIUM=1)"
            if REQUIRE_CHROMIUM:
                pytest.fail(message)
            pytest.skip(message)
        response = district.report(format="html")
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/html")
        assert response.headers.get_list("content-security-policy") == [html.CSP]  # the page's own, not the default
        page = tmp_path / "survey.html"
        page.write_bytes(response.content)
        flags = [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'profile'}",
        ]
        screenshot = tmp_path / "survey.png"
        shot = subprocess.run(
            [*flags, f"--screenshot={screenshot}", "--window-size=1200,3000", page.as_uri()],
            capture_output=True,
            timeout=120,
            check=False,
        )
        dom = subprocess.run([*flags, "--dump-dom", page.as_uri()], capture_output=True, timeout=120, check=False)

        assert shot.returncode == 0, shot.stderr.decode()[-2000:]
        assert screenshot.stat().st_size > 10_000  # a page with text and charts, not a blank
        text = dom.stdout.decode()
        assert "農村社區黨建工作存在的問題和對策的報告" in text
        # The figures as rendered: rural share, urban share, the difference; the named mismatch.
        assert '<tr data-key="members_aged_46_plus"><td>黨員46歲以上</td><td>4</td><td>66.7%</td><td>1</td><td>33.3%</td>' in text
        assert "<td>+33.4</td>" in text
        assert "乙社區" in text
        assert "應為聯合黨支部" in text
        assert text.count("<svg") == 2
        assert "調整組織設置" in text  # the measure that answers the mismatch
