"""The members service's pure domain rules (no I/O), one module per area, and the policy they read."""

from datetime import date

from pydantic import Field

from services.kit.policy import Policy
from services.members.enums import CareGround


class MembersPolicy(Policy):
    """The numbers the members rules use (defaults from the seed report and national rules)."""

    lost_contact_months_to_suspension: int = Field(6, description="失聯 this long → listed for suspension (停止黨籍)")
    probation_months: int = Field(12, description="預備期: joined this long ago → listed as due to become full")
    # Measured at 10 M (docs/scaling.md): rolled up, a province answers in 40 ms instead of 17 s and a
    # city in 48 ms instead of 364 ms; a county is as fast either way, so it is not rolled up. The
    # upkeep (+10-14 % per member write) is off until a deployment holds a city or a province.
    rollup_min_members: int = Field(200_000, description="統計匯總: subtrees of at least this many records are rolled up")
    rollups_maintained: bool = Field(False, description="統計匯總: keep and read roll-ups (off: every statistic counts rows)")
    floating_months_to_transfer: int = Field(6, description="floating out at a fixed place this long → relationship must move")
    letter_valid_months: int = Field(3, description="introduction letter (介紹信) validity")
    letter_valid_months_across_provinces: int = Field(6, description="introduction letter validity across provinces")
    green_channel_min_age: int = Field(70, description=f"age from which a member is '{CareGround.elderly}' for the green channel")
    education_upgrade_max_age: int = Field(45, description="education upgrade: members younger than this")
    young_member_max_age: int = Field(35, description="young members (duty reports): younger than this")
    reform_date: date = Field(date(1978, 12, 18), description="'joined before reform and opening' means before this day")
    stats_age_edges: tuple[int, ...] = Field((35, 46, 60), description="default age band edges of the statistics")
    # The survey report's age thresholds (seed: team members over 46, secretaries over 45, members over 46).
    survey_team_age_min: int = Field(46, description="survey report: team members aged at least this are counted")
    survey_secretary_age_min: int = Field(45, description="survey report: secretaries aged at least this are counted")
    survey_member_age_min: int = Field(46, description="survey report: members aged at least this are counted")
    import_max_rows: int = Field(20_000, description="rows one import may carry")
    import_max_bytes: int = Field(50 * 1024 * 1024, description="size of one import file")
    # What reading one import file may take (kit.tables; docs/security.md "File uploads").
    import_max_columns: int = Field(64, description="columns a row of an import file may have")
    import_max_cells: int = Field(2_000_000, description="cells one import file may carry (empty ones between values too)")
    import_max_uncompressed_bytes: int = Field(256 * 1024 * 1024, description="xlsx: size of all its parts unzipped")
    import_max_compression_ratio: int = Field(200, description="xlsx: how many times its size a part over 1 MiB may unzip to")
    import_max_zip_entries: int = Field(1_000, description="xlsx: parts one workbook may hold")
    import_max_shared_strings: int = Field(1_000_000, description="xlsx: shared strings one workbook may hold")
    import_read_memory_bytes: int = Field(1024 * 1024 * 1024, gt=0, description="address space of the process reading one file")
    import_read_seconds: float = Field(60.0, gt=0, description="time reading one file may take")
    import_parallel_reads: int = Field(2, ge=1, description="files read at once by one members process (more wait their turn)")
    export_max_rows: int = Field(100_000, description="rows one export may carry (narrow the filter for more)")
    # Recruitment (發展黨員工作細則, 黨章).
    applicant_min_age: int = Field(18, description="入黨申請人: at least this old on the day of the application")
    talk_within_months: int = Field(1, description="談話: within this long of the application (a later talk needs a reason)")
    activist_contacts_min: int = Field(1, description="培養聯系人: at least this many full members per activist")
    activist_contacts_max: int = Field(2, description="培養聯系人: at most this many")
    activist_months_before_target: int = Field(12, description="入黨積極分子 this long before becoming a development target")
    activist_review_months: int = Field(6, description="an activist is reviewed (考察) at least this often")
    training_min_days: int = Field(3, description="短期集中培訓: at least this many days …")
    training_min_hours: int = Field(24, description="… or at least this many hours")
    introducers: int = Field(2, description="入黨介紹人: this many full members")
    notice_min_working_days: int = Field(
        5, description="公示: at least this many working days (Mon-Fri; public holidays are not taken out)"
    )
    approval_months: int = Field(3, description="上級黨委審批: within this long of the branch meeting …")
    approval_months_max: int = Field(6, description="… or up to this long with a reason")
    probation_extension_min_months: int = Field(6, description="延長預備期: at least this long")
    probation_extension_max_months: int = Field(12, description="延長預備期: at most this long (once)")
    probation_ending_notice_days: int = Field(30, description="work list: probation ending within this many days")
    recruit_age_edges: tuple[int, ...] = Field(
        (26, 36, 46), description="age band edges of the recruit statistics (age at the branch meeting)"
    )
    # Dues (中組部 2008 關於黨費收繳、使用和管理的規定); base and amounts in fen, rates in basis points.
    dues_salaried_brackets: tuple[tuple[int, int], ...] = Field(
        ((300_000, 50), (500_000, 100), (1_000_000, 150)),
        description="在職: (monthly after-tax income up to, in fen; rate in basis points) rising",
    )
    dues_salaried_top_rate_bp: int = Field(200, description="在職: rate above the last bracket (basis points)")
    dues_retiree_brackets: tuple[tuple[int, int], ...] = Field(
        ((500_000, 50),), description="離退休: (income up to, fen; rate, basis points) rising"
    )
    dues_retiree_top_rate_bp: int = Field(100, description="離退休: rate above the last bracket (basis points)")
    dues_farmer_fen: int = Field(20, ge=20, le=100, description="農民: a month, in fen (the province sets 0.2-1 yuan)")
    dues_minimal_fen: int = Field(20, description="學生, 下崗失業, 低保: a month, in fen")
    dues_back_payment_months: int = Field(6, description="補繳: at most this many months back")
    floating_report_interval_days: int = Field(
        92, ge=1, description="定期匯報: a floating member reports at least this often (a quarter)"
    )
    link_code_valid_minutes: int = Field(
        30, ge=1, le=7 * 24 * 60, description="a one-time code linking a member's account expires after this long"
    )
    link_code_max_attempts: int = Field(5, ge=1, description="wrong tries after which a one-time code is dead")
    dues_unpaid_months_listed: int = Field(6, description="listed when this many months are unpaid without a reason")
