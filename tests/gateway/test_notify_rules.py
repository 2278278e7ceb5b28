# ruff: noqa: RUF001 - Chinese texts take full-width punctuation
"""The pure rules of reminders: the dedupe key, who is responsible, quiet hours, the services'
lists read into due items (in the shapes the services answer), the texts that leave the system."""

import uuid
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest
from pydantic import ValidationError

from gateway.enums import NoticeChannel, NoticeKind
from gateway.notify import rules
from gateway.notify.rules import DueItem, NotifySettings
from services.kit.tree import child_path

SHANGHAI = "Asia/Shanghai"
QUIET = (time(22, 0), time(7, 0))
A, B, C = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()


class TestDedupeKey:
    def test_kind_item_and_due_date(self) -> None:
        item = DueItem(NoticeKind.term, "t-1", date(2026, 3, 1), A, "x")
        assert item.dedupe_key == "term_due:t-1:2026-03-01"
        assert DueItem(NoticeKind.term, "t-1", date(2031, 3, 1), A, "x").dedupe_key != item.dedupe_key  # due again later

    def test_the_first_unpaid_month_stays_while_nothing_is_paid(self) -> None:
        assert rules.first_unpaid_month(date(2026, 12, 6), 3) == date(2026, 10, 1)
        assert rules.first_unpaid_month(date(2027, 1, 2), 4) == date(2026, 10, 1)
        assert rules.first_unpaid_month(date(2026, 2, 1), 14) == date(2025, 1, 1)


class TestResponsible:
    def setup_method(self) -> None:
        self.county = child_path(None, A)
        self.township = child_path(self.county, B)
        self.community = child_path(self.township, C)

    def test_the_nearest_level_with_administrators(self) -> None:
        one, two, top, wide = uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
        admins = [(one, B), (two, B), (top, A), (wide, None)]
        assert rules.responsible(self.community, admins) == sorted([one, two])
        assert rules.responsible(self.county, admins) == [top]

    def test_the_deployment_wide_ones_only_when_no_level_has_any(self) -> None:
        wide, elsewhere = uuid.uuid4(), uuid.uuid4()
        assert rules.responsible(self.community, [(wide, None), (elsewhere, uuid.uuid4())]) == [wide]
        assert rules.responsible(self.community, [(elsewhere, uuid.uuid4())]) == []

    def test_the_owing_members_own_accounts_join_the_responsible_ones_each_once(self) -> None:
        admin, own = uuid.uuid4(), uuid.uuid4()
        assert rules.recipients(self.community, [(admin, B)], [own]) == sorted([admin, own])
        assert rules.recipients(self.community, [(admin, B)], [admin]) == [admin]  # an admin who is the member too
        assert rules.recipients(self.community, [(admin, B)]) == [admin]
        assert rules.recipients(self.community, [], [own]) == [own]


class TestQuietHours:
    def test_parse(self) -> None:
        assert rules.parse_quiet_hours("22:00-07:00") == QUIET
        assert rules.parse_quiet_hours("") is None
        for bad in ("22:00", "25:00-07:00", "07:00-07:00"):
            with pytest.raises(ValueError, match="quiet hours"):
                rules.parse_quiet_hours(bad)
        with pytest.raises(ValidationError):
            NotifySettings(quiet_hours="night")

    @pytest.mark.parametrize(
        ("utc", "until"),
        [
            (datetime(2026, 12, 7, 14, 0, tzinfo=UTC), datetime(2026, 12, 7, 23, 0, tzinfo=UTC)),  # 22:00 local
            (datetime(2026, 12, 7, 17, 30, tzinfo=UTC), datetime(2026, 12, 7, 23, 0, tzinfo=UTC)),  # 01:30 local
            (datetime(2026, 12, 7, 22, 59, tzinfo=UTC), datetime(2026, 12, 7, 23, 0, tzinfo=UTC)),  # 06:59 local
            (datetime(2026, 12, 7, 23, 0, tzinfo=UTC), None),  # 07:00 local: over
            (datetime(2026, 12, 7, 13, 59, tzinfo=UTC), None),  # 21:59 local
        ],
    )
    def test_across_midnight_in_the_deployments_zone(self, utc: datetime, until: datetime | None) -> None:
        assert rules.quiet_until(utc, QUIET, SHANGHAI) == until
        assert rules.first_send_at(utc, QUIET, SHANGHAI) == (until or utc)

    def test_within_a_day_and_none(self) -> None:
        lunch = (time(12, 0), time(14, 0))
        one_pm = datetime(2026, 12, 7, 5, 0, tzinfo=UTC)
        assert rules.quiet_until(one_pm, lunch, SHANGHAI) == datetime(2026, 12, 7, 6, 0, tzinfo=UTC)
        assert rules.quiet_until(datetime(2026, 12, 7, 6, 0, tzinfo=UTC), lunch, SHANGHAI) is None
        assert rules.quiet_until(datetime(2026, 12, 7, 17, 0, tzinfo=UTC), None, SHANGHAI) is None


