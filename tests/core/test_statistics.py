"""After a bulk write on PostgreSQL, the tables it grew get fresh planner statistics."""

import pytest
from sqlalchemy import text

from annotate.ingest.pipeline import ingest_items
from annotate.ingest.source import SourceDocument
from annotate.store import statistics


def analyzed(record, table: str) -> bool:
    with record.engine.connect() as conn:
        return bool(conn.execute(text("SELECT count(*) FROM pg_stats WHERE schemaname = current_schema() AND tablename = :t"), {"t": table}).scalar())


def test_a_bulk_ingest_leaves_the_planner_statistics_of_what_it_grew(record):
    if record.engine.dialect.name != "postgresql":
        assert statistics.refresh(record.engine) == []  # SQLite: nothing to do
        return
    words = " ".join(f"word{n}" for n in range(300))
    docs = [
        SourceDocument(text=f"Report {i}. The council said {i} homes had power again. {words}", file_name=f"r{i}.txt", path=f"bulk/r{i}.txt", format="txt")
        for i in range(400)
    ]
    ingest_items(record.ledger, docs)
    assert not analyzed(record, "documenttext")

    grown = statistics.refresh(record.engine)

    assert {"decision", "documenttext"} <= set(grown)
    assert analyzed(record, "documenttext") and analyzed(record, "decision")
    assert statistics.refresh(record.engine) == []  # fresh now: nothing analyzed twice


@pytest.mark.parametrize("lock", ["SHARE UPDATE EXCLUSIVE", "ACCESS EXCLUSIVE"])  # another VACUUM / a migration
def test_statistics_that_cannot_be_made_now_are_left_for_the_next_bulk_write(record, lock):
    if record.engine.dialect.name != "postgresql":
        return
    from sqlalchemy import create_engine

    ingest_items(
        record.ledger, [SourceDocument(text=f"Report {i}. " + "word " * 400, file_name=f"r{i}.txt", path=f"r/{i}.txt", format="txt") for i in range(400)]
    )
    schema = record.engine.connect().execute(text("SELECT current_schema()")).scalar()
    impatient = create_engine(record.engine.url, connect_args={"options": f"-c search_path={schema} -c lock_timeout=200"})
    with record.engine.connect() as holder:
        holder.execute(text(f"LOCK TABLE documenttext IN {lock} MODE"))
        grown = statistics.refresh(impatient)  # no error: the ingest it follows stands
        holder.rollback()
    impatient.dispose()
    assert "documenttext" not in grown
    assert ("decision" in grown) == (lock == "SHARE UPDATE EXCLUSIVE")  # the other tables are done when they can be
    assert "documenttext" in statistics.refresh(record.engine)  # the next bulk write catches up
