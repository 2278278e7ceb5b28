"""The Citus distribution rule (stack/citus.py `choose`): pure, so checked without a cluster.
The cluster itself is `make test-citus` (tests/citus.py)."""

from stack.citus import choose


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
