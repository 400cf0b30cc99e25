"""The ledger: decisions, versions, conflicts, history, as-of and rebuild."""

import json
import threading

import pytest
from sqlmodel import select

from annotate.errors import Conflict, NotFound
from annotate.store.ledger import Change, history, object_as_of, rebuild, resolve_as_of, state_as_of
from annotate.store.models import Claim, Decision


def propose(record, quote="Troops left the town.", actor="rules@1"):
    [claim] = record.ledger.record(actor, "annotator", Change("claim.proposed", "claim", set={"document_id": 1, "start": 0, "end": len(quote), "quote": quote}))
    return claim


def test_a_decision_records_who_what_before_and_after(record):
    claim = propose(record)
    record.ledger.record(
        "alice", "ui", Change("claim.accepted", "claim", claim["id"], set={"status": "accepted"}, base_version=1, rationale="matches the source")
    )
    with record.session() as session:
        entries = history(session, "claim", claim["id"])
        row = session.get(Claim, claim["id"])
    assert [(e["actor"], e["action"]) for e in entries] == [("rules@1", "claim.proposed"), ("alice", "claim.accepted")]
    assert entries[1]["before"]["status"] == "candidate" and entries[1]["after"]["status"] == "accepted"
    assert entries[1]["rationale"] == "matches the source"
    assert entries[1]["at"].endswith("+00:00")
    assert (row.status, row.version) == ("accepted", 2)


def test_stale_version_is_refused_and_says_what_changed(record):
    claim = propose(record)
    record.ledger.record("alice", "ui", Change("claim.accepted", "claim", claim["id"], set={"status": "accepted"}, base_version=1))
    with pytest.raises(Conflict) as conflict:
        record.ledger.record("bob", "ui", Change("claim.rejected", "claim", claim["id"], set={"status": "rejected"}, base_version=1))
    assert "alice" in str(conflict.value) and "claim.accepted" in str(conflict.value)
    assert conflict.value.current["status"] == "accepted"
    with record.session() as session:
        assert session.get(Claim, claim["id"]).status == "accepted"
        assert session.exec(select(Decision)).all()[-1].actor == "alice"


def test_two_concurrent_writers_one_success_one_conflict(record):
    claim = propose(record)
    barrier, outcomes = threading.Barrier(2), []

    def decide(actor, status):
        barrier.wait()
        try:
            record.ledger.record(actor, "ui", Change(f"claim.{status}", "claim", claim["id"], set={"status": status}, base_version=1))
            outcomes.append("ok")
        except Conflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=decide, args=a) for a in (("alice", "accepted"), ("bob", "rejected"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict", "ok"]
    with record.session() as session:
        assert len(history(session, "claim", claim["id"])) == 2


def test_unknown_object_and_unknown_field_are_refused_and_write_nothing(record):
    with pytest.raises(NotFound):
        record.ledger.record("alice", "ui", Change("claim.accepted", "claim", 99, set={"status": "accepted"}))
    with pytest.raises(ValueError, match="no settable field"):
        record.ledger.record("alice", "ui", Change("claim.proposed", "claim", set={"quote": "x", "password": "p"}))
    with record.session() as session:
        assert session.exec(select(Decision)).all() == []


def test_a_failed_change_rolls_back_the_whole_batch(record):
    with pytest.raises(NotFound):
        with record.ledger.writer("rules@1", "annotator") as writer:
            writer.apply(Change("claim.proposed", "claim", set={"document_id": 1, "start": 0, "end": 1, "quote": "a"}))
            writer.apply(Change("claim.accepted", "claim", 42, set={"status": "accepted"}))
    with record.session() as session:
        assert session.exec(select(Claim)).all() == [] and session.exec(select(Decision)).all() == []


def test_as_of_reads_a_claim_and_the_whole_record_as_they_stood(record):
    first = propose(record, "First claim.")
    record.ledger.record("alice", "ui", Change("claim.corrected", "claim", first["id"], set={"quote": "First claim, fixed."}))
    propose(record, "Second claim.")
    with record.session() as session:
        assert object_as_of(session, "claim", first["id"], 1)["quote"] == "First claim."
        assert object_as_of(session, "claim", first["id"], 2)["quote"] == "First claim, fixed."
        assert [row["quote"] for _, row in state_as_of(session, 1)] == ["First claim."]
        assert len(list(state_as_of(session, 3))) == 2
        at = history(session, "claim", first["id"])[0]["at"]
        assert resolve_as_of(session, at) == 1
        assert resolve_as_of(session, "2000-01-01T00:00:00Z") == 0


def test_rebuild_from_decisions_equals_the_live_state(record):
    ids = [propose(record, f"Claim number {n}.")["id"] for n in range(5)]
    for n, claim_id in enumerate(ids):
        status = "accepted" if n % 2 else "rejected"
        record.ledger.record("alice", "ui", Change(f"claim.{status}", "claim", claim_id, set={"status": status, "hedges": ["likely"]}))
    record.ledger.record("bob", "ui", Change("link.created", "link", set={"a_id": ids[0], "b_id": ids[1], "relation": "supports"}))

    def dump():
        with record.session() as session:
            return json.dumps([c.model_dump() for c in session.exec(select(Claim).order_by(Claim.id))], sort_keys=True)

    live = dump()
    counts = rebuild(record.engine)
    assert counts["claim"] == 5 and counts["link"] == 1
    assert dump() == live


def test_idempotency_key_applies_a_retried_request_once(record):
    claim = propose(record)
    change = Change("claim.accepted", "claim", claim["id"], set={"status": "accepted"}, base_version=1)
    first = record.ledger.record("alice", "api", change, idempotency_key="req-1")
    again = record.ledger.record("alice", "api", change, idempotency_key="req-1")
    assert first == again
    with record.session() as session:
        assert len(history(session, "claim", claim["id"])) == 2
