"""`claimtrail train`: a model from reviewer-confirmed mentions, with its provenance.

The record is a small invented news wire: made-up people, towns and agencies, so the
rules' gazetteer does not know them. Training is real spaCy on a few dozen sentences.
"""

import hashlib
import json
import random

import pytest
from sqlalchemy import insert
from typer.testing import CliRunner

from annotate.cli import app
from annotate.preannotate import training
from annotate.preannotate.base import DocumentInput
from annotate.preannotate.contract import check_output
from annotate.preannotate.evaluate import PRF
from annotate.preannotate.model import CombinedAnnotator, TrainedAnnotator, latest_model, model_annotator
from annotate.preannotate.rules import RulesAnnotator
from annotate.preannotate.store import preannotate
from annotate.store.ledger import Change
from annotate.store.models import DocumentText
from tests.preannotate.test_contract import EDGE_CASES

PEOPLE = ["Maren Holt", "Tobias Verlaine", "Ilse Markov", "Dario Fenwick", "Oksana Pryde", "Lucas Ambrel"]
TOWNS = ["Brevnik", "Solvara", "Ostrel", "Kelmino", "Varda Hill", "Pelgorod"]
AGENCIES = ["Harbour Relief Agency", "Northern Water Board", "Civic Repair Office"]
TEMPLATES = [
    "{PERSON} told reporters in {GPE} that the bridge would reopen soon.",
    "However, the {ORG} said on Monday that {GPE} had lost power again.",
    "Engineers from the {ORG} reached {GPE} after {PERSON} asked for help.",
    "Residents of {GPE} said the market stayed quiet all week.",
    "{PERSON} of the {ORG} promised new pumps for {GPE}.",
]


def _sentence(rng: random.Random, template: str) -> tuple[str, list[tuple[int, int, str]]]:
    text, spans = "", []
    for piece in template.replace("{", "\0{").replace("}", "}\0").split("\0"):
        if piece.startswith("{"):
            label = piece[1:-1]
            name = rng.choice({"PERSON": PEOPLE, "GPE": TOWNS, "ORG": AGENCIES}[label])
            spans.append((len(text), len(text) + len(name), label))
            text += name
        else:
            text += piece
    return text, spans


def wire(n_docs: int, seed: int = 1) -> list[tuple[str, list[tuple[int, int, str]]]]:
    """Documents of four sentences each, with their true entity spans."""
    rng, docs = random.Random(seed), []
    for _ in range(n_docs):
        text, spans = "", []
        for template in rng.sample(TEMPLATES, 4):
            sentence, found = _sentence(rng, template)
            spans += [(a + len(text), b + len(text), label) for a, b, label in found]
            text += sentence + " "
        docs.append((text.strip(), spans))
    return docs


@pytest.fixture
def reviewed(record):
    """Store the wire; the rules propose its entities plus a bad "However" (GPE); a
    reviewer accepts the entities (adding the last of each document by hand) and
    rejects the bad ones. Returns the seqs of the confirming and the rejecting decisions."""
    docs = wire(30)
    with record.ledger.writer("cli", "cli") as w:
        doc_ids = []
        for i, (text, _) in enumerate(docs):
            sha = hashlib.sha256(text.encode()).hexdigest()
            w.session.execute(insert(DocumentText), [{"sha256": sha, "text": text}])
            doc_ids.append(w.apply(Change("document.ingested", "document", set={"sha256": sha, "file_name": f"w{i}.txt", "length": len(text)}))["id"])
    proposed, bad = [], []
    with record.ledger.writer("rules@0.2.0", "annotator") as w:
        for doc_id, (text, spans) in zip(doc_ids, docs):
            for a, b, label in spans[:-1]:
                proposed.append(w.apply(_mention(doc_id, text, a, b, label, "rules@0.2.0"))["id"])
            if "However" in text:
                a = text.index("However")
                bad.append(w.apply(_mention(doc_id, text, a, a + 7, "GPE", "rules@0.2.0"))["id"])
    confirmed, rejected = [], []
    with record.ledger.writer("alice", "ui") as w:
        for mention_id in proposed:
            w.apply(Change("mention.accepted", "mention", mention_id, {"status": "accepted"}))
            confirmed.append(w.seq)
        for doc_id, (text, spans) in zip(doc_ids, docs):
            w.apply(_mention(doc_id, text, *spans[-1], None, status="accepted", action="mention.added"))
            confirmed.append(w.seq)
        for mention_id in bad:
            w.apply(Change("mention.rejected", "mention", mention_id, {"status": "rejected"}))
            rejected.append(w.seq)
    return {"confirmed": confirmed, "rejected": rejected, "docs": docs}


def _mention(doc_id, text, a, b, label, annotator, status="candidate", action="mention.proposed") -> Change:
    return Change(
        action,
        "mention",
        set={
            "document_id": doc_id,
            "start": a,
            "end": b,
            "text": text[a:b],
            "label": label,
            "annotator": annotator,
            "status": status,
            "reason": "gaz.place: test",
        },
    )


