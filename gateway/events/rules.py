"""Pure rules of events for other systems: who reads which events, signatures, retries, and which
webhook destinations are refused. No I/O here; the numbers live in `DeliveryPolicy`."""

import hashlib
import hmac
import ipaddress
import math
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

from pydantic import Field

from gateway.enums import ClientScope, RoleCode
from services.kit.auth import CLIENT_KIND, SERVICE_KIND, SERVICE_ROLE, USER_KIND, Caller
from services.kit.policy import Policy

# The event families other systems may read, and the OAuth2 scope each needs (as on every read).
READ_SCOPES: dict[str, str] = {
    "org.": ClientScope.orgs_read,
    "community.": ClientScope.orgs_read,
    "position.": ClientScope.orgs_read,
    "term.": ClientScope.orgs_read,
    "member.": ClientScope.members_read,
    "activity.": ClientScope.activities_read,
}
ALL_READ_SCOPES = frozenset(READ_SCOPES.values())
# People whose role reads business data in their subtree; the three administrators and a
# member (who sees only their own record) get no event stream.
READER_ROLES = (RoleCode.org_admin, RoleCode.viewer)
SUBSCRIBER_ROLES = (RoleCode.org_admin,)
# Never carried to other systems, whatever a producer puts in a payload (defence in depth: the
# services' event shapes leave them out already).
PERSONAL_FIELDS = frozenset({"id_number", "id_number_hash", "phone", "phone_hash"})

SIGNATURE_HEADER = "X-Dangjian-Signature"
TIMESTAMP_HEADER = "X-Dangjian-Timestamp"
EVENT_ID_HEADER = "X-Dangjian-Event-Id"
EVENT_TYPE_HEADER = "X-Dangjian-Event-Type"

