"""Rows of the authorization matrix (tests/authz/matrix.py) for a member's own view
(`/api/v1/me/...`), what members submit and the organization reviews, and linking an account."""

from tests.authz.matrix import READ, SERVICE, WRITE, Only, R, Row

OWN_ROWS: list[Row] = [
    # Linking one's own account to a member record: the administrators' accounts are never linked,
    # and the others' tokens name no account (a real account links in tests/e2e/test_own_view.py).
    R(
        "gateway",
        "POST",
        "/api/v1/auth/link-member",
        Only(),
        body=lambda w: {"id_number": w["member_id_number"], "code": "12345678"},
        safe=True,
    ),
    # ---- a member's own view (`/api/v1/me/...`): a `member` account linked to a record, its own
    # (`own`: the world's member; `other`: a record that does not exist, 404); everyone else 403.
    *(
        R(app, "GET", f"/api/v1/me/{part}", Only("member"))
        for app, part in (
            ("members", "record"),
            ("members", "history"),
            ("members", "dues"),
            ("members", "transfers"),
            ("members", "change-requests"),
            ("members", "floating-reports"),
            ("orgs", "posts"),
            ("orgs", "zones"),
            ("orgs", "positions"),
            ("activities", "activities"),
            ("activities", "study"),
            ("activities", "study-records"),
        )
    ),
    R("members", "POST", "/api/v1/me/change-requests", Only("member")),
    R("members", "POST", "/api/v1/me/floating-reports", Only("member")),
    R("activities", "POST", "/api/v1/me/study-records", Only("member")),
    # What members submit, reviewed by the organization (objects' scope: tests/members/test_change_requests.py,
    # test_floating_reports.py, test_link_codes.py).
    R("members", "GET", "/api/v1/change-requests", READ),
    R("members", "GET", "/api/v1/change-requests/{rand}", READ),
    R("members", "GET", "/api/v1/change-requests/{rand}/evidence", READ),
    R("members", "POST", "/api/v1/change-requests/{rand}/decision", WRITE, body=lambda w: {"decision": "approve"}),
    R("members", "GET", "/api/v1/floating-reports", READ),
    R("members", "GET", "/api/v1/members/worklists/floating-reports", READ),
    R("members", "POST", "/api/v1/members/{member}/link-code", WRITE, "member"),
    R("members", "POST", "/internal/link-codes/redeem", SERVICE),
]
