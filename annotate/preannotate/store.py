"""Running an annotator over stored documents and recording its candidates.

Candidates enter the record like everything else: as ledger decisions, made by the
annotator ("rules@0.1.0", origin "annotator"), one transaction per batch of documents.
Entity candidates are resolved to canonical Entity rows, so a claim can name the
entities it mentions and "Kupyansk" and "Kupiansk" meet in one entity.
"""

import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import BrokenExecutor, Executor, Future
from dataclasses import dataclass, field
from weakref import WeakKeyDictionary

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from annotate.preannotate import processes
from annotate.preannotate.base import (
    Annotator,
    ClaimCandidate,
    DocumentInput,
    EntityCandidate,
)
from annotate.store import kinds
from annotate.store.ledger import Change, Ledger, Writer
from annotate.store.models import (
    Claim,
    Decision,
    Document,
    DocumentText,
    Entity,
    Mention,
    Publisher,
)

BATCH = 20  # documents per ledger transaction
UNLINKED_LABELS = {"DATE", "QUANTITY"}  # values, not things with an identity of their own


@dataclass
class PreannotateReport:
    documents: int = 0
    skipped: int = 0  # already annotated by this annotator version
    mentions: int = 0
    claims: int = 0
    held: int = 0  # candidates not proposed: the document holds them already (same span and label)
    entities: int = 0
    failed: list[str] = field(default_factory=list)


def tag(annotator: Annotator) -> str:
    return f"{annotator.name}@{annotator.version}"


def preannotate(
    ledger: Ledger,
    annotator: Annotator,
    document_ids: Iterable[int] | None = None,
    on_document: Callable[[int], None] | None = None,
    pool: Executor | None = None,
) -> PreannotateReport:
    """Candidates for the documents this annotator version has not done, one transaction per BATCH
    of documents; with a `pool` of forked annotators (processes.py), annotated on every core."""
    report = PreannotateReport()
    with Session(ledger.engine) as session:
        ids = _pending_documents(session, tag(annotator), document_ids, report)
    names = entity_names(ledger.engine)
    chunks = [ids[start : start + BATCH] for start in range(0, len(ids), BATCH)]
    for chunk, found in _annotated_chunks(ledger.engine, annotator, chunks, report, pool):
        with ledger.writer(tag(annotator), "annotator") as writer:
            names.catch_up(writer.session)  # under the lock: what other writers (workers, reviewers) did meanwhile
            entities = _EntityIndex(names, writer, report)
            done, held = _holdings(writer.session, tag(annotator), chunk)  # under the lock: never twice
            for doc_id in chunk:
                if found[doc_id] is not None and doc_id not in done:
                    _record_one(writer, annotator, doc_id, _new(found[doc_id], held, doc_id, report), entities, report)
        for doc_id in chunk if on_document else ():  # committed, and the lock let go: the callback may write (a job's progress)
            on_document(doc_id)
    return report


def _annotated_chunks(engine: Engine, annotator: Annotator, chunks: list[list[int]], report, pool: Executor | None) -> Iterator[tuple[list[int], dict]]:
    """Each chunk with its documents' candidates (None where the annotator failed), outside the write
    lock: annotated here, or by the pool while the chunk before is written."""
    if pool is None:
        for chunk in chunks:
            with Session(engine) as session:
                yield chunk, {doc_id: _annotate(session, annotator, doc_id, report) for doc_id in chunk}
        return
    ahead: deque[tuple[list[int], dict[int, tuple[str, Future | None]]]] = deque()
    for n, chunk in enumerate(chunks):
        with Session(engine) as session:
            docs = {doc_id: session.get(Document, doc_id) for doc_id in chunk}
            ahead.append((chunk, {doc_id: (doc.file_name, _submit(pool, document_input(session, doc))) for doc_id, doc in docs.items()}))
        while ahead and (len(ahead) > 1 or n == len(chunks) - 1):
            done, futures = ahead.popleft()
            yield done, {doc_id: _outcome(engine, annotator, doc_id, name, future, report) for doc_id, (name, future) in futures.items()}


def _submit(pool: Executor, document: DocumentInput) -> Future | None:
    try:
        return pool.submit(processes.annotate, document)
    except BrokenExecutor:  # a forked annotator died earlier: this process annotates the rest
        return None


def _outcome(engine: Engine, annotator: Annotator, doc_id: int, name: str, future: Future | None, report) -> tuple | None:
    try:
        found = future.result() if future else None
    except BrokenExecutor:  # a forked annotator died (killed, out of memory) with this document
        found = None
    if found is None:
        with Session(engine) as session:
            return _annotate(session, annotator, doc_id, report)
    if isinstance(found, str):
        report.failed.append(f"document {doc_id} ({name}): {found}")
        return None
    return found


def _annotated(session: Session, annotator_tag: str, ids: list[int]) -> set[int]:
    """Which of these documents already have candidates from this annotator version."""
    done = set(session.exec(select(Claim.document_id).where(Claim.annotator == annotator_tag, Claim.document_id.in_(ids))).all())
    return done | set(session.exec(select(Mention.document_id).where(Mention.annotator == annotator_tag, Mention.document_id.in_(ids))).all())


