"""What a Label Studio prediction or annotation means for the record, as ledger changes.

* A prediction from another model proposes the spans we do not have yet as candidates
  (ours come back matching our objects and change nothing).
* An annotation is a reviewer's work: a span matching our object (by the region id we
  gave it, or by document + span + label) accepts it, or corrects it when the annotator
  moved or relabelled it; a new span is added as accepted; a span of the parent
  prediction the annotator deleted rejects that candidate; relations between claim
  spans add links, and a relation of the parent prediction they deleted removes one.
* A "claimant" relation between a claim and an entity span sets the claim's claimant (the
  span's text) and claimant_entity_id; an "about" relation adds the entity to its
  entity_ids; in the claim's own decision (`claim.corrected`, as a reviewer's edit would
  be, or `claim.added`). Deleting such a relation of the parent prediction while keeping
  both spans takes the fact back. The entity is the mention's; a mention the annotator
  added finds or makes its entity by name, as `Review.add_mention` does, and a claim
  they added names the entities mentioned inside it, as `Review.add_claim` does.
  Relations in predictions propose nothing.
* A change to an object someone decided in Claimtrail after the annotation was saved is
  not made (counted as kept): the newer decision stands.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import or_, select

from annotate.labelstudio.config import CLAIMANT, ENTITY_RELATIONS, LINK_RELATIONS
from annotate.labelstudio.regions import our_id
from annotate.labelstudio.sources import CHUNK, ORIGIN, Source, existing_keys
from annotate.labelstudio.validate import Region, Relation
from annotate.preannotate.store import UNLINKED_LABELS
from annotate.review.operations import canonical_entity, find_entity
from annotate.store.canonical import Spliced
from annotate.store.ledger import Change, Writer
from annotate.store.models import Claim, ClaimLink, Decision, Mention

DONE = ("accepted", "corrected")
PROPOSED = {"mention": "mention.proposed", "claim": "claim.proposed"}
EXTRA = {"mention": ("label", "text", "entity_id"), "claim": ("claimant", "claimant_entity_id", "entity_ids")}  # read for relations


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
            columns = [t.c.id, t.c.version, t.c.document_id, t.c.start, t.c.end, t.c.status, *(t.c[name] for name in EXTRA[kind])]
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
        s = source
        ident = f"annotation {s.evidence['annotation']}" if "annotation" in s.evidence else f"prediction {s.evidence.get('prediction', '')}".strip()
        when = f" at {s.at}" if s.at else ""
        self.rationale = f"Label Studio {ident} on {s.task.name}, by {s.actor}{when}"  # the same for each of its decisions
        self.spliced: Spliced | None = None  # its evidence's canonical JSON, made once: the regions' differ in their id only

    def apply(self, change: Change, rid: str | None = None) -> dict | None:
        """Record the change, unless a later decision made in Claimtrail stands (then None)."""
        if change.base_version and change.base_version > 1 and self.decided_here_since(change):
            self.report.kept += 1
            return None
        return self.record(change.action, change.target_type, change.set, rid, change.target_id, change.base_version)

    def record(self, action: str, kind: str, fields: dict, rid: str | None, target_id: int | None = None, base_version: int | None = None) -> dict:
        """The decision, with this source's rationale and evidence (the region's id in it)."""
        evidence_json = self.evidence_json(rid) if rid else None
        change = Change(action, kind, target_id, fields, base_version, self.rationale, tuple(self.evidence(rid)))
        return self.recorded(kind, action, self.writer.apply(change, self.key, evidence_json))

    def propose(self, region: Region, shared: dict) -> None:
        """A new candidate for a predicted region (nothing decided on it yet to respect)."""
        fields = _spanned(region, shared)
        action = PROPOSED[region.kind]
        self.recorded(region.kind, action, self.writer.add(region.kind, action, fields, self.rationale, self.evidence_json(region.rid), self.key))

    def recorded(self, kind: str, action: str, state: dict) -> dict:
        self.key = None  # the idempotency key goes on the source's first decision only
        self.report.decisions[action] += 1
        if kind == "link":
            self.index.put_link(state)
        elif kind in self.index.objects:
            self.index.put(kind, state)
        return state

    def evidence_json(self, rid: str) -> str:
        """Canonical JSON of a region's evidence: the source's, encoded once, with the region id spliced in."""
        self.spliced = self.spliced or Spliced(self.evidence(Spliced.MARKER))
        return self.spliced(rid, self.evidence)

    def evidence(self, rid: str | None) -> list:
        """The decision's evidence as a list (its canonical JSON is a list's)."""
        return [{"label_studio": {**self.source.evidence, "result": rid} if rid else self.source.evidence}]

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
        shared = _shared(self.source, "candidate", self.source.actor)
        for region in self.source.checked.regions:
            if self.index.find(region.kind, self.doc, region) is None:
                self.propose(region, shared)

    def annotation(self) -> None:
        """Entity spans first: what the claims' relations say needs their entities."""
        regions = self.source.checked.regions
        ids = {region.rid: self.span(region) for region in regions if region.kind == "mention"}
        facts = self.claim_facts(ids)
        ids |= {region.rid: self.span(region, facts.get(region.rid)) for region in regions if region.kind == "claim"}
        if self.source.parent:
            self.deleted_spans(ids)
            self.deleted_relations()
        for relation in self.source.checked.relations:
            if relation.label in LINK_RELATIONS:
                a, b = relation.ends()
                self.ensure_link(ids[a], ids[b], relation.label, _name(relation))

    def span(self, region: Region, facts: "Facts | None" = None) -> int:
        """Our object for a region, made to match it: added, accepted, or corrected (span,
        label, and for a claim what its relations to entity spans say), in one decision."""
        found = self.index.find(region.kind, self.doc, region)
        if found is None:
            return self.add(region, facts)
        fields = self.claim_fields(found, facts) if facts else {}
        why = ", ".join([region.rid, *facts.relations]) if fields else region.rid
        if not _same_span(found, region):
            fields |= {"start": region.start, "end": region.end, _text_field(region.kind): region.text}
            fields |= {"label": region.label} if region.kind == "mention" else {}
        if fields:
            change = Change(f"{region.kind}.corrected", region.kind, found["id"], {**fields, "status": "corrected"}, found["version"])
        elif found["status"] in DONE:
            return found["id"]
        else:
            change = Change(f"{region.kind}.accepted", region.kind, found["id"], {"status": "accepted"}, found["version"])
        return (self.apply(change, why) or found)["id"]

    def add(self, region: Region, facts: "Facts | None") -> int:
        """A span the annotator drew, as the review workbench adds one: a mention with its
        entity, a claim naming the entities mentioned inside it (and what its relations say)."""
        fields, why = _new(region, self.source, status="accepted", annotator=None), region.rid
        if region.kind == "mention" and region.label not in UNLINKED_LABELS:
            fields["entity_id"] = self.entity_named(region.text, region.label)
        if region.kind == "claim":
            fields |= {"claimant": None, "claimant_entity_id": None, "entity_ids": self.entities_inside(region)}
            if facts:
                fields |= self.claim_fields(fields, facts)
                why = ", ".join([region.rid, *facts.relations])
        return self.apply(Change(f"{region.kind}.added", region.kind, set=fields), why)["id"]

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
            if (relation.ends(), relation.label) in kept or relation.label not in LINK_RELATIONS:
                continue
            a, b = (self.index.find("claim", self.doc, regions[rid]) for rid in relation.ends())
            link = self.index.link(a["id"], b["id"], relation.label) if a and b else None
            if link and link["status"] == "active":
                change = Change("link.removed", "link", link["id"], {"status": "removed"}, link["version"])
                self.apply(change, _name(relation))

    def ensure_link(self, a: int, b: int, relation: str, rid: str) -> None:
        link = self.index.link(a, b, relation)
        if link is None:
            fields = {"a_id": a, "b_id": b, "relation": relation, "status": "active", "rationale": "drawn in Label Studio"}
            self.apply(Change("link.created", "link", set=fields), rid)
        elif link["status"] != "active":
            self.apply(Change("link.restored", "link", link["id"], {"status": "active"}, link["version"]), rid)

    # --- claimant and about: relations between a claim and an entity span -----------------

    def claim_facts(self, ids: dict[str, int]) -> dict[str, "Facts"]:
        """By claim region: the claimant and entities this annotation draws (mention ids), and
        those it took back: relations of the parent prediction deleted while both spans stay."""
        facts: dict[str, Facts] = {}
        regions = {r.rid: r.kind for r in self.source.checked.regions}
        claims = {rid for rid, kind in regions.items() if kind == "claim"}
        drawn = [r for r in self.source.checked.relations if r.label in ENTITY_RELATIONS]
        for relation in drawn:
            claim, mention = _claim_and_mention(relation, claims)
            found = facts.setdefault(claim, Facts())
            found.relations.append(_name(relation))
            if relation.label == CLAIMANT:
                found.claimant = ids[mention]
            else:
                found.about.add(ids[mention])
        kept = {(_claim_and_mention(r, claims), r.label) for r in drawn}
        for relation in self.source.parent.relations if self.source.parent else []:
            if relation.label not in ENTITY_RELATIONS or not {relation.from_rid, relation.to_rid} <= regions.keys():
                continue
            claim, mention = _claim_and_mention(relation, claims)
            if ((claim, mention), relation.label) not in kept:
                found = facts.setdefault(claim, Facts())
                found.relations.append(f"{_name(relation)} deleted")
                (found.not_claimant if relation.label == CLAIMANT else found.not_about).add(ids[mention])
        return facts

    def claim_fields(self, claim: dict, facts: "Facts") -> dict:
        """The claimant and entity_ids fields that differ from what the relations say."""
        fields, mentions = {}, self.index.objects["mention"]
        if facts.claimant is not None:
            entity = self.entity_of(mentions[facts.claimant], make=True)
            if not self.same_entity(claim["claimant_entity_id"], entity):
                fields |= {"claimant": " ".join(mentions[facts.claimant]["text"].split()), "claimant_entity_id": entity}
        elif any(self.same_entity(claim["claimant_entity_id"], self.entity_of(mentions[m])) for m in facts.not_claimant):
            fields |= {"claimant": None, "claimant_entity_id": None}
        added = {self.entity_of(mentions[m], make=True) for m in facts.about}
        removed = {self.entity_of(mentions[m]) for m in facts.not_about} - added
        before = sorted(claim["entity_ids"] or [])
        after = sorted((set(before) | added) - removed - {None})
        return fields | ({"entity_ids": after} if after != before else {})

    def entities_inside(self, region: Region) -> list[int]:
        """Entities of the document's mentions inside a span, as `Review.add_claim` names them."""
        inside = {
            m["entity_id"]
            for m in self.index.objects["mention"].values()
            if m["document_id"] == self.doc
            and region.start <= m["start"]
            and m["end"] <= region.end
            and m["entity_id"] is not None
            and m["status"] != "rejected"
        }
        return sorted(inside)

    def entity_of(self, mention: dict, make: bool = False) -> int | None:
        """The entity a mention stands for now (merges followed). With `make`, one without an
        entity gets one, found by name or added, recorded on the mention."""
        if mention["entity_id"] is not None or not make or mention["label"] in UNLINKED_LABELS:
            return self.canonical(mention["entity_id"])
        entity = self.entity_named(mention["text"], mention["label"])
        change = Change("mention.corrected", "mention", mention["id"], {"entity_id": entity, "status": "corrected"}, mention["version"])
        self.apply(change, f"m{mention['id']}")
        return entity

    def entity_named(self, text: str, label: str) -> int:
        """As a reviewer adding a mention gets it: the entity of that name or alias, else a new one."""
        name = " ".join(text.split())
        self.writer.flush()
        found = find_entity(self.writer.session, name)
        if found is not None:
            return self.canonical(found)
        return self.apply(Change("entity.added", "entity", set={"name": name, "type": label, "status": "accepted"}))["id"]

    def canonical(self, entity_id: int | None) -> int | None:
        return canonical_entity(self.writer, entity_id)

    def same_entity(self, a: int | None, b: int | None) -> bool:
        return a is not None and b is not None and (a == b or self.canonical(a) == self.canonical(b))


