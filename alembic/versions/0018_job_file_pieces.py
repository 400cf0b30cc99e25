"""A big JSONL file in a job is cut into pieces of whole lines, each a file row of its own.

`job_file.first_line`: the number, in the file as uploaded, of a piece's first line (1 for
a whole file), so records are named and errors are placed as in the whole file.

Revision ID: 0018
Revises: 0017
"""

import sqlalchemy as sa

from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("job_file") as job_file:
        job_file.add_column(sa.Column("first_line", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    with op.batch_alter_table("job_file") as job_file:
        job_file.drop_column("first_line")
