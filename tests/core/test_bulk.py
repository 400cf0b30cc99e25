"""Many rows in one statement (store/bulk.py): on PostgreSQL a big batch goes by COPY. What it
stores, and how it refuses, must be what the same rows inserted one by one give."""

import hashlib
import json

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from annotate.errors import Invalid
from annotate.store.bulk import COPY_FROM, insert_dicts
from annotate.store.ledger import Change
from annotate.store.models import Claim, Decision, DocumentText
from annotate.store.verify import verify

ODD = ["plain", 'quote\'s "marks"', "back\\slash and\ttab", "two\nlines", "Київ — ünïcode", "\\N looks like NULL", ""]


def claims(n: int, document_id: int) -> list[Change]:
    """Claims whose values COPY's text format must escape or tell apart: quotes, backslashes,
    tabs and newlines, non-ASCII text, the string \\N, NULL and empty values, lists, floats."""
    return [
        Change(
            "claim.proposed",
            "claim",
            set={
                "document_id": document_id,
                "start": k,
                "end": k + 5,
                "quote": f"{ODD[k % len(ODD)]} {k}",
                "claimant": ODD[k % len(ODD)] if k % 3 else None,
                "hedged": k % 2 == 0,
                "hedges": [ODD[k % len(ODD)]] if k % 4 else [],
                "event_date": None if k % 5 else "2024-03-01",
                "score": k / 7 if k % 6 else None,
                "entity_ids": [k, k + 1],
                "annotator": "rules@1",
            },
        )
        for k in range(n)
    ]


def stored(record, document_id: int) -> tuple[list, list]:
    """The document's claims as rows, and the decisions that made them, without ids."""
    columns = [c for c in Claim.__table__.columns if c.name not in ("id", "document_id")]  # type: ignore[attr-defined]
    with record.session() as session:
        rows = session.execute(select(*columns).where(Claim.document_id == document_id).order_by(Claim.start)).all()
        afters = [json.loads(a) for a in session.execute(select(Decision.after).order_by(Decision.seq)).scalars()]
    made = [{k: v for k, v in a.items() if k != "document_id"} for a in afters if a["document_id"] == document_id]
    return [tuple(r) for r in rows], made


def test_a_big_batch_stores_what_the_same_decisions_one_by_one_store(record):
    n = 3 * COPY_FROM
    with record.ledger.writer("rules@1", "annotator") as writer:
        for change in claims(n, document_id=1):
            writer.apply(change)
    for change in claims(n, document_id=2):
        record.ledger.record("rules@1", "annotator", change)
    batch, single = stored(record, 1), stored(record, 2)
    assert batch == single and len(batch[0]) == n
    quote = [c.name for c in Claim.__table__.columns if c.name not in ("id", "document_id")].index("quote")  # type: ignore[attr-defined]
    assert {row[quote] for row in batch[0]} >= {"\\N looks like NULL 5", "back\\slash and\ttab 2", "two\nlines 3"}
    assert verify(record.engine, workers=1).ok


def texts(n: int, sha_of=lambda k: k) -> list[dict]:
    return [{"sha256": hashlib.sha256(str(sha_of(k)).encode()).hexdigest(), "text": f"Report {k}."} for k in range(n)]


def test_a_repeated_key_in_a_big_batch_is_the_same_error_and_leaves_nothing(record):
    rows = texts(COPY_FROM * 2, sha_of=lambda k: k % COPY_FROM)  # each text twice
    with pytest.raises(IntegrityError):
        with record.ledger.writer("alice", "cli") as writer:
            insert_dicts(writer.conn, DocumentText.__table__, ["sha256", "text"], rows)
    with record.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM documenttext")).scalar() == 0


def test_a_nul_in_a_big_batch_is_refused_as_the_single_insert_is(record):
    if record.engine.dialect.name != "postgresql":
        pytest.skip("SQLite stores a NUL in text")
    rows = texts(COPY_FROM)
    rows[5]["text"] = "Report \x00 five."
    with pytest.raises(Invalid, match="text cannot contain NUL characters"):
        with record.ledger.writer("alice", "cli") as writer:
            insert_dicts(writer.conn, DocumentText.__table__, ["sha256", "text"], rows)
    with pytest.raises(Invalid, match="text cannot contain NUL characters"):
        with record.ledger.writer("alice", "cli") as writer:
            insert_dicts(writer.conn, DocumentText.__table__, ["sha256", "text"], rows[5:6])
    with record.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM documenttext")).scalar() == 0
