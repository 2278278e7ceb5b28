"""The survey report's composition (pure): shares computed from counts, rounded half up to one
decimal, differences in points, and no share without a denominator."""

from datetime import date
from decimal import Decimal
from typing import Any

from gateway.reports.composition import FIGURES, compose, share

PARAMETERS = {
    "team_age_min": 46,
    "secretary_age_min": 45,
    "member_age_min": 46,
    "reform_date": "1978-12-18",
    "college_or_above": ["college", "bachelor", "postgraduate"],
    "junior_high_or_below": ["junior_high", "primary_or_below"],
}


def halves(**rural: int) -> tuple[dict[str, Any], dict[str, Any]]:
    zero = {f.key: 0 for f in FIGURES}
    orgs = {side: dict(zero) for side in ("rural", "urban", "total")}
    members = {side: dict(zero) for side in ("rural", "urban", "total")} | {"parameters": PARAMETERS}
    for key, value in rural.items():
        source = next(f.source for f in FIGURES if f.key == key)
        for side in ("rural", "total"):
            (orgs if source == "orgs" else members)[side][key] = value
    return orgs, members


class TestShare:
    def test_the_seeds_own_counts_give_other_percentages_than_it_prints(self) -> None:
        assert share(1524, 2236) == Decimal("68.2")  # the seed prints 64.2
        assert share(20, 77) == Decimal("26.0")  # the seed prints 28.6
        assert share(70, 180) == Decimal("38.9")

    def test_half_rounds_up_and_no_denominator_no_share(self) -> None:
        assert share(1, 8) == Decimal("12.5")
        assert share(1, 16) == Decimal("6.3")  # 6.25, half up (not to even)
        assert share(0, 0) is None
        assert share(3, None) is None


class TestCompose:
    def test_difference_is_rural_minus_urban_in_points(self) -> None:
        orgs, members = halves(members=6, members_aged_46_plus=4)
        members["urban"] |= {"members": 3, "members_aged_46_plus": 1}

        report = compose(within=None, as_of=date(2026, 6, 30), orgs=orgs, members=members)

        figure = next(f for f in report.figures if f.key == "members_aged_46_plus")
        assert (figure.rural.share, figure.urban.share, figure.difference_points) == (66.7, 33.3, 33.4)
        assert figure.label == "黨員46歲以上"

    def test_a_side_without_a_denominator_has_no_share_and_no_difference(self) -> None:
        orgs, members = halves(communities=2, form_mismatches=1)

        report = compose(within=None, as_of=date(2026, 6, 30), orgs=orgs, members=members)

        figure = next(f for f in report.figures if f.key == "form_mismatches")
        assert (figure.rural.count, figure.rural.denominator, figure.rural.share) == (1, 2, 50.0)
        assert (figure.urban.denominator, figure.urban.share, figure.difference_points) == (0, None, None)
        communities = next(f for f in report.figures if f.key == "communities")
        assert (communities.rural.denominator, communities.rural.share) == (None, None)
