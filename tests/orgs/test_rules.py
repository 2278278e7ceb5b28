"""The orgs rules as a whole: every number in the policy, every code labelled, no number written out."""

import pytest

from services.orgs import rules
from services.orgs.rules import OrgsPolicy

POLICY = OrgsPolicy()


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

    from services.orgs import enums as schemas

    enums = {name: value for name, value in vars(schemas).items() if isinstance(value, type) and issubclass(value, StrEnum)}
    enums.pop("StrEnum", None)
    enums.pop("Coded", None)  # the kit's base of labelled codes, imported
    assert set(schemas.ENUM_LABELS) == set(enums)
    for name, enum in enums.items():
        assert set(schemas.ENUM_LABELS[name]) == {member.value for member in enum}, name
        assert all(set(labels) == {"zh_hant", "zh_hans"} for labels in schemas.ENUM_LABELS[name].values())


def test_no_rule_number_is_a_literal_outside_the_policy() -> None:
    """Numbers in the orgs rules and service come from `OrgsPolicy`; only calendar arithmetic and
    HTTP statuses, tuple indexes and the members service's batch limits (contracts.md) may be written out."""
    import ast
    from pathlib import Path

    allowed = {0, 1, 2, 12, 28, 29, 30, 200, 412, 1000, 5000}
    root = Path(rules.__file__).parent.parent
    files = [*sorted((root / "rules").glob("*.py")), root / "peers.py", *sorted((root / "service").glob("*.py"))]
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