# 169.254.169.254 is inside link-local, fd00:ec2::254 inside unique-local; named for the reader.
METADATA_ADDRESSES = frozenset({ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")})
CGNAT = ipaddress.ip_network("100.64.0.0/10")


class DeliveryPolicy(Policy):
    retry_window_s: float = Field(24 * 3600, description="a delivery is retried this long after its first attempt, then parked")
    backoff_base_s: float = Field(5.0, description="pause after the first failed attempt; doubles after each")
    backoff_max_s: float = Field(3600.0, description="the longest pause between two attempts")
    timeout_s: float = Field(10.0, description="a receiver must answer within this")
    batch_per_subscription: int = Field(50, description="deliveries sent to one subscription per round")


def read_scope_of(event_type: str) -> str | None:
    """The scope needed to read an event type; None for types not offered to other systems."""
    for prefix, scope in READ_SCOPES.items():
        if event_type.startswith(prefix):
            return scope
    return None


def readable_scopes(caller: Caller) -> frozenset[str]:
    """The event families the caller may read: a machine client by its scopes, a person by role."""
    if caller.kind == SERVICE_KIND and caller.has_role(SERVICE_ROLE):
        return ALL_READ_SCOPES
    if caller.kind == CLIENT_KIND:
        return ALL_READ_SCOPES & caller.scopes
    if caller.kind == USER_KIND and caller.has_role(*READER_ROLES):
        return ALL_READ_SCOPES
    return frozenset()


def may_subscribe(caller: Caller) -> bool:
    if caller.kind == CLIENT_KIND:
        return bool(readable_scopes(caller))
    return caller.kind == USER_KIND and caller.has_role(*SUBSCRIBER_ROLES)


def org_of(event_type: str, aggregate_id: UUID, payload: dict[str, Any]) -> tuple[UUID | None, str | None]:
    """The organization an event belongs to (for scope filtering), and its path when the event says."""
    if event_type.startswith("org."):
        path = payload.get("path")
        return aggregate_id, path if isinstance(path, str) else None
    for key in ("org_id", "township_org_id"):
        value = payload.get(key)
        if value:
            return UUID(str(value)), None
    return None, None


def without_personal_fields(payload: dict[str, Any]) -> dict[str, Any]:
    """The payload as other systems get it: no personal numbers, and a birth date only to the
    month (`birth_year_month`): with the region and the sex an exact one would narrow a masked ID
    number to a few hundred (docs/security.md, "Personal data: what each role sees")."""
    kept = {key: value for key, value in payload.items() if key not in PERSONAL_FIELDS}
    birth_date = kept.pop("birth_date", None)
    if isinstance(birth_date, str) and len(birth_date) >= 7:
        kept["birth_year_month"] = birth_date[:7]
    return kept


def visible_at(event_path: str | None, scope_path: str | None, *, unrestricted: bool) -> bool:
    """An event is visible in a subtree when it happened there; one with no place only to the unrestricted."""
    if unrestricted:
        return True
    return event_path is not None and scope_path is not None and event_path.startswith(scope_path)


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """HMAC-SHA256 over `<timestamp>.<body>`, as `sha256=<hex>` (the receiver recomputes and compares)."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def backoff(attempts: int, policy: DeliveryPolicy) -> timedelta:
    """The pause after the `attempts`-th failed attempt: base, twice that, four times … up to the maximum."""
    exponent = min(max(attempts - 1, 0), 62)
    return timedelta(seconds=min(policy.backoff_max_s, policy.backoff_base_s * math.pow(2, exponent)))


def retries_exhausted(first_attempt_at: datetime, now: datetime, policy: DeliveryPolicy) -> bool:
    return now - first_attempt_at >= timedelta(seconds=policy.retry_window_s)


def address_refusal(address: str) -> str | None:
    """Why a webhook may not be sent to this IP address (None: it may)."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip in METADATA_ADDRESSES:
        return "metadata"
    checks = (
        ("unspecified", ip.is_unspecified),
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("cgnat", isinstance(ip, ipaddress.IPv4Address) and ip in CGNAT),
        ("private", ip.is_private),
        ("reserved", ip.is_reserved),
        ("not-global", not ip.is_global),
    )
    for reason, refused in checks:
        if refused:
            return reason
    return None


def host_is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def url_refusal(url: str, development_hosts: frozenset[str]) -> str | None:
    """Why a webhook URL is refused before any lookup (None: it may be used, subject to DNS checks).

    https only; http only to a development host. No credentials in the URL. An IP literal is
    judged here (it is never looked up); names are judged on every delivery, after resolving.
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "malformed"
    host = (parts.hostname or "").lower()
    development = bool(host) and is_development_host(host, port, development_hosts)
    reason: str | None = None
    if not host:
        reason = "no-host"
    elif parts.username is not None or parts.password is not None:
        reason = "credentials"
    elif parts.scheme != "https" and not (parts.scheme == "http" and development):
        reason = "scheme"
    elif development:
        reason = None
    elif host_is_ip_literal(host):
        reason = address_refusal(host)
    elif host in ("localhost", "localhost.localdomain") or host.endswith(".localhost"):
        reason = "loopback"
    return reason


def is_development_host(host: str, port: int | None, development_hosts: frozenset[str]) -> bool:
    """A host (or host:port) named in the development allow-list: http and private addresses allowed."""
    host = host.lower()
    return host in development_hosts or (port is not None and f"{host}:{port}" in development_hosts)


def type_matches(event_type: str, patterns: list[str]) -> bool:
    """A subscription's types: exact names, or a family with `.*` (`member.*`)."""
    return any(pattern == event_type or (pattern.endswith(".*") and event_type.startswith(pattern[:-1])) for pattern in patterns)


def pattern_error(pattern: str) -> str | None:
    """Why a subscription's event type pattern is not one other systems can receive (None: fine)."""
    family = pattern[:-1] if pattern.endswith(".*") else pattern
    if read_scope_of(family) is None or "*" in family:
        return f"unknown event type {pattern!r}: one of the types at /api/v1/events/types, or a family like member.*"
    return None
