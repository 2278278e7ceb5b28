"""The pure rules of member records, tested directly."""

import calendar
import hashlib
import hmac
from datetime import date

import pytest

from services.kit.crypto import FieldCipher, RandomPool
from services.members.rules import MembersPolicy
from services.members.rules import records as rules
from services.members.rules.common import age_on, born_on_or_before_for_age, month_end
from tests.builders import resident_id
from tests.members.candidates import id_number_candidates

KNOWN_GOOD = "11010519491231002X"
TODAY = date(2026, 11, 26)


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

    @pytest.mark.parametrize(
        ("region", "born"),
        [
            ("310115", date(1950, 3, 2)),  # Shanghai Pudong, a district since 1993
            ("440305", date(1948, 7, 9)),  # Shenzhen Nanshan, since 1990
            ("330102", date(1975, 1, 1)),
            ("330108", date(1950, 10, 1)),  # Hangzhou Binjiang, since 1996
            ("110115", date(1940, 5, 5)),  # Beijing Daxing district, since 2001
        ],
    )
    def test_a_region_younger_than_its_holder_is_valid(self, region: str, born: date) -> None:
        # The region is where the number was issued (from 1984 on), not where the holder was born.
        number = resident_id(born, 123, region)
        assert rules.id_number_errors(number, birth_date=born, sex="male", today=TODAY) == []
        assert rules.id_number_warnings(number) == []

    def test_an_unknown_region_in_a_known_province_is_a_warning_only(self) -> None:
        number = resident_id(date(1950, 3, 2), 124, "319999")
        assert rules.id_number_errors(number, birth_date=date(1950, 3, 2), sex="female", today=TODAY) == []
        assert [w["field"] for w in rules.id_number_warnings(number)] == ["id_number"]

    @pytest.mark.parametrize("region", ["810000", "820000", "830000", "710000"])
    def test_hong_kong_macao_and_taiwan_numbers_are_valid(self, region: str) -> None:
        number = resident_id(date(1980, 6, 1), 125, region)
        assert rules.id_number_errors(number, birth_date=date(1980, 6, 1), sex="male", today=TODAY) == []

    @pytest.mark.parametrize("province", ["00", "10", "16", "20", "24", "30", "40", "47", "55", "60", "66", "72", "84", "99"])
    def test_a_province_that_does_not_exist_is_refused(self, province: str) -> None:
        number = resident_id(date(1950, 3, 2), 123, province + "0101")
        errors = rules.id_number_errors(number, birth_date=date(1950, 3, 2), sex="male", today=TODAY)
        assert [e["field"] for e in errors] == ["id_number"]
        assert province in errors[0]["message"]

    def test_what_makes_a_number_wrong_is_still_refused_with_the_field_named(self) -> None:
        born = date(1950, 3, 2)
        good = resident_id(born, 123, "310115")

        def fields(number: str, **record: object) -> list[str]:
            facts: dict[str, object] = {"birth_date": born, "sex": "male", "today": TODAY} | record
            return [e["field"] for e in rules.id_number_errors(number, **facts)]  # type: ignore[arg-type]

        assert fields(good[:-1] + ("0" if good[-1] != "0" else "1")) == ["id_number"]  # check character
        assert fields(good[:17]) == ["id_number"]  # length
        not_a_day = "31011519500230123"  # 30 February, with its right check character
        assert fields(not_a_day + "0123456789X"[(1 - 2 * int(not_a_day, 13)) % 11]) == ["id_number"]
        future = resident_id(date(2027, 1, 1), 123, "310115")
        assert fields(future, birth_date=date(2027, 1, 1)) == ["id_number"]
        assert fields(good, birth_date=date(1950, 3, 3)) == ["birth_date"]
        assert fields(good, sex="female") == ["sex"]


class TestStatesAndHolding:
    def test_closed_states_are_final(self) -> None:
        for closed in rules.CLOSED_STATES:
            assert rules.state_change_error(closed, "normal") is not None

    def test_lost_contact_can_be_suspended_and_restored(self) -> None:
        assert rules.state_change_error("lost_contact", "suspended") is None
        assert rules.state_change_error("suspended", "normal") is None

    def test_the_table_follows_the_domain(self) -> None:
        # DOMAIN.md: lost contact, after 6 months → suspended; never straight from normal.
        table = {state: sorted(targets) for state, targets in rules.STATE_TRANSITIONS.items()}
        assert table == {
            "normal": ["deceased", "left", "lost_contact", "retained"],
            "lost_contact": ["deceased", "left", "normal", "suspended"],
            "suspended": ["deceased", "left", "normal"],
            "retained": ["deceased", "left", "normal"],
            "left": [],
            "deceased": [],
            "transferred_out": [],
        }
        assert "lost contact" in (rules.state_change_error("normal", "suspended") or "")
        assert rules.state_change_error("retained", "suspended") is not None


