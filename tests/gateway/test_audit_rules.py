"""The audit trail's pure rules: which hash a row must carry, and a table held against a checkpoint."""

from datetime import UTC, datetime

from gateway.rules.audit import GENESIS_HASH, audit_hash, audit_mac, checkpoint_content, checkpoint_finding, expected_hash

KEY = b"\x01" * 32
ROW = {"id": 3, "at": datetime(2026, 11, 1, tzinfo=UTC), "roles": ["auditor"], "action": "login", "prev_hash": GENESIS_HASH}
CHECKPOINT = {"seq": 10, "hash": "h10", "count": 10, "at": "2026-11-01T00:00:00+00:00", "keyed_from": 4}


def test_rows_before_the_switch_keep_plain_sha256_and_later_ones_are_keyed() -> None:
    assert expected_hash(ROW, KEY, keyed_from=4) == audit_hash(ROW)
    assert expected_hash(ROW, KEY, keyed_from=3) == audit_mac(ROW, KEY)
    assert audit_mac(ROW, KEY) != audit_mac(ROW, b"\x02" * 32)


def test_a_table_that_still_holds_the_checkpointed_head_passes() -> None:
    assert checkpoint_finding(CHECKPOINT, "h10", rows=10) is None
    assert checkpoint_finding(CHECKPOINT, "h10", rows=12) is None
    assert checkpoint_finding(CHECKPOINT | {"seq": 0, "count": 0, "hash": GENESIS_HASH}, None, rows=0) is None


def test_missing_rows_are_named_from_the_first_missing_one() -> None:
    finding = checkpoint_finding(CHECKPOINT, None, rows=7)
    assert finding is not None
    assert finding.row_id == 8
    assert finding.reason.startswith("rows are missing")


def test_a_head_with_another_hash_is_a_rewrite() -> None:
    finding = checkpoint_finding(CHECKPOINT, "other", rows=10)
    assert finding is not None
    assert finding.row_id == 10
    assert "rewritten" in finding.reason


def test_the_signature_covers_every_field_but_itself() -> None:
    assert checkpoint_content(CHECKPOINT | {"signature": "x"}) == checkpoint_content(CHECKPOINT)
    assert checkpoint_content(CHECKPOINT | {"count": 11}) != checkpoint_content(CHECKPOINT)
