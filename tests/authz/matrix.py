"""The authorization matrix as data: one row per (app, method, route), the expected answer of
every role derived from the row's access class, checked for every role against objects in the
caller's own subtree, a child, the parent and a sibling subtree (test_matrix.py runs it). This
module holds the machinery and the services' core rows; matrix_gateway.py, matrix_lifecycle.py and
matrix_own.py hold more rows, and `ROWS` in matrix_rows.py is all of them.

How to add a row for a new route (data only):

    Row("members", "GET", "/api/v1/members/{member}/pets", READ, target="member")

- `path` is the route's path with each `{...}` filled from the world (tests/authz/world.py):
  `{org}` the organization the objects live in, `{member}`, `{activity}`, `{transfer}`,
  `{enrolment}`, `{township}`, `{community}`, `{unit}`, `{zone}`, `{post}`, `{venue}`,
  `{attachment}`, `{month}` (a dues month), or `{rand}` (a random id). Query strings may use the same names. The
  coverage test matches a row to its route by the path with the placeholders blanked, so the
  names need not match the route's.
- `access`: READ (org_admin, viewer, service, clients with `<app>:read` or `:write`), WRITE
  (org_admin, clients with `<app>:write`), OWN (READ, and a `member` account for its own
  record), SERVICE (only our services' tokens), or `Only("sysadmin", ...)` for routes of the
  named roles alone (the gateway's account and audit routes). The administrative roles
  (sysadmin, secadmin, auditor) get 403 on every READ/WRITE/OWN row; a `member` on all but OWN.
- `target`: the world object (a key of the world's `scopes`: org, member, activity, transfer,
  community, unit, zone, post, venue, attachment) whose position against the caller's scope decides 2xx or 404
  (None: the route is checked for admission only — any answer but 401/403 for admitted roles).
- `body(world)`: a valid JSON body. In scope, write rows send an invalid body instead (an
  unknown field: 422 proves the caller got past authorization, and nothing is written) unless
  `safe=True`; out of scope the valid body must meet 404 (or `hidden`, e.g. 422 for a create
  naming an organization outside the scope), so that the scope check, not validation, answers.
- `listing=True`: a list; in scope the target's id is in the answer, out of scope it is not
  (status 200 both ways).
- `overrides`: a role's outcome where the class does not fit (e.g. only an unscoped
  administrator may extend a shared dictionary).
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

READ = "read"
WRITE = "write"
OWN = "own"
SERVICE = "service"

# Outcomes.
ALLOW = "allow"
HIDDEN = "hidden"
DENY = "deny"

ADMINISTRATIVE = ("sysadmin", "secadmin", "auditor")
ROLES = (*ADMINISTRATIVE, "org_admin", "viewer", "member", "service", "client_read", "client_write")


@dataclass(frozen=True)
class Only:
    roles: tuple[str, ...]

    def __init__(self, *roles: str) -> None:
        object.__setattr__(self, "roles", roles)


Body = Callable[[dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class Row:
    app: str
    method: str
    path: str
    access: str | Only
    target: str | None = None
    body: Body | None = None
    safe: bool = False
    hidden: int = 404
    listing: bool = False
    overrides: dict[str, str] = field(default_factory=dict)


def expected(row: Row, role: str, position: str) -> str:
    """The outcome for `role` with the target in `position` ('own', 'child', 'parent', 'sibling';
    for `member`: 'own' is their own record, anything else another one)."""
    if role in row.overrides:
        return row.overrides[role]
    access = row.access
    if isinstance(access, Only):
        return ALLOW if role in access.roles else DENY
    if access == SERVICE:
        return ALLOW if role == "service" else DENY
    if role in ADMINISTRATIVE:
        return DENY
    if role == "member":
        if access != OWN:
            return DENY
        return ALLOW if position == "own" else HIDDEN
    if role == "service":
        return DENY if access == WRITE else ALLOW
    if access == WRITE and role in ("viewer", "client_read"):
        return DENY
    return ALLOW if position in ("own", "child") else HIDDEN


def _today() -> str:
    from datetime import date

    return date.today().isoformat()


def _member_create(w: dict[str, Any]) -> dict[str, Any]:
    from tests.builders import member_body

    return member_body(org_id=w["org"])


def _activity_create(w: dict[str, Any]) -> dict[str, Any]:
    return {"org_id": w["org"], "type": "study_day", "title": "t", "starts_at": "2026-03-10T09:00:00+08:00", "status": "held"}


def _study_record(w: dict[str, Any]) -> dict[str, Any]:
    return {"member_id": w["member"], "studied_on": "2026-01-05", "hours": "2", "title": "t"}


def _positions_batch(w: dict[str, Any]) -> dict[str, Any]:
    return {"positions": [{"member_id": w["member"], "role": "committee_member", "since": "2025-01-01"}]}


def _rand(_w: dict[str, Any]) -> str:
    return str(uuid.uuid4())


R = Row
CORE_ROWS: list[Row] = [
    # ---- orgs -------------------------------------------------------------------------------
    R(
        "orgs",
        "POST",
        "/api/v1/orgs",
        WRITE,
        "org",
        body=lambda w: {"name": "x", "kind": "branch", "tier": "inner", "parent_id": w["org"]},
        safe=True,
        hidden=422,
    ),
    R("orgs", "GET", "/api/v1/orgs?within={org}", READ, "org", listing=True),
    R("orgs", "GET", "/api/v1/orgs/{org}", READ, "org"),
    R("orgs", "PATCH", "/api/v1/orgs/{org}", WRITE, "org", body=lambda w: {"name": "renamed"}, safe=True),
    R("orgs", "GET", "/api/v1/orgs/{org}/children", READ, "org"),
    R("orgs", "POST", "/api/v1/orgs/{org}/move", WRITE, "org", body=lambda w: {"parent_id": w["parent"]}),
    R("orgs", "POST", "/api/v1/orgs/{org}/merge", WRITE, "org", body=lambda w: {"into_id": w["sibling"]}),
    # In scope: 409 (an active child remains), nothing changes.
    R("orgs", "POST", "/api/v1/orgs/{org}/dissolve", WRITE, "org", body=lambda w: {}, safe=True),
    R("orgs", "GET", "/api/v1/orgs/{org}/history", READ, "org"),
    R("orgs", "GET", "/api/v1/orgs/{org}/diagnostics", READ, "org"),
    R(
        "orgs",
        "POST",
        "/api/v1/communities",
        WRITE,
        "community",
        body=lambda w: {"name": "c", "township_org_id": w["township"]},
        safe=True,
        hidden=422,
    ),
    R("orgs", "GET", "/api/v1/communities?within={township}", READ, "community", listing=True),
    R("orgs", "GET", "/api/v1/communities/{community}", READ, "community"),
    R("orgs", "PATCH", "/api/v1/communities/{community}", WRITE, "community", body=lambda w: {"households": 10}, safe=True),
    R(
        "orgs",
        "POST",
        "/api/v1/communities/{community}/bodies",
        WRITE,
        "community",
        body=lambda w: {"kind": "residents_committee", "term_number": 1, "started_on": "2021-01-01", "ends_on": "2026-01-01"},
    ),
    R("orgs", "GET", "/api/v1/communities/{community}/bodies", READ, "community"),
    R(
        "orgs",
        "POST",
        "/api/v1/communities/{community}/reserve-cadres",
        WRITE,
        "community",
        body=lambda w: {"name": "r", "birth_date": "1990-01-01", "education": "college", "since": "2025-01-01"},
    ),
    R("orgs", "GET", "/api/v1/communities/{community}/reserve-cadres", READ, "community"),
    R("orgs", "GET", "/api/v1/communities/{community}/leading-goose", READ, "community"),
    R("orgs", "POST", "/api/v1/orgs/{org}/terms", WRITE, "org", body=lambda w: {"number": 1, "started_on": "2024-01-01"}),
    R("orgs", "GET", "/api/v1/orgs/{org}/terms", READ, "org"),
    R("orgs", "GET", "/api/v1/terms", READ),
    R(
        "orgs",
        "POST",
        "/api/v1/orgs/{org}/positions",
        WRITE,
        "org",
        body=lambda w: {"member_id": w["member"], "role": "committee_member", "since": "2025-01-01"},
    ),
    R("orgs", "GET", "/api/v1/orgs/{org}/positions", READ, "org"),
    R("orgs", "PATCH", "/api/v1/orgs/{org}/positions/{rand}", WRITE, "org", body=lambda w: {"until": "2026-01-01"}),
    R(
        "orgs",
        "POST",
        "/api/v1/units",
        WRITE,
        "community",
        body=lambda w: {"community_id": w["community"], "name": "u", "category": "school"},
        safe=True,
        hidden=422,
    ),
    R("orgs", "GET", "/api/v1/units?community_id={community}", READ, "unit", listing=True),
    R("orgs", "GET", "/api/v1/units/{unit}", READ, "unit"),
    R("orgs", "PATCH", "/api/v1/units/{unit}", WRITE, "unit", body=lambda w: {"name": "renamed"}, safe=True),
    # The working loop: objects are checked for scope in tests/orgs/test_tasks.py and test_inspections.py.
    R("orgs", "POST", "/api/v1/tasks", WRITE),
    R("orgs", "GET", "/api/v1/tasks", READ),
    R("orgs", "GET", "/api/v1/tasks/overdue?within={org}", READ, "org"),
    R("orgs", "GET", "/api/v1/tasks/{rand}", READ),
    R("orgs", "POST", "/api/v1/tasks/{rand}/recipients/{org}/replies", WRITE, body=lambda w: {"text": "x"}),
    R("orgs", "POST", "/api/v1/tasks/{rand}/recipients/{org}/decision", WRITE, body=lambda w: {"decision": "accept"}),
    R("orgs", "POST", "/api/v1/inspections", WRITE),
    R("orgs", "GET", "/api/v1/inspections", READ),
    R("orgs", "GET", "/api/v1/inspections/notice?inspector_org_id={org}&round=r", READ),
    R("orgs", "GET", "/api/v1/inspections/{rand}", READ),
    R("orgs", "POST", "/api/v1/rectifications/from-diagnostic", WRITE),
    R("orgs", "GET", "/api/v1/rectifications", READ),
    R("orgs", "GET", "/api/v1/rectifications/{rand}", READ),
    R("orgs", "POST", "/api/v1/rectifications/{rand}/report", WRITE, body=lambda w: {"text": "x"}),
    R("orgs", "POST", "/api/v1/rectifications/{rand}/close", WRITE, body=lambda w: {}),
    R("orgs", "POST", "/api/v1/rectifications/{rand}/reopen", WRITE, body=lambda w: {"note": "x"}),
    # Assessments: schemes are checked for scope in tests/orgs/test_assessments.py.
    R("orgs", "POST", "/api/v1/assessments", WRITE),
    R("orgs", "PUT", "/api/v1/assessments/{rand}/scores/{org}/{rand}", WRITE, body=lambda w: {"score": 50}),
    *(R("orgs", "GET", "/api/v1/assessments" + end, READ) for end in ("", "/{rand}", "/{rand}/results", "/{rand}/results.xlsx")),
    R("orgs", "GET", "/api/v1/assessments/{rand}/results/{org}", READ),
    R("orgs", "POST", "/api/v1/co-building", WRITE),
    R("orgs", "GET", "/api/v1/co-building", READ),
    # A community's small records: scope is checked in tests/orgs/test_community_records.py.
    *(
        R("orgs", method, f"/api/v1/{area}{tail}", access, body=(lambda w: {"name": "x"}) if method == "PATCH" else None)
        for area in ("cooperatives", "community-workers", "community-venues")
        for method, tail, access in (
            ("POST", "", WRITE),
            ("GET", "", READ),
            ("GET", "/{rand}", READ),
            ("PATCH", "/{rand}", WRITE),
        )
    ),
    R(
        "orgs",
        "POST",
        "/api/v1/zones",
        WRITE,
        "org",
        body=lambda w: {"org_id": w["org"], "kind": "resident_group_zone", "name": "z"},
        safe=True,
        hidden=422,
    ),
    R("orgs", "GET", "/api/v1/zones?org_id={org}", READ, "zone", listing=True),
    R("orgs", "POST", "/api/v1/posts", WRITE, "org", body=lambda w: {"org_id": w["org"], "name": "p"}, safe=True, hidden=422),
    R("orgs", "GET", "/api/v1/posts?org_id={org}", READ, "post", listing=True),
    R("orgs", "GET", "/internal/events", SERVICE),
    R("orgs", "GET", "/jobs", Only("sysadmin")),  # its scheduled jobs, for the gateway's /api/v1/jobs
    # ---- members ----------------------------------------------------------------------------
    R("members", "POST", "/api/v1/members/import", WRITE),
    R("members", "GET", "/api/v1/members/import/template", READ),
    R("members", "GET", "/api/v1/members/export?format=csv&org_id={org}", READ, "member", listing=True),
    R("members", "POST", "/api/v1/members", WRITE, "member", body=_member_create, safe=True, hidden=422),
    R("members", "GET", "/api/v1/members?org_id={org}", READ, "member", listing=True),
    R(
        "members",
        "POST",
        "/api/v1/members/search",
        READ,
        "member",
        body=lambda w: {"id_number": w["member_id_number"]},
        safe=True,
        listing=True,
    ),
    R(
        "members",
        "POST",
        "/api/v1/members/lookup",
        READ,
        "member",
        body=lambda w: {"ids": [w["member"]]},
        safe=True,
        listing=True,
    ),
    R("members", "GET", "/api/v1/members/due", READ),
    R("members", "GET", "/api/v1/members/stats", READ),
    R("members", "GET", "/api/v1/members/{member}", OWN, "member"),
    R("members", "PATCH", "/api/v1/members/{member}", WRITE, "member", body=lambda w: {"occupation": "farmer"}, safe=True),
    R("members", "GET", "/api/v1/members/{member}/history", OWN, "member"),
    R(
        "members",
        "POST",
        "/api/v1/members/{member}/state",
        WRITE,
        "member",
        body=lambda w: {"state": "lost_contact", "effective_on": _today()},
    ),
    R("members", "POST", "/api/v1/members/{member}/full", WRITE, "member", body=lambda w: {"full_on": _today()}),
    R(
        "members",
        "POST",
        "/api/v1/members/{member}/probation-extension",
        WRITE,
        "member",
        body=lambda w: {"months": 6, "decided_on": _today()},
    ),
    R(
        "members",
        "PUT",
        "/api/v1/members/{member}/whereabouts",
        WRITE,
        "member",
        body=lambda w: {"whereabouts": "resident", "since": _today()},
    ),
    R("members", "GET", "/api/v1/members/{member}/flows", OWN, "member"),
    R(
        "members",
        "POST",
        "/api/v1/transfers",
        WRITE,
        "member",
        body=lambda w: {"member_id": w["member"], "kind": "within", "to_org_id": w["sibling"], "requested_on": _today()},
    ),
    R("members", "GET", "/api/v1/transfers?member_id={member}", READ, "transfer", listing=True),
    R("members", "GET", "/api/v1/transfers/{transfer}", READ, "transfer"),
    R("members", "POST", "/api/v1/transfers/{transfer}/approve", WRITE, "transfer", body=lambda w: {"decided_on": _today()}),
    R("members", "POST", "/api/v1/transfers/{transfer}/receive", WRITE, "transfer", body=lambda w: {"received_on": _today()}),
    R("members", "POST", "/api/v1/transfers/{transfer}/reject", WRITE, "transfer", body=lambda w: {"decided_on": _today()}),
    R("members", "POST", "/api/v1/transfers/{transfer}/cancel", WRITE, "transfer", body=lambda w: {"decided_on": _today()}),
    # Printed documents: issuing one registers it (a write); html, so that no renderer is needed here.
    R("members", "GET", "/api/v1/transfers/{transfer}/letter?format=html", WRITE, "transfer"),
    R("members", "GET", "/api/v1/members/{member}/certificate?format=html", WRITE, "member"),
    R("members", "GET", "/api/v1/members/{member}/care", READ, "member"),
    R(
        "members",
        "POST",
        "/api/v1/members/{member}/care",
        WRITE,
        "member",
        body=lambda w: {"program": "education_upgrade", "enrolled_on": _today(), "target_level": "college"},
    ),
    R("members", "PATCH", "/api/v1/members/{member}/care/{enrolment}", WRITE, "member", body=lambda w: {"school": "s"}),
    R("members", "GET", "/api/v1/members/{member}/duty-reports", READ, "member"),
    R(
        "members",
        "POST",
        "/api/v1/members/{member}/duty-reports",
        WRITE,
        "member",
        body=lambda w: {"reported_on": _today(), "topic": "t"},
    ),
    R("members", "POST", "/internal/member-counts", SERVICE),
    R("members", "GET", "/internal/events", SERVICE),
    R("members", "GET", "/jobs", Only("sysadmin")),  # its scheduled jobs, for the gateway's /api/v1/jobs
    # ---- activities -------------------------------------------------------------------------
    R("activities", "POST", "/api/v1/activities", WRITE, "org", body=_activity_create, safe=True, hidden=422),
    R("activities", "GET", "/api/v1/activities?within={org}", READ, "activity", listing=True),
    R("activities", "GET", "/api/v1/activities/stats?within={org}&period=2026", READ, "org"),
    R("activities", "GET", "/api/v1/activities/{activity}", READ, "activity"),
    R("activities", "PATCH", "/api/v1/activities/{activity}", WRITE, "activity", body=lambda w: {"title": "renamed"}, safe=True),
    R("activities", "POST", "/api/v1/activities/{activity}/held", WRITE, "activity", safe=True),
    R("activities", "POST", "/api/v1/activities/{activity}/cancel", WRITE, "activity", safe=True),
    R(
        "activities",
        "POST",
        "/api/v1/activities/{activity}/attendance",
        WRITE,
        "activity",
        body=lambda w: {"records": [{"member_id": w["member"], "status": "present"}]},
    ),
    R(
        "activities",
        "PATCH",
        "/api/v1/activities/{activity}/attendance/{member}",
        WRITE,
        "activity",
        body=lambda w: {"status": "present"},
    ),
    R("activities", "GET", "/api/v1/activities/{activity}/attendance", READ, "activity"),
    R("activities", "POST", "/api/v1/activities/{activity}/attachments", WRITE),
    R("activities", "GET", "/api/v1/activities/{activity}/attachments", READ, "activity"),
    R("activities", "GET", "/api/v1/activities/{activity}/attachments/{attachment}/content", READ, "attachment"),
    R("activities", "GET", "/api/v1/activity-types", READ),
    # The dictionary is shared by the whole tree: every scoped caller is refused.
    R(
        "activities",
        "POST",
        "/api/v1/activity-types",
        WRITE,
        overrides={"org_admin": DENY, "client_write": DENY},
        body=lambda w: {"code": "matrix_type", "zh_hant": "x", "zh_hans": "x", "org_kinds": ["branch"]},
    ),
    R(
        "activities",
        "POST",
        "/api/v1/venues",
        WRITE,
        "org",
        body=lambda w: {"org_id": w["org"], "name": "v"},
        safe=True,
        hidden=422,
    ),
    R("activities", "GET", "/api/v1/venues?within={org}", READ, "venue", listing=True),
    R(
        "activities",
        "POST",
        "/api/v1/contacts",
        WRITE,
        "member",
        body=lambda w: {
            "org_id": w["org"],
            "member_id": w["member"],
            "contacted_on": "2026-01-05",
            "kind": "regular",
            "channel": "visit",
        },
        safe=True,
        hidden=422,
    ),
    R("activities", "GET", "/api/v1/contacts?member_id={member}", READ, "member", listing=True),
    R("activities", "GET", "/api/v1/contacts/summary?within={org}", READ, "org"),
    R("activities", "GET", "/api/v1/compliance?within={org}&period=2026", READ, "org"),
    R("activities", "POST", "/api/v1/compliance/exemptions", WRITE),
    R("activities", "GET", "/api/v1/compliance/exemptions?within={org}", READ, "org"),
    R("activities", "GET", "/api/v1/compliance/study-day-only?within={org}&period=2026", READ, "org"),
    R("activities", "GET", "/api/v1/compliance/inactive-members?within={org}", READ, "org"),
    R("activities", "GET", "/api/v1/compliance/uncontacted-members?within={org}", READ, "org"),
    R("activities", "GET", "/api/v1/compliance/green-channel-unserved?within={org}&period=2026", READ, "org"),
    R("activities", "POST", "/api/v1/evaluations", WRITE),
    R("activities", "GET", "/api/v1/evaluations", READ),
    R("activities", "POST", "/api/v1/evaluations/satisfaction", WRITE),
    R("activities", "GET", "/api/v1/evaluations/satisfaction?org_id={org}&year=2026", READ, "org"),
    R("activities", "GET", "/api/v1/evaluations/{rand}", READ),
    R("activities", "POST", "/api/v1/reviews", WRITE),
    # Out of scope: an empty list (restricted in the query), like a filter that matches nothing.
    R("activities", "GET", "/api/v1/reviews?org_id={org}&year=2026", READ, "org", hidden=200),
    R("activities", "GET", "/internal/events", SERVICE),
    R("activities", "GET", "/jobs", Only("sysadmin")),  # its scheduled jobs, for the gateway's /api/v1/jobs
    R("activities", "POST", "/internal/evidence-orgs", SERVICE),
    # Study hours: the member's record is the target; the other rows are checked for admission.
    # The lists below (here and in members) are restricted inside the query: a `within` outside
    # the caller's scope answers an empty list (hidden=200), like the reviews above.
    R("activities", "POST", "/api/v1/study/records", WRITE, "member", body=_study_record, hidden=422),
    R("activities", "GET", "/api/v1/study/records?within={org}", READ, "org", hidden=200),
    R("activities", "GET", "/api/v1/study/records/{rand}", READ),
    R("activities", "POST", "/api/v1/study/records/{rand}/decision", WRITE, body=lambda w: {"status": "approved"}),
    R("activities", "GET", "/api/v1/study/members/{member}?year=2026", READ, "member"),
    R("activities", "GET", "/api/v1/study/summary?within={org}", READ, "org"),
    R("activities", "GET", "/api/v1/study/below-requirement?within={org}", READ, "org"),
    # ---- members: recruitment and dues (a `member` account sees neither: READ, not OWN) ------
    R("members", "POST", "/api/v1/recruitment/applications", WRITE),
    R("members", "GET", "/api/v1/recruitment/applications?within={org}", READ, "org", hidden=200),
    R("members", "GET", "/api/v1/recruitment/applications/{rand}", READ),
    R("members", "GET", "/api/v1/recruitment/applications/{rand}/steps", READ),
    R("members", "POST", "/api/v1/recruitment/applications/{rand}/steps", WRITE),
    R("members", "GET", "/api/v1/recruitment/applications/{rand}/dossier?format=html", WRITE),
    R("members", "GET", "/api/v1/recruitment/due?kind=talk&within={org}", READ, "org", hidden=200),
    R("members", "GET", "/api/v1/recruitment/stats?group_by=sex&within={org}", READ, "org", hidden=200),
    R("members", "GET", "/api/v1/dues/unpaid?within={org}", READ, "org", hidden=200),
    R("members", "GET", "/api/v1/dues/totals?month=2026-01&within={org}", READ, "org", hidden=200),
    R("members", "GET", "/api/v1/dues/export?month=2026-01&within={org}", READ, "org", hidden=200),
    R("members", "GET", "/api/v1/dues/{member}", READ, "member"),
    R("members", "PUT", "/api/v1/dues/{member}/{month}", WRITE, "member", body=lambda w: {"category": "farmer"}),
    R(
        "members",
        "POST",
        "/api/v1/dues/{member}/{month}/payment",
        WRITE,
        "member",
        body=lambda w: {"paid_fen": 100, "paid_on": "2026-01-20"},
    ),
    R(
        "members",
        "POST",
        "/api/v1/dues/{member}/{month}/reduction",
        WRITE,
        "member",
        body=lambda w: {"kind": "exempt", "approved_by": "branch", "approved_on": "2026-01-05", "reason": "r"},
    ),
    # ---- the survey and the work lists the reports are made of ------------------------------
    R("members", "GET", "/api/v1/members/survey?within={org}", READ, "org"),
    R("members", "GET", "/api/v1/members/worklists/education-upgrade?within={org}", READ, "org", hidden=200),
    R("members", "GET", "/internal/community-member-counts", SERVICE),
    R("members", "GET", "/internal/community-latest-joined", SERVICE),
    R("activities", "GET", "/internal/community-service-activities?within={org}&start=2026-01-01&end=2026-12-31", SERVICE),
    R("orgs", "GET", "/api/v1/communities/survey?within={township}", READ, "community"),
    R("orgs", "GET", "/api/v1/orgs/{org}/worklists", READ, "org"),
    R("orgs", "POST", "/api/v1/orgs/{org}/positions/batch", WRITE, "org", body=_positions_batch),
]
