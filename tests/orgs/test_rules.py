"""The pure rules of organization setup, each with the policy's default numbers and an override."""

from datetime import date

import pytest

from services.orgs import rules
from services.orgs.rules import ElectionFigures, OrgsPolicy
from services.orgs.schemas import OrgKind, OrgTier, Role

POLICY = OrgsPolicy()


class TestExpectedForm:
    @pytest.mark.parametrize(
        ("members", "full", "kind"),
        [
            (151, 151, OrgKind.committee),
            (101, 90, OrgKind.committee),
            (100, 100, OrgKind.general_branch),
            (51, 51, OrgKind.general_branch),
            (50, 50, OrgKind.branch),
            (3, 3, OrgKind.branch),
            (4, 2, OrgKind.joint_branch),
        ],
    )
    def test_form_follows_the_thresholds(self, members: int, full: int, kind: OrgKind) -> None:
        assert rules.expected_form(members, full, POLICY) is kind

    def test_a_community_of_150_members_as_a_branch_does_not_match(self) -> None:
        assert not rules.form_matches(OrgKind.branch, 150, 150, POLICY)

    def test_a_joint_branch_with_enough_full_members_still_matches(self) -> None:
        assert rules.form_matches(OrgKind.joint_branch, 10, 10, POLICY)

    def test_thresholds_come_from_the_policy(self) -> None:
        policy = OrgsPolicy(committee_above_members=200)
        assert rules.expected_form(150, 150, policy) is OrgKind.general_branch


class TestPlacement:
    def test_a_group_directly_under_a_township_is_refused(self) -> None:
        assert rules.placement_error(OrgTier.inner, OrgKind.group, OrgTier.township, OrgKind.committee)

    def test_a_branch_inside_a_community_is_fine(self) -> None:
        assert rules.placement_error(OrgTier.inner, OrgKind.branch, OrgTier.community, OrgKind.general_branch) is None

    def test_nothing_under_a_group(self) -> None:
        assert rules.placement_error(OrgTier.inner, OrgKind.group, OrgTier.inner, OrgKind.group)

    def test_moving_under_an_own_descendant_is_a_cycle(self) -> None:
        assert rules.move_error("/a/", "/a/b/")
        assert rules.move_error("/a/", "/c/") is None


class TestMerge:
    def test_into_itself(self) -> None:
        assert rules.merge_error("/a/b/", "/a/b/", "active")

    def test_into_a_dissolved_one(self) -> None:
        assert rules.merge_error("/a/b/", "/a/c/", "dissolved")

    def test_into_a_descendant(self) -> None:
        assert rules.merge_error("/a/b/", "/a/b/c/", "active")

    def test_into_a_sibling(self) -> None:
        assert rules.merge_error("/a/b/", "/a/c/", "active") is None


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


def test_every_number_is_in_the_policy_and_overridable_by_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from services.orgs.settings import OrgsSettings

    monkeypatch.setenv("ORGS_POLICY__BRANCH_MAX_MEMBERS", "40")
    settings = OrgsSettings()
    numbers = settings.policy.model_dump()
    assert numbers["branch_max_members"] == 40
    for name in (
        "committee_above_members",
        "general_branch_above_members",
        "branch_min_full_members",
        "term_years_base",
        "term_years_branch",
        "committee_min_size",
        "committee_max_size",
        "leading_goose_college_share",
        "leading_goose_young_share",
        "leading_goose_cross_appointed_share",
        "leading_goose_age_limit",
        "term_reminder_months",
        "election_quorum_share",
        "election_majority_share",
    ):
        assert name in numbers


def test_every_enum_has_chinese_labels_for_every_code() -> None:
    from enum import StrEnum

    from services.orgs import schemas

    enums = {name: value for name, value in vars(schemas).items() if isinstance(value, type) and issubclass(value, StrEnum)}
    enums.pop("StrEnum", None)
    assert set(schemas.ENUM_LABELS) == set(enums)
    for name, enum in enums.items():
        assert set(schemas.ENUM_LABELS[name]) == {member.value for member in enum}, name
        assert all(set(labels) == {"zh_hant", "zh_hans"} for labels in schemas.ENUM_LABELS[name].values())


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


class TestCommitteeByApproval:
    def test_a_committee_of_exactly_100_is_allowed_with_approval_not_a_mismatch(self) -> None:
        assert rules.expected_form(100, 100, POLICY) is OrgKind.general_branch
        assert rules.committee_by_approval(100, POLICY)
        assert rules.form_matches(OrgKind.committee, 100, 100, POLICY)
        assert not rules.form_matches(OrgKind.committee, 99, 99, POLICY)

    def test_the_approval_threshold_follows_the_policy(self) -> None:
        policy = OrgsPolicy(committee_with_approval_members=80)
        assert rules.form_matches(OrgKind.committee, 80, 80, policy)
        assert not rules.form_matches(OrgKind.committee, 79, 79, policy)

    def test_a_members_congress_from_500(self) -> None:
        assert rules.needs_representatives_congress(500, POLICY)
        assert not rules.needs_representatives_congress(499, POLICY)
        assert rules.needs_representatives_congress(300, OrgsPolicy(representatives_congress_members=300))


class TestJointBranch:
    def test_at_most_five_units(self) -> None:
        assert rules.joint_branch_units_error(5, POLICY) is None
        assert "at most 5" in (rules.joint_branch_units_error(6, POLICY) or "")
        assert rules.joint_branch_units_error(4, OrgsPolicy(joint_branch_max_units=3))


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


def test_no_rule_number_is_a_literal_outside_the_policy() -> None:
    """Numbers in the orgs rules and service come from `OrgsPolicy`; only calendar arithmetic and
    HTTP statuses, tuple indexes and the members service's batch limits (contracts.md) may be written out."""
    import ast
    from pathlib import Path

    allowed = {0, 1, 2, 12, 28, 29, 30, 200, 412, 1000, 5000}
    root = Path(rules.__file__).parent
    files = [root / "rules.py", *sorted((root / "service").glob("*.py"))]
    offending = []
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        policy_class = next((n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "OrgsPolicy"), None)
        skip = {id(n) for n in ast.walk(policy_class)} if policy_class else set()
        for node in ast.walk(tree):
            if id(node) in skip or not isinstance(node, ast.Constant) or isinstance(node.value, bool):
                continue
            if isinstance(node.value, (int, float)) and node.value not in allowed:
                offending.append(f"{path.name}:{node.lineno} {node.value}")
    assert offending == []
