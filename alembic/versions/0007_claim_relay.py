"""Claims keep their relay chain and say when their event date was inferred.

`relayed_by`: who passed the claim on between its claimant and the reader, nearest the
claimant first ("A reports that B said C": claimant B, relayed by A). `event_date_inferred`:
the text writes no date; the event date is the day of the statement (the publication date
or the last day the text named). Existing claims get an empty chain and "not inferred".

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN, not batch mode: batch mode rebuilds the SQLite table and would drop
    # the full-text triggers that 0002 put on it.
    op.add_column("claim", sa.Column("relayed_by", sa.JSON(), nullable=False, server_default="[]"))
    op.add_column("claim", sa.Column("event_date_inferred", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    op.drop_column("claim", "event_date_inferred")  # SQLite 3.35+ drops a column in place
    op.drop_column("claim", "relayed_by")
