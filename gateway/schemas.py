"""The gateway's own public shapes."""

import uuid

from services.kit.schemas import Schema


class TokenResponse(Schema):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth2 token type, not a secret
    expires_in: int


class Me(Schema):
    id: str
    username: str | None
    roles: list[str]
    scope_org_id: uuid.UUID | None
