"""The fuzzing's scope check itself: it flags an object of another organization, of a
community outside the subtree, or another member's data for a member account, and lets the
caller's own objects pass."""

import uuid
from types import SimpleNamespace
from typing import Any

from tests.fuzz.scope import Caller, Scope, scope_violations

TOWNSHIP, OWN, FOREIGN, COMMUNITY = (str(uuid.uuid4()) for _ in range(4))


def scope() -> Scope:
    return Scope(
        township_hex=uuid.UUID(TOWNSHIP).hex,
        orgs={TOWNSHIP, OWN},
        communities={COMMUNITY},
        foreign_orgs={FOREIGN},
        foreign_ids={FOREIGN},
    )


def case(**path_parameters: str) -> Any:
    return SimpleNamespace(path_parameters=path_parameters)


VIEWER = Caller("viewer", {})


def test_the_callers_own_objects_pass() -> None:
    page = {"items": [{"id": "x", "org_id": OWN}, {"id": "y", "community_id": COMMUNITY}], "next_cursor": None}
    assert scope_violations(scope(), VIEWER, case(), page) == []


def test_an_object_of_another_organization_is_flagged_single_or_in_a_page() -> None:
    assert scope_violations(scope(), VIEWER, case(), {"id": "x", "org_id": FOREIGN})
    assert scope_violations(scope(), VIEWER, case(), {"items": [{"id": "x", "org_id": OWN}, {"id": FOREIGN}]})
    assert scope_violations(scope(), VIEWER, case(), [{"id": "u", "community_id": str(uuid.uuid4())}])


def test_an_organization_is_judged_by_its_path_and_one_made_inside_is_learnt() -> None:
    inside = {"id": str(uuid.uuid4()), "parent_id": OWN, "path": f"/{uuid.uuid4().hex}/{uuid.UUID(TOWNSHIP).hex}/x/"}
    world = scope()
    assert scope_violations(world, VIEWER, case(), inside) == []
    assert scope_violations(world, VIEWER, case(), {"id": "t", "org_id": inside["id"]}) == []
    assert scope_violations(world, VIEWER, case(), {"id": "o", "path": f"/{uuid.uuid4().hex}/"})


def test_a_member_account_sees_only_its_own_record() -> None:
    own = str(uuid.uuid4())
    member = Caller("member", {}, scoped=False, member_id=own)
    assert scope_violations(scope(), member, case(member_id=own), {"id": own, "org_id": FOREIGN}) == []
    assert scope_violations(scope(), member, case(member_id=str(uuid.uuid4())), {"id": "x"})
    assert scope_violations(scope(), member, case(), {"items": [{"member_id": str(uuid.uuid4())}]})
