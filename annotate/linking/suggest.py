"""Link suggestions: for one claim, the claims of other documents it most likely relates to.

Candidates come from indexes only, so the cost does not grow with the record:
the full-text index (the claim's rarest shared words, any of them) and the claims that
name the same canonical entities nearest in time (`claim_entity`). Each candidate is
then scored on shared words, entities, claimant, numbers, dates and distance in time
(plus sentence-embedding similarity when the optional extra is installed), given a
relation guess, and explained. Already linked and dismissed pairs never come back.
"""

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, text
from sqlmodel import Session

from annotate.linking.canonical import entity_groups, group_names
from annotate.linking.features import FRAME, Facts, Weights, compare, idf, to_date
from annotate.linking.relations import guess_relation
from annotate.store import fulltext
from annotate.store.models import Claim, Document
from annotate.store.terms import content_words, stem, stems

TEXT_CANDIDATES = 50
ENTITY_GROUPS = 3  # the claim's rarest entities used to find candidates
ENTITY_CANDIDATES = 40  # claims kept from the entity index, the most shared entities and nearest first
ENTITY_SCAN = 60  # index entries read per entity on each side of the claim's date
ENTITY_COUNT_CAP = 5000
EMBEDDING = 0.1  # weight of sentence-embedding cosine, added to the score when the extra is installed
SAME_QUESTION = 0.25  # same entity and same kind of event: two answers to one question ("who holds Bakhmut?")
ANSWERS_DIFFER = 0.15  # same question, different answers (disputed or superseded): what a reviewer most needs to see
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


@dataclass(frozen=True)
class Suggestion:
    claim_id: int
    other_id: int
    score: float
    relation: str
    reasons: tuple[str, ...]


def suggest_links(session: Session, claim_id: int, top: int = 10, embedder=None) -> list[Suggestion]:
    """The `top` best suggestions for one claim, best first."""
    me = load_facts(session, [claim_id]).get(claim_id)
    if me is None:
        return []
    counts = fulltext.word_frequencies(session, list(dict.fromkeys(content_words(me.quote))))
    weights = _weights(session, me, counts)
    pool = _text_candidates(session, me, counts) | _entity_candidates(session, me, weights)
    pool -= excluded(session, claim_id) | {claim_id}
    others = [o for o in load_facts(session, pool).values() if o.document_id != me.document_id and o.status != "rejected"]
    _name_groups(session, weights)
    scored = [(*_score(me, o, weights), o) for o in others]
    if embedder is not None and scored:
        scored = _with_embeddings(embedder, me, scored)
    best = sorted((s for s in scored if s[0] > 0), key=lambda s: (-s[0], s[2].id))[:top]
    return [_explain(me, other, score, f) for score, f, other in best]


def relation_between(session: Session, a_id: int, b_id: int) -> Suggestion | None:
    """The score and relation guess for one given pair (used by evaluation and the UI)."""
    facts = load_facts(session, [a_id, b_id])
    if a_id not in facts or b_id not in facts:
        return None
    me, other = facts[a_id], facts[b_id]
    counts = fulltext.word_frequencies(session, list(dict.fromkeys(content_words(me.quote))))
    weights = _weights(session, me, counts)
    _name_groups(session, weights)
    return _explain(me, other, *_score(me, other, weights))


def excluded(session: Session, claim_id: int) -> set[int]:
    """Claims already linked to this one (active links) or dismissed as suggestions, either way round."""
    sql = (
        "SELECT b_id FROM claimlink WHERE a_id = :c AND status = 'active' "
        "UNION SELECT a_id FROM claimlink WHERE b_id = :c AND status = 'active' "
        "UNION SELECT other_id FROM dismissal WHERE claim_id = :c UNION SELECT claim_id FROM dismissal WHERE other_id = :c"
    )
    return set(session.execute(text(sql), {"c": claim_id}).scalars())


def load_facts(session: Session, ids) -> dict[int, Facts]:
    ids = list(ids)
    if not ids:
        return {}
    c = Claim.__table__.c
    rows = session.execute(select(c.id, c.document_id, c.quote, c.claimant, c.claimant_entity_id, c.event_date,
                                  c.published, c.entity_ids, c.negated, c.hedged, c.status).where(c.id.in_(ids))).mappings().all()  # fmt: skip
    undated = {r["document_id"] for r in rows if not r["published"]}
    published = dict(session.execute(select(Document.id, Document.published).where(Document.id.in_(undated))).all()) if undated else {}
    stems([w for r in rows for w in content_words(r["quote"])])  # one batch for the words not stemmed before
    facts = {}
    for r in rows:
        values = dict(r)
        values["entity_ids"] = _ints(values["entity_ids"])
        values["published"] = values["published"] or published.get(values["document_id"])
        facts[r["id"]] = Facts(**values)
    return facts


def _ints(value) -> list[int]:
    value = json.loads(value) if isinstance(value, str) else value or []
    return [v for v in value if isinstance(v, int)]


# --- candidates -------------------------------------------------------------------------


def _text_candidates(session: Session, me: Facts, counts: dict[str, int]) -> set[int]:
    found = fulltext.claims_sharing(session, content_words(me.quote), counts, TEXT_CANDIDATES, exclude_document=me.document_id)
    return {i for i, _ in found}


