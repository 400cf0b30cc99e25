"""The operations a reviewer performs. Each is one ledger transaction, named for what was decided.

Every write operation in Claimtrail has one shape: a method of an `Operations` object made
with (record, actor, origin, role), returning `Done`. `Review` here judges and corrects
candidates; `Links` (annotate/linking/links.py) and `Threads` (annotate/linking/threads.py)
connect claims. The web UI, the JSON API and the CLI all call them; none writes any other way.
Every operation takes the version of the object the reviewer saw (`base_version`), so a
decision made on a stale view raises `ledger.Conflict` instead of silently overwriting.

An operation that writes several decisions (a mention with its new entity, a merge) tags
each with `{"group": <first seq>}` in its evidence, so `undo` takes the whole action back.
"""

import json
import re
import unicodedata
from dataclasses import dataclass, field

from sqlalchemy import String, and_, cast, func, or_, select

from annotate.errors import Invalid, NotFound
from annotate.preannotate.base import LABELS
from annotate.preannotate.store import UNLINKED_LABELS
from annotate.review import conflicts, limits, policy, review_states
from annotate.review.queue import escape_like
from annotate.review.revert import reverted_seq, take_back
from annotate.store.kinds import canonical
from annotate.store.ledger import Change, Writer
from annotate.store.models import Claim, Decision, DocumentText, Entity, Mention
from annotate.store.record import Record

REVIEWABLE = ("claim", "mention")
UNDOABLE = ("claim", "mention", "entity", "document")  # a document: its metadata, corrected in the workbench's header
UNDOABLE_IN_DOCUMENT = ("document.metadata_corrected", "document.reverted")  # not its ingestion or boilerplate
EDITABLE = {
    "claim": {"start", "end", "claimant", "relayed_by", "reporting_verb", "event_date", "hedged", "hedges", "negated", "entity_ids"},
    "mention": {"start", "end", "label", "entity_id"},
}
_DATE = r"\d{4}(-\d{2}(-\d{2})?)?"
EVENT_DATE = re.compile(rf"^{_DATE}(/{_DATE})?$")


@dataclass
class Done:
    """The outcome of one operation: the object's new state, and what the reviewer should know."""

    state: dict
    warnings: list[str] = field(default_factory=list)
    decisions: list[int] = field(default_factory=list)  # sequence numbers written
    changed: list[dict] = field(default_factory=list)  # the other objects written (the members a thread gained)


class Operations:
    """Who writes, from where (ui, api, cli, import), in which role: what every operation records."""

    def __init__(self, record: Record, actor: str, origin: str, role: str = "reviewer"):
        self.record, self.ledger, self.actor, self.origin, self.role = record, record.ledger, actor, origin, role


