"""Test factories: records built the way ingestion, pre-annotation and reviewers build them
(every write through the ledger), and the documents the pre-annotation tests read.

* `Desk`: documents and machine candidates written through the ledger; `Ledger`: what was written since a mark.
* `seed(record)`: the small Label Studio round-trip record (two documents, mentions, claims, a link).
* `sample(name)`, `corpus_document(path)`: annotator inputs from our samples or the shared corpus.
"""

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select

from annotate.preannotate.base import DocumentInput
from annotate.store.ledger import Change, decision_dict
from annotate.store.models import Decision, DocumentText

ANNOTATOR = "rules@0.1.0"


# --- records through the ledger ---------------------------------------------------------------


class Desk:
    """Documents and machine candidates, written as ingestion and pre-annotation write them."""

    def __init__(self, record):
        self.record, self.texts, self.publishers = record, {}, {}

    def apply(self, change: Change, actor: str = ANNOTATOR, origin: str = "annotator") -> dict:
        return self.record.ledger.record(actor, origin, change)[0]

    def document(
        self, text: str, title="A report", publisher: str | None = "Compass Wire", published="2023-03-01", url=None, boilerplate=(), file_name="report.md"
    ) -> int:
        sha = hashlib.sha256(text.encode()).hexdigest()
        with self.record.ledger.writer("cli", "cli") as w:
            if w.session.get(DocumentText, sha) is None:
                w.session.execute(insert(DocumentText), [{"sha256": sha, "text": text}])
            if publisher and publisher not in self.publishers:
                self.publishers[publisher] = w.apply(Change("publisher.added", "publisher", set={"name": publisher}))["id"]
            publisher_id = self.publishers.get(publisher)
            doc = w.apply(
                Change(
                    "document.ingested",
                    "document",
                    set={
                        "sha256": sha,
                        "file_name": file_name,
                        "title": title,
                        "publisher_id": publisher_id,
                        "url": url,
                        "published": published,
                        "length": len(text),
                        "boilerplate": list(boilerplate),
                    },
                )
            )
        self.texts[doc["id"]] = text
        return doc["id"]

    def claim(self, doc: int, quote: str, **fields) -> int:
        start = self.texts[doc].index(quote)
        values = {
            "document_id": doc,
            "start": start,
            "end": start + len(quote),
            "quote": quote,
            "annotator": ANNOTATOR,
            "score": 0.8,
            "reason": "attribution: said",
            **fields,
        }
        return self.apply(Change("claim.proposed", "claim", set=values))["id"]

    def entity(self, name: str, type: str = "GPE", **fields) -> int:
        return self.apply(Change("entity.proposed", "entity", set={"name": name, "type": type, **fields}))["id"]

    def mention(self, doc: int, text: str, label: str = "GPE", entity_id: int | None = None) -> int:
        start = self.texts[doc].index(text)
        values = {
            "document_id": doc,
            "start": start,
            "end": start + len(text),
            "text": text,
            "label": label,
            "entity_id": entity_id,
            "annotator": ANNOTATOR,
            "score": 0.9,
            "reason": "gazetteer: place",
        }
        return self.apply(Change("mention.proposed", "mention", set=values))["id"]


class Ledger:
    """What was written: decisions after a mark."""

    def __init__(self, record):
        self.record, self.mark_at = record, 0

    def head(self) -> int:
        with self.record.session() as s:
            return s.execute(select(func.max(Decision.seq))).scalar() or 0

    def mark(self) -> None:
        self.mark_at = self.head()

    def since(self) -> list[dict]:
        with self.record.session() as s:
            rows = s.execute(select(Decision.__table__).where(Decision.seq > self.mark_at).order_by(Decision.seq))
            return [decision_dict(r) for r in rows]

    def written(self) -> list[tuple]:
        return [(d["actor"], d["origin"], d["action"], d["target_id"]) for d in self.since()]


# --- the Label Studio round trip's record -------------------------------------------------------------

TEXTS = [
    "General Olena Hrytsenko of the 93rd Brigade said on 3 March 2023 that Russian forces had lost 40 tanks near Bakhmut. "
    "The Wagner Group denied that its units had withdrawn from the town.",
    "Kyiv officials reported that the road to Chasiv Yar remained open. Moscow claimed the last supply route was cut.",
]


@dataclass
class Seeded:
    record: object
    docs: list[int]
    texts: list[str]
    mentions: dict[str, int]  # by text
    claims: dict[str, int]  # by a short name
    link: int
    entities: dict[str, int]  # by name


def _span(text: str, quote: str) -> tuple[int, int]:
    start = text.index(quote)
    return start, start + len(quote)


