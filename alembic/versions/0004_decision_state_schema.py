"""Each decision records the state schema its before/after were written in (store/upcast.py).

Decisions written before this column read as schema 1 and hash as they always did; new
ones are written in schema 2 and their hash covers the number, so it cannot be changed
to make the fold read an old state differently. Adding a column with a default fires no
trigger: the ledger's refusal of UPDATE and DELETE stays as it is.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("decision", sa.Column("state_schema", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    with op.batch_alter_table("decision") as batch:
        batch.drop_column("state_schema")
