"""A batch of decisions: its new rows are indexed together at commit, and the chain is unchanged."""

import hashlib
import json

import pytest
from sqlalchemy import insert, text

from annotate.store.fulltext import matching_documents, search_claims
from annotate.store.ledger import _ENCODER, Change, canonical
from annotate.store.models import DocumentText
from annotate.store.verify import verify

QUOTES = ["The ferry to the island resumed on Tuesday", "Engineers rebuilt the pontoon bridge overnight", "Volunteers reopened the bakery near the station"]


def claim(n: int, quote: str, entity_ids=()) -> Change:
    return Change(
        "claim.proposed",
        "claim",
        set={"document_id": 1, "start": n, "end": n + len(quote), "quote": quote, "entity_ids": list(entity_ids), "event_date": f"2024-03-0{1 + n % 9}"},
    )


def entity_rows(record) -> set[tuple]:
    with record.engine.connect() as conn:
        return set(conn.execute(text("SELECT entity_id, day, claim_id FROM claim_entity")).all())


def test_claims_of_one_batch_are_searchable_and_indexed_by_entity_after_it(record):
    with record.ledger.writer("rules@1", "annotator") as writer:
        ids = [writer.apply(claim(n, quote, entity_ids=[7, n + 10]))["id"] for n, quote in enumerate(QUOTES * 20)]
    with record.session() as session:
        found = {i for i, _ in search_claims(session, "pontoon bridge")}
    assert found == set(ids[1::3])
    assert entity_rows(record) >= {(7, "2024-03-01", ids[0]), (11, "2024-03-02", ids[1])}
    assert len(entity_rows(record)) == 2 * len(ids)


def test_a_batch_that_fails_leaves_no_index_entries_and_later_claims_are_indexed_one_by_one(record):
    with pytest.raises(RuntimeError):
        with record.ledger.writer("rules@1", "annotator") as writer:
            writer.apply(claim(0, QUOTES[0], entity_ids=[3]))
            writer.flush()
            raise RuntimeError("the batch stops here")
    assert entity_rows(record) == set()
    [single] = record.ledger.record("alice", "ui", claim(5, QUOTES[2], entity_ids=[4]))  # outside a batch: the triggers
    with record.session() as session:
        assert search_claims(session, "ferry island") == []
        assert [i for i, _ in search_claims(session, "bakery station")] == [single["id"]]
    assert entity_rows(record) == {(4, "2024-03-06", single["id"])}


def test_a_claim_corrected_in_a_batch_is_found_by_its_new_words_only(record):
    with record.ledger.writer("rules@1", "annotator") as writer:
        made = writer.apply(claim(0, QUOTES[0]))
        writer.flush()
        writer.apply(Change("claim.corrected", "claim", made["id"], set={"quote": QUOTES[1]}))
    with record.session() as session:
        assert search_claims(session, "ferry") == []
        assert [i for i, _ in search_claims(session, "pontoon")] == [made["id"]]


def test_documents_of_one_batch_are_searchable_by_title_and_text(record):
    body = "Floodwater reached the lower town after the dam failed."
    sha = hashlib.sha256(body.encode()).hexdigest()
    with record.ledger.writer("cli", "cli") as writer:
        writer.session.execute(insert(DocumentText), [{"sha256": sha, "text": body}])
        doc = writer.apply(Change("document.ingested", "document", set={"sha256": sha, "file_name": "a.txt", "title": "Lower town flooded"}))
    with record.session() as session:
        assert session.execute(matching_documents(session, "floodwater dam")).scalars().all() == [doc["id"]]
        assert session.execute(matching_documents(session, "lower town flooded")).scalars().all() == [doc["id"]]


def test_a_big_batch_verifies_and_leaves_no_switch_behind(record):
    with record.ledger.writer("rules@1", "annotator") as writer:
        for n in range(1500):
            writer.apply(claim(n, f"{QUOTES[n % 3]} ({n})", entity_ids=[n % 5]))
    assert verify(record.engine).ok
    if record.engine.dialect.name == "sqlite":
        with record.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM index_deferral")).scalar() == 0


@pytest.mark.parametrize(
    "value",
    [
        {"score": 0.00001, "quote": "tiny"},
        {"score": 1e-8},
        [1.5e-7, "3e-5"],
        {"x": float("nan")},
        {"x": [float("inf")]},
        {"a": '\u2028 \x1f " \\ é 😀'},
        {"big": 2**70},
        {"b": 0.1, "c": -0.0, "d": 1e16, "e": 12345.678},
        {"k": ("t", None, True)},
    ],
)
def test_canonical_json_is_the_standard_encoders_text(value):
    assert canonical(value) == _ENCODER.encode(value)
    assert json.loads(canonical(value).replace("NaN", "null").replace("Infinity", "null")) is not None
