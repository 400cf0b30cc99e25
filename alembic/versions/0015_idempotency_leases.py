"""Idempotency leases: which request an API client's Idempotency-Key belongs to.

`idempotency_lease`: per key, a fingerprint of the request that first used it (sha256 of
method, path and body) and whether it is still running, so the same key with another body
answers 422 and a retry while the first request runs answers 409 (server/idempotency.py).
Operational state like `signin_failure`, not the record.

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "idempotency_lease",
        sa.Column("key", sa.String(300), primary_key=True),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("started_at", sa.Float(), nullable=False, server_default="0"),
        sa.Column("finished", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    op.drop_table("idempotency_lease")
