"""The registry of issued documents, and their check codes.

A printed document (a letter, a certificate, a report) carries the issuing organization's name,
a number, the date and a check code. The code is an HMAC of (kind, number, organization, date)
under a key kept outside the database (`<P>_DOCUMENT_KEY`, or a key file in the data folder in
development): whoever can read or even write the registry table cannot make a code that passes,
and a number someone made up is not in the registry. Verification answers the kind, the number,
the organization's name and the date: never anything about a person.

Numbers are `<PREFIX><YEAR><serial of 6 digits>` (e.g. `JS2026000012`), the serial counted per
prefix and year by an atomic upsert (no two issues get one number, on SQLite or PostgreSQL). The
same document asked for again (same kind, subject and date) gets the same number and code.
"""

import base64
import hashlib
import hmac
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Column, Date, DateTime, Integer, MetaData, String, Table, UniqueConstraint, Uuid, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

CODE_GROUPS = 4  # the printed code: 4 groups of 4 base32 characters (80 bits)


def documents_table(metadata: MetaData) -> Table:
    return Table(
        "documents",
        metadata,
        Column("id", Uuid, primary_key=True),
        Column("kind", String(40), nullable=False),
        Column("number", String(32), nullable=False, unique=True),
        # What the document is of (`transfer:<id>`, `member:<id>` …): the same subject on the same
        # day is the same document.
        Column("subject", String(200), nullable=False),
        Column("org_id", Uuid, nullable=True),
        Column("org_name", String(200), nullable=False),
        Column("issued_on", Date, nullable=False),
        Column("issued_by", String(200), nullable=True),
        Column("created_at", DateTime(timezone=True), nullable=False),
        UniqueConstraint("kind", "subject", "issued_on"),
    )


def document_counters_table(metadata: MetaData) -> Table:
    return Table(
        "document_counters",
        metadata,
        Column("prefix", String(8), primary_key=True),
        Column("year", Integer, primary_key=True, autoincrement=False),
        Column("last", Integer, nullable=False),
    )


@dataclass(frozen=True)
class IssuedDocument:
    kind: str
    number: str
    org_id: uuid.UUID | None
    org_name: str
    issued_on: date
    code: str


def normalize_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


class DocumentRegistry:
    """Issue and verify documents of one process, over its `documents` and `document_counters`."""

    def __init__(self, documents: Table, counters: Table, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("a document key must be at least 16 bytes")
        self.documents = documents
        self.counters = counters
        self._key = key

    def code(self, kind: str, number: str, org_name: str, issued_on: date) -> str:
        message = "\x1f".join((kind, number, org_name, issued_on.isoformat())).encode()
        digest = hmac.new(self._key, message, hashlib.sha256).digest()
        text = base64.b32encode(digest).decode()[: CODE_GROUPS * 4]
        return "-".join(text[i : i + 4] for i in range(0, len(text), 4))

    def _issued(self, row: Any) -> IssuedDocument:
        return IssuedDocument(
            kind=row.kind,
            number=row.number,
            org_id=row.org_id,
            org_name=row.org_name,
            issued_on=row.issued_on,
            code=self.code(row.kind, row.number, row.org_name, row.issued_on),
        )

    async def _find(self, session: AsyncSession, kind: str, subject: str, issued_on: date) -> Any:
        t = self.documents
        stmt = select(t).where(t.c.kind == kind, t.c.subject == subject, t.c.issued_on == issued_on)
        return (await session.execute(stmt)).one_or_none()

    async def issue(
        self,
        session: AsyncSession,
        *,
        kind: str,
        prefix: str,
        subject: str,
        org_id: uuid.UUID | None,
        org_name: str,
        issued_on: date,
        issued_by: str | None,
    ) -> IssuedDocument:
        """The document of `subject` on `issued_on`: the one issued before, else a new number."""
        found = await self._find(session, kind, subject, issued_on)
        if found is not None:
            return self._issued(found)
        serial = await self._next_serial(session, prefix, issued_on.year)
        values = {
            "id": uuid.uuid4(),
            "kind": kind,
            "number": f"{prefix}{issued_on.year:04d}{serial:06d}",
            "subject": subject,
            "org_id": org_id,
            "org_name": org_name,
            "issued_on": issued_on,
            "issued_by": issued_by,
            "created_at": datetime.now(UTC),
        }
        # Two first prints at once: one row wins, the other reads it (its serial stays unused).
        await session.execute(_insert(session, self.documents).values(**values).on_conflict_do_nothing())
        found = await self._find(session, kind, subject, issued_on)
        return self._issued(found)

    async def _next_serial(self, session: AsyncSession, prefix: str, year: int) -> int:
        table = self.counters
        stmt = (
            _insert(session, table)
            .values(prefix=prefix, year=year, last=1)
            .on_conflict_do_update(index_elements=[table.c.prefix, table.c.year], set_={"last": table.c.last + 1})
            .returning(table.c.last)
        )
        return int((await session.execute(stmt)).scalar_one())

    async def verify(self, session: AsyncSession, number: str, code: str) -> IssuedDocument | None:
        """The document when `number` was issued here and `code` is its check code; else None."""
        row = (
            await session.execute(select(self.documents).where(self.documents.c.number == number.strip().upper()))
        ).one_or_none()
        if row is None:
            return None
        issued = self._issued(row)
        if not hmac.compare_digest(normalize_code(issued.code), normalize_code(code)):
            return None
        return issued


def _insert(session: AsyncSession, table: Table) -> Any:
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)
