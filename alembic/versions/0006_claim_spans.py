"""Claims with several spans: near-duplicates within a document (a Key Takeaways bullet
repeating the lead) are one candidate, and the other places it is said are kept here
as a JSON list of [start, end] pairs. Existing claims get an empty list.

Revision ID: 0006
Revises: 0005 (main's head when this was written; chained after it so there is one head)
"""

import sqlalchemy as sa

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN, not batch mode: on SQLite batch mode rebuilds the table and
    # would drop the full-text triggers of migration 0002.
    op.add_column("claim", sa.Column("also_spans", sa.JSON(), nullable=False, server_default=sa.text("'[]'")))


def downgrade() -> None:
    with op.batch_alter_table("claim") as batch:
        batch.drop_column("also_spans")
