"""The gateway's pure rules (no I/O), one module per area: accounts, tokens, audit.

Every number is a field of `GatewayPolicy` (served at `GET /api/v1/policy` under "gateway",
overridable as `GATEWAY_POLICY__LOCKOUT_THRESHOLD=…`); the rules take the policy as an argument.
"""

from pydantic import Field

from services.kit.policy import Policy


class GatewayPolicy(Policy):
    """The numbers of identity, sessions, limits and audit."""

    # Passwords (OWASP ASVS 2.1; 等保 2.0 三級 身份鑒別).
    password_min_length: int = Field(12, description="Shortest password accepted")
    password_min_kinds: int = Field(3, description="Kinds of character needed out of lower, upper, digit, other")
    # Lockout (OWASP ASVS 2.2.1): counted per account in the database.
    lockout_threshold: int = Field(5, description="Failed logins in a row that lock an account")
    lockout_minutes: int = Field(15, description="How long a locked account stays locked")
    # Sessions.
    refresh_idle_timeout_s: int = Field(1800, description="A refresh token unused this long is refused")
    refresh_absolute_lifetime_s: int = Field(12 * 3600, description="A login lasts at most this long, refreshes included")
    admin_totp_required: bool = Field(
        False, description="sysadmin, secadmin and auditor must enroll TOTP before using their administration routes"
    )
    # Machine clients.
    client_secret_grace_s: int = Field(24 * 3600, description="After a rotation the old client secret still works this long")
    # Limits.
    rate_per_s: float = Field(50.0, description="Requests per second per caller (token subject, else address)")
    rate_burst: int = Field(100, description="Requests a caller may make at once above the rate")
    login_user_rate_per_minute: float = Field(10.0, description="Login attempts per minute per username")
    login_user_burst: int = Field(10, description="Login attempts at once per username")
    # An address may be a whole township office behind one NAT: more room than per username.
    login_ip_rate_per_minute: float = Field(60.0, description="Login attempts per minute per client address")
    login_ip_burst: int = Field(30, description="Login attempts at once per client address")
    # Audit (等保 2.0: logs kept at least six months).
    audit_retention_days: int = Field(184, description="Audit rows younger than this are never deleted")
