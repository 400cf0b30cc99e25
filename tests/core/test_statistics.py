"""After a bulk write on PostgreSQL, the tables it grew get fresh planner statistics."""

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
