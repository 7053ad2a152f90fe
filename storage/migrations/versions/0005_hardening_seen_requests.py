"""Signed platform requests already taken, so that a replay is refused by every serve process.

Revision ID: 0003_hardening
Revises: 0003_meetings
Create Date: 2026-05-27

Frozen history, like 0001: every type and constraint is spelled out here.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_hardening"
down_revision: str | None = "0003_meetings"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "seen_requests",
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_seen_requests")),
    )
    op.create_index(op.f("ix_seen_requests_signed_at"), "seen_requests", ["signed_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_seen_requests_signed_at"), table_name="seen_requests")
    op.drop_table("seen_requests")
