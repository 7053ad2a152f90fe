"""The relationship pulse's questions and answers, and shadowing offers with their answers.

Revision ID: 0010_pulse
Revises: 0009_shifts
Create Date: 2026-12-01

Frozen history, like 0001: every type and constraint is spelled out here.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_pulse"
down_revision: str | None = "0009_shifts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pulse_answers",
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("wave", sa.String(10), nullable=False),
        sa.Column("question", sa.String(20), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answer", sa.String(20), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_pulse_answers_participant_id_participants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("participant_id", "wave", "question", name=op.f("pk_pulse_answers")),
    )
    op.create_index(op.f("ix_pulse_answers_answered_at"), "pulse_answers", ["answered_at"])
    op.create_table(
        "shadowing_offers",
        sa.Column("pair_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=True),
        sa.Column("offered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("agreed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("check_sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["pair_id"], ["pairs.id"], name=op.f("fk_shadowing_offers_pair_id_pairs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_shadowing_offers_site_id_sites"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("pair_id", name=op.f("pk_shadowing_offers")),
    )
    op.create_table(
        "shadowing_answers",
        sa.Column("pair_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("question", sa.String(10), nullable=False),
        sa.Column("answer", sa.String(10), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["pair_id"],
            ["shadowing_offers.pair_id"],
            name=op.f("fk_shadowing_answers_pair_id_shadowing_offers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_shadowing_answers_participant_id_participants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("pair_id", "participant_id", "question", name=op.f("pk_shadowing_answers")),
    )
    op.create_index(op.f("ix_shadowing_answers_participant_id"), "shadowing_answers", ["participant_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_shadowing_answers_participant_id"), table_name="shadowing_answers")
    op.drop_table("shadowing_answers")
    op.drop_table("shadowing_offers")
    op.drop_index(op.f("ix_pulse_answers_answered_at"), table_name="pulse_answers")
    op.drop_table("pulse_answers")
