"""The kinds of problem the gateway answers with, declared once: code raises them, routes list
them in their OpenAPI answers (`answers(...)`), the edge sends them before any route runs."""

from services.kit.problems import ProblemKind

# --- the edge (gateway/edge): before or instead of a route --------------------------------------
TOO_MANY_REQUESTS = ProblemKind(429, "too-many-requests", "over the caller's rate limit; retry after `Retry-After`")
OVERLOADED = ProblemKind(503, "overloaded", "the gateway is at capacity; retry after `Retry-After`")
SERVICE_UNAVAILABLE = ProblemKind(503, "service-unavailable", "the service behind the path refused the connection")
GATEWAY_TIMEOUT = ProblemKind(504, "gateway-timeout", "the service behind the path did not answer in time")
BAD_GATEWAY = ProblemKind(502, "bad-gateway", "the service behind the path gave no valid answer")

# --- identity: tokens, accounts, machine clients -------------------------------------------------
INVALID_GRANT = ProblemKind(401, "unauthorized", "the credentials are not valid (the same answer whatever the reason)")
# The token endpoint answers as RFC 6749 §5.2 says (status and `error`), each a problem too.
INVALID_REQUEST = ProblemKind(400, "invalid-request", "OAuth2 `invalid_request`: a field is missing, repeated or too long")
INVALID_CLIENT = ProblemKind(
    401, "invalid-client", "OAuth2 `invalid_client`: the client's authentication failed (`WWW-Authenticate: Basic`)"
)
OAUTH_INVALID_GRANT = ProblemKind(
    400, "invalid-grant", "OAuth2 `invalid_grant`: password, TOTP or refresh token not valid (one answer whatever the reason)"
)
UNSUPPORTED_GRANT_TYPE = ProblemKind(400, "unsupported-grant-type", "OAuth2 `unsupported_grant_type`")
INVALID_SCOPE = ProblemKind(400, "invalid-scope", "OAuth2 `invalid_scope`: a scope the client does not hold")
FORBIDDEN = ProblemKind(403, "forbidden", "the caller's role, account or scope does not allow this")
NOT_FOUND = ProblemKind(404, "not-found", "no such account, client or subscription (or not the caller's)")
TOTP_ENROLLED = ProblemKind(409, "totp-enrolled", "a second factor is already enrolled for this account")
USERNAME_TAKEN = ProblemKind(409, "username-taken", "another account has this username")
CLIENT_ID_TAKEN = ProblemKind(409, "client-id-taken", "another client (or one of the services) has this client id")
WEAK_PASSWORD = ProblemKind(422, "weak-password", "the password does not meet the password policy")
ROLE_CONFLICT = ProblemKind(422, "role-conflict", "these roles may not be held together, or not given at creation")
CODE_MISMATCH = ProblemKind(422, "rule-violation", "the TOTP code is not the current one")

# --- the audit trail -----------------------------------------------------------------------------
AUDIT_TRAIL_BROKEN = ProblemKind(409, "audit-trail-broken", "the rows since the last checkpoint do not hold: none is signed")

# --- events and reports --------------------------------------------------------------------------
INVALID_SUBSCRIPTION = ProblemKind(422, "invalid-subscription", "a destination or event type the caller may not subscribe to")
SUBTREE_REQUIRED = ProblemKind(422, "rule-violation", "the caller has no scope: `within` must name the subtree")
