"""What each page shows, loaded from the record (reads only: writes go through annotate.review.operations)."""

import json
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit

from fastapi import HTTPException
from sqlalchemy import select
from sqlmodel import Session

from annotate.ingest.pipeline import document_text
from annotate.jobs import exporting
from annotate.preannotate.base import LABELS
from annotate.preannotate.shown import shown
from annotate.review.assignments import of_document
from annotate.review.operations import Review
from annotate.review.queue import QueueFilter, next_with_candidates, progress, queue_page
from annotate.review.review_states import WORDS as REVIEW_WORDS
from annotate.store.history import changed_fields, object_history
from annotate.store.kinds import canonical, words
from annotate.store.models import (
    Assignment,
    Claim,
    ClaimLink,
    Decision,
    Document,
    Entity,
    Mention,
    Publisher,
    Thread,
    User,
)
from server.segments import segments, spans_for

LABEL_CHOICES = sorted(LABELS)
MODELS = {"claim": Claim, "mention": Mention}
CONTEXT = 400  # characters of text shown around a claim on its page
HIDDEN = {"withdrawn"}


FOLD_BELOW = 0.4  # mentions the annotator scored lower wait behind a toggle
SHOWS = {"all": "Everything", "claims": "Claims", "entities": "Entities"}
SHOWN_KIND = {"claims": "claim", "entities": "mention"}


@dataclass(frozen=True)
class Lens:
    """Which candidates the workbench lists: claims, entities or both; low-score ones folded unless asked."""

    show: str = "all"
    low: bool = False

    @classmethod
    def of(cls, request) -> "Lens":
        """From the page's query; for an htmx action (a POST), from the address of the page it was made on."""
        params = dict(request.query_params)
        page = request.headers.get("hx-current-url") if request.method == "POST" and request.headers.get("hx-request") == "true" else None
        if page:
            params = {k: v[-1] for k, v in parse_qs(urlsplit(page).query).items()} | params
        show = params.get("show", "all")
        return cls(show if show in SHOWS else "all", params.get("low") == "1")

    def keeps(self, item: "Item") -> bool:
        if self.show != "all" and item.kind != SHOWN_KIND[self.show]:
            return False
        return self.low or not self.folds(item)

    @staticmethod
    def folds(item: "Item") -> bool:
        """Claim candidates below the team's threshold (CLAIMTRAIL_CLAIM_THRESHOLD, the one `claimtrail
        evaluate` counts as hidden) and low-scored mentions wait behind the toggle."""
        if item.obj.status != "candidate" or item.obj.score is None:
            return False
        return not shown(item.obj.score) if item.kind == "claim" else item.obj.score < FOLD_BELOW

    def query(self, **changes) -> str:
        values = {"show": self.show, "low": "1" if self.low else "", **changes}
        return urlencode({k: v for k, v in values.items() if v not in ("", "all", None)})


@dataclass
class Item:
    """One reviewable thing in the panel: a claim or a mention."""

    kind: str
    obj: Claim | Mention
    entity: str | None = None  # a mention's entity name

    @property
    def ref(self) -> str:
        return f"{self.kind}-{self.obj.id}"


def get_or_404(session: Session, model, object_id: int):
    found = session.get(model, object_id)
    if found is None:
        raise HTTPException(404, f"no {model.__name__.lower()} with id {object_id}")
    return found


def document_view(
    session: Session, document_id: int, review: Review, focus: str | None = None, after: str | None = None, header: bool = True, lens: Lens = Lens()
) -> dict:
    """The document page; `focus` names the current candidate, or `after` the one just decided.
    Without `header`, only what the workbench partial shows (no publisher, no next document)."""
    doc = get_or_404(session, Document, document_id)
    text = document_text(session, doc)
    mentions = session.execute(select(Mention).where(Mention.document_id == doc.id).order_by(Mention.start)).scalars().all()
    claims = session.execute(select(Claim).where(Claim.document_id == doc.id).order_by(Claim.start)).scalars().all()
    names = entity_names(session, {m.entity_id for m in mentions if m.entity_id})
    every = sorted(
        [Item("claim", c) for c in claims if c.status not in HIDDEN] + [Item("mention", m, names.get(m.entity_id)) for m in mentions if m.status not in HIDDEN],
        key=lambda i: (i.obj.start, i.kind != "claim", i.obj.end),
    )
    items = [i for i in every if lens.keeps(i)]
    counts = progress(session, [doc.id])[doc.id]
    folded = sum(1 for i in every if Lens(lens.show, True).keeps(i) and not lens.keeps(i))
    refs = [i.ref for i in items]
    if after:
        focus = next_after(items, after)
    if focus not in refs:
        focus = next((i.ref for i in items if i.obj.status == "candidate"), refs[0] if refs else None)
    return {
        "doc": doc,
        "publisher": header and publisher_name(session, doc),
        "segments": segments(text, spans_for(doc.boilerplate, mentions, claims)),
        "length": len(text),
        "items": items,
        "focus": focus,
        "progress": counts,
        "lens": lens,
        "shows": SHOWS,
        "folded": folded,
        "undoable": undoable(session, review, doc.id),
        "next_id": (header or counts[0] == 0) and next_with_candidates(session, doc.id),  # the partial offers it once done
        "labels": LABEL_CHOICES,
        "assignment": of_document(session, doc.id),
        "message": None,
        "conflict": None,
        "editing": None,
    }


