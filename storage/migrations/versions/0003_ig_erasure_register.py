"""The erasure register: keyed digests of the ids and emails of people who asked to be erased.

Revision ID: 0003_ig_erasure
Revises: 0002
Create Date: 2026-06-01

Frozen history, like 0001: every type and constraint is spelled out here.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_ig_erasure"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "erasure_register",
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("entry", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("digest", name=op.f("pk_erasure_register")),
    )
    op.create_index(op.f("ix_erasure_register_entry"), "erasure_register", ["entry"])


def downgrade() -> None:
    op.drop_index(op.f("ix_erasure_register_entry"), table_name="erasure_register")
    op.drop_table("erasure_register")
