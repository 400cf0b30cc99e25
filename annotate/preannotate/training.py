"""`claimtrail train`: a spaCy NER model fitted on what reviewers confirmed.

Only reviewer-confirmed mentions teach it (accepted, corrected, or added by a reviewer):
a model trained on raw rule output learns the rules' errors (nlp-probe.md, section 3).
Training examples are sentences holding at least one confirmed span; every confirmed
span in such a sentence is an entity, everything else in it is "not an entity", so a
rule candidate a reviewer rejected is taught as a non-entity.

The held-out evaluation decides where the model is used: per label, only where its
F1 beats the rules' on the same sentences by a margin. The model directory carries
its provenance (claimtrail.json): the ledger decisions it learned from, the ledger
head at training time, counts and scores. There is no model table in the record, so
the training itself is not a ledger decision; the file is the provenance.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import random
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from sqlalchemy import func, select
from sqlmodel import Session

from annotate.preannotate.evaluate import PRF
from annotate.preannotate.segment import segment, unwrap
from annotate.preannotate.textprep import normalise
from annotate.preannotate.trainconfig import EPOCHS, MARGIN, MIN_SUPPORT, SEED
from annotate.store.models import Decision, Document, DocumentText, Mention

HELD_OUT_SHARE = 5  # one document in five is held out
BATCH = 16
DROPOUT = 0.2


@dataclass(frozen=True)
class Sentence:
    document_id: int
    start: int  # offsets into the document text
    end: int
    text: str  # prepared text (same length as the span; see prepare)
    spans: tuple[tuple[int, int, str], ...]  # offsets into `text`
    seqs: tuple[int, ...]  # decisions that confirmed its spans


@dataclass
class Dataset:
    sentences: list[Sentence]
    mentions: int  # confirmed mentions read
    outside: int  # confirmed mentions in no sentence (headers trimmed away, etc.)
    rejected: int  # rejected mentions: never labelled


@dataclass
class Outcome:
    version: str
    path: Path
    trusted: list[str]
    model_scores: dict[str, PRF]
    rules_scores: dict[str, PRF]
    train_sentences: int
    held_out_sentences: int
    provenance: dict = field(default_factory=dict)


def prepare(text: str) -> str:
    """What the model reads: the rules' normalised, unwrapped text (offsets unchanged)."""
    return unwrap(normalise(text))


# --- training data ------------------------------------------------------------------


def confirmed_query():
    from annotate.preannotate.learning import CONFIRMED

    return select(Mention).where(Mention.status.in_(CONFIRMED) | (Mention.annotator.is_(None) & (Mention.status != "rejected")))


def collect(session: Session) -> Dataset:
    """Confirmed mentions grouped into the sentences of their documents."""
    mentions = list(session.scalars(confirmed_query()).all())
    rejected = session.execute(select(func.count()).select_from(Mention).where(Mention.status == "rejected")).scalar()
    seqs = _confirming_seqs(session)
    by_doc: dict[int, list[Mention]] = {}
    for m in mentions:
        by_doc.setdefault(m.document_id, []).append(m)
    sentences, outside = [], 0
    for doc_id in sorted(by_doc):
        found, missed = _sentences(session, doc_id, by_doc[doc_id], seqs)
        sentences += found
        outside += missed
    return Dataset(sentences, len(mentions), outside, rejected or 0)


def _confirming_seqs(session: Session) -> dict[int, int]:
    """Mention id -> the last decision on it (the one that made its current state)."""
    rows = session.execute(select(Decision.target_id, func.max(Decision.seq)).where(Decision.target_type == "mention").group_by(Decision.target_id))
    return dict(rows.all())


def _sentences(session: Session, doc_id: int, mentions: list[Mention], seqs: dict[int, int]) -> tuple[list[Sentence], int]:
    doc = session.get(Document, doc_id)
    text = prepare(session.get(DocumentText, doc.sha256).text)
    segs = segment(text)
    starts = [s.start for s in segs]
    grouped: dict[int, list[Mention]] = {}
    outside = 0
    for m in mentions:
        i = bisect.bisect_right(starts, m.start) - 1
        if i < 0 or m.start >= segs[i].end:
            outside += 1
            continue
        grouped.setdefault(i, []).append(m)
    out = []
    for i, ms in sorted(grouped.items()):
        start, end = segs[i].start, max(segs[i].end, *(m.end for m in ms))  # a span may run past a split
        spans = tuple(sorted({(m.start - start, m.end - start, m.label) for m in ms}))
        out.append(Sentence(doc_id, start, end, text[start:end], spans, tuple(sorted(seqs.get(m.id, 0) for m in ms))))
    return out, outside


