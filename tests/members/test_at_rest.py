"""No ID number or phone in clear at rest (issue #17, finding 3): the answers kept for
Idempotency-Key replays are sealed with the records' own cipher, and still replay the same."""

import base64
import uuid
from typing import Any

import httpx
import pytest
from cryptography.exceptions import InvalidTag
from sqlalchemy import select

from services.kit.crypto import FieldCipher
from services.kit.db import Database
from services.kit.idempotency import SEALED, _Pending
from services.members.models import idempotency_keys
from services.members.settings import MembersSettings
from tests.builders import member_body
from tests.members.conftest import OrgReplica
from tests.members.test_recruitment import application_body
from tests.support import SuiteDatabase, Tokens


def encodings(text: str) -> list[bytes]:
    """The ways a stored copy could spell `text`: as bytes, UTF-16, hex, base64 (any alignment)."""
    raw = text.encode()
    spelled = [raw, text.encode("utf-16-le"), text.encode("utf-16-be"), raw.hex().encode(), raw.hex().upper().encode()]
    for start in range(3):  # base64 at each alignment: the whole 3-byte groups from `start` on
        groups = raw[start:][: (len(raw) - start) // 3 * 3]
        spelled.append(base64.b64encode(groups))
    return spelled


async def stored_rows(members_db: Database, caller_key: str) -> list[Any]:
    async with members_db.read_sessions() as session:
        return list((await session.execute(select(idempotency_keys).where(idempotency_keys.c.key == caller_key))).all())


@pytest.mark.parametrize(
    ("path", "body_of"),
    [
        ("/api/v1/members", lambda org: member_body(org_id=org)),
        ("/api/v1/recruitment/applications", application_body),
    ],
)
async def test_a_kept_answer_holds_no_id_number_or_phone_and_replays_the_same(
    members_client: httpx.AsyncClient,
    tokens: Tokens,
    replica: OrgReplica,
    members_db: Database,
    test_db: SuiteDatabase,
    path: str,
    body_of: Any,
) -> None:
    tree = await replica.tree()
    body = body_of(tree["branch"]["id"])
    key = str(uuid.uuid4())
    headers = tokens.headers("org_admin") | {"Idempotency-Key": key}

    first = await members_client.post(path, json=body, headers=headers)
    again = await members_client.post(path, json=body, headers=headers)
    rows = await stored_rows(members_db, key)

    assert first.status_code == again.status_code == 201, first.text
    assert first.json()["id_number"] == body["id_number"]  # the creator sees what it sent
    assert again.content == first.content
    assert again.headers["idempotent-replayed"] == "true"
    assert len(rows) == 1
    at_rest = b"".join(str(value).encode() if not isinstance(value, bytes) else value for value in rows[0])
    for secret in (body["id_number"], body["phone"]):
        for spelled in encodings(secret):
            assert spelled not in at_rest, (secret, spelled)
    assert rows[0].body.startswith(SEALED)
    cipher = MembersSettings(data_dir=test_db.data_dir).field_cipher()
    assert _pending(rows[0], cipher).opened(rows[0].body) == first.content


def _pending(row: Any, cipher: FieldCipher | None) -> _Pending:
    return _Pending(idempotency_keys, row.caller, row.key, row.fingerprint, cipher)


def test_a_sealed_answer_opens_only_in_its_own_row_and_an_earlier_plain_one_still_replays() -> None:
    cipher = FieldCipher(b"d" * 32, b"i" * 32)
    mine = _Pending(idempotency_keys, "user:a", "k1", "f", cipher)
    theirs = _Pending(idempotency_keys, "user:b", "k1", "f", cipher)
    sealed = mine.sealed(b'{"id_number": "11010519491231002X"}')

    assert mine.opened(sealed) == b'{"id_number": "11010519491231002X"}'
    with pytest.raises(InvalidTag):
        theirs.opened(sealed)
    assert mine.opened(b'{"stored": "before sealing"}') == b'{"stored": "before sealing"}'