@dataclass
class Facts:
    """What one annotation says about a claim's claimant and entities (mention ids)."""

    claimant: int | None = None
    about: set[int] = field(default_factory=set)
    not_claimant: set[int] = field(default_factory=set)
    not_about: set[int] = field(default_factory=set)
    relations: list[str] = field(default_factory=list)  # which, for the evidence


def _claim_and_mention(relation: Relation, claims: set[str]) -> tuple[str, str]:
    """The region ids of a claimant or about relation's claim and entity span, whichever way it was drawn."""
    return (relation.from_rid, relation.to_rid) if relation.from_rid in claims else (relation.to_rid, relation.from_rid)


def _name(relation: Relation) -> str:
    return f"{relation.from_rid}→{relation.to_rid}"


def _new(region: Region, source: Source, status: str, annotator: str | None) -> dict:
    """A new mention or claim from a Label Studio region."""
    return _spanned(region, _shared(source, status, annotator))


def _shared(source: Source, status: str, annotator: str | None) -> dict[str, dict]:
    """The fields every new mention, and every new claim, from one source has alike."""
    ident = source.evidence.get("annotation", source.evidence.get("prediction"))
    reason = f"label-studio: {source.kind} {ident if ident is not None else ''}".rstrip()
    common = {"document_id": source.task.doc_id, "status": status, "annotator": annotator, "reason": reason}
    return {"mention": common, "claim": {**common, "published": source.task.published}}


def _spanned(region: Region, shared: dict[str, dict]) -> dict:
    """A new object's fields: the source's (`_shared`) and the region's span."""
    fields = {**shared[region.kind], "start": region.start, "end": region.end, "score": region.score, _text_field(region.kind): region.text}
    if region.kind == "mention":
        fields["label"] = region.label
    return fields


def _moment(at: str) -> datetime:
    moment = datetime.fromisoformat(at.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _text_field(kind: str) -> str:
    return "text" if kind == "mention" else "quote"


def _same_span(obj: dict, region: Region) -> bool:
    return (obj["start"], obj["end"], obj.get("label", "CLAIM")) == (region.start, region.end, region.label)


def _span_key(kind: str, obj: dict) -> tuple:
    return (kind, obj["document_id"], obj["start"], obj["end"], obj.get("label", "CLAIM"))


def _link_key(a: int, b: int, relation: str) -> tuple:
    return (min(a, b), max(a, b), relation)  # a link is found whichever way it was drawn
