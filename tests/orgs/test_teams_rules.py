"""The rules of terms, elections and teams, with the policy's default numbers and an override."""

from datetime import date

import pytest

from services.orgs.enums import OrgKind, OrgTier, Role
from services.orgs.rules import OrgsPolicy
from services.orgs.rules import teams as rules
from services.orgs.rules.teams import ElectionFigures

POLICY = OrgsPolicy()


class TestTerms:
    def test_community_and_committee_terms_are_five_years(self) -> None:
        assert rules.planned_term_end(date(2021, 3, 1), OrgTier.community, OrgKind.branch, POLICY) == date(2026, 3, 1)
        assert rules.planned_term_end(date(2021, 3, 1), OrgTier.unit, OrgKind.committee, POLICY) == date(2026, 3, 1)

    def test_other_branches_are_three_years(self) -> None:
        assert rules.planned_term_end(date(2021, 3, 1), OrgTier.unit, OrgKind.branch, POLICY) == date(2024, 3, 1)
        assert rules.planned_term_end(date(2021, 3, 1), OrgTier.unit, OrgKind.general_branch, POLICY) == date(2024, 3, 1)

    def test_a_leap_day_start_ends_on_the_28th(self) -> None:
        assert rules.add_years(date(2024, 2, 29), 3) == date(2027, 2, 28)

    def test_term_lengths_come_from_the_policy(self) -> None:
        policy = OrgsPolicy(term_years_branch=4)
        assert rules.planned_term_end(date(2021, 3, 1), OrgTier.unit, OrgKind.branch, policy) == date(2025, 3, 1)

    def test_due_states(self) -> None:
        as_of = date(2026, 11, 26)
        assert rules.term_due(date(2026, 11, 25), as_of, POLICY) == "overdue"
        assert rules.term_due(date(2027, 5, 26), as_of, POLICY) == "ending_soon"
        assert rules.term_due(date(2027, 5, 27), as_of, POLICY) is None

    def test_add_months_keeps_the_month_end(self) -> None:
        assert rules.add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)


class TestElection:
    def test_more_than_four_fifths_present_is_valid(self) -> None:
        assert rules.election_errors(ElectionFigures(100, 81, 41), POLICY) == []

    def test_exactly_four_fifths_present_is_not(self) -> None:
        errors = rules.election_errors(ElectionFigures(100, 80, 41), POLICY)
        assert [e["field"] for e in errors] == ["voters_present"]

    def test_exactly_half_of_those_present_is_not_elected(self) -> None:
        errors = rules.election_errors(ElectionFigures(100, 90, 45), POLICY)
        assert [e["field"] for e in errors] == ["lowest_votes_elected"]

    def test_more_present_than_eligible_is_an_error(self) -> None:
        assert rules.election_errors(ElectionFigures(10, 11, 9), POLICY)

    def test_figures_left_out_are_not_judged(self) -> None:
        assert rules.election_errors(ElectionFigures(None, None, None), POLICY) == []


class TestPositions:
    def test_a_second_secretary_for_the_same_time_is_refused(self) -> None:
        error = rules.position_error(
            Role.secretary, kind=OrgKind.branch, full_members=20, team_size_after=2, secretary_overlaps=True, policy=POLICY
        )
        assert error
        assert "secretary" in error

    def test_committee_roles_need_seven_full_members(self) -> None:
        kwargs = {"kind": OrgKind.branch, "team_size_after": 2, "secretary_overlaps": False, "policy": POLICY}
        assert rules.position_error(Role.organization_member, full_members=6, **kwargs)  # type: ignore[arg-type]
        assert rules.position_error(Role.organization_member, full_members=7, **kwargs) is None  # type: ignore[arg-type]
        assert rules.position_error(Role.deputy_secretary, full_members=6, **kwargs) is None  # type: ignore[arg-type]

    def test_a_committee_has_at_most_seven(self) -> None:
        error = rules.position_error(
            Role.committee_member,
            kind=OrgKind.branch,
            full_members=30,
            team_size_after=8,
            secretary_overlaps=False,
            policy=POLICY,
        )
        assert error
        assert "7" in error

    def test_a_group_has_a_leader_not_a_committee(self) -> None:
        kwargs = {"full_members": 30, "team_size_after": 1, "secretary_overlaps": False, "policy": POLICY}
        assert rules.position_error(Role.group_leader, kind=OrgKind.group, **kwargs) is None  # type: ignore[arg-type]
        assert rules.position_error(Role.secretary, kind=OrgKind.group, **kwargs)  # type: ignore[arg-type]

    def test_overlaps(self) -> None:
        assert rules.overlaps(date(2024, 1, 1), None, date(2025, 1, 1), None)
        assert not rules.overlaps(date(2024, 1, 1), date(2024, 12, 31), date(2025, 1, 1), None)


class TestTeamSize:
    def test_a_team_of_two_for_three_members_is_too_small(self) -> None:
        assert rules.team_too_small(2, 3, POLICY)

    def test_a_team_of_two_for_two_members_is_fine(self) -> None:
        assert not rules.team_too_small(2, 2, POLICY)


