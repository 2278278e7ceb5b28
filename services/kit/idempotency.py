"""Idempotency-Key on creates: a retried POST gets the first answer again, never a second row.

A route opts in with `dependencies=[Idempotent]` (which also documents and validates the header:
1 to 255 printable ASCII characters, else 422). `IdempotencyMiddleware`, installed by
`kit.app.create_app` right outside the routes, reads a keyed POST's body and fingerprints it;
the route's `Idempotent` dependency, which runs before anything else of the route, then claims
(caller, key), where the caller is the VERIFIED token's kind and subject (never a claim read
without checking the signature): the same key from two callers is two keys. A POST to a route
without the dependency passes untouched, key or not.

- First request: a `running` row is claimed in its own committed transaction, the request runs,
  and its answer (status, headers, body) is stored as `done` before the answer leaves.
- Same key, same request (sha256 of method, path, query and body): the stored answer is replayed
  with `Idempotent-Replayed: true`; nothing runs again.
- Same key, another request: 422 `idempotency-key-reused`.
- Same key while the first still runs: 409 `idempotency-key-in-use` (retry later).
- Only a success is stored. A 4xx (a refusal: the request's transaction wrote nothing), a 5xx or
  an exception deletes the row, so a retry runs afresh: a refusal that was only for now (a
  replica catching up, a conflict since resolved) can go through with the same key.
- A process that dies while running leaves a `running` row whose lease (`idempotency_lease_s`,
  default 120 s) then runs out; the next retry takes the key over and runs. So a crash between
  the request's commit and storing its answer (a narrow window) can let one retry, after the
  lease, run a second time; every other retry is answered from the store.
- Keys are kept `idempotency_ttl_s` (24 h): an older row counts as absent (its key is new
  again), and each process deletes expired rows at most once an hour on its way.
- A process whose answers carry personal data passes `answer_cipher` (members: its field cipher,
  the records' own): each stored body is then AES-GCM ciphertext bound to its caller and key, so
  the table holds no ID number or phone in clear (issue #17) and a body copied to another row
  does not open. A body stored before sealing began (no `SEALED` mark) replays as it is.

The gateway's proxied paths never reach this middleware (the proxy answers them first and
forwards the header), so an answer is stored once, by the service that made it.
"""

import hashlib
import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import Depends, FastAPI, Header, Request, Response
from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.kit.auth import bearer_token
from services.kit.crypto import FieldCipher
from services.kit.db import Database
from services.kit.problems import Problem

logger = logging.getLogger("kit.idempotency")

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEY_PATTERN = r"^[\x20-\x7e]{1,255}$"
_KEY = re.compile(KEY_PATTERN)
RUNNING, DONE = "running", "done"
STATE_NAME = "idempotency"  # where the middleware leaves the request's key for the route
# Headers of the first answer that are not replayed: the outer middleware sets them afresh.
_NOT_STORED = frozenset({"content-length", "x-request-id", "traceparent", "date", "server"})
# The start of a sealed body: an answer (JSON, text) never begins with a NUL.
SEALED = b"\x00sealed\x00"
AnswerCipher = Callable[[], FieldCipher]


def idempotency_table(metadata: MetaData) -> Table:
    """`idempotency_keys` of a schema: one row per (caller, key), its state and its stored answer."""
    return Table(
        "idempotency_keys",
        metadata,
        Column("caller", String(200), primary_key=True),
        Column("key", String(255), primary_key=True),
        Column("fingerprint", String(64), nullable=False),
        Column("state", String(8), nullable=False),
        Column("holder", String(32), nullable=False),
        Column("lease_until", DateTime(timezone=True), nullable=False),
        Column("status", Integer, nullable=True),
        Column("headers", String, nullable=True),
        Column("body", LargeBinary, nullable=True),
        Column("created_at", DateTime(timezone=True), nullable=False, index=True),
    )


async def _idempotency_key(
    request: Request,
    key: Annotated[
        str | None,
        Header(
            alias=HEADER,
            pattern=KEY_PATTERN,
            max_length=255,
            description="A key the client makes for this create (for example a UUID): a retry with the same key and "
            "body gets the first answer again (`Idempotent-Replayed: true`) and creates nothing; the same key with "
            "another body is 422; while the first request still runs, 409. Kept 24 h, per caller.",
        ),
    ] = None,
) -> str | None:
    # The middleware saw the key and the verified caller; here, on a route that takes keys, the
    # key is claimed (or the stored answer replayed) before anything else of the route runs.
    pending: _Pending | None = getattr(request.state, STATE_NAME, None)
    if pending is not None and key is not None:
        settings = request.app.state.settings
        await pending.claim(request.app.state.db, ttl_s=settings.idempotency_ttl_s, lease_s=settings.idempotency_lease_s)
    return key