def seed(record) -> Seeded:
    """Two documents with mentions of entities, three candidate claims with their claimants
    and the entities they are about, and one link, by rules@0.1.0 (as pre-annotation makes them)."""
    mentions, claims, docs, entities = {}, {}, [], {}
    with record.ledger.writer("cli", "cli") as w:
        for i, text in enumerate(TEXTS):
            sha = hashlib.sha256(text.encode()).hexdigest()
            w.session.execute(insert(DocumentText), [{"sha256": sha, "text": text}])
            docs.append(
                w.apply(
                    Change(
                        "document.ingested",
                        "document",
                        set={
                            "sha256": sha,
                            "file_name": f"report-{i}.txt",
                            "title": f"Report {i}",
                            "published": "2023-03-0" + str(4 + i),
                            "length": len(text),
                        },
                    )
                )["id"]
            )
    with record.ledger.writer(ANNOTATOR, "annotator") as w:
        for doc, text, label, quote in [
            (0, TEXTS[0], "PERSON", "Olena Hrytsenko"),
            (0, TEXTS[0], "MILITARY_UNIT", "93rd Brigade"),
            (0, TEXTS[0], "DATE", "3 March 2023"),
            (0, TEXTS[0], "GPE", "Bakhmut"),
            (0, TEXTS[0], "ORG", "Wagner Group"),
            (1, TEXTS[1], "GPE", "Kyiv"),
        ]:
            start, end = _span(text, quote)
            if label != "DATE":
                entities[quote] = w.apply(Change("entity.proposed", "entity", set={"name": quote, "type": label}))["id"]
            mentions[quote] = w.apply(
                Change(
                    "mention.proposed",
                    "mention",
                    set={
                        "document_id": docs[doc],
                        "start": start,
                        "end": end,
                        "text": quote,
                        "label": label,
                        "entity_id": entities.get(quote),
                        "annotator": ANNOTATOR,
                        "score": 0.8,
                        "reason": "test: seeded",
                    },
                )
            )["id"]
        for name, doc, quote, claimant, said_by, about in [
            ("tanks", 0, "Russian forces had lost 40 tanks near Bakhmut", "General Olena Hrytsenko", "Olena Hrytsenko", ["Bakhmut"]),
            ("withdrawn", 0, "its units had withdrawn from the town", "The Wagner Group", "Wagner Group", ["Wagner Group"]),
            ("road", 1, "the road to Chasiv Yar remained open", "Kyiv officials", "Kyiv", []),
        ]:
            start, end = _span(TEXTS[doc], quote)
            claims[name] = w.apply(
                Change(
                    "claim.proposed",
                    "claim",
                    set={
                        "document_id": docs[doc],
                        "start": start,
                        "end": end,
                        "quote": quote,
                        "annotator": ANNOTATOR,
                        "claimant": claimant,
                        "claimant_entity_id": entities[said_by],
                        "entity_ids": [entities[e] for e in about],
                        "score": 0.7,
                        "reason": "test: seeded",
                        "published": "2023-03-04",
                    },
                )
            )["id"]
        link = w.apply(Change("link.created", "link", set={"a_id": claims["tanks"], "b_id": claims["withdrawn"], "relation": "contradicts"}))["id"]
    return Seeded(record, docs, TEXTS, mentions, claims, link, entities)


# --- annotator inputs ------------------------------------------------------------------------------

PREANNOTATE = Path(__file__).parent / "preannotate"
SAMPLES = PREANNOTATE / "samples"
GOLD = PREANNOTATE / "gold" / "samples.jsonl"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def sample(name: str) -> DocumentInput:
    """One of our own sample documents, with its metadata and boilerplate."""
    text = (SAMPLES / name).read_text(encoding="utf-8")
    meta = json.loads((SAMPLES / "meta.json").read_text(encoding="utf-8"))[name]
    boilerplate = ()
    if "boilerplate_from" in meta:
        boilerplate = ((text.index(meta["boilerplate_from"]), len(text)),)
    return DocumentInput(text, published=meta["published"], publisher=meta["publisher"], boilerplate=boilerplate)


def sample_names() -> list[str]:
    return sorted(p.name for p in SAMPLES.glob("*.txt"))


def corpus_document(relative: str, **meta) -> DocumentInput:
    """A shared-corpus file as ingestion would hand it over: front matter removed."""
    path = CORPUS / relative
    if not path.exists():
        pytest.skip(f"shared corpus not available: {path}")
    text = path.read_text(encoding="utf-8")
    if text.startswith("---\n"):
        end = text.index("\n---\n", 4)
        for line in text[4:end].splitlines():
            key, _, value = line.partition(": ")
            if key == "published":
                meta.setdefault("published", value.strip())
        text = text[end + 5 :]
    return DocumentInput(text, **meta)


def by_text(cands, text: str):
    """The candidates whose text is exactly `text`."""
    return [c for c in cands if c.text == text]


def claim_containing(claims, fragment: str):
    hits = [c for c in claims if fragment in c.text]
    assert hits, f"no claim contains {fragment!r}"
    return hits[0]


def written_dates_only(record: dict) -> dict:
    """A candidates record with inferred event dates blanked: for gold made before event dates
    were inferred, where null means "the text writes no date"."""
    claims = [{**c, "event_date": None} if c.get("event_date_inferred") else c for c in record["claims"]]
    return {**record, "claims": claims}
