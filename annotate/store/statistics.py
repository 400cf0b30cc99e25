"""Planner statistics after bulk writes (PostgreSQL).

The planner picks its plans from each table's statistics. Autovacuum refreshes them once a
tenth of a table has changed, but it can be switched off on a server (it was, on the machine
these figures come from) and it lags a fast import: with the statistics of an empty record,
the suggestions for one claim took 92 ms at 100,000 claims instead of 42 (hash joins over
whole tables chosen for a few dozen rows). So after a bulk write the writer analyzes the
tables that doubled since they were last analyzed or vacuumed (their pages
now against `pg_class.relpages`, which both set: known at once, unlike the activity counters,
which a server reports a second or more late). ANALYZE reads a fixed sample and changes no
row; at 10,000 reports it took 0.35 s for the decisions, 0.3 s for the claims. Doubling keeps
that to a dozen times per table from empty to 100,000 reports; a fifth would take about four times as many.
"""

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

GROWN = 1.0  # growth, as a share of the table when last analyzed, that makes its statistics stale
MINIMUM = 16  # pages (128 kB): a table smaller than this is read whole whatever the plan

STALE = text(
    "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname = current_schema() AND c.relkind = 'r' "
    "AND pg_relation_size(c.oid) / current_setting('block_size')::int > :minimum + (1 + :grown) * c.relpages "
    "ORDER BY c.relname"
)


def refresh(engine: Engine) -> list[str]:
    """Analyze the tables of this record whose statistics a bulk write made stale; their names."""
    if engine.dialect.name != "postgresql":
        return []  # SQLite's planner does without (the queries are written for it)
    done: list[str] = []
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        try:  # a table's size waits for its lock too
            stale = list(conn.execute(STALE, {"minimum": MINIMUM, "grown": GROWN}).scalars())
        except DBAPIError:  # cancelled by a timeout, say: the write this follows stands, the next one retries
            return done
        for table in stale:
            try:
                conn.execute(text(f'ANALYZE "{table}"'))
                done.append(table)
            except DBAPIError:
                continue
    return done
