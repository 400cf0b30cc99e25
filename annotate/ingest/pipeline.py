"""Ingestion into the record: read files, deduplicate, version, mark boilerplate, decide.

Every document becomes a `document.ingested` decision; an older document whose
paragraphs turn out to be shared boilerplate gets a `document.boilerplate_marked` one.
"""

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError, StatementError
from sqlmodel import Session

from annotate.errors import Busy, ClaimtrailError
from annotate.ingest.boilerplate import Paragraph, boilerplate_spans, paragraphs
from annotate.ingest.readahead import read_files
from annotate.ingest.readers import expand_paths
from annotate.ingest.source import ReadError, SourceDocument, sha256_text
from annotate.store.bulk import insert_dicts
from annotate.store.ledger import Change, Ledger, Writer, utc_now
from annotate.store.models import Document, DocumentText, ParagraphHash, Publisher

BATCH = 200  # documents decided together (look-ups, boilerplate counts); a refused one is retried alone
GROUP = 10  # batches per transaction: fewer, larger commits write each index page fewer times
REFUSED = (ClaimtrailError, DBAPIError, StatementError, ValueError)  # the database, or a check, refused a document


@dataclass
class IngestReport:
    added: list[int] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)  # same text already stored
    new_versions: list[int] = field(default_factory=list)
    errors: list[ReadError] = field(default_factory=list)


def ingest_paths(
    ledger: Ledger,
    paths: list[str],
    actor: str = "cli",
    origin: str = "cli",
    on_item: Callable[[SourceDocument | ReadError], None] | None = None,
) -> IngestReport:
    return ingest_items(ledger, read_files(expand_paths(paths)), actor, origin, on_item)


def ingest_items(
    ledger: Ledger,
    items: Iterable[SourceDocument | ReadError],
    actor: str = "cli",
    origin: str = "cli",
    on_item: Callable[[SourceDocument | ReadError], None] | None = None,
) -> IngestReport:
    """What ingest_paths does, for documents read elsewhere (an upload: annotate/jobs)."""
    report = IngestReport()
    docs: list[SourceDocument] = []
    for item in items:
        if on_item:
            on_item(item)
        if isinstance(item, ReadError):
            report.errors.append(item)
            continue
        docs.append(item)
        if len(docs) >= BATCH * GROUP:
            _ingest_group(ledger, docs, actor, origin, report, on_item)
            docs = []
    if docs:
        _ingest_group(ledger, docs, actor, origin, report, on_item)
    return report


def _ingest_group(ledger: Ledger, docs: list[SourceDocument], actor: str, origin: str, report: IngestReport, on_item=None) -> None:
    """Batches of BATCH documents in one transaction, each decided as if committed alone (the
    same decisions, in the same order); if the database refuses any, batch by batch."""
    batches = [docs[i : i + BATCH] for i in range(0, len(docs), BATCH)]
    if len(batches) > 1:
        try:
            _ingest_counted(ledger, batches, actor, origin, report)
            return
        except Busy:
            raise
        except REFUSED:
            pass  # rolled back whole: the batches on their own find the document it refused
    for batch in batches:
        _ingest_batch(ledger, batch, actor, origin, report, on_item)


def _ingest_batch(ledger: Ledger, batch: list[SourceDocument], actor: str, origin: str, report: IngestReport, on_item=None) -> None:
    """The batch in one transaction; if the database refuses it, each document in its own, so
    the one it refuses is named (file, line, reason) and the rest still go in (issue 13, finding 3)."""
    try:
        _ingest_counted(ledger, [batch], actor, origin, report)
        return
    except Busy:
        raise  # the record is busy, not the document: nothing to isolate
    except REFUSED:
        if len(batch) == 1:
            raise
    for doc in batch:
        try:
            _ingest_counted(ledger, [[doc]], actor, origin, report)
        except Busy:
            raise
        except REFUSED as e:
            error = ReadError(doc.path, f"refused by the database: {_reason(e)}", doc.line)
            report.errors.append(error)
            if on_item:
                on_item(error)