def held_out(document_id: int) -> bool:
    """Deterministic split by document, so a document's sentences never straddle it."""
    return int(hashlib.sha256(str(document_id).encode()).hexdigest(), 16) % HELD_OUT_SHARE == 0


def split(sentences: list[Sentence]) -> tuple[list[Sentence], list[Sentence]]:
    train = [s for s in sentences if not held_out(s.document_id)]
    return train, [s for s in sentences if held_out(s.document_id)]


# --- fitting ------------------------------------------------------------------------


def _examples(nlp, sentences: list[Sentence]):
    """spaCy examples; spans widened to token edges, overlaps resolved to the longest."""
    from spacy.training import Example
    from spacy.util import filter_spans

    out = []
    for s in sentences:
        doc = nlp.make_doc(s.text)
        spans = [doc.char_span(a, b, label=label, alignment_mode="expand") for a, b, label in s.spans]
        kept = filter_spans([sp for sp in spans if sp is not None])
        out.append(Example.from_dict(doc, {"entities": [(sp.start_char, sp.end_char, sp.label_) for sp in kept]}))
    return out


def fit(train: list[Sentence], epochs: int = EPOCHS, seed: int = SEED, on_batch: Callable[[], None] | None = None):
    """A blank English pipeline with one `ner` component, trained on CPU."""
    import spacy
    from spacy.util import fix_random_seed, minibatch

    fix_random_seed(seed)
    nlp = spacy.blank("en")
    ner = nlp.add_pipe("ner")
    for label in sorted({label for s in train for _, _, label in s.spans}):
        ner.add_label(label)
    examples = _examples(nlp, train)
    optimizer = nlp.initialize(lambda: examples)
    order = random.Random(seed)
    for _ in range(epochs):
        order.shuffle(examples)
        for batch in minibatch(examples, size=BATCH):
            nlp.update(batch, drop=DROPOUT, sgd=optimizer, losses={})
            if on_batch:
                on_batch()
    return nlp


