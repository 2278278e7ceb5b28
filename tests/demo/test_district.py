"""The demo district's generator and the independent computation of the survey figures."""

from dataclasses import replace
from datetime import date, timedelta

import pytest
from stdnum.cn import ric

from stack.demo.expected import broad_lists, survey
from stack.demo.generate import District, generate

AS_OF = date(2026, 11, 27)


@pytest.fixture(scope="module")
def seed_sized() -> District:
    return generate(seed=7, scale=1.0, as_of=AS_OF)


@pytest.fixture(scope="module")
def small() -> District:
    return generate(seed=7, scale=0.1, as_of=AS_OF)


def figures(district: District) -> dict[str, dict[str, object]]:
    return {f["key"]: f for f in survey(district)["figures"]}


class TestGenerator:
    def test_the_same_seed_gives_the_same_district_and_another_seed_another(self, small: District) -> None:
        again = generate(seed=7, scale=0.1, as_of=AS_OF)
        other = generate(seed=8, scale=0.1, as_of=AS_OF)

        assert [m.id_number for m in again.members] == [m.id_number for m in small.members]
        assert again.planted == small.planted
        assert [m.id_number for m in other.members] != [m.id_number for m in small.members]

    def test_at_scale_one_it_has_the_seeds_shape(self, seed_sized: District) -> None:
        f = figures(seed_sized)

        assert f["communities"]["rural"]["count"] == 59
        assert f["team_members"]["rural"]["count"] == 180
        assert f["secretaries"]["rural"]["count"] == 57  # 24 of them are 42%
        assert f["reserve_cadres"]["rural"]["count"] == 77
        assert f["reserve_cadres_college_or_above"]["rural"]["count"] == 20
        assert f["community_units"]["rural"]["count"] == 491
        assert abs(f["members"]["rural"]["count"] - 2236) <= 0.02 * 2236
        assert f["team_members_aged_46_plus"]["rural"]["count"] == 70
        assert f["team_members_college_or_above"]["rural"]["count"] == 20
        assert f["secretaries_aged_45_plus"]["rural"]["count"] == 24
        assert f["secretaries_college_or_above"]["rural"]["count"] == 6
        assert f["communities"]["urban"]["count"] > 0

    def test_urban_shares_are_near_the_seeds_comparison(self, seed_sized: District) -> None:
        f = figures(seed_sized)

        assert abs(f["secretaries_aged_45_plus"]["urban"]["share"] - 14) < 3
        assert abs(f["team_members_college_or_above"]["urban"]["share"] - 64) < 3
        assert abs(f["secretaries_college_or_above"]["urban"]["share"] - 92) < 3
        assert f["members_joined_before_reform"]["rural"]["share"] > 50

    def test_every_id_number_is_valid_unique_and_agrees_with_birth_date_and_sex(self, seed_sized: District) -> None:
        numbers = [m.id_number for m in seed_sized.members]

        assert len(set(numbers)) == len(numbers)
        for member in seed_sized.members:
            assert ric.is_valid(member.id_number), member.id_number
            assert ric.get_birth_date(member.id_number) == member.birth_date
            assert (int(member.id_number[16]) % 2 == 1) == (member.sex == "male")

    def test_people_are_told_apart_by_name_and_birth_date(self, seed_sized: District) -> None:
        people = [(m.name, m.birth_date) for m in seed_sized.members]

        assert len(set(people)) == len(people)

    def test_each_diagnostic_has_planted_cases_even_when_small(self, small: District) -> None:
        for case in (
            "form_mismatch",
            "form_called_out",
            "small_or_incomplete_teams",
            "no_cross_appointment",
            "terms_overdue",
            "study_day_only",
            "units_without_co_building",
            "green_channel_unserved",
            "followed_uncontacted",
            "inactive_members",
        ):
            assert small.planted.get(case), case
        lists = broad_lists(small)
        assert all(lists.values()), lists

    def test_dates_lie_before_the_as_of_day(self, small: District) -> None:
        assert all(m.joined_on <= AS_OF and m.birth_date < m.joined_on for m in small.members)
        assert all(a.day <= AS_OF for a in small.activities)
        assert all(c.day <= AS_OF for c in small.contacts)


