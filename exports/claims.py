"""The one iterator every export format reads: claims as the record stood at a ledger sequence.

Values come from the decisions up to that sequence (`state_as_of`), never from the current
tables, so an export cut at sequence S is the same file today as on the day it was made.
The current tables serve only as an index: which links and thread memberships touch a page
of claims (their endpoints never change once made); what those objects said at S is read
from the ledger again. Claims are read in pages by id, so memory stays flat.

The head path: when S is the ledger's head (an export "now", the common case) the state
tables ARE the fold of the decisions at S (every decision updates its object's row in the
same transaction, and `annotate.store.verify.state_drift` checks that they agree), so a page's
objects are read from them with one query per type instead of parsing each object's last
decision. The claims' own decisions (who proposed, accepted, last decided) are still read
from the ledger, without their JSON: the database picks the status out of it.
`iter_claims` re-reads the head after each page: writes commit decisions and state
together, so if no decision past S is visible after the page's reads, none of those reads
saw one; if one is, that page and the rest are read from the ledger.
"""

import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from itertools import groupby

from sqlalchemy import JSON, Text, bindparam, cast, func, or_, select
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Session

from annotate.errors import Invalid
from annotate.store.ledger import GENESIS, resolve_as_of, state_as_of
from annotate.store.models import (
    STATE_TABLES,
    Claim,
    ClaimLink,
    Decision,
    DocumentText,
    ThreadMember,
)
from annotate.store.upcast import upcast

VERIFIED = ("accepted", "corrected")
PAGE = 1000
CONTEXT = 32  # characters of prefix / suffix around a quote (Web Annotation TextQuoteSelector)

# What a format may ask for beyond the plain claim (each costs extra reads):
#   "context"      prefix / suffix text around the quote
#   "appearances"  the claims joined to this one by same_event links, with their documents
#   "history"      every version of the claim up to the cut (who, when, what action)


@dataclass(frozen=True)
class Filters:
    status: tuple[str, ...] = ()
    verdict: tuple[str, ...] = ()
    thread: int | None = None
    publisher: str | None = None  # a publisher's name (any case) or id

    def as_dict(self) -> dict:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, data: dict) -> "Filters":
        return cls(tuple(data.get("status") or ()), tuple(data.get("verdict") or ()), data.get("thread"), data.get("publisher"))


@dataclass(frozen=True)
class Cut:
    """Where an export is cut: a ledger sequence number and the hash of that decision."""

    seq: int
    head_hash: str


def cut_at(session: Session, as_of: str | int | None = None) -> Cut:
    seq = resolve_as_of(session, as_of)
    head = session.execute(select(Decision.hash).where(Decision.seq == seq)).scalar()
    if seq and head is None:
        raise Invalid(f"the ledger has no decision {seq}")
    return Cut(seq, head or GENESIS)


def iter_claims(
    session: Session,
    seq: int,
    filters: Filters = Filters(),
    needs: Iterable[str] = (),
    page: int = PAGE,
    from_ledger: bool = False,
    id_range: tuple[int, int] | None = None,
) -> Iterator[dict]:
    """Claims that pass `filters`, as of decision `seq`, in id order, one JSON-ready dict each;
    given `id_range` (first, last), only those with first ≤ id ≤ last.

    At the head, objects come from the state tables unless `from_ledger` (same bytes, slower)."""
    (first, last), needs = id_range or (1, None), frozenset(needs)
    after = first - 1
    at_head = not from_ledger and seq == _head(session)
    while ids := _page_ids(session, seq, after, page, last):
        after = ids[-1]
        chosen = _Page(session, seq, ids, needs, at_head)
        if at_head and _head(session) != seq:  # a write committed during the page: it may be past the cut
            at_head, chosen = False, _Page(session, seq, ids, needs, False)
        yield from chosen.records(filters)


def _head(session: Session) -> int:
    return session.execute(select(func.max(Decision.seq))).scalar() or 0


def claim_id_span(session: Session, seq: int) -> tuple[int, int] | None:
    """The lowest and highest claim id at decision `seq` (None before the first claim)."""
    low, high = session.execute(
        select(func.min(Decision.target_id), func.max(Decision.target_id)).where(Decision.target_type == "claim", Decision.seq <= seq)
    ).one()
    return None if low is None else (low, high)


def _page_ids(session: Session, seq: int, after: int, size: int, last: int | None = None) -> list[int]:
    in_range = Decision.target_id > after if last is None else Decision.target_id.between(after + 1, last)
    query = (
        select(Decision.target_id)
        .where(Decision.target_type == "claim", in_range, Decision.seq <= seq)
        .group_by(Decision.target_id)
        .order_by(Decision.target_id)
        .limit(size)
    )
    return list(session.execute(query).scalars())


