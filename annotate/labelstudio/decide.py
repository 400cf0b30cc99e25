"""What a Label Studio prediction or annotation means for the record, as ledger changes.

* A prediction from another model proposes the spans we do not have yet as candidates
  (ours come back matching our objects and change nothing).
* An annotation is a reviewer's work: a span matching our object (by the region id we
  gave it, or by document + span + label) accepts it, or corrects it when the annotator
  moved or relabelled it; a new span is added as accepted; a span of the parent
  prediction the annotator deleted rejects that candidate; relations between claim
  spans add links, and a relation of the parent prediction they deleted removes one.
* A change to an object someone decided in Claimtrail after the annotation was saved is
  not made (counted as kept): the newer decision stands.
"""

from datetime import datetime, timezone

from sqlalchemy import or_, select

from annotate.labelstudio.importer import CHUNK, ORIGIN, Source, existing_keys
from annotate.labelstudio.regions import our_id
from annotate.labelstudio.validate import Region
from annotate.ledger import Change, Writer
from annotate.models import Claim, ClaimLink, Decision, Mention

DONE = ("accepted", "corrected")


def apply_run(writer: Writer, run: list[Source], report) -> None:
    """Decisions for consecutive sources of one actor, in one transaction."""
    writer.flush()
    done = existing_keys(writer.session, [s.key for s in run])
    index = Index(writer, {s.task.doc_id for s in run})
    for source in run:
        if source.key in done:
            report.skipped += 1
            continue
        step = _Step(writer, index, source, report)
        step.prediction() if source.kind == "prediction" else step.annotation()


class Index:
    """Mentions, claims and links of some documents, kept current as decisions are made."""

    def __init__(self, writer: Writer, doc_ids: set[int]):
        self.objects: dict[str, dict[int, dict]] = {"mention": {}, "claim": {}}
        self.spans: dict[tuple, int] = {}
        self.links: dict[tuple, dict] = {}
        conn, ids = writer.session.connection(), sorted(doc_ids)
        for kind, model in (("mention", Mention), ("claim", Claim)):
            t = model.__table__
            columns = [t.c.id, t.c.version, t.c.document_id, t.c.start, t.c.end, t.c.status] + ([t.c.label] if kind == "mention" else [])
            names = [c.name for c in columns]
            for i in range(0, len(ids), CHUNK):
                for row in conn.execute(select(*columns).where(t.c.document_id.in_(ids[i : i + CHUNK]))):
                    self.put(kind, dict(zip(names, row)))
        claims, t = sorted(self.objects["claim"]), ClaimLink.__table__
        for i in range(0, len(claims), CHUNK):
            part = claims[i : i + CHUNK]
            query = select(t.c.id, t.c.version, t.c.a_id, t.c.b_id, t.c.relation, t.c.status).where(or_(t.c.a_id.in_(part), t.c.b_id.in_(part)))
            for row in conn.execute(query).mappings():
                self.put_link(dict(row))

    def put(self, kind: str, state: dict) -> None:
        self.objects[kind][state["id"]] = state
        key, holder = _span_key(kind, state), self.spans.get(_span_key(kind, state))
        if holder is None or _span_key(kind, self.objects[kind][holder]) != key:  # first, or the holder moved
            self.spans[key] = state["id"]

    def put_link(self, link: dict) -> None:
        self.links[_link_key(link["a_id"], link["b_id"], link["relation"])] = link

    def find(self, kind: str, doc_id: int, region: Region) -> dict | None:
        """Our object this region means: the one its id names, else one at the same span and label."""
        named = self.objects[kind].get(our_id(region.rid, kind))
        if named and named["document_id"] == doc_id:
            return named
        found = self.objects[kind].get(self.spans.get((kind, doc_id, region.start, region.end, region.label)))
        return found if found and _span_key(kind, found) == (kind, doc_id, region.start, region.end, region.label) else None

    def link(self, a: int, b: int, relation: str) -> dict | None:
        return self.links.get(_link_key(a, b, relation))


