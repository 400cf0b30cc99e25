"""Link suggestions: for one claim, the claims of other documents it most likely relates to.

Two stages. The candidate stage (candidates.py) reads bounded slices of four indexes —
full text, canonical entities nearest in time, sentence vectors nearest in time, the same
event day — and fuses them by reciprocal rank with a date prior. The pair judge (judge.py)
then scores the best POOL of them on features of the pair (shared words, entities, claimant,
numbers, dates, time, meaning, cue words, the legs' ranks) and of the candidate in its
report; the top is diversified so one proposition relayed by many outlets does not fill it,
and each suggestion gets a relation guess and its reasons. Already linked and dismissed
pairs never come back.
"""

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, text
from sqlmodel import Session

from annotate.linking import index, judge, relation_model, weights
from annotate.linking.candidates import Candidate, fuse
from annotate.linking.canonical import entity_groups, group_names
from annotate.linking.features import FRAME, Facts, Weights, compare, idf, to_date
from annotate.linking.relations import guess_relation
from annotate.store import fulltext
from annotate.store.models import Claim, Document
from annotate.store.terms import content_words, stem, stems

TEXT_CANDIDATES = 50
VECTOR_CANDIDATES = 50
POOL = 40  # fused candidates the pair judge scores
STORY_DOCUMENTS = 3  # documents whose every claim joins the pool (those holding most of the fused list)
STORY_CLAIMS = 30  # at most this many claims from them (each costs a comparison)
ENTITY_GROUPS = 3  # the claim's rarest entities used to find candidates
ENTITY_CANDIDATES = 40  # claims kept from the entity index, the most shared entities and nearest first
ENTITY_SCAN = 60  # index entries read per entity on each side of the claim's date
ENTITY_COUNT_CAP = 5000
EVENT_CANDIDATES = 30  # claims read from the event-date index (the same day, as the texts give it)
SAME_PROPOSITION = 0.9  # cosine at which two candidates say the same thing: the second waits its turn
SAME_QUESTION = 0.25  # (hand-set fallback score) same entity and same kind of event
ANSWERS_DIFFER = 0.15  # (hand-set fallback score) same question, different answers
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


@dataclass(frozen=True)
class Suggestion:
    claim_id: int
    other_id: int
    score: float
    relation: str
    reasons: tuple[str, ...]


def suggest_links(session: Session, claim_id: int, top: int = 10, model: "judge.Model | None" = None) -> list[Suggestion]:
    """The `top` best suggestions for one claim, best first."""
    scored = ranked(session, claim_id, model)
    relations = weights.relations_for(session)
    return [_explain(me, other, score, f, relations) for score, f, me, other, _ in diversify(scored, top)]


def ranked(session: Session, claim_id: int, model: "judge.Model | None" = None) -> list[tuple]:
    """Every judged candidate as (score, features, me, other, vector), best first: by `model`, else the
    record's own judge (weights.py), else the shipped one."""
    return score_pool(pool(session, claim_id), model or weights.judge_for(session))