class TestLists:
    """Each list in the shape its service answers (only the fields read shown)."""

    def test_terms(self) -> None:
        items = [{"org_id": str(A), "org_name": "东村党支部", "term": {"id": "t1", "ends_on": "2025-03-01"}, "due": "overdue"}]
        assert rules.term_items(items) == [DueItem(NoticeKind.term, "t1", date(2025, 3, 1), A, "东村党支部")]

    def test_members_due(self) -> None:
        items = [{"member": {"id": "m1", "name": "张三", "org_id": str(B)}, "kind": "full", "due_on": "2026-11-30"}]
        assert rules.member_due_items(NoticeKind.probation, items) == [
            DueItem(NoticeKind.probation, "m1", date(2026, 11, 30), B, "张三")
        ]

    def test_dues(self) -> None:
        items = [
            {"member_id": "m1", "name": "张三", "org_id": str(B), "months_unpaid": 2},
            {"member_id": "m2", "name": "李四", "org_id": str(B), "months_unpaid": 0},
        ]
        assert rules.dues_items(date(2026, 12, 6), items) == [DueItem(NoticeKind.dues, "m1", date(2026, 11, 1), B, "张三")]

    def test_study_once_a_year_and_not_without_an_organization(self) -> None:
        items = [
            {"member_id": "m1", "name": "张三", "org_id": str(C), "year": 2026},
            {"member_id": "m2", "name": "李四", "org_id": None, "year": 2026},
        ]
        assert rules.study_items(items) == [DueItem(NoticeKind.study, "m1", date(2026, 12, 31), C, "张三")]

    def test_floating_reports_missing_are_due_on_their_due_day_for_the_member_too(self) -> None:
        m1, m2 = uuid.uuid4(), uuid.uuid4()
        items = [
            {
                "member_id": str(m1),
                "name": "张三",
                "org_id": str(C),
                "due_on": "2026-04-07",
                "missing": True,
                "last_report_on": None,
            },
            {"member_id": str(m2), "name": "李四", "org_id": str(C), "due_on": "2027-01-01", "missing": False},
        ]
        [item] = rules.floating_report_items(items)
        assert item == DueItem(NoticeKind.floating_report, str(m1), date(2026, 4, 7), C, "张三", member_id=m1)
        assert item.dedupe_key == f"floating_report_missing:{m1}:2026-04-07"
        # A report moves the due day: the next missing period is another item.
        later = {**items[0], "due_on": "2026-07-08", "last_report_on": "2026-04-07"}
        assert rules.floating_report_items([later])[0].dedupe_key != item.dedupe_key
        assert rules.title(item) == "流动党员定期汇报缺失：张三"

    def test_tasks_per_recipient(self) -> None:
        items = [{"task_id": "k1", "title": "报送名单", "deadline": "2026-11-01", "org_id": str(C), "status": "pending"}]
        assert rules.task_items(items) == [DueItem(NoticeKind.task, f"k1/{C}", date(2026, 11, 1), C, "报送名单")]

    def test_rectifications(self) -> None:
        items = [{"id": "r1", "org_id": str(C), "issue": "台账不全", "deadline": "2026-11-01", "overdue": True}]
        assert rules.rectification_items(items) == [DueItem(NoticeKind.rectification, "r1", date(2026, 11, 1), C, "台账不全")]


class TestTexts:
    def test_what_leaves_the_system_names_no_one(self) -> None:
        text = rules.channel_text("probation_due", date(2026, 11, 30))
        assert text == "【党建提醒】预备期满应转正，期限2026-11-30，请登录系统查看。"
        assert len(text) <= rules.SMS_MAX_CHARS

    def test_the_inbox_says_what_and_whom(self) -> None:
        item = DueItem(NoticeKind.dues, "m1", date(2026, 11, 1), B, "张三")
        assert rules.title(item) == "党费欠缴：张三"
        assert "2026-11-01" in rules.body(item)

    def test_masks(self) -> None:
        assert rules.mask("13800138000") == "*******8000"
        assert rules.mask(None) is None


class TestSettings:
    def test_a_channel_is_on_when_its_url_is_set_and_its_credential_comes_from_a_file_first(self, tmp_path: Path) -> None:
        secret = tmp_path / "sms.key"
        secret.write_text("from-the-file\n")
        settings = NotifySettings(sms_url="https://sms.example.cn/send", sms_credential="from-env", sms_credential_file=secret)
        assert settings.channels() == [NoticeChannel.sms]
        assert settings.credential(NoticeChannel.sms) == "from-the-file"
        assert NotifySettings().channels() == []
