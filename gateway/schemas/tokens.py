"""Shapes of the token endpoints (`/api/v1/auth/token`, `/api/v1/auth/refresh`)."""

from services.kit.schemas import Schema


class TokenResponse(Schema):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth2 token type, not a secret
    expires_in: int
    refresh_token: str | None = None
    refresh_expires_in: int | None = None