def run_train(record, monkeypatch, *args):
    monkeypatch.setenv("CLAIMTRAIL_HOME", str(record.settings.home))
    result = CliRunner().invoke(app, ["train", "--db", record.settings.database_url, *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_too_few_confirmed_sentences_train_nothing(record, reviewed, monkeypatch):
    output = run_train(record, monkeypatch)
    assert "not enough confirmed annotations: 120 of 200 sentences" in output
    assert not (record.settings.home / "models").exists()


def test_a_model_records_the_decisions_it_learned_from(record, reviewed, monkeypatch):
    output = run_train(record, monkeypatch, "--min-sentences", "50", "--epochs", "4", "--min-support", "3")
    [path] = (record.settings.home / "models").glob("ner-*")
    meta = json.loads((path / "claimtrail.json").read_text())
    learned = meta["provenance"]["decisions"]
    assert learned == sorted(reviewed["confirmed"])
    assert not set(learned) & set(reviewed["rejected"])
    assert meta["provenance"]["head"]["seq"] == max(reviewed["rejected"])
    assert meta["provenance"]["decision_range"] == [min(learned), max(learned)]
    assert meta["counts"]["sentences"]["train"] + meta["counts"]["sentences"]["held_out"] == 120
    assert meta["counts"]["sentences"]["held_out"] > 0
    assert set(meta["scores"]["model"]) >= {"PERSON", "GPE", "ORG", "ALL"}
    assert f"ner-{meta['version']}" in output and path.name == f"ner-{meta['version']}"
    # Trusted somewhere: it is the active model; nowhere: it is saved but not used.
    assert (latest_model(record.settings.home) == path) == bool(meta["trusted_labels"])


def test_rejected_spans_are_taught_as_not_entities(record, reviewed):
    with record.session() as session:
        dataset = training.collect(session)
    labelled = {s.text[a:b] for s in dataset.sentences for a, b, _ in s.spans}
    assert "However" not in labelled and {"Brevnik", "Maren Holt"} <= labelled
    assert any(s.text.startswith("However") for s in dataset.sentences)
    assert dataset.rejected == len(reviewed["rejected"])


def test_the_model_annotators_name_the_model_in_every_candidate(record, reviewed, monkeypatch):
    run_train(record, monkeypatch, "--min-sentences", "50", "--epochs", "6")
    [path] = (record.settings.home / "models").glob("ner-*")
    _trust(path, ["GPE", "PERSON"])  # whatever the evaluation said: here we test the annotator
    model = TrainedAnnotator(path)
    doc = DocumentInput("Tobias Verlaine told reporters in Ostrel that the bridge would reopen soon.")
    entities, claims = model.annotate(doc)
    assert check_output(doc, entities, claims) == []
    assert entities and {e.label for e in entities} <= {"GPE", "PERSON"}
    assert all(e.reason.startswith(f"model.ner: ner-{model.version}") for e in entities)
    for edge in EDGE_CASES:  # the contract every annotator passes
        assert check_output(edge, *model.annotate(edge)) == []

    combined = model_annotator("rules+model", record.settings.home)
    assert isinstance(combined, CombinedAnnotator)
    assert combined.version == f"{RulesAnnotator().version}+ner-{model.version}"
    report = preannotate(record.ledger, combined)
    assert report.documents == 30 and not report.failed
    with record.session() as session:
        from sqlmodel import select

        from annotate.store.models import Mention

        made = session.exec(select(Mention).where(Mention.annotator == f"rules+model@{combined.version}")).all()
    assert any(m.reason.startswith("model.ner:") for m in made)


def _trust(path, labels) -> None:
    meta = json.loads((path / "claimtrail.json").read_text())
    meta["trusted_labels"] = labels
    (path / "claimtrail.json").write_text(json.dumps(meta))
    (path.parent / "active.json").write_text(json.dumps({"version": meta["version"], "dir": path.name}))


def _prf(tp, fp, fn) -> PRF:
    return PRF(tp, fp, fn)


def test_only_labels_where_the_model_measurably_beats_the_rules_are_trusted():
    model = {"PERSON": _prf(9, 1, 1), "GPE": _prf(8, 2, 2), "ORG": _prf(2, 0, 0), "DATE": _prf(10, 10, 10), "ALL": _prf(24, 8, 8)}
    rules = {"PERSON": _prf(6, 4, 4), "GPE": _prf(8, 2, 2), "ORG": _prf(0, 0, 2), "DATE": _prf(10, 11, 10)}
    # PERSON: 0.90 vs 0.60; GPE: a tie; ORG: ahead but on 2 spans; DATE: ahead by less than the margin.
    assert training.trusted_labels(model, rules, margin=0.02, min_support=5) == ["PERSON"]
    assert training.trusted_labels(model, rules, margin=0.02, min_support=2) == ["ORG", "PERSON"]
    assert training.trusted_labels(model, {}, margin=0.02, min_support=5) == ["DATE", "GPE", "PERSON"]


def test_the_split_is_by_document_and_repeatable():
    held = [i for i in range(1, 201) if training.held_out(i)]
    assert held == [i for i in range(1, 201) if training.held_out(i)]
    assert 20 <= len(held) <= 60
