"""Forked annotators on every core record exactly what one process records; one that dies costs nothing."""

import multiprocessing
import os
from pathlib import Path

import pytest
from sqlalchemy import text

from annotate.config import Settings
from annotate.ingest.pipeline import ingest_paths
from annotate.preannotate import processes, store
from annotate.preannotate.registry import get_annotator
from annotate.preannotate.store import preannotate
from annotate.store.record import Record

REPORTS = Path(__file__).resolve().parents[2] / "examples" / "reports"


@pytest.fixture
def forking(monkeypatch):
    """Fork whatever the count, and whatever threads earlier tests left here (a command has none)."""
    if len(os.sched_getaffinity(0)) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("forked annotators need a second core and fork")
    monkeypatch.setattr(processes, "MIN_DOCUMENTS", 1)
    monkeypatch.setattr(processes, "spare_core", lambda: True)


def stored(home: Path, forked: bool) -> tuple[list, list, list]:
    record = Record.init(Settings(home=home))
    added = ingest_paths(record.ledger, [str(REPORTS)]).added
    annotator = get_annotator("rules")
    with processes.annotating_processes(annotator, 10**6 if forked else 0) as pool:
        assert (pool is not None) == forked
        report = preannotate(record.ledger, annotator, pool=pool)
    assert report.documents == len(added) > 10 and not report.failed
    with record.engine.connect() as conn:
        claims = conn.execute(
            text('SELECT document_id, start, "end", quote, claimant, event_date, hedged, negated, entity_ids, annotator FROM claim ORDER BY id')
        ).all()
        mentions = conn.execute(text('SELECT document_id, start, "end", label, text, entity_id FROM mention ORDER BY id')).all()
        decisions = conn.execute(text("SELECT action, target_type, target_id, target_version FROM decision ORDER BY seq")).all()
    record.engine.dispose()
    return claims, mentions, decisions


def test_forked_annotators_record_the_same_candidates_in_the_same_order(tmp_path, forking):
    here = stored(tmp_path / "here", forked=False)
    forked = stored(tmp_path / "forked", forked=True)
    claims, mentions, decisions = forked
    assert len(claims) > 20 and len(mentions) > 100
    assert forked == here


def test_an_annotator_that_dies_leaves_its_documents_to_this_process(tmp_path, forking, monkeypatch):
    monkeypatch.setattr(processes, "annotate", die_on_the_kupiansk_report)
    monkeypatch.setattr(store, "BATCH", 2)  # chunks handed out after the death too
    assert any("Kupiansk" in p.read_text(encoding="utf-8") for p in REPORTS.iterdir())
    claims, mentions, _ = stored(tmp_path / "dying", forked=True)
    assert stored(tmp_path / "here", forked=False)[:2] == (claims, mentions)


def die_on_the_kupiansk_report(document):
    if "Kupiansk" in document.text:
        os._exit(1)  # as a kill would: no exception, no clean-up
    return processes._ANNOTATOR.annotate(document)


def test_claims_are_encoded_here_when_the_processes_are_gone(forking):
    texts = ["The port reopened on Monday.", "Officials said the ferry resumed service.", "Grain exports rose in May."]
    with processes.annotating_processes(get_annotator("rules"), 10**6) as pool:
        encode = processes.encoding(pool)
        spread = encode(texts)
        for process in list(pool._processes.values()):  # as a kill would
            process.kill()
            process.join()
        alone = encode(texts)
    assert spread.shape == (3, 384) and float(abs(spread - alone).max()) < 1e-5