class Review(Operations):
    """A reviewer's operations on candidates, mentions and entities; and taking decisions back."""

    # --- judging candidates ---------------------------------------------------------

    def accept(self, kind: str, target_id: int, base_version: int, rationale: str = "") -> Done:
        return self._set_status(kind, target_id, base_version, "accepted", rationale)

    def reject(self, kind: str, target_id: int, base_version: int, rationale: str = "") -> Done:
        return self._set_status(kind, target_id, base_version, "rejected", rationale)

    def _set_status(self, kind: str, target_id: int, base_version: int, status: str, rationale: str) -> Done:
        _reviewable(kind)
        limits.check(rationale=rationale)
        with self.ledger.writer(self.actor, self.origin) as w:
            state = w.apply(Change(f"{kind}.{status}", kind, target_id, {"status": status}, base_version, rationale))
            seq = w.seq
            review_states.begin(w, [state["document_id"]], self.actor)
            return Done(state, decisions=[seq])

    def decide_many(self, targets: list[tuple[str, int, int]], status: str, rationale: str = "") -> Done:
        """Accept or reject several candidates, each (kind, id, version seen), in one transaction: all or
        none (a stale one refuses the lot), tagged as one action so one undo takes them all back."""
        if status not in ("accepted", "rejected"):
            raise Invalid("several candidates can only be accepted or rejected together")
        if not targets:
            raise Invalid("nothing selected, and no candidates left to decide")
        with self.ledger.writer(self.actor, self.origin) as w:
            group, first = ({"group": w.seq + 1},), w.seq + 1
            documents = []
            for kind, target_id, base_version in targets:
                _reviewable(kind)
                state = w.apply(Change(f"{kind}.{status}", kind, target_id, {"status": status}, base_version, rationale, group))
                documents.append(state["document_id"])
            last = w.seq
            review_states.begin(w, documents, self.actor)
            return Done(state, decisions=list(range(first, last + 1)))

    def edit(self, kind: str, target_id: int, base_version: int, fields: dict, rationale: str = "") -> Done:
        """Correct a claim or mention: span, label, claimant, event date, hedging, negation."""
        limits.check(rationale=rationale)
        values = corrected(kind, fields)
        with self.ledger.writer(self.actor, self.origin) as w:
            current = _get(w, kind, target_id)
            state, warnings = _correct(w, kind, current, values, base_version, rationale)
            seq = w.seq
            review_states.begin(w, [state["document_id"]], self.actor)
            return Done(state, warnings, [seq])

    def reapply(
        self, kind: str, target_id: int, base_version: int, seen_version: int, fields: dict, choices: dict[str, str] | None = None, rationale: str = ""
    ) -> Done:
        """Reapply an edit made on `base_version` after others changed the object (annotate/review/conflicts.py):
        only the fields this reviewer changed go on top of `seen_version`, the version the comparison showed;
        where both changed a field, `choices` ("mine" or "theirs") says whose value stays."""
        values = corrected(kind, fields)
        with self.ledger.writer(self.actor, self.origin) as w:
            current = _get(w, kind, target_id)
            comparison = conflicts.compare(conflicts.state_at(w.session, kind, target_id, base_version), current, values, base_version)
            send = comparison.to_send(choices or {})
            if not send:
                return Done(current, ["none of your changes differ from the current version: nothing was recorded"])
            state, warnings = _correct(w, kind, current, send, seen_version, rationale)
            seq = w.seq
            review_states.begin(w, [state["document_id"]], self.actor)
            return Done(state, warnings, [seq])

    # --- adding what the machine missed ---------------------------------------------

    def add_claim(self, document_id: int, start: int, end: int, fields: dict | None = None, rationale: str = "") -> Done:
        """A claim from a span of a document; it names the entities mentioned inside it."""
        values = _clean_fields("claim", {k: v for k, v in (fields or {}).items() if k not in ("start", "end")})
        limits.check(rationale=rationale)
        with self.ledger.writer(self.actor, self.origin) as w:
            text, doc = _document(w, document_id)
            start, end, warnings = check_span(text, doc, start, end)
            inside = _mentions_inside(w, document_id, start, end)
            state = w.apply(
                Change(
                    "claim.added",
                    "claim",
                    set={
                        "entity_ids": inside,
                        **values,
                        "document_id": document_id,
                        "start": start,
                        "end": end,
                        "quote": text[start:end],
                        "published": doc["published"],
                        "status": "accepted",
                    },
                    rationale=rationale,
                )
            )
            seq = w.seq
            review_states.begin(w, [document_id], self.actor)
            return Done(state, warnings, [seq])

    def add_mention(self, document_id: int, start: int, end: int, label: str, entity: int | str | None = None) -> Done:
        """An entity mention from a span, linked to `entity` (an id, or a name found or created)."""
        limits.check(label=label, entity=entity)
        label = _label(label)
        with self.ledger.writer(self.actor, self.origin) as w:
            text, doc = _document(w, document_id)
            start, end, warnings = check_span(text, doc, start, end)
            group, first = ({"group": w.seq + 1},), w.seq + 1
            entity_id = None  # dates and quantities are values, not things with an identity
            if label not in UNLINKED_LABELS or entity not in (None, ""):
                entity_id = self._entity_for(w, entity if entity not in (None, "") else text[start:end], label, group)
            state = w.apply(
                Change(
                    "mention.added",
                    "mention",
                    set={
                        "document_id": document_id,
                        "start": start,
                        "end": end,
                        "text": text[start:end],
                        "label": label,
                        "entity_id": entity_id,
                        "status": "accepted",
                    },
                    evidence=group,
                )
            )
            last = w.seq
            review_states.begin(w, [document_id], self.actor)
            return Done(state, warnings, list(range(first, last + 1)))

    def _entity_for(self, w: Writer, entity: int | str, label: str, group: tuple) -> int:
        if isinstance(entity, int) or str(entity).isdigit():
            found = w.get("entity", int(entity))
            if found is None:
                raise Invalid(f"no entity with id {entity}")
            return _canonical(w, found)["id"]
        name = " ".join(str(entity).split())
        w.flush()
        found = find_entity(w.session, name)
        if found is not None:
            return _canonical(w, w.get("entity", found))["id"]
        return w.apply(Change("entity.added", "entity", set={"name": name, "type": label, "status": "accepted"}, evidence=group))["id"]

    # --- entities -------------------------------------------------------------------

    def merge(self, entity_id: int, into_id: int, base_version: int, into_version: int | None = None, rationale: str = "") -> Done:
        """Merge an entity into another: the other gains its names as aliases."""
        policy.require_lead(self.role, "merging entities")
        limits.check(rationale=rationale)
        if entity_id == into_id:
            raise Invalid("an entity cannot be merged into itself")
        with self.ledger.writer(self.actor, self.origin) as w:
            source, target = w.get("entity", entity_id), w.get("entity", into_id)
            if source is None or target is None:
                raise NotFound(f"no entity with id {entity_id if source is None else into_id}")
            if target["merged_into"]:
                raise Invalid(f"entity {into_id} was itself merged into {target['merged_into']}; merge into that one")
            group, first = ({"group": w.seq + 1},), w.seq + 1
            w.apply(Change("entity.merged", "entity", entity_id, {"merged_into": into_id}, base_version, rationale, group))
            names = [n for n in [source["name"], *source["aliases"]] if n != target["name"] and n not in target["aliases"]]
            state = w.apply(
                Change(
                    "entity.aliases_added", "entity", into_id, {"aliases": [*target["aliases"], *names]}, into_version, f"merged from entity {entity_id}", group
                )
            )
            return Done(state, decisions=list(range(first, w.seq + 1)))

    # --- undo -----------------------------------------------------------------------

    def undo(self, seq: int) -> Done:
        """Take back decision `seq` and the rest of its action (annotate/review/revert.py), here
        limited to the workbench's own objects; the audit log's revert takes back any."""
        with self.ledger.writer(self.actor, self.origin) as w:
            first = w.seq + 1
            states = take_back(w, seq, self.role, types=UNDOABLE)
            return Done(states[-1], decisions=list(range(first, w.seq + 1)))

    def revert(self, seq: int, rationale: str = "") -> Done:
        """The audit log's revert: take back decision `seq` (with the rest of its action) whatever
        it concerned, within what the role allows; the state of the object it concerned."""
        with self.ledger.writer(self.actor, self.origin) as w:
            first = w.seq + 1
            states = take_back(w, seq, self.role, rationale)
            return Done(states[0], decisions=list(range(first, w.seq + 1)))

    def last_undoable(self, session, document_id: int | None = None, scan: int = 100) -> dict | None:
        """This reviewer's latest decision that undo would take back (in one document if given)."""
        query = select(Decision.seq, Decision.action, Decision.evidence).where(Decision.actor == self.actor, Decision.target_type.in_(UNDOABLE))
        if document_id is not None:
            query = query.where(
                or_(
                    *(
                        and_(Decision.target_type == kind, Decision.target_id.in_(select(model.id).where(model.document_id == document_id)))
                        for kind, model in (("claim", Claim), ("mention", Mention))
                    ),
                    and_(Decision.target_type == "document", Decision.target_id == document_id, Decision.action.in_(UNDOABLE_IN_DOCUMENT)),
                )
            )
        else:
            query = query.where(or_(Decision.target_type != "document", Decision.action.in_(UNDOABLE_IN_DOCUMENT)))
        undone, taken, found = set(), set(), None
        for row in session.execute(query.order_by(Decision.seq.desc()).limit(scan)):
            evidence = [e for e in json.loads(row.evidence) if isinstance(e, dict)] if row.evidence != "[]" else []
            group = next((e["group"] for e in evidence if "group" in e), row.seq)
            if found is not None:
                if group != found["seq"]:
                    break
                found["action"] = row.action  # an earlier decision of the same action: named for what it began with
                continue
            if canonical(row.action).endswith(".reverted"):
                undone.add(reverted_seq(evidence))
                continue
            if row.seq in undone or group in taken:
                taken.add(group)
                continue
            found = {"seq": group, "action": row.action}
        return found


