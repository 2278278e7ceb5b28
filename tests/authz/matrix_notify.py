"""Rows of the authorization matrix (tests/authz/matrix.py) for notifications, as `Row` keyword
arguments without `access`: every person's account has its own inbox (matrix.PEOPLE, another's
notification — a random id here — is 404); our services and other systems have none. Who gets
which notification: tests/gateway/test_notifications.py."""

from typing import Any

NOTIFY_ROWS: list[dict[str, Any]] = [
    {"app": "gateway", "method": "GET", "path": "/api/v1/notifications"},
    {"app": "gateway", "method": "POST", "path": "/api/v1/notifications/read", "safe": True},
    {"app": "gateway", "method": "GET", "path": "/api/v1/notifications/contact"},
    {"app": "gateway", "method": "PUT", "path": "/api/v1/notifications/contact", "body": lambda w: {"phone": "13800138000"}},
    {"app": "gateway", "method": "GET", "path": "/api/v1/notifications/{rand}"},
    {"app": "gateway", "method": "POST", "path": "/api/v1/notifications/{rand}/read", "safe": True},
]
