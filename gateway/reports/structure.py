"""What the report's renderers (html, xlsx) share: which figures make the two structure charts
(age, education), rural against urban; the scope by name; the codes' labels."""

from dataclasses import dataclass, field
from typing import Any

from gateway.reports.composition import Figure, SurveyReport

AGE_KEYS = ("team_members_aged_46_plus", "secretaries_aged_45_plus", "members_aged_46_plus")
EDUCATION_KEYS = (
    "team_members_college_or_above",
    "secretaries_college_or_above",
    "reserve_cadres_college_or_above",
    "members_junior_high_or_below",
)
CHARTS = (("年齡結構", AGE_KEYS), ("文化程度", EDUCATION_KEYS))


def chart_figures(report: SurveyReport, keys: tuple[str, ...]) -> list[Figure]:
    by_key = {figure.key: figure for figure in report.figures}
    return [by_key[key] for key in keys]


def scope_line(report: SurveyReport) -> str:
    """The scope as people name it: the county, then the organization (`某縣 · 某鎮黨委`); 全部 for everything."""
    if report.scope_name is None:
        return "全部" if report.within is None else str(report.within)
    if report.county_name and report.county_name != report.scope_name:
        return f"{report.county_name}　{report.scope_name}"
    return report.scope_name


@dataclass(frozen=True)
class Labels:
    """The orgs service's labels (its `/labels`, Traditional script) of the codes a report shows."""

    served: dict[str, Any] = field(default_factory=dict)

    def _of(self, enum: str, code: str) -> str:
        return str(self.served.get(enum, {}).get(code, {}).get("zh_hant", code))

    def kind(self, code: str) -> str:
        return self._of("OrgKind", code)

    def setting(self, code: str) -> str:
        return self._of("Setting", code)

    def rule(self, code: str) -> str:
        return self._of("DiagnosticRule", code)
