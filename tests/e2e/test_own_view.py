"""A member's own view through the gateway, on the real processes (both databases): an account is
linked to its member record by a security administrator (the admin act) or by the member
(ID number and a one-time code the community issued); the member account then sees exactly its
own data and nothing of a neighbour; a change request approved by the organization appears in the
record's history with both names, a rejected one changes nothing; every step is in the audit trail."""

import uuid
from typing import Any

import httpx

from tests.builders import member_body
from tests.conftest import ADMIN_PASSWORD
from tests.e2e.test_live_stack import admin_headers, create_org
from tests.support import LiveStack, wait_until

PASSWORD = "Member-password-2026!"
# Generous: logins hash passwords (argon2) and the machine is shared; no assertion is about time.
TIMEOUT_S = 60


def get(url: str, **kwargs: Any) -> httpx.Response:
    return httpx.get(url, timeout=TIMEOUT_S, **kwargs)


def post(url: str, **kwargs: Any) -> httpx.Response:
    return httpx.post(url, timeout=TIMEOUT_S, **kwargs)


def put(url: str, **kwargs: Any) -> httpx.Response:
    return httpx.put(url, timeout=TIMEOUT_S, **kwargs)


def login(live: LiveStack, username: str, password: str) -> dict[str, str]:
    response = post(live.url() + "/api/v1/auth/token", data={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def new_account(live: LiveStack, sysadmin: dict[str, str], roles: list[str] | None = None) -> dict[str, Any]:
    body = {"username": f"m.{uuid.uuid4().hex[:8]}", "password": PASSWORD, "roles": roles or []}
    response = post(live.url() + "/api/v1/users", json=body, headers=sysadmin)
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_a_member_account_sees_its_own_and_nothing_of_a_neighbour(live: LiveStack) -> None:
    api = live.url() + "/api/v1"
    admin = admin_headers(live)
    sysadmin = login(live, "admin", ADMIN_PASSWORD)
    county = create_org(live, admin)
    township = create_org(live, admin, tier="township", parent_id=county["id"])
    community = create_org(live, admin, tier="community", kind="branch", parent_id=township["id"])

    def filed(**values: Any) -> dict[str, Any]:
        body = member_body(org_id=str(community["id"]), **values)

        def attempt() -> httpx.Response | None:
            response = post(api + "/members", json=body, headers=admin)
            return response if response.status_code == 201 else None

        created = wait_until(attempt, 10, 0.1)
        assert created is not None, "the members' replica never received the organization"
        return {**created.json(), "id_number_in_full": body["id_number"]}

    me = filed(phone="13800001111", education="secondary")
    neighbour = filed(phone="13900002222")

    # The member links their own account: the community issues a one-time code.
    account = new_account(live, sysadmin)
    before_link = login(live, account["username"], PASSWORD)
    issued = post(f"{api}/members/{me['id']}/link-code", headers=admin)
    assert issued.status_code == 201, issued.text
    wrong = post(api + "/auth/link-member", json={"id_number": me["id_number_in_full"], "code": "00000000"}, headers=before_link)
    linked = post(
        api + "/auth/link-member", json={"id_number": me["id_number_in_full"], "code": issued.json()["code"]}, headers=before_link
    )
    assert wrong.status_code == 422, wrong.text
    assert linked.status_code == 200, linked.text
    assert linked.json() == {"member_id": me["id"], "roles": ["member"]}
    # The token issued before the link ends; a new login carries the member id.
    assert wait_until(lambda: get(api + "/me", headers=before_link).status_code == 401, 10, 0.1)
    member = login(live, account["username"], PASSWORD)
    assert get(api + "/me", headers=member).json()["member_id"] == me["id"]

    # The neighbour's account is linked by a security administrator (the admin act).
    security_account = new_account(live, sysadmin, ["secadmin"])
    security = login(live, security_account["username"], PASSWORD)
    neighbour_account = new_account(live, sysadmin)
    assigned = put(
        f"{api}/users/{neighbour_account['id']}/roles",
        json={"roles": ["member"], "member_id": neighbour["id"]},
        headers=security | {"If-Match": "*"},
    )
    assert assigned.status_code == 200, assigned.text
    neighbour_member = login(live, neighbour_account["username"], PASSWORD)

    # Exactly its own data.
    record = get(api + "/me/record", headers=member)
    assert record.status_code == 200, record.text
    assert (record.json()["id"], record.json()["id_number"]) == (me["id"], me["id_number_in_full"])
    assert "x-audit-unmasked" not in record.headers
    assert get(api + "/me/record", headers=neighbour_member).json()["id"] == neighbour["id"]
    for part in ("history", "dues", "transfers", "change-requests", "floating-reports", "posts", "zones", "positions"):
        response = get(f"{api}/me/{part}", headers=member)
        assert response.status_code == 200, (part, response.text)
        assert neighbour["id"] not in response.text, part

    def study() -> dict[str, Any] | None:
        response = get(api + "/me/study", headers=member)
        return dict(response.json()) if response.status_code == 200 else None

    standing = wait_until(study, 10, 0.2)
    assert standing, "the member did not reach the activities service"
    assert standing["member_id"] == me["id"]
    assert "shortfall" in standing
    assert get(api + "/me/activities", headers=member).json() == []

    # Nothing of a neighbour, by any path.
    for path in (f"/members/{neighbour['id']}", f"/members/{neighbour['id']}/history", f"/dues/{neighbour['id']}"):
        response = get(api + path, headers=member)
        assert response.status_code in (403, 404), (path, response.status_code)
        assert neighbour["id_number_in_full"] not in response.text
    assert get(api + "/members", params={"org_id": community["id"]}, headers=member).status_code == 403
    assert get(api + "/change-requests", headers=member).status_code == 403

    # A change request approved: applied, with both names in the history.
    asked = post(
        api + "/me/change-requests",
        json={"phone": "13912345678", "education": "college", "evidence_note": "2025年畢業證書 51234520250600123"},
        headers=member,
    )
    assert asked.status_code == 201, asked.text
    approved = post(f"{api}/change-requests/{asked.json()['id']}/decision", json={"decision": "approve"}, headers=admin)
    assert approved.status_code == 200, approved.text
    history = get(api + "/me/history", headers=member).json()
    event = history[-1]
    assert event["kind"] == "details_changed"
    assert event["details"]["requested_by"] == account["username"]
    assert event["details"]["reviewed_by"] == event["actor"] == "district"
    assert event["details"]["requested_by_member"] == me["name"]
    after = get(api + "/me/record", headers=member).json()
    assert (after["phone"], after["education"]) == ("13912345678", "college")

    # A rejected one changes nothing.
    asked_again = post(api + "/me/change-requests", json={"address": "柳河社區3組12號"}, headers=member)
    assert asked_again.status_code == 201, asked_again.text
    rejected = post(
        f"{api}/change-requests/{asked_again.json()['id']}/decision",
        json={"decision": "reject", "note": "地址與戶籍不符"},
        headers=admin,
    )
    assert rejected.status_code == 200, rejected.text
    assert get(api + "/me/record", headers=member).json() == after
    assert get(api + "/me/history", headers=member).json() == history

    # Audited: the link, the own record read in full, the decisions.
    auditor_account = new_account(live, sysadmin, ["auditor"])
    auditor = login(live, auditor_account["username"], PASSWORD)
    rows = get(api + "/audit", params={"actor": account["username"], "limit": 200}, headers=auditor).json()["items"]
    actions = {(row["action"], row["target"]) for row in rows}
    assert ("POST", "/api/v1/auth/link-member") in actions
    assert ("unmasked_read", me["id"]) in actions
    assert ("POST", "/api/v1/me/change-requests") in actions