def _holdings(session: Session, annotator_tag: str, ids: list[int]) -> tuple[set[int], set[tuple]]:
    """Of these documents, in one read of their mentions and claims: those this annotator version
    has done, and what they hold already from any annotator or reviewer, whatever its status
    (("mention", document, start, end, label) and ("claim", document, start, end))."""
    mentions = session.exec(select(Mention.document_id, Mention.start, Mention.end, Mention.label, Mention.annotator).where(Mention.document_id.in_(ids))).all()
    claims = session.exec(select(Claim.document_id, Claim.start, Claim.end, Claim.annotator).where(Claim.document_id.in_(ids))).all()
    done = {row[0] for row in [*mentions, *claims] if row[-1] == annotator_tag}
    held = {("mention", *row[:4]) for row in mentions} | {("claim", *row[:3]) for row in claims}
    return done, held


def _new(found: tuple, held: set[tuple], doc_id: int, report: PreannotateReport) -> tuple:
    """The candidates a document does not hold yet. An imported model's prediction, an earlier
    annotator version's candidate or a reviewer's decision at the same span (and label) stands:
    a reviewer decides each span once, and one they rejected is not proposed again."""
    entities, claims = found
    new_entities = [c for c in entities if ("mention", doc_id, c.start, c.end, c.label) not in held]
    new_claims = [c for c in claims if ("claim", doc_id, c.start, c.end) not in held]
    report.held += len(entities) + len(claims) - len(new_entities) - len(new_claims)
    return new_entities, new_claims


def _pending_documents(session: Session, annotator_tag: str, wanted, report: PreannotateReport) -> list[int]:
    if wanted is not None:  # a job's part: read what these documents have, not every candidate of the record
        asked = sorted(set(wanted))
        chunks = [asked[n : n + 500] for n in range(0, len(asked), 500)]
        candidates = sorted(i for chunk in chunks for i in session.exec(select(Document.id).where(Document.id.in_(chunk))).all())
        done = set().union(*(_annotated(session, annotator_tag, chunk) for chunk in chunks))
    else:
        candidates = list(session.exec(select(Document.id).order_by(Document.id)).all())
        done = set(session.exec(select(Claim.document_id).where(Claim.annotator == annotator_tag)).all())
        done |= set(session.exec(select(Mention.document_id).where(Mention.annotator == annotator_tag)).all())
    ids = [i for i in candidates if i not in done]
    report.skipped = len(candidates) - len(ids)
    return ids


def document_input(session: Session, doc: Document) -> DocumentInput:
    publisher = session.get(Publisher, doc.publisher_id) if doc.publisher_id else None
    return DocumentInput(
        text=session.get(DocumentText, doc.sha256).text,
        published=doc.published,
        publisher=publisher.name if publisher else None,
        title=doc.title,
        boilerplate=tuple((s["start"], s["end"]) for s in doc.boilerplate),
    )


def _annotate(session: Session, annotator: Annotator, doc_id: int, report) -> tuple | None:
    doc = session.get(Document, doc_id)
    try:
        return annotator.annotate(document_input(session, doc))
    except Exception as problem:  # a third-party annotator's bug must not stop the batch
        report.failed.append(f"document {doc_id} ({doc.file_name}): {type(problem).__name__}: {problem}")
        return None


def _record_one(writer: Writer, annotator: Annotator, doc_id: int, found: tuple, entities: "_EntityIndex", report) -> None:
    doc = writer.session.get(Document, doc_id)
    found_entities, found_claims = found
    for candidate in found_entities:
        _propose_mention(writer, annotator, doc_id, candidate, entities)
    for candidate in found_claims:
        _propose_claim(writer, annotator, doc, candidate, entities)
    report.documents += 1
    report.mentions += len(found_entities)
    report.claims += len(found_claims)


def _propose_mention(writer: Writer, annotator: Annotator, doc_id: int, c: EntityCandidate, entities) -> None:
    entity_id = None if c.label in UNLINKED_LABELS else entities.resolve(c.canonical or c.text, c.label, c.text)
    writer.apply(
        Change(
            "mention.proposed",
            "mention",
            set={
                "document_id": doc_id,
                "start": c.start,
                "end": c.end,
                "text": c.text,
                "label": c.label,
                "entity_id": entity_id,
                "annotator": tag(annotator),
                "score": c.score,
                "reason": c.reason,
            },
        )
    )


