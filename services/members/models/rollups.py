"""Roll-ups (rules/rollups.py): each rolled-up organization's subtree counts, the deltas the writes
append (folded in by a job), which organizations are rolled up, whether they are current."""

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    DateTime,
    Integer,
    String,
    Table,
    Uuid,
)

from services.kit.tree import path_type
from services.members.models.base import Base

_ROLLUP_KEY = [Column(n, String(40), primary_key=True) for n in ("pair", "setting", "population", "a", "b")]
member_rollups = Table(
    "member_rollups",
    Base.metadata,
    Column("org_id", Uuid, primary_key=True),
    *_ROLLUP_KEY,
    Column("count", BigInteger, nullable=False),
)
member_rollup_deltas = Table(
    "member_rollup_deltas",
    Base.metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    # The county: the record's when written, so that the deltas sit beside the records; not moved
    # with a record (service/counties.py), as they are folded and deleted soon after.
    *[
        Column(n, Uuid, nullable=n == "residence_community_id")
        for n in ("member_id", "county_id", "org_id", "residence_community_id")
    ],
    *[Column(n, Date, nullable=False) for n in ("birth_date", "joined_on")],
    *[Column(n, String(32), nullable=False) for n in ("education", "occupation", "sex", "state", "party_status", "whereabouts")],
    Column("weight", Integer, nullable=False),
)
member_rollup_orgs = Table(
    "member_rollup_orgs", Base.metadata, Column("org_id", Uuid, primary_key=True), Column("path", path_type(), nullable=False)
)
member_rollup_state = Table(
    "member_rollup_state",
    Base.metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("current", Integer, nullable=False),
    Column("built_at", DateTime(timezone=True), nullable=True),
)
