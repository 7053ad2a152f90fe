"""Shifts and cadence: a participant's usual working pattern, days off and how often they want a
partner; a place's opening hours; the time a pair proposed and agreed to meet.

Revision ID: 0009_shifts
Revises: 0008_dashboard_reads
Create Date: 2026-12-01

Frozen history, like 0001: every type is spelled out here.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_shifts"
down_revision: str | None = "0008_dashboard_reads"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("participants", sa.Column("shift_pattern", sa.String(20), nullable=True))
    op.add_column("participants", sa.Column("days_off", sa.String(40), nullable=False, server_default=""))
    op.add_column("participants", sa.Column("every_weeks", sa.Integer(), nullable=False, server_default="1"))
    op.add_column("places", sa.Column("hours", sa.String(20), nullable=True))
    with op.batch_alter_table("pairs") as batch:
        batch.add_column(sa.Column("meeting_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("meeting_proposed_by", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("meeting_agreed_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_foreign_key(
            "fk_pairs_meeting_proposed_by_participants",
            "participants",
            ["meeting_proposed_by"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("pairs") as batch:
        batch.drop_constraint("fk_pairs_meeting_proposed_by_participants", type_="foreignkey")
        batch.drop_column("meeting_agreed_at")
        batch.drop_column("meeting_proposed_by")
        batch.drop_column("meeting_at")
    with op.batch_alter_table("places") as batch:
        batch.drop_column("hours")
    with op.batch_alter_table("participants") as batch:
        batch.drop_column("every_weeks")
        batch.drop_column("days_off")
        batch.drop_column("shift_pattern")
