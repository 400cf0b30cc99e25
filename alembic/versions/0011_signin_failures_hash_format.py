"""Sign-in failures kept in the database, and the hash format of each decision.

`signin_failure`: failed sign-ins per account and per address, so every server process
throttles alike and a restart forgets nothing (operational state, not the record).
`decision.hash_format`: how a decision is encoded for its hash; decisions written before
are format 1 (Python's sorted-key JSON), new ones format 2 (RFC 8785 canonical JSON).

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "signin_failure",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("failures", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("last_at", sa.Float(), nullable=False, server_default="0"),
        sa.Column("blocked_until", sa.Float(), nullable=False, server_default="0"),
    )
    # Plain ADD COLUMN (not batch mode, which would rebuild the table and lose its triggers).
    op.add_column("decision", sa.Column("hash_format", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    op.drop_column("decision", "hash_format")
    op.drop_table("signin_failure")