def fold(session: Session, seq: int, target_type: str, ids: Iterable[int]) -> dict[int, dict]:
    """Objects of one type as they stood at `seq`, by id; ids that did not exist yet are absent."""
    ids = {i for i in ids if i is not None}
    return {row["id"]: row for _, row in state_as_of(session, seq, target_type, ids)} if ids else {}


class _Page:
    """One page of claims and everything their records need, read in a handful of queries."""

    def __init__(self, session: Session, seq: int, ids: list[int], needs: frozenset, at_head: bool = False):
        self.session, self.seq, self.needs, self.at_head = session, seq, needs, at_head
        self._docs, self._entity_records = {}, {}
        self.histories = _histories(session, seq, ids[0], ids[-1], full=not at_head or "history" in needs)
        if at_head:
            self.claims = _state(session, "claim", Claim.id.between(ids[0], ids[-1]))
        else:
            self.claims = {
                cid: {**upcast("claim", json.loads(h[-1]["after"]), h[-1]["state_schema"]), "id": cid, "version": h[-1]["target_version"]}
                for cid, h in self.histories.items()
            }
        self.links = self._links(range(ids[0], ids[-1] + 1), relation=None)
        self.members = self._members()
        self.threads = self.fold("thread", {m["thread_id"] for ms in self.members.values() for m in ms})
        self.groups = self._same_event_groups() if "appearances" in needs else {}
        others = {c for g in self.groups.values() for c in g} - set(self.claims)
        self.all_claims = {**self.claims, **self.fold("claim", others)}
        self.documents = self.fold("document", {c["document_id"] for c in self.all_claims.values()})
        self.publishers = self.fold("publisher", {d["publisher_id"] for d in self.documents.values()})
        entity_ids = {e for c in self.claims.values() for e in [*c["entity_ids"], c["claimant_entity_id"]]}
        self.entities = self.fold("entity", entity_ids)

    def fold(self, target_type: str, ids: Iterable[int]) -> dict[int, dict]:
        """These objects at the cut: from the state tables at the head, else from the ledger."""
        if not self.at_head:
            return fold(self.session, self.seq, target_type, ids)
        ids = [i for i in set(ids) if i is not None]
        return _state(self.session, target_type, STATE_TABLES[target_type].id.in_(bindparam(None, ids, expanding=True))) if ids else {}

    def records(self, filters: Filters) -> Iterator[dict]:
        chosen = [r for r in map(self._record, self.claims.values()) if _passes(r, filters)]
        if "context" in self.needs:
            self._add_context(chosen)
        return iter(chosen)

    def _record(self, claim: dict) -> dict:
        history = self.histories[claim["id"]]
        proposed, last, accepted = history[0], history[-1], _accepted_by(history)
        doc = self._document(claim["document_id"])
        threads = [
            {"id": m["thread_id"], "name": self.threads.get(m["thread_id"], {}).get("name"), "verdict": m["verdict"], "decided_at": m["decided_at"]}
            for m in self.members.get(claim["id"], [])
        ]
        record = {
            "id": claim["id"],
            "version": claim["version"],
            "quote": claim["quote"],
            "start": claim["start"],
            "end": claim["end"],
            "document": doc,
            "claimant": claim["claimant"] or self._entity_name(claim["claimant_entity_id"]),
            "claimant_entity": self._entity(claim["claimant_entity_id"]),
            "relayed_by": claim["relayed_by"],
            "reporting_verb": claim["reporting_verb"],
            "hedged": claim["hedged"],
            "hedges": claim["hedges"],
            "negated": claim["negated"],
            "event_date": claim["event_date"],
            "event_date_inferred": claim["event_date_inferred"],
            "published": claim["published"] or doc["published"],
            "entities": [e for e in map(self._entity, claim["entity_ids"]) if e],
            "links": self.links.get(claim["id"], []),
            "threads": threads,
            "verdict": _verdict(threads),
            "status": claim["status"],
            "annotator": claim["annotator"],
            "score": claim["score"],
            "proposed_by": proposed["actor"],
            "proposed_at": proposed["at"],
            "accepted_by": accepted and accepted["actor"],
            "accepted_at": accepted and accepted["at"],
            "decision": {"seq": last["seq"], "hash": last["hash"], "at": last["at"], "actor": last["actor"]},
        }
        if "appearances" in self.needs:
            record["same_event"] = self.groups[claim["id"]]  # the whole component, rejected claims too
            record["appearances"] = self._appearances(claim["id"])
        if "history" in self.needs:
            record["history"] = [_version(d) for d in history]
        return record

    def _document(self, doc_id: int) -> dict:
        if doc_id not in self._docs:  # shared by the page's claims on that document; never modified
            self._docs[doc_id] = self._document_record(doc_id)
        return self._docs[doc_id]

    def _document_record(self, doc_id: int) -> dict:
        doc = self.documents.get(doc_id) or {}
        publisher = self.publishers.get(doc.get("publisher_id")) or {}
        return {
            "id": doc_id,
            "file_name": doc.get("file_name"),
            "title": doc.get("title"),
            "url": doc.get("url"),
            "publisher_id": doc.get("publisher_id"),
            "publisher": publisher.get("name"),
            "publisher_url": publisher.get("url"),
            "published": doc.get("published"),
            "sha256": doc.get("sha256"),
        }

    def _entity(self, entity_id: int | None) -> dict | None:
        if entity_id not in self._entity_records:  # shared by the page's claims that name it; never modified
            e = self.entities.get(entity_id)
            self._entity_records[entity_id] = e and {"id": e["id"], "name": e["name"], "type": e["type"], "external_id": e["external_id"]}
        return self._entity_records[entity_id]

    def _entity_name(self, entity_id: int | None) -> str | None:
        return (self.entities.get(entity_id) or {}).get("name")

    def _links(self, claims: Iterable[int], relation: str | None) -> dict[int, list[dict]]:
        """Active links at the cut touching these claims, by claim, seen from that claim's side."""
        if isinstance(claims, range):  # a page: two index range scans
            touches = or_(ClaimLink.a_id.between(claims.start, claims.stop - 1), ClaimLink.b_id.between(claims.start, claims.stop - 1))
        else:
            ids = bindparam(None, list(claims), expanding=True)  # one parameter, not one per id
            touches = or_(ClaimLink.a_id.in_(ids), ClaimLink.b_id.in_(ids))
        if relation:
            touches = touches & (ClaimLink.relation == relation)
        if self.at_head:
            links = _state(self.session, "link", touches)
        else:
            links = fold(self.session, self.seq, "link", self.session.execute(select(ClaimLink.id).where(touches)).scalars())
        found: dict[int, list[dict]] = {}
        for link in links.values():
            if link["status"] != "active" or (relation and link["relation"] != relation):
                continue
            for me, other, direction in ((link["a_id"], link["b_id"], "out"), (link["b_id"], link["a_id"], "in")):
                found.setdefault(me, []).append({"id": link["id"], "relation": link["relation"], "claim_id": other, "direction": direction})
        return {k: sorted(v, key=lambda x: (x["id"], x["direction"])) for k, v in found.items()}

    def _members(self) -> dict[int, list[dict]]:
        """Active thread memberships at the cut, with when their verdict was last decided."""
        first, last = min(self.claims), max(self.claims)
        in_page = ThreadMember.claim_id.between(first, last)
        if self.at_head:
            members = _state(self.session, "thread_member", in_page)
        else:
            members = fold(self.session, self.seq, "thread_member", self.session.execute(select(ThreadMember.id).where(in_page)).scalars())
        decided = dict(
            self.session.execute(
                select(Decision.target_id, func.max(Decision.at))
                .where(
                    Decision.target_type == "thread_member", Decision.target_id.in_(bindparam(None, list(members), expanding=True)), Decision.seq <= self.seq
                )
                .group_by(Decision.target_id)
            ).all()
        )
        found: dict[int, list[dict]] = {}
        for m in members.values():
            if m["status"] == "active" and m["claim_id"] in self.claims:
                found.setdefault(m["claim_id"], []).append({**m, "decided_at": decided[m["id"]]})
        return {k: sorted(v, key=lambda m: m["thread_id"]) for k, v in found.items()}

    def _same_event_groups(self) -> dict[int, list[int]]:
        """Each page claim's same_event component (itself included), walked breadth first."""
        edges: dict[int, set[int]] = {}
        frontier, seen = set(self.claims), set(self.claims)
        while frontier:
            for me, links in self._links(frontier, "same_event").items():
                edges.setdefault(me, set()).update(link["claim_id"] for link in links)
            frontier = {o for me in frontier for o in edges.get(me, ())} - seen
            seen |= frontier
        groups = {}
        for cid in self.claims:
            group, todo = {cid}, [cid]
            while todo:
                for other in edges.get(todo.pop(), ()):
                    if other not in group:
                        group.add(other)
                        todo.append(other)
            groups[cid] = sorted(group)
        return groups

    def _appearances(self, claim_id: int) -> list[dict]:
        """Where this proposition appears (rejected claims are not appearances), earliest first."""
        found = []
        for cid in self.groups.get(claim_id, [claim_id]):
            claim = self.all_claims.get(cid)
            if claim and claim["status"] != "rejected":
                doc = self._document(claim["document_id"])
                published = claim["published"] or doc["published"]
                found.append({"claim_id": cid, "status": claim["status"], "quote": claim["quote"], "published": published, "document": doc})
        return sorted(found, key=lambda a: (a["published"] or "9999", a["claim_id"]))

    def _add_context(self, records: list[dict]) -> None:
        """Prefix and suffix from the stored text, one document's text in memory at a time."""
        for sha, group in groupby(sorted(records, key=lambda r: r["document"]["sha256"] or ""), key=lambda r: r["document"]["sha256"]):
            text = self.session.execute(select(DocumentText.text).where(DocumentText.sha256 == sha)).scalar() or ""
            for r in group:
                r["context"] = {"prefix": text[max(0, r["start"] - CONTEXT) : r["start"]], "suffix": text[r["end"] : r["end"] + CONTEXT]}