def _propose_claim(writer: Writer, annotator: Annotator, doc: Document, c: ClaimCandidate, entities) -> None:
    entity_ids = sorted({i for i in (entities.find(name) for name in c.entities) if i})
    writer.apply(
        Change(
            "claim.proposed",
            "claim",
            set={
                "document_id": doc.id,
                "start": c.start,
                "end": c.end,
                "quote": c.text,
                "claimant": c.claimant,
                "claimant_entity_id": entities.find(c.claimant) if c.claimant else None,
                "reporting_verb": c.reporting_verb,
                "hedged": c.hedged,
                "hedges": list(c.hedges),
                "negated": c.negated,
                "event_date": c.event_date,
                "event_date_inferred": c.event_date_inferred,
                "relayed_by": list(c.relayed_by),
                "published": doc.published,
                "entity_ids": entity_ids,
                "annotator": tag(annotator),
                "score": c.score,
                "reason": c.reason,
                "also_spans": [list(span) for span in c.also],
            },
        )
    )


class EntityNames:
    """Every entity's name and aliases (case-folded) → its id, or the id it was merged into: for one
    database, kept for the life of the process. Read whole once, then caught up from the ledger's
    decisions on entities since the last look (new entities, new aliases); any other change (a
    merge, a revert), or a ledger that is not the one read (its decision at the last look has
    another hash), reads it whole again. So a job part no longer rereads every entity of the
    record (2.5 s of CPU at 200,000). Only a ledger writer calls catch_up, under the write lock:
    no other writer moves meanwhile."""

    ADDS_NAMES = {kinds.Kind.ENTITY_PROPOSED, kinds.Kind.ENTITY_ADDED, kinds.Kind.ENTITY_ALIASES_ADDED}

    def __init__(self) -> None:
        self.by_name: dict[str, int] = {}
        self.seq, self.hash = 0, None  # the ledger's head when last read

    def catch_up(self, session: Session) -> None:
        head = session.exec(select(Decision.seq, Decision.hash).order_by(Decision.seq.desc()).limit(1)).first()
        seq, hash_ = head if head else (0, None)
        if (seq, hash_) == (self.seq, self.hash):
            return
        same_ledger = self.hash is not None and session.exec(select(Decision.hash).where(Decision.seq == self.seq)).first() == self.hash
        changes = (
            session.exec(
                select(Decision.action, Decision.target_id).where(Decision.target_type == "entity", Decision.seq > self.seq, Decision.seq <= seq)
            ).all()
            if same_ledger
            else []
        )
        if not same_ledger or any(kinds.canonical(action) not in self.ADDS_NAMES for action, _ in changes):
            self.by_name = {}
            self._read(session, None)
        else:
            self._read(session, sorted({target for _, target in changes}))
        self.seq, self.hash = seq, hash_

    def _read(self, session: Session, ids: list[int] | None) -> None:
        """Add the names of these entities (all of them when None), merged ones resolved."""
        columns = select(Entity.id, Entity.name, Entity.aliases, Entity.merged_into)
        chunks = [None] if ids is None else [ids[n : n + 500] for n in range(0, len(ids), 500)]
        rows = [row for chunk in chunks for row in session.exec(columns if chunk is None else columns.where(Entity.id.in_(chunk))).all()]
        target = {row.id: row.merged_into for row in rows}
        for row in rows:
            final = row.id
            while target.get(final):  # a merged entity resolves to what it was merged into
                final = target[final]
            for name in [row.name, *row.aliases]:
                self.by_name.setdefault(name.casefold(), final)


_names: "WeakKeyDictionary[Engine, EntityNames]" = WeakKeyDictionary()
_names_lock = threading.Lock()


def entity_names(engine: Engine) -> EntityNames:
    with _names_lock:
        return _names.setdefault(engine, EntityNames())


class _EntityIndex:
    """The entities one write transaction resolves names to: the process's `EntityNames`, and those
    proposed in this transaction (kept apart, so a rolled back transaction leaves nothing behind)."""

    def __init__(self, names: EntityNames, writer: Writer, report: PreannotateReport):
        self.names, self.writer, self.report = names, writer, report
        self.by_name: dict[str, int] = {}

    def find(self, name: str | None) -> int | None:
        if not name:
            return None
        key = name.casefold()
        return self.by_name.get(key) or self.names.by_name.get(key)

    def resolve(self, canonical: str, label: str, surface: str) -> int:
        """The entity for a candidate: existing, or proposed now; a new spelling becomes an alias."""
        entity_id = self.find(canonical)
        if entity_id is None:
            aliases = [surface] if surface.casefold() != canonical.casefold() else []
            change = Change("entity.proposed", "entity", set={"name": canonical, "type": label, "aliases": aliases})
            entity_id = self.writer.apply(change)["id"]
            self.report.entities += 1
        elif self.find(surface) is None:
            entity = self.writer.get("entity", entity_id)
            if surface.casefold() in {a.casefold() for a in entity["aliases"]}:  # added by another writer meanwhile
                self.by_name.setdefault(surface.casefold(), entity_id)
                return entity_id
            self.writer.apply(
                Change(
                    "entity.aliases_added", "entity", entity_id, set={"aliases": [*entity["aliases"], surface]}, rationale=f"spelling seen in text: {surface}"
                )
            )
        self.by_name.setdefault(canonical.casefold(), entity_id)
        self.by_name.setdefault(surface.casefold(), entity_id)
        return entity_id
