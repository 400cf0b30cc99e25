"""Exports as jobs, and uploads waiting on disk rather than in the database.

`job.params`: what a job was asked for (an export's format, filters, cut and options), as
JSON. `job.result`: where its output is once done (the export's zip). `job_file.path`: an
upload's file as the web server spooled it to disk while receiving it; the job reads it
from there (`data` stays for bytes queued by `ingest --background` and for workers on
other machines).

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("job") as job:
        job.add_column(sa.Column("params", sa.Text(), nullable=False, server_default="{}"))
        job.add_column(sa.Column("result", sa.Text(), nullable=True))
    with op.batch_alter_table("job_file") as job_file:
        job_file.add_column(sa.Column("path", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("job_file") as job_file:
        job_file.drop_column("path")
    with op.batch_alter_table("job") as job:
        job.drop_column("result")
        job.drop_column("params")
