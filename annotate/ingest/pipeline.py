"""Ingestion into the record: read files, deduplicate, version, mark boilerplate, decide.

Every document becomes a `document.ingested` decision; an older document whose
paragraphs turn out to be shared boilerplate gets a `document.boilerplate_marked` one.
"""

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Iterable

from sqlalchemy import func, insert, select
from sqlmodel import Session

from annotate.ingest.boilerplate import boilerplate_spans, paragraphs
from annotate.ingest.readers import read_paths
from annotate.ingest.source import ReadError, SourceDocument
from annotate.ledger import Change, Ledger, Writer, utc_now
from annotate.models import Document, DocumentText, ParagraphHash, Publisher

BATCH = 200  # documents per transaction: one ledger transaction per batch


@dataclass
class IngestReport:
    added: list[int] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)  # same text already stored
    new_versions: list[int] = field(default_factory=list)
    errors: list[ReadError] = field(default_factory=list)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def ingest_paths(
    ledger: Ledger,
    paths: list[str],
    actor: str = "cli",
    origin: str = "cli",
    on_item: Callable[[SourceDocument | ReadError], None] | None = None,
) -> IngestReport:
    report = IngestReport()
    batch: list[SourceDocument] = []
    for item in read_paths(paths):
        if on_item:
            on_item(item)
        if isinstance(item, ReadError):
            report.errors.append(item)
            continue
        batch.append(item)
        if len(batch) >= BATCH:
            ingest_documents(ledger, batch, actor, origin, report)
            batch = []
    if batch:
        ingest_documents(ledger, batch, actor, origin, report)
    return report


def ingest_documents(ledger: Ledger, docs: Iterable[SourceDocument], actor: str, origin: str, report: IngestReport) -> None:
    """One transaction for the batch: all its documents go in, or none does."""
    with ledger.writer(actor, origin) as writer:
        batch = _Batch(writer)
        fresh = [doc for doc in docs if batch.is_new(doc, report)]
        batch.count_paragraphs(fresh)
        for doc in fresh:
            batch.add(doc, report)
        batch.store_paragraphs()
        batch.mark_shared_boilerplate()


class _Batch:
    def __init__(self, writer: Writer):
        self.writer, self.session = writer, writer.session
        self.seen: set[str] = set()
        self.in_batch: Counter[str] = Counter()  # paragraph hash -> documents of this batch holding it
        self.pending: list[dict] = []  # ParagraphHash rows, stored once the whole batch is decided
        self.new_ids: set[int] = set()

    def is_new(self, doc: SourceDocument, report: IngestReport) -> bool:
        """False for a text already stored (re-ingesting is a no-op) or already in this batch."""
        sha = sha256_text(doc.text)
        if sha in self.seen or self.session.execute(select(Document.id).where(Document.sha256 == sha)).first():
            report.unchanged.append(doc.file_name)
            return False
        self.seen.add(sha)
        return True

    def count_paragraphs(self, docs: list[SourceDocument]) -> None:
        for doc in docs:
            self.in_batch.update({p.hash for p in paragraphs(doc.text)})

    def add(self, doc: SourceDocument, report: IngestReport) -> None:
        sha = sha256_text(doc.text)
        if self.session.get(DocumentText, sha) is None:
            self.session.execute(insert(DocumentText), [{"sha256": sha, "text": doc.text}])
        previous = self._previous_version(doc)
        pars = paragraphs(doc.text)
        stored = self._frequencies(pars)
        frequency = {h: n + self.in_batch[h] - 1 for h, n in stored.items()}  # other documents only
        state = self.writer.apply(
            Change(
                "document.ingested",
                "document",
                set={
                    "sha256": sha, "file_name": doc.file_name, "path": doc.path, "format": doc.format,
                    "title": doc.title, "publisher_id": self._publisher_id(doc.publisher), "url": doc.url,
                    "published": doc.published, "inferred": doc.inferred, "meta": doc.meta,
                    "length": len(doc.text), "ingested_at": utc_now(), "previous_id": previous,
                    "boilerplate": boilerplate_spans(doc.text, frequency.get),
                },  # fmt: skip
                rationale=f"read from {doc.path}",
            )
        )
        self.pending += [{"hash": h, "document_id": state["id"]} for h in {p.hash for p in pars}]
        self.new_ids.add(state["id"])
        report.added.append(state["id"])
        if previous:
            report.new_versions.append(state["id"])

    def _frequencies(self, pars: list, exclude: int | None = None) -> dict[str, int]:
        """In how many stored documents (this batch's included) each paragraph appears."""
        query = (
            select(ParagraphHash.hash, func.count())
            .where(ParagraphHash.hash.in_({p.hash for p in pars}), ParagraphHash.document_id != (exclude or 0))
            .group_by(ParagraphHash.hash)
        )
        counts = dict(self.session.execute(query).all())
        return {p.hash: counts.get(p.hash, 0) for p in pars}

    def _previous_version(self, doc: SourceDocument) -> int | None:
        """A changed text at the same URL (or, without one, the same path) is a new version."""
        key = Document.url == doc.url if doc.url else Document.path == doc.path
        self.writer.flush()
        return self.session.execute(select(func.max(Document.id)).where(key)).scalar()

    def _publisher_id(self, name: str | None) -> int | None:
        if not name:
            return None
        self.writer.flush()
        found = self.session.execute(select(Publisher.id).where(Publisher.name == name)).scalar()
        if found:
            return found
        return self.writer.apply(Change("publisher.added", "publisher", set={"name": name}))["id"]

    def store_paragraphs(self) -> None:
        if self.pending:
            self.session.execute(insert(ParagraphHash), self.pending)

    def mark_shared_boilerplate(self) -> None:
        """Older documents that share paragraphs with this batch may now have boilerplate."""
        if not self.in_batch:
            return
        self.writer.flush()
        shared = select(ParagraphHash.document_id).where(ParagraphHash.hash.in_(set(self.in_batch))).distinct()
        for doc_id in sorted(set(self.session.execute(shared).scalars()) - self.new_ids):
            self._remark(doc_id)

    def _remark(self, doc_id: int) -> None:
        doc = self.writer.get("document", doc_id)
        text = self.session.get(DocumentText, doc["sha256"]).text
        spans = boilerplate_spans(text, self._frequencies(paragraphs(text), exclude=doc_id).get)
        if spans != doc["boilerplate"]:
            self.writer.apply(
                Change(
                    "document.boilerplate_marked",
                    "document",
                    doc_id,
                    set={"boilerplate": spans},
                    rationale="paragraphs repeated in newly ingested documents",
                )
            )


def document_text(session: Session, document: Document | dict) -> str:
    sha = document["sha256"] if isinstance(document, dict) else document.sha256
    return session.get(DocumentText, sha).text