class TestSuspension:
    POLICY = MembersPolicy()

    def refusal(self, current: str, since: date, on: date) -> rules.SuspensionRefusal | None:
        return rules.suspension_error(current, state_since=since, effective_on=on, policy=self.POLICY)

    def test_six_months_of_lost_contact_to_the_day_allow_it(self) -> None:
        assert self.refusal("lost_contact", date(2026, 1, 15), date(2026, 7, 15)) is None
        assert self.refusal("lost_contact", date(2026, 1, 15), date(2026, 11, 26)) is None

    def test_a_day_short_is_refused_with_the_earliest_day(self) -> None:
        refusal = self.refusal("lost_contact", date(2026, 1, 15), date(2026, 7, 14))
        assert refusal is not None
        assert (refusal.field, refusal.earliest_on) == ("effective_on", date(2026, 7, 15))
        assert "2026-07-15" in refusal.message
        assert "6 months" in refusal.message
        assert "2026-07-15" in refusal.zh

    def test_month_ends_count_to_the_last_day_of_a_shorter_month(self) -> None:
        refusal = self.refusal("lost_contact", date(2025, 8, 31), date(2026, 2, 27))
        assert refusal is not None
        assert refusal.earliest_on == date(2026, 2, 28)
        assert self.refusal("lost_contact", date(2025, 8, 31), date(2026, 2, 28)) is None

    def test_never_straight_from_normal(self) -> None:
        refusal = self.refusal("normal", date(2020, 1, 1), date(2026, 3, 1))
        assert refusal is not None
        assert (refusal.field, refusal.earliest_on) == ("state", date(2026, 9, 1))
        assert "never straight from normal" in refusal.message

    def test_the_months_are_policy(self) -> None:
        policy = MembersPolicy(lost_contact_months_to_suspension=3)
        assert (
            rules.suspension_error("lost_contact", state_since=date(2026, 1, 15), effective_on=date(2026, 4, 15), policy=policy)
            is None
        )

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
        assert rules.mask_id_number(KNOWN_GOOD) == "110105************"
        assert rules.mask_phone("13812345678") == "138****5678"

    def test_the_count_finds_the_one_number_the_former_mask_gave_away(self) -> None:
        # 110105********002X beside birth_date 1949-12-31: the hidden digits were the date.
        shown = KNOWN_GOOD[:6] + "*" * 8 + KNOWN_GOOD[-4:]
        assert id_number_candidates(region="110105", sex="female", shown_id=shown, birth_date="1949-12-31") == 1

    @pytest.mark.parametrize("born", [date(1949, 12, 31), date(1962, 2, 14), date(2000, 2, 29), date(1971, 4, 1)])
    @pytest.mark.parametrize("sex", ["male", "female"])
    def test_a_masked_view_leaves_thousands_of_numbers(self, born: date, sex: str) -> None:
        number = resident_id(born, 7 if sex == "male" else 8)
        count = id_number_candidates(
            region=number[:6], sex=sex, shown_id=rules.mask_id_number(number), birth_year_month=f"{born:%Y-%m}"
        )
        assert count >= 1000
        assert count == calendar.monthrange(born.year, born.month)[1] * 500

    def test_a_masked_view_with_the_exact_birth_date_would_leave_too_few(self) -> None:
        # Why the masked views show the month only: the date and the region leave 500.
        number = resident_id(date(1960, 3, 10), 15)
        shown = rules.mask_id_number(number)
        assert id_number_candidates(region=number[:6], sex="male", shown_id=shown, birth_date="1960-03-10") < 1000


class TestAgesByMonth:
    """Below full view ages count to the end of `as_of`'s month: no filter cuts inside a month."""

    @pytest.mark.parametrize("as_of", [date(2026, 3, 1), date(2026, 3, 17), date(2025, 2, 28), date(2024, 2, 29)])
    @pytest.mark.parametrize("age", [0, 18, 46, 61])
    def test_the_cut_falls_on_a_month_end_whatever_the_day(self, as_of: date, age: int) -> None:
        cut = born_on_or_before_for_age(as_of, age, by_month=True)
        assert cut == month_end(cut)
        assert (cut.year, cut.month) == (as_of.year - age, as_of.month)

    def test_an_as_of_on_a_month_end_counts_as_the_exact_rule(self) -> None:
        assert born_on_or_before_for_age(date(2026, 6, 30), 46, by_month=True) == born_on_or_before_for_age(date(2026, 6, 30), 46)

    def test_the_age_by_month_depends_on_the_birth_month_only(self) -> None:
        march = [date(1960, 3, day) for day in range(1, 32)]
        for as_of in (date(2020, 3, 1), date(2020, 3, 10), date(2020, 3, 31)):
            assert {age_on(born, as_of, by_month=True) for born in march} == {60}
        assert {age_on(born, date(2020, 3, 10)) for born in march} == {59, 60}  # the exact count tells the day


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
