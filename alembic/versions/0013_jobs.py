"""Background jobs: our job and job_file tables everywhere; procrastinate's queue on PostgreSQL.

`job` and `job_file` hold what the upload page and `claimtrail jobs` show (files done of
total, each bad file and why): operational state, not decisions. On PostgreSQL this
migration also applies the schema of the installed procrastinate (its jobs, workers,
events tables and functions), so `claimtrail init` is the one step that prepares a team
database and alembic's revision says whether the queue is there. SQLite has no queue: jobs
run in the web process.

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "job",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("origin", sa.String(), nullable=False),
        sa.Column("created_at", sa.String(), nullable=False, index=True),
        sa.Column("preannotate", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("cancelled", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("total", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("done", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("error", sa.Text(), nullable=False, server_default=""),
        sa.Column("finished_at", sa.String(), nullable=True),
    )
    op.create_table(
        "job_file",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("job_id", sa.Integer(), nullable=False, index=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("part", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("data", sa.LargeBinary(), nullable=True),
        sa.Column("status", sa.String(), nullable=False, server_default="queued"),
        sa.Column("documents", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("added", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("errors", sa.Text(), nullable=False, server_default="[]"),
        sa.Column("document_ids", sa.Text(), nullable=False, server_default="[]"),
    )
    if op.get_bind().dialect.name == "postgresql":
        # On the driver's own connection: the script has plpgsql bodies and many statements.
        op.get_bind().connection.driver_connection.execute(_procrastinate_schema())


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in ("procrastinate_events", "procrastinate_periodic_defers", "procrastinate_jobs", "procrastinate_workers"):
            op.execute(f"DROP TABLE IF EXISTS {table} CASCADE")
        op.execute(
            "DO $$ DECLARE f record; BEGIN FOR f IN SELECT p.oid::regprocedure AS sig FROM pg_proc p "
            "JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = current_schema() AND p.proname LIKE 'procrastinate%' "
            "LOOP EXECUTE 'DROP FUNCTION ' || f.sig || ' CASCADE'; END LOOP; END $$"
        )
        for kind in ("procrastinate_job_to_defer_v1", "procrastinate_job_event_type", "procrastinate_job_status"):
            op.execute(f"DROP TYPE IF EXISTS {kind} CASCADE")
    op.drop_table("job_file")
    op.drop_table("job")


def _procrastinate_schema() -> str:
    try:
        from procrastinate.schema import SchemaManager
    except ImportError as missing:
        raise RuntimeError("PostgreSQL needs the postgres extra (psycopg and procrastinate): pip install 'claimtrail[postgres]'") from missing
    return SchemaManager.get_schema()