def undoable(session: Session, review: Review, document_id: int) -> dict | None:
    """The reviewer's last decision here that undo takes back, in words."""
    last = review.last_undoable(session, document_id)
    return last and {**last, "words": words(last["action"])}


def decided_view(session: Session, review: Review, kind: str, target_id: int, message: dict) -> dict | None:
    """The small answer to one accept or reject: that item, the counter, undo and the message; None
    once nothing is left (then the whole workbench answers, with the way to the next document)."""
    obj = get_or_404(session, MODELS[kind], target_id)
    counts = progress(session, [obj.document_id])[obj.document_id]
    if counts[0] == 0:
        return None
    entity = kind == "mention" and obj.entity_id and entity_names(session, {obj.entity_id}).get(obj.entity_id)
    doc = get_or_404(session, Document, obj.document_id)
    return {
        "item": Item(kind, obj, entity or None),
        "focus": None,
        "doc": doc,
        "progress": counts,
        "oob": True,
        "undoable": undoable(session, review, doc.id),
        "message": message,
        "conflict": None,
    }


def next_after(items: list[Item], ref: str) -> str:
    """The candidate to look at after deciding `ref`: the next undecided one, else `ref`."""
    refs = [i.ref for i in items]
    start = refs.index(ref) + 1 if ref in refs else 0
    for item in items[start:] + items[:start]:
        if item.obj.status == "candidate":
            return item.ref
    return ref


def entity_names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(session.execute(select(Entity.id, Entity.name).where(Entity.id.in_(ids))).all())


def history_view(session: Session, kind: str, object_id: int) -> list[dict]:
    return [{**entry, "changes": changed_fields(entry), "words": words(entry["action"])} for entry in object_history(session, kind, object_id)]


def claim_view(session: Session, claim_id: int) -> dict:
    claim = get_or_404(session, Claim, claim_id)
    doc = get_or_404(session, Document, claim.document_id)
    text = document_text(session, doc)
    start, end = max(0, claim.start - CONTEXT), min(len(text), claim.end + CONTEXT)
    mentions = session.execute(select(Mention).where(Mention.document_id == doc.id, Mention.end > start, Mention.start < end)).scalars().all()
    links = session.execute(select(ClaimLink).where((ClaimLink.a_id == claim.id) | (ClaimLink.b_id == claim.id))).scalars().all()
    return {
        "claim": claim,
        "doc": doc,
        "publisher": doc.publisher_id and get_or_404(session, Publisher, doc.publisher_id).name,
        "segments": segments(text, spans_for([], mentions, [claim]), start, end),
        "cut_before": start > 0,
        "cut_after": end < len(text),
        "entities": entity_names(session, set(claim.entity_ids) | ({claim.claimant_entity_id} - {None})),
        "links": [(link, link.b_id if link.a_id == claim.id else link.a_id) for link in links if link.status == "active"],
        "history": history_view(session, "claim", claim.id),
    }


def entity_view(session: Session, entity_id: int, limit: int = 500) -> dict:
    entity = get_or_404(session, Entity, entity_id)
    merged_from = session.execute(select(Entity).where(Entity.merged_into == entity.id)).scalars().all()
    ids = {entity.id} | {e.id for e in merged_from}
    mentions = session.execute(
        select(Mention, Document)
        .join(Document, Document.id == Mention.document_id)
        .where(Mention.entity_id.in_(ids), Mention.status.in_(("candidate", "accepted", "corrected")))
        .order_by(Document.published, Document.id, Mention.start)
        .limit(limit)
    ).all()
    doc_ids = {d.id for _, d in mentions}
    claims = session.execute(
        select(Claim, Document)
        .join(Document, Document.id == Claim.document_id)
        .where(Claim.document_id.in_(doc_ids), Claim.status.in_(("candidate", "accepted", "corrected")))
    ).all()
    spans = {(m.document_id, m.start, m.end) for m, _ in mentions}
    about = [
        (c, d)
        for c, d in claims
        if ids & set(c.entity_ids) or c.claimant_entity_id in ids or any(doc == c.document_id and c.start <= s and e <= c.end for doc, s, e in spans)
    ]
    about.sort(key=lambda cd: (cd[0].event_date or cd[1].published or "", cd[0].id))  # when it happened, else when told
    return {
        "entity": entity,
        "merged_into": entity.merged_into and session.get(Entity, entity.merged_into),
        "merged_from": merged_from,
        "mentions": mentions,
        "claims": about,
        "history": history_view(session, "entity", entity.id),
    }