# --- spans and fields -------------------------------------------------------------


def editable(kind: str, fields: dict) -> dict:
    """`fields` checked against what a reviewer may correct, and cleaned."""
    _reviewable(kind)
    unknown = set(fields) - EDITABLE[kind]
    if unknown:
        raise Invalid(f"a {kind} has no editable field(s): {', '.join(sorted(unknown))}")
    return _clean_fields(kind, fields)


def corrected(kind: str, fields: dict) -> dict:
    """What an edit makes of an object: its cleaned fields, and the status "corrected"."""
    return {**editable(kind, fields), "status": "corrected"}


def _get(w: Writer, kind: str, target_id: int) -> dict:
    current = w.get(kind, target_id)
    if current is None:
        raise NotFound(f"no {kind} with id {target_id}")
    return current


def _correct(w: Writer, kind: str, current: dict, values: dict, base_version: int, rationale: str) -> tuple[dict, list[str]]:
    """Write a correction: a new claimant's entity, a new span's text, follow from the fields."""
    values = dict(values)
    if kind == "claim" and "claimant" in values and values["claimant"] != current["claimant"]:
        values["claimant_entity_id"] = _claimant_entity(w, values["claimant"])  # never the old speaker's
    warnings = []
    if "start" in values or "end" in values:
        text, doc = _document(w, current["document_id"])
        start, end, warnings = check_span(text, doc, values.get("start", current["start"]), values.get("end", current["end"]))
        values.update(start=start, end=end, **{"quote" if kind == "claim" else "text": text[start:end]})
    return w.apply(Change(f"{kind}.corrected", kind, current["id"], values, base_version, rationale)), warnings


