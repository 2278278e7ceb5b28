"""The 領頭雁 standard of a community team; reserve cadres' dates; an end as it happened."""

from datetime import date

from services.orgs.rules import OrgsPolicy
from services.orgs.rules import communities as rules

POLICY = OrgsPolicy()


class TestLeadingGoose:
    def person(self, born: str, education: str, crossed: bool) -> rules.TeamPerson:
        return rules.TeamPerson(birth_date=date.fromisoformat(born), education=education, cross_appointed=crossed)

    def test_three_of_five_meets_each_sixty_percent(self) -> None:
        team = [
            self.person("1990-01-01", "bachelor", True),
            self.person("1985-01-01", "college", True),
            self.person("1982-11-27", "postgraduate", True),  # 43 on the day
            self.person("1960-01-01", "junior_high", False),
            self.person("1970-01-01", "secondary", False),
        ]

        shares = rules.leading_goose(team, date(2026, 11, 26), POLICY)

        assert {name: (s.count, s.met) for name, s in shares.items()} == {
            "college_or_above": (3, True),
            "under_age_limit": (3, True),
            "cross_appointed": (3, True),
        }

    def test_two_of_five_does_not(self) -> None:
        team = [self.person("1990-01-01", "bachelor", True), self.person("1990-01-01", "bachelor", True)] + [
            self.person("1960-01-01", "junior_high", False)
        ] * 3

        shares = rules.leading_goose(team, date(2026, 11, 26), POLICY)

        assert not any(s.met for s in shares.values())

    def test_age_is_whole_years_on_the_day(self) -> None:
        assert rules.age_on(date(1981, 11, 27), date(2026, 11, 26)) == 44
        assert rules.age_on(date(1981, 11, 26), date(2026, 11, 26)) == 45


class TestEndsAndReserveCadres:
    def test_an_end_is_not_before_the_start_nor_in_the_future(self) -> None:
        today = date(2026, 11, 26)
        assert rules.end_errors(since=date(2025, 1, 1), until=date(2025, 1, 1), today=today) == []
        assert [e["field"] for e in rules.end_errors(since=date(2025, 1, 1), until=date(2024, 12, 31), today=today)] == ["until"]
        future = rules.end_errors(since=date(2025, 1, 1), until=date(2026, 11, 27), today=today, field="ended_on")
        assert [(e["field"], e["message"]) for e in future] == [("ended_on", "is in the future")]

    def test_a_cadre_is_born_before_joining_and_joins_before_leaving(self) -> None:
        assert rules.reserve_cadre_errors(birth_date=date(1990, 1, 1), since=date(2025, 1, 1), until=None) == []
        wrong = rules.reserve_cadre_errors(birth_date=date(2025, 1, 1), since=date(2025, 1, 1), until=date(2024, 1, 1))
        assert [e["field"] for e in wrong] == ["birth_date", "since"]

    def test_under_an_age_is_born_after_the_day(self) -> None:
        assert rules.born_after_for_age_under(date(2026, 6, 1), 35) == date(1991, 6, 1)
        assert rules.born_after_for_age_under(date(2028, 2, 29), 35) == date(1993, 2, 28)
