"""Where each sent message landed on its platform, so erasure can rewrite the posted copy.

Revision ID: 0007_ig_posted_copies
Revises: 0006_delivery_leases
Create Date: 2026-12-01

Frozen history, like 0001: every type and constraint is spelled out here.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_ig_posted_copies"
down_revision: str | None = "0006_delivery_leases"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("delivered_ref", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("delivered_ref")
