"""Reviewer operations on links between claims (`Links`), each one ledger decision; and propositions.

A link reads "a <relation> b"; for `updates`, a is the later claim that supersedes b.
Claims joined by `same_event` links are one proposition: its appearances are those
claims, its first appearance the earliest published one.
"""

from sqlalchemy import or_, select
from sqlmodel import Session

from annotate.errors import Invalid, NotFound
from annotate.linking.relations import RELATIONS
from annotate.review import limits
from annotate.review.operations import Done, Operations
from annotate.store.ledger import Change, Writer
from annotate.store.models import Claim, ClaimLink, Dismissal, Document, Publisher

SUGGESTER = "linking@1"  # names the suggestion engine in a link's provenance


class Links(Operations):
    """A reviewer's operations on links between claims, each one ledger transaction."""

    def link(self, a_id: int, b_id: int, relation: str, rationale: str = "", evidence: tuple = (), suggestion=None) -> Done:
        """Link two claims of different documents (or change the relation of their link)."""
        limits.check(relation=relation, rationale=rationale)
        if relation not in RELATIONS:
            raise Invalid(f"relation must be one of {', '.join(RELATIONS)}, not {relation!r}")
        if suggestion is not None:  # provenance: this decision accepted that suggestion
            evidence = (
                *evidence,
                {"suggestion": {"by": SUGGESTER, "relation": suggestion.relation, "score": suggestion.score, "reasons": list(suggestion.reasons)}},
            )
        with self.ledger.writer(self.actor, self.origin) as w:
            _check_pair(w, a_id, b_id)
            found = pair_link(w, a_id, b_id)
            values = {"a_id": a_id, "b_id": b_id, "relation": relation, "status": "active", "rationale": rationale}
            if found is None:
                return _done(w, Change("link.created", "link", set=values, rationale=rationale, evidence=evidence))
            if found["status"] == "active" and found["relation"] == relation and (found["a_id"], found["b_id"]) == (a_id, b_id):
                return Done(found)
            action = "link.restored" if found["status"] != "active" else "link.relation_changed"
            return _done(w, Change(action, "link", found["id"], set=values, rationale=rationale, evidence=evidence))

    def unlink(self, link_id: int, base_version: int | None = None, rationale: str = "") -> Done:
        limits.check(rationale=rationale)
        with self.ledger.writer(self.actor, self.origin) as w:
            return _done(w, Change("link.removed", "link", link_id, set={"status": "removed"}, base_version=base_version, rationale=rationale))

    def dismiss(self, claim_id: int, other_id: int, rationale: str = "") -> Done:
        """Dismiss a suggestion: the pair is not suggested again, from either side."""
        limits.check(rationale=rationale)
        with self.ledger.writer(self.actor, self.origin) as w:
            _check_pair(w, claim_id, other_id)
            w.flush()
            found = (
                w.session.execute(
                    select(Dismissal.__table__).where(
                        or_(
                            (Dismissal.claim_id == claim_id) & (Dismissal.other_id == other_id),
                            (Dismissal.claim_id == other_id) & (Dismissal.other_id == claim_id),
                        )
                    )
                )
                .mappings()
                .first()
            )
            if found:
                return Done(dict(found))
            return _done(w, Change("dismissal.recorded", "dismissal", set={"claim_id": claim_id, "other_id": other_id}, rationale=rationale))


def _done(w: Writer, change: Change) -> Done:
    return Done(w.apply(change), decisions=[w.seq])


def pair_link(w: Writer, a_id: int, b_id: int) -> dict | None:
    """The link between two claims in either direction, whatever its status."""
    w.flush()
    t = ClaimLink.__table__
    row = (
        w.session.execute(select(t).where(or_((t.c.a_id == a_id) & (t.c.b_id == b_id), (t.c.a_id == b_id) & (t.c.b_id == a_id))).order_by(t.c.id))
        .mappings()
        .first()
    )
    return dict(row) if row else None


def _check_pair(w: Writer, a_id: int, b_id: int) -> None:
    a, b = w.get("claim", a_id), w.get("claim", b_id)
    if a is None or b is None:
        raise NotFound(f"no claim with id {a_id if a is None else b_id}")
    if a_id == b_id or a["document_id"] == b["document_id"]:
        raise Invalid("links join claims of different documents")


# --- reading ----------------------------------------------------------------------------


def links_of(session: Session, claim_ids, relations=RELATIONS) -> list[ClaimLink]:
    """Active links touching any of the claims."""
    ids = list(claim_ids)
    query = select(ClaimLink).where(ClaimLink.status == "active", ClaimLink.relation.in_(relations), or_(ClaimLink.a_id.in_(ids), ClaimLink.b_id.in_(ids)))
    return list(session.execute(query).scalars()) if ids else []


def component(session: Session, claim_id: int, relations=RELATIONS, limit: int = 5000) -> list[int]:
    """Every claim reachable from this one over active links of these relations (itself included)."""
    seen, frontier = {claim_id}, {claim_id}
    while frontier and len(seen) < limit:
        nxt = set()
        for link_row in links_of(session, frontier, relations):
            nxt |= {link_row.a_id, link_row.b_id}
        frontier = nxt - seen
        seen |= frontier
    return sorted(seen)


def proposition(session: Session, claim_id: int) -> dict:
    """The claims joined to this one by same_event: its appearances, earliest first, and the first."""
    appearances = sorted(appearances_of(session, component(session, claim_id, ("same_event",))), key=lambda a: (a["published"] or "9999", a["claim_id"]))
    return {"claim_ids": [a["claim_id"] for a in appearances], "appearances": appearances, "first_appearance": appearances[0] if appearances else None}


def appearances_of(session: Session, claim_ids) -> list[dict]:
    query = (
        select(
            Claim.id,
            Claim.quote,
            Claim.claimant,
            Claim.start,
            Claim.end,
            Claim.published,
            Claim.event_date,
            Document.id.label("document_id"),
            Document.file_name,
            Document.title,
            Document.url,
            Document.published.label("doc_published"),
            Publisher.name.label("publisher"),
        )
        .join(Document, Document.id == Claim.document_id)
        .outerjoin(Publisher, Publisher.id == Document.publisher_id)
        .where(Claim.id.in_(list(claim_ids)))
    )
    rows = session.execute(query).mappings().all()
    return [
        {
            "claim_id": r["id"],
            "quote": r["quote"],
            "claimant": r["claimant"],
            "start": r["start"],
            "end": r["end"],
            "event_date": r["event_date"],
            "published": r["published"] or r["doc_published"],
            "document_id": r["document_id"],
            "doc": r["file_name"],
            "title": r["title"],
            "url": r["url"],
            "publisher": r["publisher"],
        }
        for r in rows
    ]
