"""Which figures make the report's two structure charts (age, education), rural against urban."""

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