def _state(session: Session, target_type: str, where) -> dict[int, dict]:
    """Rows of one state table by id (at the head these are the objects as of the cut)."""
    table = STATE_TABLES[target_type].__table__
    names, as_json = table.c.keys(), [i for i, c in enumerate(table.c) if isinstance(c.type, JSON)]
    query = select(*(cast(c, Text) if isinstance(c.type, JSON) else c for c in table.c)).where(where).order_by(table.c.id)
    found = {}
    for row in session.connection().execute(query).fetchall():
        obj = dict(zip(names, row))
        for i in as_json:  # read as text and decoded here: cheaper than the JSON type, and "[]" is common
            obj[names[i]] = [] if row[i] == "[]" else json.loads(row[i])
        found[obj["id"]] = obj
    return found


def _histories(session: Session, seq: int, first: int, last: int, full: bool = True) -> dict[int, list[dict]]:
    """Every decision on the claims first..last up to `seq`, oldest first, by claim.

    Each says who, when, its hash and the claim's status after it; `full` adds the rest
    (origin, action, version, rationale and the whole `after` JSON)."""
    columns = [Decision.seq, Decision.at, Decision.actor, Decision.hash, _status(session).label("status")]
    if full:
        columns += [Decision.origin, Decision.action, Decision.target_version, Decision.rationale, Decision.after, Decision.state_schema]
    query = (
        select(Decision.target_id, *columns)
        .where(Decision.target_type == "claim", Decision.target_id.between(first, last), Decision.seq <= seq)
        .order_by(Decision.target_id, Decision.target_version)  # the unique index's order: no sort
    )
    names = [c.name for c in columns]
    found: dict[int, list[dict]] = {}
    for target_id, *values in session.connection().execute(query).fetchall():
        found.setdefault(target_id, []).append(dict(zip(names, values)))
    return found


