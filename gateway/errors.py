"""The kinds of problem the gateway answers with, declared once: code raises them, routes list
them in their OpenAPI answers (`answers(...)`), the edge sends them before any route runs."""

# ruff: noqa: RUF001 - Chinese titles take full-width punctuation

from services.kit.problems import ProblemKind

# --- the edge (gateway/edge): before or instead of a route --------------------------------------
TOO_MANY_REQUESTS = ProblemKind(
    429, "too-many-requests", "over the caller's rate limit; retry after `Retry-After`", "請求過於頻繁"
)
OVERLOADED = ProblemKind(503, "overloaded", "the gateway is at capacity; retry after `Retry-After`", "系統繁忙，請稍後重試")
SERVICE_UNAVAILABLE = ProblemKind(
    503, "service-unavailable", "the service behind the path refused the connection", "服務暫不可用"
)
GATEWAY_TIMEOUT = ProblemKind(504, "gateway-timeout", "the service behind the path did not answer in time", "服務響應超時")
BAD_GATEWAY = ProblemKind(502, "bad-gateway", "the service behind the path gave no valid answer", "服務返回無效")

# --- identity: tokens, accounts, machine clients -------------------------------------------------
INVALID_GRANT = ProblemKind(
    401, "unauthorized", "the credentials are not valid (the same answer whatever the reason)", "用戶名、密碼或憑證無效"
)
# The token endpoint answers as RFC 6749 §5.2 says (status and `error`), each a problem too.
INVALID_REQUEST = ProblemKind(
    400,
    "invalid-request",
    "OAuth2 `invalid_request`: a field is missing, repeated or too long",
    "請求缺少必要字段或字段重複、過長",
)
INVALID_CLIENT = ProblemKind(
    401,
    "invalid-client",
    "OAuth2 `invalid_client`: the client's authentication failed (`WWW-Authenticate: Basic`)",
    "客戶端認證失敗",
)
OAUTH_INVALID_GRANT = ProblemKind(
    400,
    "invalid-grant",
    "OAuth2 `invalid_grant`: password, TOTP or refresh token not valid (one answer whatever the reason)",
    "密碼、動態口令或刷新令牌無效",
)
UNSUPPORTED_GRANT_TYPE = ProblemKind(400, "unsupported-grant-type", "OAuth2 `unsupported_grant_type`", "不支持的授權類型")
INVALID_SCOPE = ProblemKind(
    400, "invalid-scope", "OAuth2 `invalid_scope`: a scope the client does not hold", "客戶端不具備所請求的權限範圍"
)
FORBIDDEN = ProblemKind(403, "forbidden", "the caller's role, account or scope does not allow this", "無權操作")
NOT_FOUND = ProblemKind(
    404, "not-found", "no such account, client, subscription or notification (or not the caller's)", "記錄不存在"
)
TOTP_ENROLLED = ProblemKind(409, "totp-enrolled", "a second factor is already enrolled for this account", "已綁定動態口令")
USERNAME_TAKEN = ProblemKind(409, "username-taken", "another account has this username", "用戶名已被使用")
CLIENT_ID_TAKEN = ProblemKind(
    409, "client-id-taken", "another client (or one of the services) has this client id", "客戶端標識已被使用"
)
WEAK_PASSWORD = ProblemKind(422, "weak-password", "the password does not meet the password policy", "密碼強度不足")
ROLE_CONFLICT = ProblemKind(
    422, "role-conflict", "these roles may not be held together, or not given at creation", "角色不能同時擁有"
)
CODE_MISMATCH = ProblemKind(422, "rule-violation", "the TOTP code is not the current one", "動態口令不正確")

# --- the audit trail -----------------------------------------------------------------------------
AUDIT_TRAIL_BROKEN = ProblemKind(
    409, "audit-trail-broken", "the rows since the last checkpoint do not hold: none is signed", "審計記錄自上次檢查點後不完整"
)

# --- events and reports --------------------------------------------------------------------------
INVALID_SUBSCRIPTION = ProblemKind(
    422, "invalid-subscription", "a destination or event type the caller may not subscribe to", "訂閱無效"
)
SUBTREE_REQUIRED = ProblemKind(
    422, "rule-violation", "the caller has no scope: `within` must name the subtree", "請指定統計範圍（within）"
)

# --- printed documents ---------------------------------------------------------------------------
DOCUMENT_NOT_FOUND = ProblemKind(
    404, "document-not-found", "no document with this number and check code was issued", "查無此文件或校驗碼不符"
)
# --- a member's account linked to their record ---------------------------------------------------
LINK_REFUSED = ProblemKind(
    422,
    "link-refused",
    "the ID number and the one-time code do not match an open code (one answer whatever the reason)",
    "身份證號碼或一次性驗證碼不正確",
)
MEMBER_LINKED = ProblemKind(
    409, "member-linked", "the account, or another account, is already linked to a member record", "帳號已關聯黨員記錄"
)