def pool(session: Session, claim_id: int, keep_decided: bool = False) -> list[tuple]:
    """The candidate stage: the best POOL candidates as (features, me, other, vector, judge inputs).
    Claims already linked to this one or dismissed are left out, unless `keep_decided` (to learn
    from those decisions, or to score a record that holds the gold links)."""
    me = load_facts(session, [claim_id]).get(claim_id)
    if me is None:
        return []
    index.index_new(session)
    counts = fulltext.word_frequencies(session, list(dict.fromkeys(content_words(me.quote))))
    weights = _weights(session, me, counts)
    mine = index.vector_for(session, claim_id)
    legs = {
        "text": [i for i, _ in fulltext.claims_sharing(session, content_words(me.quote), counts, TEXT_CANDIDATES, exclude_document=me.document_id)],
        "entity": _entity_candidates(session, me, weights),
        "event": _same_event_day(session, me),
    }
    cosines: dict[int, float] = {}
    if mine is not None:
        near = index.nearest(session, mine, me.day, VECTOR_CANDIDATES + 30)
        legs["vector"] = [i for i, _ in near]
        cosines = dict(near)
    skip = {claim_id} | (set() if keep_decided else excluded(session, claim_id))
    light = {i: row for i, row in _documents_and_days(session, {i for ids in legs.values() for i in ids} - skip).items() if row[0] != me.document_id}
    legs = {leg: [i for i in ids if i in light] for leg, ids in legs.items()}
    days = {i: _gap(me, day, event_day) for i, (_, day, event_day) in light.items()}
    fused = fuse(legs, cosines, days)
    affinity = document_affinity(fused[: 2 * POOL], light)
    facts = load_facts(session, [c.claim_id for c in fused[:POOL]])
    best = [c for c in fused[:POOL] if c.claim_id in facts] + _same_story(session, me, fused[:POOL], affinity, facts, skip)
    _name_groups(session, weights)
    found = index.vectors_of(session, [c.claim_id for c in best]) if mine is not None else {}
    centroids = index.document_vectors(session, {me.document_id} | {facts[c.claim_id].document_id for c in best})
    here = centroids.get(me.document_id)
    rows = []
    for c in best:
        other, vector = facts[c.claim_id], found.get(c.claim_id)
        f = compare(me, other, weights)
        f["cosine"] = float(mine @ vector) if vector is not None else 0.0
        rows.append(
            (
                f,
                me,
                other,
                vector,
                judge.pair_features(
                    me, other, f, c.ranks, c.fused, affinity.get(other.document_id, 0.0), _cosine(here, centroids.get(other.document_id)), _score(me, other, f)
                ),
            )
        )
    return rows


def _same_story(session: Session, me: Facts, best: list, affinity: dict[int, float], facts: dict[int, Facts], skip: set[int]) -> list:
    """Every other claim of the STORY_DOCUMENTS documents that match the claim best: a report on the
    same story may answer it in words no index leg finds ("Moscow has blamed Ukraine")."""
    documents = sorted(affinity, key=lambda d: -affinity[d])[:STORY_DOCUMENTS]
    if not documents:
        return []
    params = {f"d{n}": d for n, d in enumerate(documents)}
    rows = session.execute(
        text(f"SELECT id FROM claim WHERE document_id IN ({', '.join(':' + k for k in params)}) AND status <> 'rejected' ORDER BY id LIMIT {STORY_CLAIMS}"),
        params,
    ).scalars()
    have = {c.claim_id for c in best}
    extra = [i for i in rows if i not in have and i not in skip]
    facts.update(load_facts(session, [i for i in extra if i not in facts]))
    return [Candidate(i, {"story": n}) for n, i in enumerate(extra) if i in facts and facts[i].status != "rejected"]


def _cosine(a, b) -> float:
    return float(a @ b) if a is not None and b is not None else 0.0


def _documents_and_days(session: Session, ids) -> dict[int, tuple[int, date | None, date | None]]:
    """Document, publication day and event day (when the text gives it) of each claim (not rejected): all
    that fusion needs, read in one query."""
    ids = [int(i) for i in ids]
    if not ids:
        return {}
    params = {f"i{n}": i for n, i in enumerate(ids)}
    sql = (
        f"SELECT c.id, c.document_id, coalesce(c.published, d.published), c.event_date, c.event_date_inferred "
        f"FROM claim c JOIN document d ON d.id = c.document_id "
        f"WHERE c.id IN ({', '.join(':' + k for k in params)}) AND c.status <> 'rejected'"
    )
    return {i: (doc, to_date(day), None if inferred else _day(event)) for i, doc, day, event, inferred in session.execute(text(sql), params).all()}


def _day(value: str | None) -> date | None:
    """A full date (YYYY-MM-DD) only: a month or a range says too little to match events by."""
    return to_date(value) if value and len(value) == 10 and value[4] == "-" else None


def _gap(me: Facts, day: date | None, event_day: date | None) -> int | None:
    """Days between the two claims for the date prior: between the reports, or between the events they
    report when both texts give the day (an admission a year later of the attack it is about)."""
    gaps = [abs((day - me.day).days)] if day and me.day else []
    mine = None if me.event_date_inferred else _day(me.event_date)
    if mine and event_day:
        gaps.append(abs((event_day - mine).days))
    return min(gaps) if gaps else None