def _entity_candidates(session: Session, me: Facts, weights: Weights) -> set[int]:
    """Claims naming the claim's entities (any spelling) nearest to it in time, those naming
    more of them (and rarer ones) first. Index-only reads, a bounded number per entity."""
    roots = sorted({weights.groups.canonical(e) for e in me.entity_ids}, key=lambda e: -weights.entity(e))
    anchor = me.day or date(1900, 1, 1)
    shared: dict[int, float] = defaultdict(float)
    nearest: dict[int, int] = {}
    for root in roots[:ENTITY_GROUPS]:
        days = dict(_near_in_time(session, weights.groups.members(root)[:8], anchor.isoformat()))
        for claim_id, day in days.items():  # each claim once per group, whichever spelling it used
            shared[claim_id] += weights.entity(root)
            gap = abs(((to_date(day) or anchor) - anchor).days)
            nearest[claim_id] = min(gap, nearest.get(claim_id, gap))
    ranked = sorted(shared, key=lambda i: (-shared[i], nearest[i], i))
    return set(ranked[:ENTITY_CANDIDATES])


def _near_in_time(session: Session, members: list[int], anchor: str) -> set[tuple[int, str]]:
    found = set()
    for member in members:
        for op, order in ((">=", "ASC"), ("<", "DESC")):
            sql = (f"SELECT claim_id, day FROM claim_entity WHERE entity_id = :e AND day {op} :d "
                   f"ORDER BY day {order} LIMIT {ENTITY_SCAN}")  # fmt: skip
            found.update(session.execute(text(sql), {"e": member, "d": anchor}).all())
    return found


# --- scoring ----------------------------------------------------------------------------


def _weights(session: Session, me: Facts, counts: dict[str, int]) -> Weights:
    total = fulltext.claims_total(session)
    terms = {stem(w): idf(total, c) for w, c in counts.items()}
    groups = entity_groups(session, me.entity_ids + ([me.claimant_entity_id] if me.claimant_entity_id else []))
    roots = {groups.canonical(e) for e in me.entity_ids}
    entities = {r: idf(total, _entity_count(session, groups.members(r))) for r in roots}
    return Weights(terms, entities, groups, {})


def _entity_count(session: Session, members: list[int]) -> int:
    params = {f"e{n}": e for n, e in enumerate(members[:50])}
    sql = (f"SELECT count(*) FROM (SELECT 1 FROM claim_entity WHERE entity_id IN ({', '.join(':' + k for k in params)}) "
           f"LIMIT {ENTITY_COUNT_CAP}) AS hits")  # fmt: skip
    return session.execute(text(sql), params).scalar() or 1


def _name_groups(session: Session, weights: Weights) -> None:
    """Names for the claim's entity groups. The groups hold every spelling reachable from the claim's
    entities, so a candidate's entity outside them is simply not shared: no lookup per candidate."""
    weights.names = group_names(session, weights.groups)


def _score(me: Facts, other: Facts, weights: Weights) -> tuple[float, dict]:
    f = compare(me, other, weights)
    base = (0.5 * f["lexical"] + 0.3 * f["entity"] + 0.1 * f["claimant"]
            + 0.05 * min(1.0, len(f["shared_numbers"]) / 2) + 0.05 * min(1.0, len(f["shared_dates"]))
            + SAME_QUESTION * f["same_question"])  # fmt: skip
    if f["same_question"] and guess_relation(me, other, f)[0] in ("contradicts", "updates"):
        base += ANSWERS_DIFFER
    return round(base * (0.5 + 0.5 * f["time"]), 4), f


def _explain(me: Facts, other: Facts, score: float, f: dict) -> Suggestion:
    relation, cues = guess_relation(me, other, f)
    return Suggestion(me.id, other.id, score, relation, tuple(reasons(me, other, f) + cues))


def reasons(me: Facts, other: Facts, f: dict) -> list[str]:
    said = []
    if f["shared_entities"]:
        said.append("shared entities: " + ", ".join(f["shared_entities"][:5]))
    words = [w for w in f["shared_words"] if not w.startswith(FRAME)]
    if words:
        said.append("shared words: " + ", ".join(words[:6]))
    kinds = [w[len(FRAME):] for w in f["shared_words"] if w.startswith(FRAME)]
    if kinds:
        said.append("same kind of event: " + ", ".join(kinds))
    if f["claimant"]:
        said.append(f"same claimant: {other.claimant or me.claimant}")
    if f["shared_numbers"]:
        said.append("shared numbers: " + ", ".join(f["shared_numbers"]))
    if f["shared_dates"]:
        said.append("same dates: " + ", ".join(_day_name(d) for d in f["shared_dates"]))
    if f["days"]:
        said.append(f"{'newer' if f['days'] > 0 else 'older'} report ({f['days']:+d} days)")
    elif f["days"] == 0:
        said.append("same day")
    if f.get("cosine", 0) >= 0.5:
        said.append(f"similar meaning (cosine {f['cosine']:.2f})")
    return said


def _day_name(mm_dd: str) -> str:
    month, day = mm_dd.split("-")
    return f"{MONTHS[int(month) - 1]} {int(day)}"


def _with_embeddings(embedder, me: Facts, scored: list[tuple]) -> list[tuple]:
    """Blend in sentence-embedding similarity (the optional extra), as one more feature."""
    cosines = embedder.similarities(me.quote, [other.quote for _, _, other in scored])
    blended = []
    for (score, f, other), cos in zip(scored, cosines):
        f["cosine"] = cos
        blended.append((round(score + EMBEDDING * max(0.0, cos), 4), f, other))
    return blended