def _ingest_counted(ledger: Ledger, batches: list[list[SourceDocument]], actor: str, origin: str, report: IngestReport) -> None:
    """The batches in one transaction, counted in the report only once it committed."""
    part = IngestReport()
    with ledger.writer(actor, origin) as writer:
        for batch in batches:
            decide_documents(writer, batch, part)
    report.added += part.added
    report.unchanged += part.unchanged
    report.new_versions += part.new_versions


def _reason(error: Exception) -> str:
    original = getattr(error, "orig", None) or error
    return str(original).splitlines()[0][:300]


def decide_documents(writer: Writer, docs: Iterable[SourceDocument], report: IngestReport) -> None:
    """A batch's decisions, written out (not committed): what follows in the transaction sees them."""
    batch = _Batch(writer)
    hashed = [(doc.sha256 or sha256_text(doc.text), doc) for doc in docs]
    batch.look_up(hashed)
    fresh = [(sha, doc) for sha, doc in hashed if batch.is_new(sha, doc, report)]
    batch.count_paragraphs(fresh)
    for sha, doc in fresh:
        batch.add(sha, doc, report)
    batch.store_paragraphs()
    batch.mark_shared_boilerplate()
    writer.flush()


class _Batch:
    def __init__(self, writer: Writer):
        self.writer, self.session = writer, writer.session
        self.seen: set[str] = set()  # text hashes stored before or earlier in this batch
        self.texts: set[str] = set()  # text hashes whose text is stored
        self.new_texts: list[dict] = []
        self.latest: dict[tuple[str, str], int] = {}  # ("url" | "path", value) -> newest stored document
        self.pars: dict[str, list[Paragraph]] = {}  # by text sha256, computed once
        self.in_batch: Counter[str] = Counter()  # paragraph hash -> documents of this batch holding it
        self.stored: dict[str, int] = {}  # paragraph hash -> stored documents holding it before the batch
        self.pending: list[dict] = []  # ParagraphHash rows, stored once the whole batch is decided
        self.publishers: dict[str, int] = {}

    def look_up(self, hashed: list[tuple[str, SourceDocument]]) -> None:
        """What is stored already, for the whole batch at once: texts, and earlier versions by URL or path."""
        session = self.session
        for chunk in _chunks(sorted({sha for sha, _ in hashed})):
            self.seen.update(session.execute(select(Document.sha256).where(Document.sha256.in_(chunk))).scalars())
            self.texts.update(session.execute(select(DocumentText.sha256).where(DocumentText.sha256.in_(chunk))).scalars())
        keys = [d.version_key() for _, d in hashed]
        for column, values in (
            (Document.url, {v for k, v in filter(None, keys) if k == "url"}),
            (Document.path, {v for k, v in filter(None, keys) if k == "path"}),
        ):
            for chunk in _chunks(sorted(values)):
                latest = select(column, func.max(Document.id)).where(column.in_(chunk)).group_by(column)
                self.latest.update({(column.key, value): doc_id for value, doc_id in session.execute(latest)})

    def is_new(self, sha: str, doc: SourceDocument, report: IngestReport) -> bool:
        """False for a text already stored (re-ingesting is a no-op) or already in this batch."""
        if sha in self.seen:
            report.unchanged.append(doc.file_name)
            return False
        self.seen.add(sha)
        return True

    def count_paragraphs(self, docs: list[tuple[str, SourceDocument]]) -> None:
        for sha, doc in docs:
            pars = self.pars[sha] = paragraphs(doc.text) if doc.paragraphs is None else doc.paragraphs
            self.in_batch.update({p.hash for p in pars})
        self.stored = _counts(self.session, list(self.in_batch))

    def add(self, sha: str, doc: SourceDocument, report: IngestReport) -> None:
        if sha not in self.texts:
            self.new_texts.append({"sha256": sha, "text": doc.text})
            self.texts.add(sha)
        previous = self._previous_version(doc)
        pars = self.pars[sha]
        others = {p.hash: self.stored.get(p.hash, 0) + self.in_batch[p.hash] - 1 for p in pars}
        state = self.writer.apply(
            Change(
                "document.ingested",
                "document",
                set={
                    "sha256": sha,
                    "file_name": doc.file_name,
                    "path": doc.path,
                    "format": doc.format,
                    "title": doc.title,
                    "publisher_id": self._publisher_id(doc.publisher),
                    "url": doc.url,
                    "published": doc.published,
                    "inferred": doc.inferred,
                    "meta": doc.meta,
                    "length": len(doc.text),
                    "ingested_at": utc_now(),
                    "previous_id": previous,
                    "boilerplate": boilerplate_spans(doc.text, others.get, pars, doc.banners),
                },
                rationale=f"read from {doc.path}",
            )
        )
        if key := doc.version_key():
            self.latest[key] = state["id"]  # a later one in this batch
        self.pending += [{"hash": h, "document_id": state["id"]} for h in {p.hash for p in pars}]
        report.added.append(state["id"])
        if previous:
            report.new_versions.append(state["id"])

    def _previous_version(self, doc: SourceDocument) -> int | None:
        """A changed text at the same URL (or, without one, the same file) is a new version."""
        key = doc.version_key()
        return self.latest.get(key) if key else None

    def _publisher_id(self, name: str | None) -> int | None:
        if not name:
            return None
        if name not in self.publishers:
            found = self.session.execute(select(Publisher.id).where(Publisher.name == name)).scalar()
            self.publishers[name] = found or self.writer.apply(Change("publisher.added", "publisher", set={"name": name}))["id"]
        return self.publishers[name]

    def store_paragraphs(self) -> None:
        """New texts and paragraph hashes, many rows a statement (no ORM work per row)."""
        conn = self.writer.conn
        for table, rows in ((DocumentText.__table__, self.new_texts), (ParagraphHash.__table__, self.pending)):
            if rows:
                insert_dicts(conn, table, list(rows[0]), rows)

    def mark_shared_boilerplate(self) -> None:
        """A stored document whose paragraph was its own until this batch may now have boilerplate.

        Paragraphs already shared before the batch were counted when their documents came in,
        so only the newly shared ones can change an older document's spans.
        """
        newly_shared = [h for h, n in self.stored.items() if n == 1]
        if not newly_shared:
            return
        self.writer.flush()
        batch_ids = {row["document_id"] for row in self.pending}
        for doc_id in sorted(_holders(self.session, newly_shared) - batch_ids):
            self._remark(doc_id)

    def _remark(self, doc_id: int) -> None:
        doc = self.writer.get("document", doc_id)
        text = self.session.get(DocumentText, doc["sha256"]).text
        pars = paragraphs(text)
        counts = _counts(self.session, [p.hash for p in pars])
        spans = boilerplate_spans(text, lambda h: counts.get(h, 0) - 1, pars)  # other documents only
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


def _chunks(items: list, size: int = 500):
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _counts(session: Session, hashes: list[str]) -> dict[str, int]:
    """How many stored documents hold each paragraph hash."""
    counts: dict[str, int] = {}
    for chunk in _chunks(hashes):
        query = select(ParagraphHash.hash, func.count()).where(ParagraphHash.hash.in_(chunk)).group_by(ParagraphHash.hash)
        counts.update(session.execute(query).all())
    return counts


def _holders(session: Session, hashes: list[str]) -> set[int]:
    found: set[int] = set()
    for chunk in _chunks(hashes):
        found.update(session.execute(select(ParagraphHash.document_id).where(ParagraphHash.hash.in_(chunk))).scalars())
    return found


def document_text(session: Session, document: Document | dict) -> str:
    sha = document["sha256"] if isinstance(document, dict) else document.sha256
    return session.get(DocumentText, sha).text
