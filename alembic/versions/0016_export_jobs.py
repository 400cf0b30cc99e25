"""Exports as jobs.

`job.params`: what a job was asked for (an export's format, filters, cut and options), as
JSON. `job.result`: where its output is once done (the export's zip).

Revision ID: 0016
Revises: 0013
"""

import sqlalchemy as sa

from alembic import op

revision = "0016"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("job") as job:
        job.add_column(sa.Column("params", sa.Text(), nullable=False, server_default="{}"))
        job.add_column(sa.Column("result", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("job") as job:
        job.drop_column("result")
        job.drop_column("params")