class TestExpectedSurvey:
    def test_the_shape_follows_the_contract(self, small: District) -> None:
        report = survey(small)

        assert report["as_of"] == "2026-11-27"
        assert report["parameters"]["reform_date"] == "1978-12-18"
        for figure in report["figures"]:
            for side in ("rural", "urban", "total"):
                value = figure[side]
                assert set(value) == {"count", "denominator", "share"}
                if value["denominator"]:
                    assert value["share"] == round(100 * value["count"] / value["denominator"], 1)
                else:
                    assert value["share"] is None
            assert figure["rural"]["count"] + figure["urban"]["count"] <= figure["total"]["count"]

    def test_township_organs_members_count_in_the_total_only(self, small: District) -> None:
        f = figures(small)
        organs = [m for m in small.members if m.org.endswith("-organs")]

        assert organs
        assert f["members"]["total"]["count"] == f["members"]["rural"]["count"] + f["members"]["urban"]["count"] + len(organs)

    def test_not_transferred_members_are_counted_by_residence_never_as_members(self, small: District) -> None:
        f = figures(small)
        living_here = [m for m in small.members if m.whereabouts == "not_transferred"]
        held_here = [m for m in small.members if m.whereabouts != "not_transferred" and m.org != small.outside_org]

        assert f["not_transferred"]["rural"]["count"] == len(living_here)
        assert f["members"]["total"]["count"] == len(held_here)

    def test_an_age_of_exactly_46_counts_and_45_does_not(self, small: District) -> None:
        before = figures(small)["members_aged_46_plus"]["total"]["count"]
        young = next(m for m in small.members if m.birth_date > date(1990, 1, 1) and m.org.endswith("-org"))
        index = small.members.index(young)

        small.members[index] = replace(young, birth_date=AS_OF.replace(year=AS_OF.year - 46))
        at_46 = figures(small)["members_aged_46_plus"]["total"]["count"]
        small.members[index] = replace(young, birth_date=AS_OF.replace(year=AS_OF.year - 46) + timedelta(days=1))
        at_45 = figures(small)["members_aged_46_plus"]["total"]["count"]
        small.members[index] = young

        assert at_46 == before + 1
        assert at_45 == before

    def test_form_mismatches_are_the_planted_ones(self, small: District) -> None:
        assert figures(small)["form_mismatches"]["total"]["count"] == len(small.planted["form_mismatch"])

    def test_joined_before_reform_is_strictly_before_the_day(self, small: District) -> None:
        before = figures(small)["members_joined_before_reform"]["total"]["count"]
        member = next(m for m in small.members if m.joined_on > date(1990, 1, 1) and m.org.endswith("-org"))
        index = small.members.index(member)

        small.members[index] = replace(member, joined_on=date(1978, 12, 18))
        on_the_day = figures(small)["members_joined_before_reform"]["total"]["count"]
        small.members[index] = replace(member, joined_on=date(1978, 12, 17))
        day_before = figures(small)["members_joined_before_reform"]["total"]["count"]
        small.members[index] = member

        assert on_the_day == before
        assert day_before == before + 1


class TestCommand:
    def test_demo_without_the_business_administrator_says_so(self, capsys: pytest.CaptureFixture[str]) -> None:
        from stack.cli import demo

        assert demo("http://127.0.0.1:9", scale=0.1, seed=7, as_of="2026-11-27", env={}) == 2
        assert "ADMIN_ORG_ADMIN_PASSWORD" in capsys.readouterr().err

    def test_demo_against_nothing_fails_with_a_message_not_a_traceback(self, capsys: pytest.CaptureFixture[str]) -> None:
        from stack.cli import demo

        env = {"ADMIN_ORG_ADMIN_USERNAME": "district", "ADMIN_ORG_ADMIN_PASSWORD": "x"}
        assert demo("http://127.0.0.1:9", scale=0.1, seed=7, as_of="2026-11-27", env=env) == 1
        assert "could not be loaded" in capsys.readouterr().err


def test_districts_of_different_seeds_share_no_id_number() -> None:
    one = {m.id_number for m in generate(seed=7, scale=0.2, as_of=AS_OF).members}
    other = {m.id_number for m in generate(seed=11, scale=0.2, as_of=AS_OF).members}

    assert not one & other
