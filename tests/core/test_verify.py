"""Tamper evidence: `audit verify` names the first altered, deleted, inserted or reordered decision."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from annotate.store.checkpoints import Signer, file_checkpoints, load_public_key, stored_checkpoints
from annotate.store.ledger import Change, decision_hash
from annotate.store.models import Decision
from annotate.store.verify import verify


def fill(record, n=12):
    with record.ledger.writer("rules@1", "annotator") as writer:
        for i in range(n):
            writer.apply(Change("claim.proposed", "claim", set={"document_id": 1, "start": i, "end": i + 5, "quote": f"claim {i}"}))
    record.ledger.checkpoint()


@pytest.fixture
def raw(intruder):
    """Run SQL as an intruder would: around the ledger, with its guard triggers out of the way."""

    def run(record, sql, **params):
        with intruder(record) as conn:
            conn.execute(text(sql), params)

    return run


def run_verify(record):
    settings_ = record.settings
    with record.session() as session:
        checkpoints = stored_checkpoints(session) + file_checkpoints(settings_.checkpoint_file)
    return verify(record.engine, load_public_key(settings_.resolved_key_file), checkpoints)


def test_an_untouched_ledger_verifies(record):
    fill(record)
    report = run_verify(record)
    assert report.ok and report.size == 12 and report.checkpoints_checked == 2


def test_the_database_refuses_updates_and_deletes_of_decisions(record):
    fill(record, 2)
    for sql in ("UPDATE decision SET actor = 'mallory'", "DELETE FROM decision"):
        try:
            with record.engine.begin() as conn:
                conn.execute(text(sql))
        except Exception as refused:
            assert "append-only" in str(refused)
        else:
            raise AssertionError(f"{sql} was allowed")


def test_deleting_a_middle_decision_is_named(record, raw):
    fill(record)
    raw(record, "DELETE FROM decision WHERE seq = 5")
    assert run_verify(record).problems[0].startswith("decision 6: decisions 5–5 are missing")


def test_rehashed_edit_is_caught_at_the_next_decision(record, raw):
    fill(record)
    with record.engine.connect() as conn:
        row = dict(conn.execute(text("SELECT * FROM decision WHERE seq = 4")).mappings().one())
    row["actor"] = "mallory"
    raw(record, "UPDATE decision SET actor = 'mallory', hash = :h WHERE seq = 4", h=decision_hash(row["prev_hash"], row))
    assert run_verify(record).problems[0].startswith("decision 5: does not follow decision 4")


def test_swapping_two_decisions_is_named(record, raw):
    fill(record)
    raw(record, "UPDATE decision SET seq = -1 WHERE seq = 3")
    raw(record, "UPDATE decision SET seq = 3 WHERE seq = 4")
    raw(record, "UPDATE decision SET seq = 4 WHERE seq = -1")
    assert run_verify(record).problems[0].startswith("decision 3: does not follow decision 2")


def test_a_rewritten_tail_is_caught_by_the_signed_checkpoint(record, raw):
    fill(record)
    raw(record, "DELETE FROM decision WHERE seq > 8")
    problems = run_verify(record).problems
    assert any("decisions 9–12 were removed" in p for p in problems)


def test_a_checkpoint_signed_with_another_key_is_refused(record, tmp_path):
    fill(record)
    from annotate.store.checkpoints import create_key

    create_key(tmp_path / "other.key")
    forged = Signer(tmp_path / "other.key", tmp_path / "forged.jsonl")
    forged.export(forged.sign(12, "f" * 64))
    checkpoints = file_checkpoints(tmp_path / "forged.jsonl")
    report = verify(record.engine, load_public_key(record.settings.resolved_key_file), checkpoints)
    assert "signature does not verify" in report.problems[0]


def test_editing_a_state_table_around_the_ledger_is_drift(record):
    fill(record, 3)
    with record.engine.begin() as conn:
        conn.execute(text("UPDATE claim SET status = 'accepted' WHERE id = 2"))
    assert run_verify(record).problems == ["claim 2: differs from what its decisions say"]


COLUMNS = ["at", "actor", "origin", "action", "target_type", "target_id", "target_version", "before", "after", "rationale", "evidence", "prev_hash", "hash"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    seq=st.integers(1, 12),
    column=st.sampled_from(COLUMNS),
    junk=st.text(st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), min_size=1, max_size=8),
)
def test_altering_any_field_of_any_decision_names_that_decision(record, raw, seq, column, junk):
    if not hasattr(record, "_filled"):
        fill(record)
        record._filled = True
    with record.engine.connect() as conn:
        original = conn.execute(text(f"SELECT {column} FROM decision WHERE seq = :s"), {"s": seq}).scalar_one()
    altered = original + 1000 if isinstance(original, int) else original + junk
    raw(record, f"UPDATE decision SET {column} = :v WHERE seq = :s", v=altered, s=seq)
    try:
        problems = run_verify(record).problems
        assert problems and problems[0].startswith(f"decision {seq}:"), problems
    finally:
        raw(record, f"UPDATE decision SET {column} = :v WHERE seq = :s", v=original, s=seq)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seq=st.integers(1, 12))
def test_deleting_any_one_decision_names_it(record, raw, seq):
    if not hasattr(record, "_filled"):
        fill(record)
        record._filled = True
    with record.engine.connect() as conn:
        row = dict(conn.execute(text("SELECT * FROM decision WHERE seq = :s"), {"s": seq}).mappings().one())
    raw(record, "DELETE FROM decision WHERE seq = :s", s=seq)
    try:
        problems = run_verify(record).problems
        named = f"decisions {seq}–{seq}" if seq < 12 else "decisions 12–12 were removed"
        assert problems and named in problems[0], problems
    finally:
        with record.engine.begin() as conn:
            conn.execute(Decision.__table__.insert(), [row])


def test_parallel_ranges_report_what_one_walk_reports(record, raw):
    fill(record, 40)
    assert verify(record.engine, workers=3).ok and verify(record.engine, workers=3).size == 40
    raw(record, "DELETE FROM decision WHERE seq = 14")  # the first decision of the second range
    raw(record, "UPDATE decision SET actor = 'mallory' WHERE seq = 30")
    serial, parallel = verify(record.engine, workers=1), verify(record.engine, workers=3)
    assert serial.problems == parallel.problems == ["decision 15: decisions 14–14 are missing (deleted)"]