class _Step:
    """The decisions one source makes; the first carries the annotation's idempotency key."""

    def __init__(self, writer: Writer, index: Index, source: Source, report):
        self.writer, self.index, self.source, self.report = writer, index, source, report
        self.doc = source.task.doc_id
        self.key = source.key

    def apply(self, change: Change, rid: str | None = None) -> dict | None:
        """Record the change, unless a later decision made in Claimtrail stands (then None)."""
        s = self.source
        if change.base_version and change.base_version > 1 and self.decided_here_since(change):
            self.report.kept += 1
            return None
        evidence = {"label_studio": {**s.evidence, **({"result": rid} if rid else {})}}
        ident = f"annotation {s.evidence['annotation']}" if "annotation" in s.evidence else f"prediction {s.evidence.get('prediction', '')}".strip()
        when = f" at {s.at}" if s.at else ""
        change = Change(change.action, change.target_type, change.target_id, change.set, change.base_version,
                        f"Label Studio {ident} on {s.task.name}, by {s.actor}{when}", (evidence,))  # fmt: skip
        state = self.writer.apply(change, self.key)
        self.key = None
        self.report.decisions[change.action] += 1
        if change.target_type == "link":
            self.index.put_link(state)
        else:
            self.index.put(change.target_type, state)
        return state

    def decided_here_since(self, change: Change) -> bool:
        """Whether the object's last decision was made outside Label Studio after this annotation
        was saved: re-importing an old annotation must not undo a newer review."""
        last = self.writer.session.execute(
            select(Decision.origin, Decision.at)
            .where(Decision.target_type == change.target_type, Decision.target_id == change.target_id)
            .order_by(Decision.seq.desc())
            .limit(1)
        ).first()
        return bool(last and self.source.at and last.origin != ORIGIN and _moment(last.at) > _moment(self.source.at))

    def prediction(self) -> None:
        for region in self.source.checked.regions:
            if self.index.find(region.kind, self.doc, region) is None:
                fields = _new(region, self.source, status="candidate", annotator=self.source.actor)
                self.apply(Change(f"{region.kind}.proposed", region.kind, set=fields), region.rid)

    def annotation(self) -> None:
        ids = {region.rid: self.span(region) for region in self.source.checked.regions}
        if self.source.parent:
            self.deleted_spans(ids)
            self.deleted_relations()
        for relation in self.source.checked.relations:
            a, b = relation.ends()
            self.ensure_link(ids[a], ids[b], relation.label, f"{relation.from_rid}→{relation.to_rid}")

    def span(self, region: Region) -> int:
        found = self.index.find(region.kind, self.doc, region)
        if found is None:
            fields = _new(region, self.source, status="accepted", annotator=None)
            return self.apply(Change(f"{region.kind}.added", region.kind, set=fields), region.rid)["id"]
        if _same_span(found, region):
            if found["status"] in DONE:
                return found["id"]
            change = Change(f"{region.kind}.accepted", region.kind, found["id"], {"status": "accepted"}, found["version"])
            return (self.apply(change, region.rid) or found)["id"]
        fields = {"start": region.start, "end": region.end, _text_field(region.kind): region.text, "status": "corrected"}
        fields |= {"label": region.label} if region.kind == "mention" else {}
        change = Change(f"{region.kind}.corrected", region.kind, found["id"], fields, found["version"])
        return (self.apply(change, region.rid) or found)["id"]

    def deleted_spans(self, ids: dict) -> None:
        for region in self.source.parent.regions:
            if region.rid in ids:
                continue
            found = self.index.find(region.kind, self.doc, region)
            if found and found["status"] == "candidate":
                change = Change(f"{region.kind}.rejected", region.kind, found["id"], {"status": "rejected"}, found["version"])
                self.apply(change, region.rid)

    def deleted_relations(self) -> None:
        kept = {(r.ends(), r.label) for r in self.source.checked.relations}
        regions = {r.rid: r for r in self.source.parent.regions}
        for relation in self.source.parent.relations:
            if (relation.ends(), relation.label) in kept:
                continue
            a, b = (self.index.find("claim", self.doc, regions[rid]) for rid in relation.ends())
            link = self.index.link(a["id"], b["id"], relation.label) if a and b else None
            if link and link["status"] == "active":
                change = Change("link.removed", "link", link["id"], {"status": "removed"}, link["version"])
                self.apply(change, f"{relation.from_rid}→{relation.to_rid}")

    def ensure_link(self, a: int, b: int, relation: str, rid: str) -> None:
        link = self.index.link(a, b, relation)
        if link is None:
            fields = {"a_id": a, "b_id": b, "relation": relation, "status": "active", "rationale": "drawn in Label Studio"}
            self.apply(Change("link.added", "link", set=fields), rid)
        elif link["status"] != "active":
            self.apply(Change("link.restored", "link", link["id"], {"status": "active"}, link["version"]), rid)


def _new(region: Region, source: Source, status: str, annotator: str | None) -> dict:
    """A new mention or claim from a Label Studio region."""
    ident = source.evidence.get("annotation", source.evidence.get("prediction"))
    fields = {"document_id": source.task.doc_id, "start": region.start, "end": region.end, _text_field(region.kind): region.text,
              "status": status, "annotator": annotator, "score": region.score,
              "reason": f"label-studio: {source.kind} {ident if ident is not None else ''}".rstrip()}  # fmt: skip
    if region.kind == "mention":
        return fields | {"label": region.label}
    return fields | {"published": source.task.published}


def _moment(at: str) -> datetime:
    moment = datetime.fromisoformat(at.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _text_field(kind: str) -> str:
    return "text" if kind == "mention" else "quote"


def _same_span(obj: dict, region: Region) -> bool:
    return (obj["start"], obj["end"], obj.get("label", "CLAIM")) == (region.start, region.end, region.label)


def _span_key(kind: str, obj: dict) -> tuple:
    return (kind, obj["document_id"], obj["start"], obj["end"], obj.get("label", "CLAIM"))


def _link_key(a: int, b: int, relation: str) -> tuple:
    return (min(a, b), max(a, b), relation)  # a link is found whichever way it was drawn