class TestElectionTiming:
    END = date(2026, 3, 1)

    @pytest.mark.parametrize("held_on", [date(2025, 3, 1), date(2026, 3, 1), date(2027, 3, 1)])
    def test_within_a_year_of_the_planned_end(self, held_on: date) -> None:
        assert rules.election_timing_error(held_on, self.END, POLICY) is None

    def test_more_than_a_year_early_or_late_is_refused(self) -> None:
        assert "before" in (rules.election_timing_error(date(2025, 2, 28), self.END, POLICY) or "")
        assert "after" in (rules.election_timing_error(date(2027, 3, 2), self.END, POLICY) or "")

    def test_the_offset_follows_the_policy(self) -> None:
        assert rules.election_timing_error(date(2027, 3, 2), self.END, OrgsPolicy(election_max_offset_years=2)) is None


class TestCommitteeSize:
    def check(self, role: Role, *, full: int, after: int, adding: bool, before: int = 0) -> str | None:
        return rules.committee_too_small_error(
            role, full_members=full, team_size_after=after, adding=adding, team_size_before=before, policy=POLICY
        )

    def test_a_committee_role_must_make_a_committee_of_three(self) -> None:
        assert self.check(Role.organization_member, full=7, after=2, adding=True)
        assert self.check(Role.organization_member, full=7, after=3, adding=True) is None

    def test_secretary_and_deputy_may_come_first(self) -> None:
        assert self.check(Role.secretary, full=30, after=1, adding=True) is None
        assert self.check(Role.deputy_secretary, full=30, after=2, adding=True) is None

    def test_ending_a_position_may_not_take_a_committee_below_three(self) -> None:
        assert self.check(Role.propaganda_member, full=7, after=2, adding=False, before=3)
        assert self.check(Role.propaganda_member, full=7, after=3, adding=False, before=4) is None

    def test_where_no_committee_is_required_size_is_free(self) -> None:
        assert self.check(Role.secretary, full=6, after=1, adding=False, before=3) is None

    def test_the_minimum_follows_the_policy(self) -> None:
        policy = OrgsPolicy(committee_min_size=4)
        error = rules.committee_too_small_error(
            Role.organization_member, full_members=9, team_size_after=3, adding=True, team_size_before=0, policy=policy
        )
        assert error is not None
        assert "at least 4" in error

    def test_above_the_usual_size_is_worth_a_look(self) -> None:
        assert not rules.committee_above_usual_size(5, POLICY)
        assert rules.committee_above_usual_size(6, POLICY)
        assert rules.committee_above_usual_size(7, POLICY)
        assert not rules.committee_above_usual_size(8, POLICY)


class TestTermSequence:
    LATEST = rules.LatestTerm(number=3, started_on=date(2021, 3, 1), ends_on=date(2026, 3, 1))

    def fields(self, **given: object) -> list[str]:
        data = {"number": 4, "started_on": date(2026, 3, 1), "elected_on": None} | given
        return [e["field"] for e in rules.term_sequence_errors(self.LATEST, policy=POLICY, **data)]  # type: ignore[arg-type]

    def test_the_next_term_on_time_is_accepted(self) -> None:
        assert self.fields() == []
        assert rules.term_sequence_errors(None, number=1, started_on=date(2020, 1, 1), elected_on=None, policy=POLICY) == []

    def test_a_lower_number_an_earlier_start_and_an_election_after_the_start(self) -> None:
        assert self.fields(number=3) == ["number"]
        assert self.fields(started_on=date(2021, 3, 1)) == ["started_on", "started_on"]  # not later, and years early
        assert self.fields(elected_on=date(2026, 3, 2)) == ["elected_on"]

    def test_more_than_a_year_off_the_planned_end(self) -> None:
        assert self.fields(started_on=date(2027, 3, 2)) == ["started_on"]
        assert self.fields(started_on=date(2027, 3, 1)) == []
        assert self.fields(started_on=date(2025, 5, 1), elected_on=date(2025, 2, 28)) == ["elected_on"]

    def test_a_body_names_its_number_field(self) -> None:
        errors = rules.term_sequence_errors(
            self.LATEST, number=2, started_on=date(2026, 3, 1), elected_on=None, policy=POLICY, number_field="term_number"
        )
        assert [e["field"] for e in errors] == ["term_number"]


class TestBodyTerms:
    def test_five_years_planned_and_at_most(self) -> None:
        assert rules.planned_body_term_end(date(2021, 3, 20), POLICY) == date(2026, 3, 20)
        assert rules.body_term_end_error(date(2021, 3, 20), date(2026, 3, 19), POLICY) is None
        assert rules.body_term_end_error(date(2021, 3, 20), date(2026, 3, 20), POLICY) is None
        assert "2026-03-20" in (rules.body_term_end_error(date(2021, 3, 20), date(2026, 3, 21), POLICY) or "")
        assert rules.body_term_end_error(date(2021, 3, 20), date(2024, 3, 21), OrgsPolicy(body_term_years=3)) is not None

    def test_a_body_election_needs_more_than_half_voting_and_more_than_half_of_the_votes(self) -> None:
        assert rules.election_errors(ElectionFigures(1000, 501, 251), POLICY, body=True) == []
        assert [e["field"] for e in rules.election_errors(ElectionFigures(1000, 500, 251), POLICY, body=True)] == [
            "voters_present"
        ]
        assert [e["field"] for e in rules.election_errors(ElectionFigures(1000, 600, 300), POLICY, body=True)] == [
            "lowest_votes_elected"
        ]
        # The party's 4/5 would refuse what a committee's election accepts.
        assert rules.election_errors(ElectionFigures(1000, 700, 400), POLICY) != []
        assert rules.election_errors(ElectionFigures(1000, 700, 400), POLICY, body=True) == []
