"""ETag and If-Match on every update: an update made against an older version is refused.

Every updatable row carries an integer `version`, +1 on each change; its ETag is the quoted
version (`"3"`). The resource's GET and every update answer carry it (`set_etag`). An update
route takes `PreconditionsDep` and hands it to the service, which loads the row locked (`SELECT …
FOR UPDATE` on PostgreSQL; SQLite's write transactions are `BEGIN IMMEDIATE`, one at a time) and
calls `preconditions.check(row.version)` before changing anything. So the check and the change
are one atomic step: of two updates sent with the same ETag, exactly one succeeds and the other
meets 412.

The dependency only parses the headers; the verdict waits for the row, so that an unauthorized
caller still meets 401/403 and a row out of scope 404 before any precondition is judged:

- no `If-Match` on an existing row → 428 (an update must say which version it read);
- `If-Match` naming none of the current version → 412 (with the current `ETag`);
- `If-Match: *` matches any current version (RFC 9110), for a caller that means to overwrite;
- an upsert (a PUT that may create) calls `check(None)` when the row does not exist yet: no
  `If-Match` (or `If-None-Match: *`) creates; `If-None-Match: *` on an existing row → 412.

`document_preconditions` adds the 412/428 answers to the OpenAPI of every operation that reads
`If-Match` and marks the header required where it is (every update but an upsert); it adds
409/422 to those that read `Idempotency-Key` (see `kit.idempotency`).
"""

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Header, Response

from services.kit.problems import PROBLEM_MEDIA_TYPE, PROBLEM_SCHEMA, Problem

IF_MATCH_DESCRIPTION = (
    "The ETag of the version read last (as the GET or the previous update answered it). Required on an "
    "existing record: 428 without it, 412 if the record changed since. `*` matches any version."
)
IF_NONE_MATCH_DESCRIPTION = "`*`: create only; 412 if the record exists already (upserts only)."


def etag(version: int) -> str:
    return f'"{version}"'


def set_etag(response: Response, version: int) -> None:
    response.headers["ETag"] = etag(version)


def _opaque(tag: str) -> str:
    # Weak and strong comparison give the same answer here: a version names one representation.
    return tag.strip().removeprefix("W/")


@dataclass(frozen=True)
class Preconditions:
    """What the caller's `If-Match` / `If-None-Match` headers ask; `check` judges them."""

    if_match: frozenset[str] | None = None  # None: no If-Match header
    if_none_match_any: bool = False

    def check(self, current: int | None) -> None:
        """Refuse the change unless the headers admit `current` (None: the row does not exist yet)."""
        if current is None:
            if self.if_match is not None:
                raise Problem(412, "If-Match names a version, but the record does not exist yet", slug="precondition-failed")
            return
        if self.if_none_match_any:
            raise Problem(
                412, "If-None-Match: * but the record exists", slug="precondition-failed", headers={"ETag": etag(current)}
            )
        if self.if_match is None:
            raise Problem(
                428,
                "An update needs If-Match with the ETag read last (GET the record first)",
                slug="precondition-required",
                headers={"ETag": etag(current)},
            )
        if "*" in self.if_match or etag(current) in self.if_match:
            return
        raise Problem(
            412,
            f"The record changed since (now version {current})",
            slug="precondition-failed",
            headers={"ETag": etag(current)},
            version=current,
        )


# For a change the service makes on its own account (an action route such as "mark held"), not a
# client's edit of what it read: any version will do, the row lock still orders the changes.
ANY_VERSION = Preconditions(if_match=frozenset({"*"}))


def _preconditions(
    if_match: Annotated[str | None, Header(max_length=256, description=IF_MATCH_DESCRIPTION)] = None,
) -> Preconditions:
    if if_match is None:
        return Preconditions()
    return Preconditions(if_match=frozenset(_opaque(tag) for tag in if_match.split(",") if tag.strip()))


def _upsert_preconditions(
    if_match: Annotated[str | None, Header(max_length=256, description=IF_MATCH_DESCRIPTION)] = None,
    if_none_match: Annotated[str | None, Header(max_length=256, description=IF_NONE_MATCH_DESCRIPTION)] = None,
) -> Preconditions:
    parsed = _preconditions(if_match)
    return Preconditions(if_match=parsed.if_match, if_none_match_any=(if_none_match or "").strip() == "*")


PreconditionsDep = Annotated[Preconditions, Depends(_preconditions)]
UpsertPreconditionsDep = Annotated[Preconditions, Depends(_upsert_preconditions)]

_PRECONDITION_RESPONSES: dict[str, str] = {
    "412": "Precondition failed: the record changed since the ETag in If-Match (the answer carries the current ETag)",
    "428": "Precondition required: If-Match is missing",
}
_IDEMPOTENCY_RESPONSES: dict[str, str] = {
    "409": "Conflict: the first request with this Idempotency-Key is still running (retry later); or a domain conflict",
    "422": "Validation error, or this Idempotency-Key was used with another request",
}
_PROBLEM = {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}


def document_preconditions(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the answers the write headers bring to every operation that reads them (in place)."""
    used = False
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            parameters = {p.get("name", "").lower(): p for p in operation.get("parameters", []) if p.get("in") == "header"}
            headers = set(parameters)
            extra = {}
            if "if-match" in headers and "if-none-match" not in headers:
                # An update of an existing record answers 428 without it (an upsert may create).
                parameters["if-match"]["required"] = True
            if "if-match" in headers:
                extra.update(_PRECONDITION_RESPONSES)
                ok = next((code for code in ("200", "201") if code in operation.get("responses", {})), None)
                if ok is not None:
                    operation["responses"][ok].setdefault("headers", {})["ETag"] = {
                        "description": "The new version's ETag (send it as If-Match on the next update)",
                        "schema": {"type": "string"},
                    }
            if "idempotency-key" in headers:
                extra.update(_IDEMPOTENCY_RESPONSES)
            responses = operation.setdefault("responses", {})
            for code, description in extra.items():
                used = True
                if code in responses:
                    responses[code]["description"] += f"; {description}"
                else:
                    responses[code] = {"description": description, "content": _PROBLEM}
    if used:
        schema.setdefault("components", {}).setdefault("schemas", {}).setdefault("Problem", PROBLEM_SCHEMA)
    return schema
