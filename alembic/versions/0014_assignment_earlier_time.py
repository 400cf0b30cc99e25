"""Review time stays with the reviewer who spent it: `assignment.earlier` holds, per reviewer a
document moved away from (reassigned mid-review, or sent back to someone else), the seconds and
rounds they spent on it, so the lead's dashboard does not credit them to the next assignee.
Existing assignments get an empty object (their decisions read it as the default).

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN, not batch mode: on SQLite batch mode rebuilds the table.
    op.add_column("assignment", sa.Column("earlier", sa.JSON(), nullable=False, server_default=sa.text("'{}'")))


def downgrade() -> None:
    with op.batch_alter_table("assignment") as batch:
        batch.drop_column("earlier")
