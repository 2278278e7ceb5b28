"""The pure rules of member records, tested directly."""

import hashlib
import hmac
from datetime import date

import pytest

from services.kit.crypto import FieldCipher, RandomPool
from services.members.rules import records as rules

KNOWN_GOOD = "11010519491231002X"


class TestIdNumber:
    def test_the_known_good_vector_agrees_with_its_birth_date_and_sex(self) -> None:
        assert rules.id_number_errors(KNOWN_GOOD, birth_date=date(1949, 12, 31), sex="female", today=date(2026, 11, 26)) == []

    def test_a_wrong_check_character(self) -> None:
        errors = rules.id_number_errors(
            KNOWN_GOOD[:-1] + "1", birth_date=date(1949, 12, 31), sex="female", today=date(2026, 11, 26)
        )
        assert errors[0]["field"] == "id_number"

    def test_lower_case_x_is_normalized(self) -> None:
        assert rules.normalize_id_number(KNOWN_GOOD.lower()) == KNOWN_GOOD


class TestStatesAndHolding:
    def test_closed_states_are_final(self) -> None:
        for closed in rules.CLOSED_STATES:
            assert rules.state_change_error(closed, "normal") is not None

    def test_lost_contact_can_be_suspended_and_restored(self) -> None:
        assert rules.state_change_error("lost_contact", "suspended") is None
        assert rules.state_change_error("suspended", "normal") is None

    def test_which_organizations_hold_members(self) -> None:
        def hold(**kw: object) -> bool:
            return rules.cannot_hold_members(**{"status": "active", "has_branches": False} | kw) is None  # type: ignore[arg-type]

        assert hold(kind="branch", tier="inner")
        assert hold(kind="joint_branch", tier="unit")
        assert hold(kind="committee", tier="community")
        assert not hold(kind="committee", tier="community", has_branches=True)
        assert not hold(kind="committee", tier="township")
        assert not hold(kind="group", tier="inner")
        assert not hold(kind="branch", tier="inner", status="dissolved")


class TestPresentation:
    def test_masks(self) -> None:
        assert rules.mask_id_number(KNOWN_GOOD) == "110105********002X"
        assert rules.mask_phone("13812345678") == "138****5678"


class TestFieldCipher:
    def test_ciphertexts_differ_each_time_and_the_index_does_not(self) -> None:
        cipher = FieldCipher(b"k" * 32, b"i" * 32)
        first, second = cipher.encrypt("id_number", KNOWN_GOOD), cipher.encrypt("id_number", KNOWN_GOOD)
        assert first != second
        assert cipher.decrypt("id_number", first) == KNOWN_GOOD
        assert cipher.blind_index("id_number", KNOWN_GOOD) == cipher.blind_index("id_number", KNOWN_GOOD)
        assert cipher.blind_index("phone", KNOWN_GOOD) != cipher.blind_index("id_number", KNOWN_GOOD)

    def test_the_index_is_hmac_sha256_of_the_field_and_the_value(self) -> None:
        # Every stored index was made so: a different digest would lose existing records to search.
        cipher = FieldCipher(b"k" * 32, b"i" * 32)
        for field, value in (("id_number", KNOWN_GOOD), ("phone", "13812345678"), ("id_number", "110105194912310021")):
            expected = hmac.new(b"i" * 32, f"{field}\x00{value}".encode(), hashlib.sha256).hexdigest()
            assert cipher.blind_index(field, value) == expected

    def test_nonces_and_ids_from_a_random_pool_are_never_handed_out_twice(self) -> None:
        cipher, pool = FieldCipher(b"k" * 32, b"i" * 32), RandomPool(block_bytes=40)  # refilled every few draws
        sealed = [cipher.encrypt("phone", "13812345678", pool) for _ in range(100)]
        ids = [pool.uuid4() for _ in range(100)]
        assert len({blob[:12] for blob in sealed}) == 100
        assert {cipher.decrypt("phone", blob) for blob in sealed} == {"13812345678"}
        assert len(set(ids)) == 100
        assert {i.version for i in ids} == {4}

    def test_a_ciphertext_moved_to_another_field_does_not_decrypt(self) -> None:
        from cryptography.exceptions import InvalidTag

        cipher = FieldCipher(b"k" * 32, b"i" * 32)
        with pytest.raises(InvalidTag):
            cipher.decrypt("phone", cipher.encrypt("id_number", KNOWN_GOOD))


def test_production_refuses_missing_field_keys() -> None:
    from pydantic import ValidationError

    from services.members.settings import MembersSettings

    with pytest.raises(ValidationError):
        MembersSettings(environment="production", client_secret="s3cret-value-for-test")
