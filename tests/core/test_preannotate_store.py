"""Recording an annotator's candidates: decisions by the annotator, canonical entities, no re-runs."""

import pytest
from sqlmodel import select

from annotate.ingest.pipeline import ingest_paths
from annotate.preannotate import store
from annotate.preannotate.base import ClaimCandidate, DocumentInput, EntityCandidate
from annotate.preannotate.store import preannotate
from annotate.review.operations import Review
from annotate.store.ledger import history
from annotate.store.models import Claim, Decision, Entity, Mention

TEXT = "Officials in Kupyansk said the market reopened. Residents of Kupiansk confirmed it on Monday."


class SpellingAnnotator:
    """A tiny real annotator: marks the two spellings of one town and each sentence."""

    name, version = "spelling", "1.0"

    def annotate(self, doc: DocumentInput):
        entities = [
            EntityCandidate(doc.text.index(w), doc.text.index(w) + len(w), w, "GPE", 0.9, "gazetteer: town", "Kupiansk") for w in ("Kupyansk", "Kupiansk")
        ]
        first_end = doc.text.index(".") + 1
        claims = [
            ClaimCandidate(
                0, first_end, doc.text[:first_end], 0.8, "attribution: said", "Officials", None, "said", False, (), False, None, None, ("Kupiansk",)
            ),
        ]
        return entities, claims


def ingest_one(record, tmp_path):
    (tmp_path / "town.md").write_text(f"---\ntitle: Town\nsource: Riverside Post\npublished: 2024-03-04\n---\n{TEXT}")
    return ingest_paths(record.ledger, [str(tmp_path / "town.md")]).added[0]


def test_candidates_are_decisions_by_the_annotator_with_one_canonical_entity(record, tmp_path):
    doc_id = ingest_one(record, tmp_path)
    report = preannotate(record.ledger, SpellingAnnotator())
    assert (report.documents, report.mentions, report.claims, report.entities) == (1, 2, 1, 1)
    with record.session() as session:
        [entity] = session.exec(select(Entity)).all()
        mentions = session.exec(select(Mention)).all()
        [claim] = session.exec(select(Claim)).all()
        actors = {d.actor for d in session.exec(select(Decision).where(Decision.origin == "annotator"))}
        entity_history = [d["action"] for d in history(session, "entity", entity.id)]
    assert entity.name == "Kupiansk" and entity.aliases == ["Kupyansk"]
    assert {m.entity_id for m in mentions} == {entity.id}
    assert all(m.annotator == "spelling@1.0" and m.status == "candidate" for m in mentions)
    assert claim.entity_ids == [entity.id] and claim.published == "2024-03-04" and claim.document_id == doc_id
    assert actors == {"spelling@1.0"} and entity_history == ["entity.proposed"]


def test_a_document_is_annotated_once_per_annotator_version(record, tmp_path):
    ingest_one(record, tmp_path)
    preannotate(record.ledger, SpellingAnnotator())
    again = preannotate(record.ledger, SpellingAnnotator())
    assert (again.documents, again.skipped) == (0, 1)


def test_a_new_version_proposes_only_what_the_document_does_not_hold_and_never_what_a_reviewer_rejected(record, tmp_path):
    ingest_one(record, tmp_path)
    preannotate(record.ledger, SpellingAnnotator())
    with record.session() as session:
        first = session.exec(select(Mention).order_by(Mention.id)).first()
    Review(record, "reviewer", "cli").reject("mention", first.id, first.version, "not a town here")

    class Learned(SpellingAnnotator):
        version = "1.1"  # what it learned is in its version: it annotates every document again

        def annotate(self, doc: DocumentInput):
            entities, claims = super().annotate(doc)
            monday = doc.text.index("Monday")
            return [*entities, EntityCandidate(monday, monday + 6, "Monday", "DATE", 0.7, "date: weekday", None)], claims

    report = preannotate(record.ledger, Learned())
    assert (report.documents, report.mentions, report.claims, report.held) == (1, 1, 0, 3)  # only the date is new
    with record.session() as session:
        mentions = session.exec(select(Mention).order_by(Mention.id)).all()
        claims = session.exec(select(Claim)).all()
    assert [(m.text, m.status, m.annotator) for m in mentions] == [
        ("Kupyansk", "rejected", "spelling@1.0"),  # the reviewer's no stands: not proposed again
        ("Kupiansk", "candidate", "spelling@1.0"),
        ("Monday", "candidate", "spelling@1.1"),
    ]
    assert len(claims) == 1  # the same sentence is not a second claim to decide


def test_a_failing_annotator_is_reported_and_writes_nothing(record, tmp_path):
    class Broken(SpellingAnnotator):
        def annotate(self, doc):
            raise RuntimeError("model file missing")

    ingest_one(record, tmp_path)
    report = preannotate(record.ledger, Broken())
    assert report.documents == 0 and "model file missing" in report.failed[0]
    with record.session() as session:
        assert session.exec(select(Mention)).all() == []


def ingest_text(record, tmp_path, name: str, text: str) -> int:
    (tmp_path / name).write_text(f"---\ntitle: {name}\nsource: Riverside Post\npublished: 2024-03-05\n---\n{text}")
    return ingest_paths(record.ledger, [str(tmp_path / name)]).added[0]


def mention_entities(record, doc_id: int) -> set[int]:
    with record.session() as session:
        return {m.entity_id for m in session.exec(select(Mention).where(Mention.document_id == doc_id))}


def test_a_merge_made_between_runs_sends_the_next_documents_names_to_the_entity_kept(record, tmp_path):
    # the entity names are kept for the process and caught up from the ledger: a merge must be seen
    ingest_one(record, tmp_path)
    preannotate(record.ledger, SpellingAnnotator())
    second = ingest_text(record, tmp_path, "second.md", TEXT.replace("market", "bridge"))
    preannotate(record.ledger, SpellingAnnotator())  # this run knows the town by its names
    kept = Review(record, "lead", "cli", role="lead").add_mention(1, 0, 9, "ORG", "Kupiansk town council").state["entity_id"]
    with record.session() as session:
        town = session.exec(select(Entity).where(Entity.name == "Kupiansk")).one()
    Review(record, "lead", "cli", role="lead").merge(town.id, kept, town.version)
    later = ingest_text(record, tmp_path, "later.md", TEXT.replace("market", "school"))
    preannotate(record.ledger, SpellingAnnotator())
    assert mention_entities(record, second) == {town.id} and mention_entities(record, later) == {kept}


def test_a_batch_that_fails_after_proposing_an_entity_leaves_no_name_to_a_missing_entity(record, tmp_path, monkeypatch):
    doc_id = ingest_one(record, tmp_path)

    def crash(*_args):
        raise RuntimeError("the worker died mid-batch")

    monkeypatch.setattr(store, "_propose_claim", crash)  # after the mentions proposed the town
    with pytest.raises(RuntimeError):
        preannotate(record.ledger, SpellingAnnotator())
    monkeypatch.undo()
    preannotate(record.ledger, SpellingAnnotator())
    with record.session() as session:
        [entity] = session.exec(select(Entity)).all()
    assert mention_entities(record, doc_id) == {entity.id}
