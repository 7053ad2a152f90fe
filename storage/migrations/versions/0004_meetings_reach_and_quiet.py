"""Meetings: a participant's Teams user principal name (for chat and meeting links) and the
moment they last showed they are here (silence before it does not count towards a pause).

Revision ID: 0003_meetings
Revises: 0003_ig_erasure
Create Date: 2026-05-27

Frozen history, like 0001: every type is spelled out here.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_meetings"
down_revision: str | None = "0003_ig_erasure"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("participants", sa.Column("upn", sa.String(255), nullable=True))
    op.add_column("participants", sa.Column("active_since", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("participants") as batch:
        batch.drop_column("active_since")
        batch.drop_column("upn")