# `@router.post(..., dependencies=[Idempotent])`: the route takes an Idempotency-Key.
Idempotent = Depends(_idempotency_key)


def now() -> datetime:
    """The clock the keys' lifetime is read from (a test moves it)."""
    return datetime.now(UTC)


def _aware(value: datetime) -> datetime:
    # SQLite hands timezone-aware columns back naive (in UTC, as they were written).
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


class _Replay(Exception):
    def __init__(self, status: int, headers: list[list[str]], body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body


@dataclass
class _Pending:
    """A POST with a valid key from a verified caller; `holder` once the route claimed the key."""

    table: Table
    caller: str
    key: str
    fingerprint: str
    cipher: FieldCipher | None = None
    holder: str | None = None

    def _field(self) -> str:
        # The associated data: the body opens only in its own row.
        return f"idempotency_keys.body\x00{self.caller}\x00{self.key}"

    def sealed(self, body: bytes) -> bytes:
        return body if self.cipher is None else SEALED + self.cipher.seal(self._field(), body)

    def opened(self, stored: bytes) -> bytes:
        if not stored.startswith(SEALED):
            return stored
        if self.cipher is None:
            raise RuntimeError("a sealed idempotent answer, and no cipher to open it")
        return self.cipher.unseal(self._field(), stored[len(SEALED) :])

    async def claim(self, db: Database, *, ttl_s: float, lease_s: float) -> None:
        """Take the key (`holder` set), or raise the stored answer, 422 (other request) or 409 (running)."""
        table, where = self.table, (self.table.c.caller == self.caller) & (self.table.c.key == self.key)
        holder = uuid.uuid4().hex
        for _ in range(2):  # a second look if another request inserted the same key meanwhile
            moment = now()
            lease = {"holder": holder, "lease_until": moment + timedelta(seconds=lease_s)}
            async with db.write_sessions() as session:
                row = (await session.execute(select(table).where(where).with_for_update())).first()
                if row is not None and _aware(row.created_at) + timedelta(seconds=ttl_s) <= moment:
                    await session.execute(delete(table).where(where))
                    row = None
                if row is None:
                    try:
                        await session.execute(
                            insert(table).values(
                                caller=self.caller,
                                key=self.key,
                                fingerprint=self.fingerprint,
                                state=RUNNING,
                                created_at=moment,
                                **lease,
                            )
                        )
                        await session.commit()
                    except IntegrityError:
                        await session.rollback()
                        continue
                    self.holder = holder
                    return
                if row.fingerprint != self.fingerprint:
                    raise Problem(
                        422,
                        f"This {HEADER} was used with another request; use a new key for a new request",
                        slug="idempotency-key-reused",
                    )
                if row.state == DONE:
                    raise _Replay(row.status, json.loads(row.headers), self.opened(row.body))
                if _aware(row.lease_until) > moment:
                    raise _in_use()
                # Its process died while running: the lease ran out, this retry takes the key over.
                await session.execute(update(table).where(where).values(**lease))
                await session.commit()
                self.holder = holder
                return
        raise _in_use()


async def _on_replay(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, _Replay)
    response = Response(exc.body, status_code=exc.status)
    response.raw_headers = [
        *((k.encode("latin-1"), v.encode("latin-1")) for k, v in exc.headers),
        (b"content-length", str(len(exc.body)).encode()),
        (REPLAYED_HEADER.lower().encode(), b"true"),
    ]
    return response


def install_idempotency(app: FastAPI, *, table: Table, max_body_bytes: int, answer_cipher: AnswerCipher | None = None) -> None:
    """Keys for the routes that take them, stored in `table` (the schema's `idempotency_keys`),
    the answers sealed with `answer_cipher()` when given."""
    app.add_exception_handler(_Replay, _on_replay)
    app.add_middleware(IdempotencyMiddleware, table=table, max_body_bytes=max_body_bytes, answer_cipher=answer_cipher)


class IdempotencyMiddleware:
    """Hands a keyed POST to its route's `Idempotent` dependency, then stores the answer it made."""

    def __init__(self, app: ASGIApp, *, table: Table, max_body_bytes: int, answer_cipher: AnswerCipher | None = None) -> None:
        self.app = app
        self.table = table
        self.max_body_bytes = max_body_bytes
        self.answer_cipher = answer_cipher
        self._next_purge = 0.0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        key = _header(scope, b"idempotency-key")
        # An invalid key goes on to the route, whose header validation answers 422.
        caller = _verified_caller(scope) if key is not None and _KEY.match(key) else None
        if key is None or caller is None:  # no key, or no valid token: the route answers 401 itself
            await self.app(scope, receive, send)
            return
        messages, complete = await _read_body(receive, self.max_body_bytes)
        replay_receive = _replaying(messages, receive)
        if not complete:  # too large to keep: the route refuses it (413)
            await self.app(scope, replay_receive, send)
            return
        db: Database = scope["app"].state.db
        cipher = self.answer_cipher() if self.answer_cipher is not None else None
        pending = _Pending(self.table, caller, key, _fingerprint(scope, _body_of(messages)), cipher)
        scope.setdefault("state", {})[STATE_NAME] = pending
        await self._run(scope, replay_receive, send, db, pending)
        if pending.holder is not None:
            await self._purge(db, scope["app"].state.settings.idempotency_ttl_s)

    async def _run(self, scope: Scope, receive: Receive, send: Send, db: Database, claim: _Pending) -> None:
        start: Message | None = None
        chunks: list[bytes] = []
        settled = False  # the answer is stored (or the key released): nothing more to undo

        async def capture(message: Message) -> None:
            nonlocal start, settled
            if claim.holder is None:  # the route took no key (or the answer is a replay): as it is
                await send(message)
                return
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            assert start is not None
            body = b"".join(chunks)
            # Stored before the answer leaves: a client that saw it can count on a replay.
            await self._finish(db, claim, start, body)
            settled = True
            await send(start)
            await send({"type": "http.response.body", "body": body})

        try:
            await self.app(scope, receive, capture)
        except BaseException:
            if claim.holder is not None and not settled:
                await self._release(db, claim)
            raise

    async def _finish(self, db: Database, claim: _Pending, start: Message, body: bytes) -> None:
        status: int = start["status"]
        if status >= 400:
            await self._release(db, claim)
            return
        decoded = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in start.get("headers", [])]
        headers = [[k, v] for k, v in decoded if k.lower() not in _NOT_STORED]
        table = self.table
        try:
            async with db.write_sessions() as session:
                await session.execute(
                    update(table)
                    .where(table.c.caller == claim.caller, table.c.key == claim.key, table.c.holder == claim.holder)
                    .values(state=DONE, status=status, headers=json.dumps(headers), body=claim.sealed(body))
                )
                await session.commit()
        except Exception as error:  # the work is committed: answer it; the key frees itself after the lease
            logger.warning("idempotency answer not stored", extra={"error": type(error).__name__})

    async def _release(self, db: Database, claim: _Pending) -> None:
        table = self.table
        try:
            async with db.write_sessions() as session:
                await session.execute(
                    delete(table).where(table.c.caller == claim.caller, table.c.key == claim.key, table.c.holder == claim.holder)
                )
                await session.commit()
        except Exception as error:  # the lease frees the key in time
            logger.warning("idempotency key not released", extra={"error": type(error).__name__})

    async def _purge(self, db: Database, ttl_s: float) -> None:
        if time.monotonic() < self._next_purge:
            return
        self._next_purge = time.monotonic() + min(3600.0, ttl_s / 24)
        try:
            async with db.write_sessions() as session:
                await session.execute(delete(self.table).where(self.table.c.created_at < now() - timedelta(seconds=ttl_s)))
                await session.commit()
        except Exception as error:
            logger.warning("expired idempotency keys not purged", extra={"error": type(error).__name__})


