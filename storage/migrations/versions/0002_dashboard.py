"""The organisers' dashboard: retired sites, one-time sign-in links, sessions, the audit log.

Revision ID: 0002
Revises: 0001
Create Date: 2026-05-20

Frozen history, like 0001: every type and constraint is spelled out here.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _when(name: str, *, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _organiser() -> list[sa.Column]:
    return [
        sa.Column("platform", sa.String(20), nullable=False),
        sa.Column("user_id", sa.String(255), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
    ]


def upgrade() -> None:
    op.add_column("sites", _when("retired_at"))
    op.create_table(
        "sign_in_tokens",
        sa.Column("token_hash", sa.String(64), nullable=False),
        *_organiser(),
        _when("created_at", nullable=False),
        _when("expires_at", nullable=False),
        _when("used_at"),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_sign_in_tokens")),
    )
    op.create_table(
        "organiser_sessions",
        sa.Column("session_hash", sa.String(64), nullable=False),
        *_organiser(),
        _when("created_at", nullable=False),
        _when("expires_at", nullable=False),
        _when("ended_at"),
        sa.PrimaryKeyConstraint("session_hash", name=op.f("pk_organiser_sessions")),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        _when("at", nullable=False),
        *_organiser(),
        sa.Column("action", sa.String(200), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_audit_log_programme_id_programmes"),
            ondelete="CASCADE",
        ),
    )
    op.create_index(op.f("ix_audit_log_programme_id_at"), "audit_log", ["programme_id", "at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_audit_log_programme_id_at"), table_name="audit_log")
    for table in ("audit_log", "organiser_sessions", "sign_in_tokens"):
        op.drop_table(table)
    with op.batch_alter_table("sites") as batch:
        batch.drop_column("retired_at")