def check_span(text: str, document: dict, start, end) -> tuple[int, int, list[str]]:
    """Validate a span of `text` and trim surrounding whitespace; warn when it lies in boilerplate."""
    try:
        start, end = int(start), int(end)
    except (TypeError, ValueError):
        raise Invalid("start and end must be whole numbers") from None
    if not 0 <= start < end <= len(text):
        raise Invalid(f"span {start}–{end} is outside the text (0–{len(text)}) or empty")
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start == end:
        raise Invalid("the span holds only whitespace")
    if _splits_character(text, start) or _splits_character(text, end):
        raise Invalid("the span starts or ends inside a character (before a combining mark or inside an emoji sequence)")
    warnings = [
        f"the span lies in boilerplate ({b.get('reason', 'boilerplate')} text, {b['start']}–{b['end']})"
        for b in document.get("boilerplate") or []
        if b["start"] < end and start < b["end"]
    ]
    return start, end, warnings


def _splits_character(text: str, i: int) -> bool:
    if i <= 0 or i >= len(text):
        return False
    return unicodedata.combining(text[i]) != 0 or text[i] in "\u200d\ufe0f" or text[i - 1] == "\u200d"


def _clean_fields(kind: str, fields: dict) -> dict:
    limits.check(**fields)
    values = dict(fields)
    for name in ("claimant", "reporting_verb", "event_date"):
        if name in values:
            values[name] = " ".join(str(values[name] or "").split()) or None
    if values.get("event_date") and not EVENT_DATE.match(values["event_date"]):
        raise Invalid("event date must be YYYY, YYYY-MM, YYYY-MM-DD, or a range a/b of those")
    if "event_date" in values:  # a reviewer's date is no longer the pre-annotator's inference
        values["event_date_inferred"] = False
    if "relayed_by" in values:
        if not isinstance(values["relayed_by"], list):
            raise Invalid("relayed_by must be a list of names")
        values["relayed_by"] = [n for n in (" ".join(str(v).split()) for v in values["relayed_by"]) if n]
    for name in ("hedged", "negated"):
        if name in values:
            values[name] = bool(values[name])
    if "label" in values:
        values["label"] = _label(values["label"])
    if "hedges" in values and not isinstance(values["hedges"], list):
        raise Invalid("hedges must be a list of words")
    return values


