"""Replaying a ledger written before a column existed: the fold reads old decisions in today's
shape (annotate/store/upcast.py), and the chain of old decisions still verifies."""

import json

import pytest
from sqlalchemy import insert, select

from annotate.store.ledger import GENESIS, canonical, decision_hash, rebuild, state_as_of
from annotate.store.models import Claim, Decision
from annotate.store.upcast import STATE_SCHEMA, UPCASTERS, upcast
from annotate.store.verify import verify


def old_ledger(record, states: list[dict]) -> None:
    """Decisions as an older Claimtrail wrote them: no state_schema, claim states of another shape."""
    prev, rows = GENESIS, []
    for seq, state in enumerate(states, 1):
        row = {
            "seq": seq,
            "at": f"2023-01-0{seq}T00:00:00.000000+00:00",
            "actor": "old@0.1",
            "origin": "annotator",
            "action": "claim.proposed",
            "target_type": "claim",
            "target_id": seq,
            "target_version": 1,
            "rationale": "",
            "idempotency_key": None,
            "before": "null",
            "after": canonical(state),
            "evidence": "[]",
        }
        row["prev_hash"], row["hash"] = prev, decision_hash(prev, row)  # hashed as before the schema was recorded
        prev = row["hash"]
        rows.append(row)
    with record.engine.begin() as conn:
        conn.execute(insert(Decision.__table__), rows)


def claim_then(quote: str, **extra) -> dict:
    """A claim's state as written before `hedges`, `reason` and `score` existed, with a column since dropped."""
    return {
        "document_id": 1,
        "start": 0,
        "end": len(quote),
        "quote": quote,
        "claimant": "the mayor",
        "status": "candidate",
        "entity_ids": [],
        "hedged": False,
        "negated": False,
        **extra,
    }


def test_rebuild_replays_decisions_written_before_a_column_existed(record):
    old_ledger(record, [claim_then("the bridge reopened", retired_column="x"), claim_then("the port closed")])
    counts = rebuild(record.engine)
    assert counts["claim"] == 2
    with record.session() as session:
        rows = session.execute(select(Claim).order_by(Claim.id)).scalars().all()
    assert [r.quote for r in rows] == ["the bridge reopened", "the port closed"]
    assert rows[0].hedges == [] and rows[0].reason is None and rows[0].score is None  # today's defaults
    assert rows[0].claimant == "the mayor"


def test_old_decisions_verify_and_read_as_of_in_todays_shape(record):
    old_ledger(record, [claim_then("the bridge reopened", retired_column="x")])
    rebuild(record.engine)
    assert verify(record.engine, None, [], check_state=True).ok
    with record.session() as session:
        ((kind, state),) = list(state_as_of(session, 1))
    assert kind == "claim" and "retired_column" not in state and state["hedges"] == []


def test_new_decisions_record_their_schema_and_its_number_is_hashed(record):
    from annotate.store.ledger import Change

    record.ledger.record("alice", "cli", Change("claim.proposed", "claim", set={"document_id": 1, "start": 0, "end": 4, "quote": "text"}))
    with record.session() as session:
        row = session.execute(select(Decision)).scalar_one()
    assert row.state_schema == STATE_SCHEMA
    tampered = {**row.model_dump(), "state_schema": 1}
    assert decision_hash(row.prev_hash, tampered) != row.hash  # changing it breaks the chain


def test_an_upcaster_runs_for_decisions_older_than_its_version(monkeypatch):
    """A rename a default cannot express: the registered step turns the old field into the new."""

    def rename(state: dict) -> dict:
        state = dict(state)
        state["reporting_verb"] = state.pop("verb", None)
        return state

    monkeypatch.setitem(UPCASTERS, ("claim", 1), rename)
    old = upcast("claim", claim_then("the port closed", verb="announced"), 1)
    assert old["reporting_verb"] == "announced" and "verb" not in old
    current = upcast("claim", {**claim_then("the port closed"), "reporting_verb": "said"}, STATE_SCHEMA)
    assert current["reporting_verb"] == "said"  # written in today's schema: no step applies


@pytest.mark.parametrize("schema", [None, 1])
def test_a_state_in_todays_shape_is_returned_as_it_is(schema):
    state = upcast("claim", claim_then("x"), schema)
    assert json.loads(canonical(state))["quote"] == "x"
