"""The printable survey page under its strict Content-Security-Policy (issue #17, finding 8): it
loads nothing, runs no script, and its one style element is allowed by hash — checked in headless
Chromium, which reports every blocked style or script on its console."""

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from gateway.reports import html
from gateway.reports.composition import compose
from gateway.reports.structure import Labels
from services.kit.script import Script, in_script
from tests.gateway.test_survey_composition import halves
from tests.gateway.test_survey_report import CHROMIUM, REQUIRE_CHROMIUM


def _console(page: str, tmp_path: Path, script: Script = Script.hant) -> str:
    """What Chromium logged while loading the page from a file."""
    if not shutil.which(CHROMIUM):
        message = "chromium is not installed: `apt-get install -y chromium` (CI sets SURVEY_REQUIRE_CHROMIUM=1)"
        if REQUIRE_CHROMIUM:
            pytest.fail(message)
        pytest.skip(message)
    tmp_path.mkdir(exist_ok=True)
    path = tmp_path / "survey.html"
    path.write_text(page, encoding="utf-8")
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
    done = subprocess.run(
        [
            CHROMIUM,
            *flags,
            f"--user-data-dir={tmp_path / 'profile'}",
            "--enable-logging=stderr",
            "--v=0",
            "--dump-dom",
            path.as_uri(),
        ],
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    assert in_script("農村社區黨建工作存在的問題和對策的報告", script) in done.stdout.decode()
    return done.stderr.decode()


# Either script: the page is converted, its style element is not, so the one hash holds for both.
@pytest.mark.parametrize("script", [Script.hant, Script.hans])
def test_the_page_carries_a_strict_policy_and_breaks_none_of_it(tmp_path: Path, script: Script) -> None:
    orgs, members = halves(members=6, members_aged_46_plus=4, communities=2, form_mismatches=1)
    report = compose(within=None, as_of=date(2026, 6, 30), orgs=orgs, members=members)
    page = html.page(report, [], Labels(), script)

    console = _console(page, tmp_path, script)

    assert f"<meta http-equiv='Content-Security-Policy' content=\"{html.PAGE_POLICY}\">" in page
    assert "'unsafe-inline'" not in html.CSP
    assert html.CSP.startswith("default-src 'none'")
    assert "frame-ancestors 'none'" in html.CSP
    assert "<script" not in page
    assert "Content Security Policy" not in console
    # The check can fail: a style the policy does not name is blocked and reported.
    altered = page.replace("</style>", "h1 { color: red; }</style>")
    assert "Content Security Policy" in _console(altered, tmp_path / "altered", script)