def merge_message(session: Session, merged: int | None, undone: int | None) -> dict | None:
    """What the entity page says after a merge (with its undo) or after undoing one."""
    seq = merged or undone
    d = seq and session.get(Decision, seq)
    if not d or canonical(d.action) != "entity.merged":
        return None
    source, target = session.get(Entity, d.target_id), session.get(Entity, json.loads(d.after).get("merged_into"))
    names = (source.name if source else f"#{d.target_id}", target.name if target else "another entity")
    if undone:
        return {"level": "ok", "text": f"Undid the merge: {names[0]} stands on its own again, {names[1]} lost its names.", "warnings": [], "decisions": []}
    return {"level": "ok", "text": f"Merged {names[0]} into {names[1]}: its names are now aliases here.", "warnings": [], "decisions": [seq], "undo": seq}


def queue_view(session: Session, f: QueueFilter) -> dict:
    page = queue_page(session, f)
    return {
        "reviewers": reviewers(session),
        "review_words": REVIEW_WORDS,
        "rows": page.rows,
        "prev_url": page_url(f, before=page.newer) if page.newer else None,
        "next_url": page_url(f, after=page.older) if page.older else None,
        "filter": f,
        "publishers": session.execute(select(Publisher.id, Publisher.name).order_by(Publisher.name)).all(),
        "threads": session.execute(select(Thread.id, Thread.name).order_by(Thread.name)).all(),
        "sync_claims": exporting.SYNC_CLAIMS,
    }


def page_url(f: QueueFilter, **cursor: int) -> str:
    params = {
        "q": f.q,
        "publisher": f.publisher_id or "",
        "date_from": f.date_from,
        "date_to": f.date_to,
        "entity": f.entity,
        "thread": f.thread_id or "",
        "status": f.status,
        "assignee": f.assignee,
        "review": f.review,
        **cursor,
    }
    return "/queue?" + urlencode({k: v for k, v in params.items() if v not in ("", None)})


EXPORT_PRESETS = {"verified": ("accepted", "corrected"), "everything": ()}
EXPORT_STATUSES = {"accepted": "accepted", "corrected": "corrected", "candidate": "not yet reviewed", "rejected": "rejected"}
VERDICTS = ("corroborated", "contested", "refuted", "unverifiable", "unassessed")
EXPORT_FORMATS = {
    "jsonl": "JSON lines",
    "csv": "CSV",
    "claimreview": "ClaimReview (schema.org)",
    "webannotation": "W3C Web Annotation",
    "prov": "W3C PROV",
    "labelstudio": "Label Studio tasks",
}


def export_view(session: Session, preset: str) -> dict:
    return {
        "presets": EXPORT_PRESETS,
        "ticked": EXPORT_PRESETS.get(preset, EXPORT_PRESETS["verified"]),
        "statuses": EXPORT_STATUSES,
        "verdicts": VERDICTS,
        "formats": EXPORT_FORMATS,
        "publishers": session.execute(select(Publisher.id, Publisher.name).order_by(Publisher.name)).all(),
        "threads": session.execute(select(Thread.id, Thread.name).order_by(Thread.name)).all(),
        "sync_claims": exporting.SYNC_CLAIMS,
    }


def reviewers(session: Session) -> list[str]:
    """Names of the active users, for assigning documents."""
    return list(session.execute(select(User.name).where(User.active.is_(True)).order_by(User.name)).scalars())


SAID = {
    "assigned": "Assigned the document.",
    "done": "Marked the document done: a lead approves it or sends it back.",
    "approved": "Approved the document's review.",
    "sent_back": "Sent the document back with your note.",
    "metadata": "Corrected the document's details: they are no longer marked inferred.",
}


def publisher_name(session: Session, doc: Document) -> str | None:
    return doc.publisher_id and get_or_404(session, Publisher, doc.publisher_id).name or None


def header_versions(session: Session, document_id: int) -> tuple:
    """The versions of what the document's header shows: the document (its metadata) and its assignment
    (the review's state; None when never assigned). An action that moved either changes the header."""
    query = select(Document.version, Assignment.version).outerjoin(Assignment, Assignment.document_id == Document.id).where(Document.id == document_id)
    return tuple(session.execute(query).first() or ())


def document_header(session: Session, doc: Document, said: str = "", left: str = "") -> dict:
    """What the document page's header shows besides the title: the review state, the metadata form, the history."""
    assignment = of_document(session, doc.id)  # (document_view has it too: the workbench offers "done" when nothing is left)
    history = history_view(session, "document", doc.id) + (history_view(session, "assignment", assignment.id) if assignment else [])
    text = SAID.get(said)
    if text and said == "done" and left.isdigit():
        text += f" ({left} candidate{'s' if left != '1' else ''} left undecided)"
    return {
        "assignment": assignment,
        "review_words": REVIEW_WORDS,
        "reviewers": reviewers(session),
        "doc_history": sorted(history, key=lambda e: e["seq"], reverse=True),
        "said": text,
    }