def _label(label: str) -> str:
    label = str(label or "").strip().upper()
    if label not in LABELS:
        raise Invalid(f"label must be one of {', '.join(sorted(LABELS))}")
    return label


def _reviewable(kind: str) -> None:
    if kind not in REVIEWABLE:
        raise Invalid(f"only {' and '.join(REVIEWABLE)} candidates are reviewed")


def _document(w: Writer, document_id: int) -> tuple[str, dict]:
    doc = w.get("document", document_id)
    if doc is None:
        raise NotFound(f"no document with id {document_id}")
    return w.session.get(DocumentText, doc["sha256"]).text, doc


def _mentions_inside(w: Writer, document_id: int, start: int, end: int) -> list[int]:
    query = select(Mention.entity_id).where(
        Mention.document_id == document_id,
        Mention.start >= start,
        Mention.end <= end,
        Mention.entity_id.is_not(None),
        Mention.status != "rejected",
    )
    return sorted(set(w.session.execute(query).scalars()))


def _claimant_entity(w: Writer, name: str | None) -> int | None:
    """The (canonical) entity a claimant's name resolves to, if the record knows one."""
    if not name:
        return None
    w.flush()
    return canonical_entity(w, find_entity(w.session, name))


def find_entity(session, name: str) -> int | None:
    """The entity called `name` by name or alias, case-folded, as pre-annotation resolves them."""
    folded = name.casefold()
    by_name = select(Entity.id).where(func.lower(Entity.name) == name.lower()).order_by(Entity.id).limit(1)
    found = session.execute(by_name).scalar()
    if found is not None:
        return found
    # aliases are a JSON list: narrow down with LIKE on its text, then compare exactly
    like = f"%{escape_like(json.dumps(name)[1:-1])}%"
    rows = session.execute(select(Entity.id, Entity.aliases).where(cast(Entity.aliases, String).ilike(like, escape="\\")).order_by(Entity.id).limit(50))
    return next((i for i, aliases in rows if any(a.casefold() == folded for a in aliases)), None)


def canonical_entity(w: Writer, entity_id: int | None) -> int | None:
    """The id of the entity that stands for this one now (merges followed)."""
    entity = None if entity_id is None else w.get("entity", entity_id)
    return _canonical(w, entity)["id"] if entity else entity_id


def _canonical(w: Writer, entity: dict) -> dict:
    """Follow merges to the entity that stands for this one now."""
    seen = set()
    while entity["merged_into"] and entity["id"] not in seen:
        seen.add(entity["id"])
        entity = w.get("entity", entity["merged_into"])
    return entity