def _same_event_day(session: Session, me: Facts) -> list[int]:
    """Claims of other documents reporting an event on the day this claim's text gives, however far apart the
    reports were published (the date prior measures reports by their events too). Index reads, bounded."""
    day = None if me.event_date_inferred else _day(me.event_date)
    if day is None:
        return []
    sql = (
        "SELECT id FROM claim WHERE event_date = :d AND event_date_inferred = :f AND document_id <> :doc "
        f"AND status <> 'rejected' ORDER BY id DESC LIMIT {EVENT_CANDIDATES}"
    )
    return list(session.execute(text(sql), {"d": day.isoformat(), "f": False, "doc": me.document_id}).scalars())


def document_affinity(fused: list, light: dict[int, tuple]) -> dict[int, float]:
    """How much of the candidate list each document holds (its share of the fused scores, the best
    document 1.0): a document that matches several of the claim's sides is likely the same story."""
    totals: dict[int, float] = defaultdict(float)
    for c in fused:
        totals[light[c.claim_id][0]] += c.fused
    best = max(totals.values(), default=1.0) or 1.0
    return {doc: total / best for doc, total in totals.items()}


def score_pool(rows: list[tuple], model: "judge.Model | None" = None) -> list[tuple]:
    """The pair judge's scores (the hand-set score without a fitted model), best first."""
    if not rows:
        return []
    model = model or judge.default_model()
    scores = model.score([r[4] for r in rows]) if model else [_score(me, other, f) for f, me, other, _, _ in rows]
    scored = [(round(float(s), 4), f, me, other, vector) for s, (f, me, other, vector, _) in zip(scores, rows)]
    return sorted(scored, key=lambda s: (-s[0], s[3].id))


def diversify(scored: list[tuple], top: int) -> list[tuple]:
    """The top `top`, where a candidate saying what a better one says (same meaning, cosine ≥
    SAME_PROPOSITION) waits until every other proposition had its turn."""
    chosen, later = [], []
    for item in scored:
        vector = item[4]
        if vector is not None and any(c[4] is not None and float(vector @ c[4]) >= SAME_PROPOSITION for c in chosen):
            later.append(item)
        else:
            chosen.append(item)
        if len(chosen) >= top:
            break
    return (chosen + later)[:top]


def relation_between(session: Session, a_id: int, b_id: int, relations: "relation_model.RelationModel | None" = None) -> Suggestion | None:
    """The score and relation guess for one given pair (used by evaluation and the UI)."""
    facts = load_facts(session, [a_id, b_id])
    if a_id not in facts or b_id not in facts:
        return None
    me, other = facts[a_id], facts[b_id]
    f = compare(me, other, claim_weights(session, me))
    found = index.vectors_of(session, [a_id, b_id])
    f["cosine"] = float(found[a_id] @ found[b_id]) if len(found) == 2 else 0.0
    return _explain(me, other, _score(me, other, f), f, relations or weights.relations_for(session))


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
    rows = (
        session.execute(
            select(
                c.id,
                c.document_id,
                c.quote,
                c.claimant,
                c.claimant_entity_id,
                c.event_date,
                c.published,
                c.entity_ids,
                c.negated,
                c.hedged,
                c.status,
                c.reporting_verb,
                c.event_date_inferred,
                c.start,
            ).where(c.id.in_(ids))
        )
        .mappings()
        .all()
    )
    documents = {r["document_id"] for r in rows}
    found = session.execute(select(Document.id, Document.published, Document.length).where(Document.id.in_(documents))).all() if documents else []
    published, lengths = {d: p for d, p, _ in found}, {d: n for d, _, n in found}
    stems([w for r in rows for w in content_words(r["quote"])])  # one batch for the words not stemmed before
    facts = {}
    for r in rows:
        values = dict(r)
        values["entity_ids"] = _ints(values["entity_ids"])
        values["published"] = values["published"] or published.get(values["document_id"])
        values["event_date_inferred"] = bool(values["event_date_inferred"])
        values["document_length"] = lengths.get(values["document_id"]) or 0
        facts[r["id"]] = Facts(**values)
    return facts