def _in_use() -> Problem:
    return Problem(
        409,
        f"The first request with this {HEADER} is still running; retry in a moment",
        slug="idempotency-key-in-use",
        headers={"Retry-After": "1"},
    )


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            text: str = value.decode("latin-1").strip()
            return text
    return None


def _verified_caller(scope: Scope) -> str | None:
    verifier = getattr(scope["app"].state, "verifier", None)
    if verifier is None:
        return None
    try:
        caller = verifier.verify(bearer_token(Request(scope)))
    except Problem:
        return None
    return f"{caller.kind}:{caller.subject}"


def _fingerprint(scope: Scope, body: bytes) -> str:
    digest = hashlib.sha256()
    for part in (scope["method"].encode(), scope["path"].encode(), scope.get("query_string", b"")):
        digest.update(part + b"\n")
    digest.update(body)
    return digest.hexdigest()


async def _read_body(receive: Receive, limit: int) -> tuple[list[Message], bool]:
    """The request's messages up to `limit` bytes; False if the body goes on beyond it."""
    messages: list[Message] = []
    size = 0
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            return messages, False
        size += len(message.get("body", b""))
        if size > limit:
            return messages, False
        if not message.get("more_body", False):
            return messages, True


def _replaying(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replay() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replay


def _body_of(messages: list[Message]) -> bytes:
    return b"".join(m.get("body", b"") for m in messages if m["type"] == "http.request")
