"""Rows of the authorization matrix (tests/authz/matrix.py) for the gateway's own routes."""

from tests.authz.matrix import ADMINISTRATIVE, DENY, READ, SERVICE, Only, R, Row

PEOPLE = (*ADMINISTRATIVE, "org_admin", "viewer", "member")

GATEWAY_ROWS: list[Row] = [
    # ---- the gateway's own routes (the administrative roles log in to real accounts) ---------
    R("gateway", "GET", "/api/v1/users", Only("sysadmin", "secadmin")),
    R("gateway", "POST", "/api/v1/users", Only("sysadmin")),
    R("gateway", "GET", "/api/v1/users/{rand}", Only("sysadmin", "secadmin")),
    R("gateway", "PATCH", "/api/v1/users/{rand}", Only("sysadmin")),
    R("gateway", "PUT", "/api/v1/users/{rand}/roles", Only("secadmin")),
    R("gateway", "GET", "/internal/events", SERVICE),
    R("gateway", "GET", "/api/v1/clients", Only("sysadmin", "secadmin")),
    R("gateway", "POST", "/api/v1/clients", Only("sysadmin", "secadmin")),
    R("gateway", "GET", "/api/v1/clients/{rand}", Only("sysadmin", "secadmin")),
    R("gateway", "PATCH", "/api/v1/clients/{rand}", Only("sysadmin", "secadmin")),
    R("gateway", "POST", "/api/v1/clients/{rand}/rotate", Only("sysadmin", "secadmin")),
    R("gateway", "GET", "/api/v1/jobs", Only("sysadmin")),
    R("gateway", "GET", "/api/v1/audit", Only("auditor")),
    R("gateway", "GET", "/api/v1/audit/verify", Only("auditor")),
    R("gateway", "GET", "/api/v1/audit/checkpoints", Only("auditor")),
    R("gateway", "POST", "/api/v1/audit/checkpoints", Only("auditor")),
    # A second factor for a person's own account: only the administrators have real accounts in
    # the matrix (the others' tokens name none, and are refused like a client's or a service's).
    R("gateway", "POST", "/api/v1/auth/totp", Only(*ADMINISTRATIVE), safe=True),
    R("gateway", "POST", "/api/v1/auth/totp/confirm", Only(*ADMINISTRATIVE), body=lambda w: {"code": "000000"}),
    # The event feed: readers, our services, clients with a read scope (the matrix's gateway
    # clients hold orgs:read or orgs:write; a write scope alone reads no events).
    R("gateway", "GET", "/api/v1/events", READ, overrides={"client_write": DENY}),
    # Subscriptions belong to organization administrators and clients with a read scope; another
    # owner's (here a random id) is 404.
    R("gateway", "POST", "/api/v1/subscriptions", Only("org_admin", "client_read")),
    R("gateway", "GET", "/api/v1/subscriptions", Only("org_admin", "client_read")),
    R("gateway", "GET", "/api/v1/subscriptions/{rand}", Only("org_admin", "client_read")),
    R("gateway", "DELETE", "/api/v1/subscriptions/{rand}", Only("org_admin", "client_read")),
    R("gateway", "GET", "/api/v1/subscriptions/{rand}/deliveries", Only("org_admin", "client_read")),
    R("gateway", "POST", "/api/v1/subscriptions/{rand}/replay", Only("org_admin", "client_read")),
    # Notifications: every person's account has its own inbox (another's, here a random id, is
    # 404); our services and other systems have none (tests/gateway/test_notifications.py).
    R("gateway", "GET", "/api/v1/notifications", Only(*PEOPLE)),
    R("gateway", "POST", "/api/v1/notifications/read", Only(*PEOPLE), safe=True),
    R("gateway", "GET", "/api/v1/notifications/contact", Only(*PEOPLE)),
    R("gateway", "PUT", "/api/v1/notifications/contact", Only(*PEOPLE), body=lambda w: {"phone": "13800138000"}),
    R("gateway", "GET", "/api/v1/notifications/{rand}", Only(*PEOPLE)),
    R("gateway", "POST", "/api/v1/notifications/{rand}/read", Only(*PEOPLE), safe=True),
]
