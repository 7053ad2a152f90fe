"""Places can be retired, as sites can: a places file no longer listing one takes it out of use.

Revision ID: 0008_dashboard_reads
Revises: 0007_ig_posted_copies
Create Date: 2026-12-01

Frozen history, like 0001: every type and constraint is spelled out here.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_dashboard_reads"
down_revision: str | None = "0007_ig_posted_copies"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("places", sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("places") as batch:
        batch.drop_column("retired_at")
