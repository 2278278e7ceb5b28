"""Who each fuzzing caller is, what lies inside its scope, and the check that every object an
answer returns does.

Two worlds are seeded (tests/authz/world.py, each a county tree holding a member, an activity,
a transfer, a community with a unit …): the callers are scoped at world A's township, so all of A
is theirs, and world B (another root of the forest) is a sibling subtree none of them may see.
B's ids are offered as path parameters beside A's and the generated ones (see `known_ids`).
"""

import threading
import zlib
from dataclasses import dataclass, field
from typing import Any

from schemathesis import Case, CheckContext, Response

from tests.support import Tokens

# Path parameters whose values a world knows, by the world's key.
PATH_PARAMETER_KINDS = {
    "org_id": "org",
    "member_id": "member",
    "activity_id": "activity",
    "transfer_id": "transfer",
    "enrolment_id": "enrolment",
    "community_id": "community",
    "unit_id": "unit",
    "attachment_id": "attachment",
}


@dataclass
class Caller:
    role: str
    headers: dict[str, str]
    # None: an unscoped administrator of the gateway (accounts, audit), who sees no business data.
    scoped: bool = True
    member_id: str | None = None


@dataclass
class Scope:
    """World A's organizations (grown by what the fuzzer creates inside it) and world B's ids."""

    township_hex: str
    orgs: set[str]
    communities: set[str]
    foreign_orgs: set[str]
    foreign_ids: set[str]
    lock: threading.Lock = field(default_factory=threading.Lock)
    # How many returned objects a scoped caller was checked against (the run shows it did check).
    checked: int = 0

    def org_inside(self, org_id: object) -> bool:
        return isinstance(org_id, str) and org_id in self.orgs

    def learn(self, item: dict[str, Any]) -> None:
        """An organization (it carries its materialized path) or community made inside A during the run."""
        path = item.get("path")
        with self.lock:
            if isinstance(path, str) and f"/{self.township_hex}/" in path and isinstance(item.get("id"), str):
                self.orgs.add(item["id"])
            if self.org_inside(item.get("township_org_id")) and isinstance(item.get("id"), str):
                self.communities.add(item["id"])


def callers(tokens: Tokens, township: str, member: str, administrators: dict[str, dict[str, str]]) -> dict[str, Caller]:
    scopes = tuple(f"{app}:{access}" for app in ("orgs", "members", "activities") for access in ("read", "write"))
    business = {
        "org_admin": Caller("org_admin", tokens.headers("org_admin", scope_org_id=township)),
        "viewer": Caller("viewer", tokens.headers("viewer", scope_org_id=township)),
        "member": Caller("member", tokens.headers("member", member_id=member), scoped=False, member_id=member),
        "client": Caller("client", tokens.client(*scopes, scope_org_id=township)),
    }
    admin = {role: Caller(role, headers, scoped=False) for role, headers in administrators.items()}
    return business | admin


def other_caller(case: Case, others: list[Caller]) -> Caller:
    """The second caller of a case, taken by the case's content: the same case always goes to the
    same caller (Hypothesis replays a failing case), and the roles share the examples evenly."""
    content = repr((case.method, case.path, case.path_parameters, case.query, case.body)).encode()
    return others[zlib.crc32(content) % len(others)]


def returned_objects(body: object) -> list[dict[str, Any]]:
    """The objects an answer returns: itself, or a page's items."""
    if not isinstance(body, dict):
        return [item for item in body if isinstance(item, dict)] if isinstance(body, list) else []
    items = body.get("items")
    listed = [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []
    return [body, *listed]


def scope_violations(scope: Scope, caller: Caller, case: Case, body: object) -> list[str]:
    """Every returned object outside the caller's scope, described."""
    found = []
    objects = returned_objects(body)
    if caller.member_id is not None:
        asked = case.path_parameters.get("member_id") if case.path_parameters else None
        if asked is not None and asked != caller.member_id:
            found.append(f"a member account was answered about member {asked}")
        found += [
            f"member {item['member_id']} returned to the account of member {caller.member_id}"
            for item in objects
            if "member_id" in item and item["member_id"] != caller.member_id
        ]
        return found
    if not caller.scoped:
        return found
    for item in objects:
        scope.learn(item)
        scope.checked += 1
        # An organization's own parent may lie above the scope (the township's county): its path
        # tells whether it is inside.
        for key in ("org_id", "township_org_id"):
            value = item.get(key)
            if key in item and value is not None and not scope.org_inside(value):
                found.append(f"{key} {value} is outside the caller's subtree")
        path = item.get("path")
        if isinstance(path, str) and path.startswith("/") and f"/{scope.township_hex}/" not in path:
            found.append(f"organization path {path} is outside the caller's subtree")
        community = item.get("community_id")
        if community is not None and "community_id" in item and community not in scope.communities:
            found.append(f"community_id {community} is outside the caller's subtree")
        if item.get("id") in scope.foreign_ids:
            found.append(f"{item['id']} is an object of another organization")
    return found


def check_in_scope(scope: Scope, caller: Caller) -> Any:
    """A schemathesis check (ctx, response, case) bound to one caller."""

    def objects_in_callers_scope(ctx: CheckContext, response: Response, case: Case) -> bool | None:
        if not 200 <= response.status_code < 300 or "json" not in response.headers.get("content-type", [""])[0]:
            return None
        violations = scope_violations(scope, caller, case, response.json())
        if violations:
            raise AssertionError(f"{caller.role}: " + "; ".join(sorted(set(violations))[:5]))
        return None

    return objects_in_callers_scope
