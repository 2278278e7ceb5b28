"""compact tree key and covering listing index

Revision ID: 189031d53274
Revises: 94e0744fc686
Create Date: 2026-11-27 00:01:02.092965
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "189031d53274"
down_revision: str | None = "94e0744fc686"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


LISTING_COLUMNS = [
    "id",
    "name",
    "code",
    "kind",
    "tier",
    "parent_id",
    "community_id",
    "setting",
    "status",
    "merged_into_id",
    "established_on",
    "dissolved_on",
    "version",
]
# The key's encoding as kit.tree had it when this was written (a migration never changes).
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
WIDTH = 4


def _code(ordinal: int) -> str:
    digits = []
    for _ in range(WIDTH):
        ordinal, digit = divmod(ordinal, len(ALPHABET))
        digits.append(ALPHABET[digit])
    return "".join(reversed(digits))


def _backfill() -> None:
    """Key the existing tree: children numbered in path order under each parent."""
    organizations = sa.table(
        "organizations",
        sa.column("id", sa.Uuid()),
        sa.column("parent_id", sa.Uuid()),
        sa.column("path", sa.String()),
        sa.column("tree_key", sa.String()),
        sa.column("children_made", sa.Integer()),
        schema="orgs",
    )
    bind = op.get_bind()
    keys: dict[object, str] = {}
    made: dict[object, int] = {}
    rows = bind.execute(sa.select(organizations.c.id, organizations.c.parent_id).order_by(organizations.c.path)).all()
    for row in rows:
        made[row.parent_id] = made.get(row.parent_id, 0) + 1
        keys[row.id] = keys.get(row.parent_id, "") + _code(made[row.parent_id])
    for row in rows:
        bind.execute(
            organizations.update()
            .where(organizations.c.id == row.id)
            .values(tree_key=keys[row.id], children_made=made.get(row.id, 0))
        )


def upgrade() -> None:
    key_type = sa.String(length=64).with_variant(sa.String(length=64, collation="C"), "postgresql")
    with op.batch_alter_table("organizations", schema="orgs") as batch_op:
        batch_op.add_column(sa.Column("tree_key", key_type, nullable=True))
        batch_op.add_column(sa.Column("children_made", sa.Integer(), nullable=True))
    _backfill()
    with op.batch_alter_table("organizations", schema="orgs") as batch_op:
        batch_op.alter_column("tree_key", existing_type=key_type, nullable=False)
        batch_op.alter_column("children_made", existing_type=sa.Integer(), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_organizations_tree_key"), ["tree_key"])
        batch_op.create_index("ix_organizations_listing", ["tree_key"], unique=False, postgresql_include=LISTING_COLUMNS)
    if op.get_bind().dialect.name == "postgresql":
        # Index-only listings need a fresh visibility map: vacuum after 2% growth, not 20%.
        op.execute(
            "ALTER TABLE orgs.organizations SET (autovacuum_vacuum_scale_factor = 0.02, "
            "autovacuum_vacuum_insert_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.02)"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "ALTER TABLE orgs.organizations RESET (autovacuum_vacuum_scale_factor, "
            "autovacuum_vacuum_insert_scale_factor, autovacuum_analyze_scale_factor)"
        )
    with op.batch_alter_table("organizations", schema="orgs") as batch_op:
        batch_op.drop_index("ix_organizations_listing")
        batch_op.drop_constraint(batch_op.f("uq_organizations_tree_key"), type_="unique")
        batch_op.drop_column("children_made")
        batch_op.drop_column("tree_key")