def _ints(value) -> list[int]:
    value = json.loads(value) if isinstance(value, str) else value or []
    return [v for v in value if isinstance(v, int)]


# --- candidates -------------------------------------------------------------------------


def _entity_candidates(session: Session, me: Facts, weights: Weights) -> list[int]:
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
    return sorted(shared, key=lambda i: (-shared[i], nearest[i], i))[:ENTITY_CANDIDATES]


def _near_in_time(session: Session, members: list[int], anchor: str) -> set[tuple[int, str]]:
    found = set()
    for member in members:
        for op, order in ((">=", "ASC"), ("<", "DESC")):
            sql = f"SELECT claim_id, day FROM claim_entity WHERE entity_id = :e AND day {op} :d ORDER BY day {order} LIMIT {ENTITY_SCAN}"
            found.update(session.execute(text(sql), {"e": member, "d": anchor}).all())
    return found


# --- scoring ----------------------------------------------------------------------------


def claim_weights(session: Session, me: Facts) -> Weights:
    """How telling each of the claim's words and entities is in this record, with the entities' names."""
    weights = _weights(session, me, fulltext.word_frequencies(session, list(dict.fromkeys(content_words(me.quote)))))
    _name_groups(session, weights)
    return weights


def _weights(session: Session, me: Facts, counts: dict[str, int]) -> Weights:
    total = fulltext.claims_total(session)
    terms = {stem(w): idf(total, c) for w, c in counts.items()}
    groups = entity_groups(session, me.entity_ids + ([me.claimant_entity_id] if me.claimant_entity_id else []))
    roots = {groups.canonical(e) for e in me.entity_ids}
    entities = {r: idf(total, _entity_count(session, groups.members(r))) for r in roots}
    return Weights(terms, entities, groups, {})


def _entity_count(session: Session, members: list[int]) -> int:
    params = {f"e{n}": e for n, e in enumerate(members[:50])}
    sql = f"SELECT count(*) FROM (SELECT 1 FROM claim_entity WHERE entity_id IN ({', '.join(':' + k for k in params)}) LIMIT {ENTITY_COUNT_CAP}) AS hits"
    return session.execute(text(sql), params).scalar() or 1


def _name_groups(session: Session, weights: Weights) -> None:
    """Names for the claim's entity groups. The groups hold every spelling reachable from the claim's
    entities, so a candidate's entity outside them is simply not shared: no lookup per candidate."""
    weights.names = group_names(session, weights.groups)


def _score(me: Facts, other: Facts, f: dict) -> float:
    """The hand-set score, used when no fitted judge is at hand (and for one given pair)."""
    base = (
        0.5 * f["lexical"]
        + 0.3 * f["entity"]
        + 0.1 * f["claimant"]
        + 0.05 * min(1.0, len(f["shared_numbers"]) / 2)
        + 0.05 * min(1.0, len(f["shared_dates"]))
        + SAME_QUESTION * f["same_question"]
    )
    if f["same_question"] and guess_relation(me, other, f)[0] in ("contradicts", "updates"):
        base += ANSWERS_DIFFER
    return round(base * (0.5 + 0.5 * f["time"]), 4)


def _explain(me: Facts, other: Facts, score: float, f: dict, relations=None) -> Suggestion:
    relation, cues = relation_model.relate(me, other, f, relations)
    return Suggestion(me.id, other.id, score, relation, tuple(reasons(me, other, f) + cues))


def reasons(me: Facts, other: Facts, f: dict) -> list[str]:
    said = []
    if f["shared_entities"]:
        said.append("shared entities: " + ", ".join(f["shared_entities"][:5]))
    words = [w for w in f["shared_words"] if not w.startswith(FRAME)]
    if words:
        said.append("shared words: " + ", ".join(words[:6]))
    kinds = [w[len(FRAME) :] for w in f["shared_words"] if w.startswith(FRAME)]
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
