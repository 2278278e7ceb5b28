"""Rotating the personal-data key without downtime: records stay readable with the new key and
the earlier one configured, and the `members.reencrypt` job moves them to the new key."""

import uuid

import httpx
import pytest
from cryptography.exceptions import InvalidTag
from sqlalchemy import select

from services.kit.crypto import FieldCipher, decode_key, new_key
from services.kit.db import Database
from services.kit.scheduler import Job, Scheduler
from services.members.app import create_app
from services.members.jobs import reencrypt_job
from services.members.models import Member, scheduler
from services.members.settings import MembersSettings
from tests.builders import member_body
from tests.members.conftest import OrgReplica
from tests.support import SuiteDatabase, Tokens, in_process


async def test_records_stay_readable_during_rotation_and_move_to_the_new_key(
    members_client: httpx.AsyncClient, members_db: Database, tokens: Tokens, replica: OrgReplica, test_db: SuiteDatabase
) -> None:
    tree = await replica.tree()
    body = member_body(org_id=tree["branch"]["id"])
    created = await members_client.post("/api/v1/members", json=body, headers=tokens.headers("org_admin"))
    assert created.status_code == 201, created.text
    member_id = uuid.UUID(created.json()["id"])
    keys = test_db.data_dir / "keys"
    old, index, new = (keys / "members-data.key").read_text().strip(), (keys / "members-index.key").read_text().strip(), new_key()
    rotating = FieldCipher(decode_key(new), decode_key(index), [decode_key(old)])
    back = FieldCipher(decode_key(old), decode_key(index), [decode_key(new)])
    runner = Scheduler(service="members", db=members_db, tables=scheduler, jobs=[])

    async def stored() -> bytes:
        async with members_db.read_sessions() as session:
            return bytes(await session.scalar(select(Member.id_number_cipher).where(Member.id == member_id)) or b"")

    try:
        settings = MembersSettings(
            data_dir=test_db.data_dir,
            database_url=test_db.urls["members"],
            json_logs=False,
            run_scheduler=False,
            consume_feeds=False,
            data_key=new,
            index_key=index,
            previous_data_keys=[old],
        )
        async with in_process(create_app(settings)) as rotated:
            during = await rotated.get(f"/api/v1/members/{member_id}", headers=tokens.headers("org_admin"))
        assert during.status_code == 200, during.text

        assert rotating.reencrypt("id_number", await stored()) is not None  # still under the old key
        assert await runner.run_job(Job("members.reencrypt", 0, reencrypt_job(lambda: rotating))) == "ok"

        only_new = FieldCipher(decode_key(new), decode_key(index))
        assert only_new.decrypt("id_number", await stored()) == body["id_number"]
    finally:
        # The suite's other tests read with the development key: move everything back.
        await runner.run_job(Job("members.reencrypt", 0, reencrypt_job(lambda: back)))
    assert FieldCipher(decode_key(old), decode_key(index)).decrypt("id_number", await stored()) == body["id_number"]


def test_without_earlier_keys_a_foreign_ciphertext_does_not_decrypt() -> None:
    one, two, index = (decode_key(new_key()) for _ in range(3))
    blob = FieldCipher(one, index).encrypt("phone", "13812345678")
    assert FieldCipher(two, index, [one]).decrypt("phone", blob) == "13812345678"
    with pytest.raises(InvalidTag):
        FieldCipher(two, index).decrypt("phone", blob)
