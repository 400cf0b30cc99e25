"""Correcting a document's title, publisher and date: what ingestion inferred, a reviewer fixes.

One `document.metadata_corrected` decision sets the fields given and marks them as no longer
inferred; a publisher named for the first time is added (`publisher.added`) in the same
transaction. A claim keeps its document's publication date as its second clock, so the
claims that carried the old date get the new one (`claim.corrected`, only that field). The
correction and the claims it re-dated are one action (`{"group": <its seq>}` in each one's
evidence), so revert and undo take them back together, however many claims the document has;
the publisher added on the way stays on the list of publishers.
"""

import re

from sqlmodel import col, select

from annotate.errors import Invalid, NotFound
from annotate.review import limits
from annotate.review.operations import Done, Operations
from annotate.store.ledger import Change, Writer
from annotate.store.models import Claim, Publisher

FIELDS = ("title", "publisher", "published")
DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
LIMITS = {"title": 500, "publisher": 300}


class Metadata(Operations):
    """Correcting what ingestion inferred about a document, recorded under `actor` from `origin`."""

    def correct(self, document_id: int, base_version: int, fields: dict, rationale: str = "") -> Done:
        """Set the title, publisher (a name) and publication date given in `fields`; unchanged ones are ignored."""
        values = _cleaned(fields)
        limits.check(rationale=rationale, **{k: v for k, v in values.items() if v})
        with self.ledger.writer(self.actor, self.origin) as w:
            doc = w.get("document", document_id)
            if doc is None:
                raise NotFound(f"no document with id {document_id}")
            first = w.seq + 1
            changes = _changes(w, doc, values)
            if not changes:
                return Done(doc, ["nothing differs from what the document says now: nothing was recorded"])
            inferred = {**(doc["inferred"] or {}), **{("publisher" if k == "publisher_id" else k): False for k in changes}}
            group = ({"group": w.seq + 1},)
            state = w.apply(Change("document.metadata_corrected", "document", document_id, {**changes, "inferred": inferred}, base_version, rationale, group))
            if "published" in changes:
                _redate_claims(w, document_id, doc["published"], changes["published"], group)
            return Done(state, decisions=list(range(first, w.seq + 1)))


def _cleaned(fields: dict) -> dict:
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise Invalid(f"a document's metadata has no field(s) {', '.join(sorted(unknown))}: only {', '.join(FIELDS)}")
    values: dict[str, str | None] = {k: " ".join(str(v or "").split()) or None for k, v in fields.items()}
    for name, limit in LIMITS.items():
        value = values.get(name)
        if value and len(value) > limit:
            raise Invalid(f"{name}: {len(value)} characters; at most {limit}")
    published = values.get("published")
    if published and not DATE.match(published):
        raise Invalid("the publication date must be YYYY, YYYY-MM or YYYY-MM-DD")
    if "title" in values and not values["title"]:
        raise Invalid("a title cannot be empty")
    return values


def _changes(w: Writer, doc: dict, values: dict) -> dict:
    """The fields that differ from the document's, as state fields (a publisher by id, added when new)."""
    changes: dict = {}
    if "title" in values and values["title"] != doc["title"]:
        changes["title"] = values["title"]
    if "publisher" in values:
        publisher_id = _publisher(w, values["publisher"])
        if publisher_id != doc["publisher_id"]:
            changes["publisher_id"] = publisher_id
    if "published" in values and values["published"] != doc["published"]:
        changes["published"] = values["published"]
    return changes


def _publisher(w: Writer, name: str | None) -> int | None:
    if not name:
        return None
    found = w.session.execute(select(col(Publisher.id)).where(col(Publisher.name) == name)).scalar()
    return found or w.apply(Change("publisher.added", "publisher", set={"name": name}))["id"]


def _redate_claims(w: Writer, document_id: int, old: str | None, new: str | None, group: tuple) -> None:
    """Claims that carried the document's old date as their publication date carry the new one,
    as part of the correction's action (`group`)."""
    seq = group[0]["group"]
    w.flush()
    query = select(col(Claim.id), col(Claim.version)).where(col(Claim.document_id) == document_id, col(Claim.published).is_not_distinct_from(old))
    for claim_id, version in w.session.exec(query).all():
        w.apply(Change("claim.corrected", "claim", claim_id, {"published": new}, version, f"the document's publication date was corrected (#{seq})", group))
