"""The Citus distribution rule (stack/citus.py `choose`): pure, so checked without a cluster.
The cluster itself is `make test-citus` (tests/citus.py)."""

from stack.citus import UniqueIndex, choose, county_blockers, county_keys


def test_a_table_with_a_county_column_in_every_unique_index_is_distributed_by_county() -> None:
    placement = choose("members", "member_rollups", {"county_id", "org_id", "band"}, {"pk": {"county_id", "org_id", "band"}})
    assert (placement.kind, placement.column) == ("distributed", "county_id")


def test_a_roll_up_by_organization_is_distributed_by_org_id_without_a_code_change() -> None:
    placement = choose("members", "org_counts", {"org_id", "band", "n"}, {"pk_org_counts": {"org_id", "band"}})
    assert (placement.kind, placement.column) == ("distributed", "org_id")


def test_an_activity_and_its_attendance_are_colocated() -> None:
    roots = {"activity_id"}
    assert choose("activities", "activities", {"id", "org_id"}, {"pk": {"id"}}, roots).column == "id"
    attendance = choose("activities", "attendance", {"activity_id", "member_id"}, {"pk": {"activity_id", "member_id"}})
    assert attendance.column == "activity_id"


def test_replicas_and_lookups_are_reference_tables() -> None:
    assert choose("members", "org_replica", {"id", "path"}, {"pk": {"id"}}).kind == "reference"
    assert choose("activities", "activity_types", {"code"}, {"pk": {"code"}}).kind == "reference"


def test_bookkeeping_stays_on_the_coordinator() -> None:
    for table in ("outbox", "consumer_cursors", "alembic_version", "job_runs", "idempotency_keys"):
        assert choose("members", table, {"id", "seq"}, {"pk": {"id"}}).kind == "local"


def test_a_unique_index_without_a_candidate_keeps_the_table_local_and_says_which() -> None:
    placement = choose("members", "members", {"id", "org_id", "id_number_index"}, {"pk": {"id"}, "uq_open": {"id_number_index"}})
    assert placement.kind == "local"
    assert "uq_open (id_number_index)" in placement.reason


def test_a_row_is_not_spread_by_its_own_id_unless_it_is_a_root() -> None:
    care = choose("members", "care_enrolments", {"id", "member_id", "program"}, {"pk": {"id"}}, {"activity_id"})
    assert care.kind == "local"
    assert choose("activities", "activities", {"id", "org_id"}, {"pk": {"id"}}).kind == "local"


RECORDS_COLUMNS = {"id", "org_id", "county_id", "id_number_index", "state"}
RECORDS_INDEXES = [
    UniqueIndex("pk_members", ("id",), primary=True),
    UniqueIndex("uq_members_open_id_number", ("id_number_index",), where="state NOT IN ('left')"),
]


def test_records_with_a_county_take_it_into_their_keys_and_leave_one_person_one_record_to_the_person_index() -> None:
    statements = county_keys("members", "members", RECORDS_COLUMNS, RECORDS_INDEXES, person_index=True)
    assert statements == [
        'ALTER TABLE "members"."members" DROP CONSTRAINT "pk_members", '
        'ADD CONSTRAINT "pk_members" PRIMARY KEY ("id", "county_id")',
        'DROP INDEX "members"."uq_members_open_id_number"',
    ]


def test_a_natural_unique_key_takes_the_county_in_and_keeps_its_condition() -> None:
    history = [UniqueIndex("pk_member_events", ("id",), primary=True), UniqueIndex("ix_seq", ("member_id", "seq"), where="x > 0")]
    statements = county_keys("members", "member_events", {"id", "member_id", "seq", "county_id"}, history, person_index=True)
    assert statements[1:] == [
        'DROP INDEX "members"."ix_seq"',
        'CREATE UNIQUE INDEX "ix_seq" ON "members"."member_events" ("member_id", "seq", "county_id") WHERE x > 0',
    ]


def test_a_unique_constraint_is_made_again_with_the_county() -> None:
    key = [UniqueIndex("uq_dues_member_month", ("member_id", "month"), constraint=True)]
    assert county_keys("members", "dues", {"id", "member_id", "month", "county_id"}, key, person_index=True) == [
        'ALTER TABLE "members"."dues" DROP CONSTRAINT "uq_dues_member_month", '
        'ADD CONSTRAINT "uq_dues_member_month" UNIQUE ("member_id", "month", "county_id")'
    ]


def test_without_a_person_index_the_records_keep_their_keys_and_stay_local() -> None:
    assert county_keys("members", "members", RECORDS_COLUMNS, RECORDS_INDEXES, person_index=False) == []
    placement = choose("members", "members", RECORDS_COLUMNS, {i.name: set(i.columns) for i in RECORDS_INDEXES})
    assert placement.kind == "local"


def test_the_person_index_and_the_replicas_keep_their_keys_and_the_person_index_goes_by_its_hash() -> None:
    key = [UniqueIndex("pk_person_index", ("id_number_index",), primary=True)]
    columns = {"id_number_index", "member_id", "county_id"}
    assert county_keys("members", "person_index", columns, key, person_index=True) == []
    assert county_keys("members", "org_replica", {"id", "county_id"}, [UniqueIndex("pk", ("id",), True)], person_index=True) == []
    placement = choose("members", "person_index", columns, {"pk_person_index": {"id_number_index"}})
    assert (placement.kind, placement.column) == ("distributed", "id_number_index")


def test_the_records_wait_for_every_table_read_with_them_to_carry_the_county() -> None:
    tables = {
        "members": RECORDS_COLUMNS,
        "member_events": {"id", "member_id", "county_id"},
        "person_index": {"id_number_index", "member_id", "county_id"},
        "position_replica": {"id", "member_id"},
        "dues": {"id", "member_id", "month"},
        "transfers": {"id", "member_id"},
    }
    assert county_blockers("members", tables) == ["dues", "transfers"]
    tables |= {"dues": {"id", "member_id", "month", "county_id"}, "transfers": {"id", "member_id", "county_id"}}
    assert county_blockers("members", tables) == []