def batches(n_sentences: int, epochs: int) -> int:
    return epochs * -(-n_sentences // BATCH)


# --- evaluation ---------------------------------------------------------------------


def gold_spans(sentences: list[Sentence]) -> set[tuple[int, int, int, str]]:
    """(document, start, end, label) in document offsets."""
    return {(s.document_id, s.start + a, s.start + b, label) for s in sentences for a, b, label in s.spans}


def model_spans(nlp, sentences: list[Sentence]) -> set[tuple[int, int, int, str]]:
    found = set()
    for s, doc in zip(sentences, nlp.pipe(s.text for s in sentences)):
        found |= {(s.document_id, s.start + e.start_char, s.start + e.end_char, e.label_) for e in doc.ents}
    return found


def rules_spans(session: Session, sentences: list[Sentence], train: list[Sentence]) -> set[tuple[int, int, int, str]]:
    """The rules' candidates inside the held-out sentences. They know the names confirmed
    in the training documents (as the model does), not those of the held-out ones."""
    from annotate.preannotate.learning import LINKED_LABELS
    from annotate.preannotate.rules import RulesAnnotator
    from annotate.preannotate.store import document_input

    names = {s.text[a:b]: label for s in train for a, b, label in s.spans if label in LINKED_LABELS}
    rules = RulesAnnotator(extra_names=names)
    by_doc: dict[int, list[Sentence]] = {}
    for s in sentences:
        by_doc.setdefault(s.document_id, []).append(s)
    found = set()
    for doc_id, sents in by_doc.items():
        entities, _ = rules.annotate(document_input(session, session.get(Document, doc_id)))
        found |= {(doc_id, e.start, e.end, e.label) for e in entities if any(s.start <= e.start and e.end <= s.end for s in sents)}
    return found


def score(gold: set, predicted: set) -> dict[str, PRF]:
    """Per label and "ALL": exact span and label."""
    out: dict[str, PRF] = {}
    for item in gold | predicted:
        for name in (item[3], "ALL"):
            prf = out.setdefault(name, PRF())
            if item in gold and item in predicted:
                prf.tp += 1
            elif item in gold:
                prf.fn += 1
            else:
                prf.fp += 1
    return out


def trusted_labels(model: dict[str, PRF], rules: dict[str, PRF], margin: float = MARGIN, min_support: int = MIN_SUPPORT) -> list[str]:
    """Labels where the model measurably beats the rules: enough held-out gold, F1 ahead by `margin`."""
    out = []
    for label, m in sorted(model.items()):
        r = rules.get(label, PRF())
        support = m.tp + m.fn
        if label != "ALL" and support >= min_support and m.f1 - r.f1 >= margin - 1e-9:
            out.append(label)
    return out


# --- provenance and storage ---------------------------------------------------------


def version_of(sentences: list[Sentence], config: dict) -> str:
    blob = json.dumps({"examples": [(s.document_id, s.text, s.spans) for s in sentences], "config": config}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:12]


def provenance(session: Session, sentences: list[Sentence]) -> dict:
    seqs = sorted({q for s in sentences for q in s.seqs})
    head = session.execute(select(Decision.seq, Decision.hash).order_by(Decision.seq.desc()).limit(1)).first()
    return {
        "decisions": seqs,
        "decisions_sha256": hashlib.sha256(json.dumps(seqs).encode()).hexdigest(),
        "decision_range": [seqs[0], seqs[-1]] if seqs else None,
        "head": {"seq": head.seq, "hash": head.hash} if head else None,
    }


def _scores_json(scores: dict[str, PRF]) -> dict:
    return {label: {**asdict(p), "precision": round(p.precision, 4), "recall": round(p.recall, 4), "f1": round(p.f1, 4)} for label, p in sorted(scores.items())}


def save(nlp, home: Path, outcome: Outcome, counts: dict, config: dict) -> None:
    outcome.path.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(outcome.path)
    meta = {
        "name": "trained",
        "version": outcome.version,
        "config": config,
        "counts": counts,
        "provenance": outcome.provenance,
        "trusted_labels": outcome.trusted,
        "scores": {"model": _scores_json(outcome.model_scores), "rules": _scores_json(outcome.rules_scores)},
    }
    (outcome.path / "claimtrail.json").write_text(json.dumps(meta, indent=1, sort_keys=True), encoding="utf-8")
    if outcome.trusted:  # only a model that helps somewhere becomes the active one
        (home / "models" / "active.json").write_text(json.dumps({"version": outcome.version, "dir": outcome.path.name}))


def models_dir(home: Path) -> Path:
    return Path(home) / "models"


def train(
    session: Session,
    home: Path,
    dataset: Dataset,
    epochs: int = EPOCHS,
    seed: int = SEED,
    margin: float = MARGIN,
    min_support: int = MIN_SUPPORT,
    on_batch: Callable[[], None] | None = None,
) -> Outcome:
    """Fit, evaluate against the rules, decide the trusted labels, save with provenance."""
    import spacy

    train_set, held = split(dataset.sentences)
    config = {"epochs": epochs, "seed": seed, "batch": BATCH, "dropout": DROPOUT, "spacy": spacy.__version__, "margin": margin, "min_support": min_support}
    nlp = fit(train_set, epochs, seed, on_batch)
    gold = gold_spans(held)
    model_scores, rules_scores = score(gold, model_spans(nlp, held)), score(gold, rules_spans(session, held, train_set))
    version = version_of(dataset.sentences, config)
    outcome = Outcome(
        version,
        models_dir(home) / f"ner-{version}",
        trusted_labels(model_scores, rules_scores, margin, min_support),
        model_scores,
        rules_scores,
        len(train_set),
        len(held),
        provenance(session, dataset.sentences),
    )
    counts = {
        "sentences": {"train": len(train_set), "held_out": len(held)},
        "documents": {"train": len({s.document_id for s in train_set}), "held_out": len({s.document_id for s in held})},
        "confirmed_mentions": dataset.mentions,
        "outside_sentences": dataset.outside,
        "rejected_mentions_unlabelled": dataset.rejected,
        "spans_by_label": _label_counts(dataset.sentences),
    }
    save(nlp, home, outcome, counts, config)
    return outcome


def _label_counts(sentences: list[Sentence]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for s in sentences:
        for _, _, label in s.spans:
            counts[label] = counts.get(label, 0) + 1
    return dict(sorted(counts.items()))
