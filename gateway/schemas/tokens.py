"""Shapes of the token endpoints (`/api/v1/auth/token`, `/api/v1/auth/refresh`)."""

from pydantic import Field

from services.kit.schemas import Schema


class TokenResponse(Schema):
    """RFC 6749 §5.1: the access token, and for a person's login the refresh token."""

    access_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth2 token type, not a secret
    expires_in: int
    refresh_token: str | None = None
    refresh_expires_in: int | None = None
    scope: str | None = Field(default=None, description="A client's granted scopes, space-separated (client credentials)")
