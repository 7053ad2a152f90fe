"""Initial schema: programmes, people, rounds, pairs, outcomes, outbox, digests, settings.

Revision ID: 0001
Revises:
Create Date: 2026-05-01

Frozen history: this file spells out every type, constraint and index itself rather than
importing storage.tables, so later changes to the tables cannot change what it did.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _when(name: str, *, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _fk(column: str, table: str, target: str, ondelete: str | None = "CASCADE") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def _one_of(table: str, column: str, *values: str) -> sa.CheckConstraint:
    listed = ", ".join(f"'{value}'" for value in values)
    return sa.CheckConstraint(f"{column} IN ({listed})", name=op.f(f"ck_{table}_{column}"))


def _pk(table: str, *columns: str) -> sa.PrimaryKeyConstraint:
    return sa.PrimaryKeyConstraint(*columns, name=op.f(f"pk_{table}"))


def _index(table: str, *columns: str, unique: bool = False) -> None:
    op.create_index(op.f(f"ix_{table}_{'_'.join(columns)}"), table, list(columns), unique=unique)


def upgrade() -> None:
    _people()
    _rounds()
    _delivery()


def _people() -> None:
    op.create_table(
        "programmes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("repeat_window", sa.Integer(), nullable=False),
        _pk("programmes", "id"),
        sa.UniqueConstraint("name", name=op.f("uq_programmes_name")),
    )
    op.create_table(
        "sites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        _pk("sites", "id"),
        _fk("programme_id", "sites", "programmes"),
    )
    op.create_index(
        op.f("uq_sites_programme_id_lower_name"),
        "sites",
        ["programme_id", sa.text("lower(name)")],
        unique=True,
    )
    op.create_table(
        "places",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("directions", sa.Text(), nullable=False),
        _pk("places", "id"),
        _fk("site_id", "places", "sites"),
        _one_of("places", "kind", "kitchen", "corridor", "canteen", "other"),
    )
    _index("places", "site_id")
    op.create_table(
        "participants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(20), nullable=False),
        sa.Column("user_id", sa.String(255), nullable=False),
        sa.Column("workspace_id", sa.String(255), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(255), nullable=True),
        sa.Column("department", sa.String(200), nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("paused_until", sa.Date(), nullable=True),
        _when("joined_at"),
        _when("left_at"),
        sa.Column("erased", sa.Boolean(), nullable=False),
        _pk("participants", "id"),
        _fk("programme_id", "participants", "programmes"),
        _fk("site_id", "participants", "sites", ondelete=None),
        sa.UniqueConstraint(
            "programme_id", "platform", "user_id", name=op.f("uq_participants_programme_id_platform_user_id")
        ),
        _one_of("participants", "role", "clinician", "manager"),
    )
    _index("participants", "site_id")
    op.create_table(
        "exclusions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("clinician_id", sa.Integer(), nullable=False),
        sa.Column("manager_id", sa.Integer(), nullable=False),
        _pk("exclusions", "id"),
        _fk("programme_id", "exclusions", "programmes"),
        _fk("clinician_id", "exclusions", "participants"),
        _fk("manager_id", "exclusions", "participants"),
        sa.UniqueConstraint(
            "programme_id",
            "clinician_id",
            "manager_id",
            name=op.f("uq_exclusions_programme_id_clinician_id_manager_id"),
        ),
    )


def _rounds() -> None:
    op.create_table(
        "rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("week", sa.String(8), nullable=False),
        sa.Column("seed", sa.BigInteger(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        _when("created_at", nullable=False),
        _pk("rounds", "id"),
        _fk("programme_id", "rounds", "programmes"),
        sa.UniqueConstraint("programme_id", "week", name=op.f("uq_rounds_programme_id_week")),
    )
    op.create_table(
        "pairs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("clinician_id", sa.Integer(), nullable=False),
        sa.Column("manager_id", sa.Integer(), nullable=False),
        sa.Column("place_id", sa.Integer(), nullable=True),
        sa.Column("place_text", sa.Text(), nullable=False),
        sa.Column("starter", sa.Text(), nullable=False),
        _when("created_at", nullable=False),
        _when("followup_sent_at"),
        _pk("pairs", "id"),
        _fk("round_id", "pairs", "rounds"),
        _fk("clinician_id", "pairs", "participants"),
        _fk("manager_id", "pairs", "participants"),
        _fk("place_id", "pairs", "places", ondelete="SET NULL"),
    )
    _index("pairs", "round_id")
    _index("pairs", "clinician_id")
    _index("pairs", "manager_id")
    op.create_table(
        "sit_outs",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        _pk("sit_outs", "round_id", "participant_id"),
        _fk("round_id", "sit_outs", "rounds"),
        _fk("participant_id", "sit_outs", "participants"),
    )
    op.create_table(
        "outcomes",
        sa.Column("pair_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("reason", sa.String(30), nullable=True),
        _when("recorded_at", nullable=False),
        _pk("outcomes", "pair_id", "participant_id"),
        _fk("pair_id", "outcomes", "pairs"),
        _fk("participant_id", "outcomes", "participants"),
        _one_of("outcomes", "kind", "met", "not_yet", "could_not_meet"),
        _one_of("outcomes", "reason", "clinical_pressure", "shift_clash", "no_reply", "other"),
    )
    op.create_table(
        "digests",
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        _when("created_at", nullable=False),
        _pk("digests", "programme_id", "month"),
        _fk("programme_id", "digests", "programmes"),
    )


def _delivery() -> None:
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("platform", sa.String(20), nullable=False),
        sa.Column("payload", JSON, nullable=False),
        sa.Column("mentions", JSON, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        _when("created_at", nullable=False),
        _when("next_attempt_at", nullable=False),
        _when("claimed_until"),
        _when("sent_at"),
        _pk("outbox", "id"),
        _fk("programme_id", "outbox", "programmes"),
        sa.UniqueConstraint("key", name=op.f("uq_outbox_key")),
        _one_of("outbox", "status", "pending", "sent", "failed"),
    )
    _index("outbox", "status", "next_attempt_at")
    _index("outbox", "programme_id", "status")
    op.create_table(
        "settings",
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(100), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        _pk("settings", "programme_id", "key"),
        _fk("programme_id", "settings", "programmes"),
    )
    op.create_table(
        "platform_state",
        sa.Column("platform", sa.String(20), nullable=False),
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("value", JSON, nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=True),
        _pk("platform_state", "platform", "key"),
        _fk("participant_id", "platform_state", "participants"),
    )
    _index("platform_state", "participant_id")


def downgrade() -> None:
    for table in (
        "platform_state",
        "settings",
        "outbox",
        "digests",
        "outcomes",
        "sit_outs",
        "pairs",
        "rounds",
        "exclusions",
        "participants",
        "places",
        "sites",
        "programmes",
    ):
        op.drop_table(table)