def _status(session: Session):
    """A decision's status as the database reads it from the `after` JSON, which then stays there."""
    if session.get_bind().dialect.name == "sqlite":
        return func.json_extract(Decision.after, "$.status")
    return cast(Decision.after, JSONB)["status"].astext


def _accepted_by(history: list[dict]) -> dict | None:
    """The decision that made the claim verified (accepted or corrected), if it still is."""
    accepted, previous = None, None
    for d in history:
        status = d["status"]
        if status not in VERIFIED:
            accepted = None
        elif previous not in VERIFIED:
            accepted = d
        previous = status
    return accepted


def _verdict(threads: list[dict]) -> str:
    """One verdict: the threads' assessed verdict when they agree, "contested" when they do not."""
    if not threads:
        return "unassessed"
    assessed = {t["verdict"] for t in threads} - {"unassessed"}
    return assessed.pop() if len(assessed) == 1 else ("contested" if assessed else "unassessed")


def _version(d: dict) -> dict:
    after = json.loads(d["after"])
    return {
        "seq": d["seq"],
        "at": d["at"],
        "actor": d["actor"],
        "origin": d["origin"],
        "action": d["action"],
        "version": d["target_version"],
        "hash": d["hash"],
        "rationale": d["rationale"],
        "status": after.get("status"),
        "quote": after.get("quote"),
    }


def _passes(record: dict, f: Filters) -> bool:
    if f.thread is not None:
        threads = [t for t in record["threads"] if t["id"] == f.thread]
        if not threads:
            return False
        record["verdict"] = _verdict(threads)  # the verdict that thread gave
    doc = record["document"]
    return (
        (not f.status or record["status"] in f.status)
        and (not f.verdict or record["verdict"] in f.verdict)
        and (not f.publisher or f.publisher.casefold() in {str(doc["publisher"] or "").casefold(), str(doc["publisher_id"])})
    )
