"""Scoring link suggestions against gold links: recall@K and relation accuracy.

A gold link is `{"a": {"doc", "start", "end"}, "b": {...}, "relation"}`, `doc` being a
document's file name as ingested. Each gold span is matched to the stored claim of that
document overlapping it most. A link is found when either side has the other in its top
K suggestions. The relation is judged on every matched pair (the guess for that pair,
whether or not it ranked in the top K), per type and averaged over the types.

A link missed by the suggestions is *reached by one search* when a reviewer on either claim,
typing the other claim's two rarest words (what one remembers of a report read: a name, a
place, an unusual word) in the claim search, finds it on the first page. This is the
issue's promise for what the suggester misses: the top K or one search.

Stories are the connected components of the documents the gold links join. With
`held_out=True` every story is scored by a judge fitted on the other stories only (leave
one story out): the figure to expect on stories the weights never saw.
"""

import json
from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session

from annotate.linking import index, judge, relation_model, training, weights
from annotate.linking.features import compare
from annotate.linking.relations import RELATIONS
from annotate.linking.search import ClaimQuery, search
from annotate.linking.suggest import claim_weights, diversify, load_facts, relation_between, score_pool
from annotate.store.fulltext import word_frequencies
from annotate.store.models import Claim, Document
from annotate.store.terms import content_words

SEARCH_WORDS = 2  # words a reviewer types to find a claim the suggestions missed


def load_gold(path: str | Path) -> list[dict]:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def match_span(session: Session, span: dict) -> int | None:
    """The claim of document `span["doc"]` that overlaps the span most (None if none does)."""
    query = (
        select(Claim.id, Claim.start, Claim.end)
        .join(Document, Document.id == Claim.document_id)
        .where(Document.file_name == span["doc"], Claim.start < span["end"], Claim.end > span["start"], Claim.status != "rejected")
    )
    overlaps = [(min(r.end, span["end"]) - max(r.start, span["start"]), -r.id) for r in session.execute(query)]
    return -max(overlaps)[1] if overlaps else None


def matched_links(session: Session, gold: list[dict]) -> list[dict]:
    """The gold links whose two spans match two stored claims, as {"a_claim", "b_claim", "relation"}
    (what the judge and the relation model are fitted on)."""
    pairs = ((match_span(session, g["a"]), match_span(session, g["b"]), g["relation"]) for g in gold)
    return [{"a_claim": a, "b_claim": b, "relation": r} for a, b, r in pairs if a and b and a != b]


def import_links(links, gold: list[dict]) -> tuple[int, int]:
    """Record gold links as link decisions through `links` (a `Links`: a demo's or a colleague's
    links); returns (linked, skipped)."""
    with links.record.session() as session:
        pairs = [(match_span(session, g["a"]), match_span(session, g["b"]), g["relation"]) for g in gold]
    done = 0
    for a, b, relation in pairs:
        if a and b and a != b:
            # "a relation b" in the gold file; updates point from the newer claim, as ours do
            links.link(b, a, relation, rationale="imported from a gold links file")
            done += 1
    return done, len(pairs) - done


def evaluate(session: Session, gold: list[dict], top: int = 5, model: judge.Model | None = None, held_out: bool = False) -> dict:
    """Recall@top and relation accuracy on the gold links, overall and per story (by `model`, else the
    judge the record's suggestions use)."""
    model = model or weights.judge_for(session)
    story_of_doc = training.components((g["a"]["doc"], g["b"]["doc"]) for g in gold)
    rows = []
    for g in gold:
        a, b = match_span(session, g["a"]), match_span(session, g["b"])
        rows.append(
            {
                "a": g["a"],
                "b": g["b"],
                "relation": g["relation"],
                "a_claim": a,
                "b_claim": b,
                "story": story_of_doc[g["a"]["doc"]],
                "found": False,
                "searched": False,
                "guess": None,
            }
        )
    usable = [r for r in rows if r["a_claim"] and r["b_claim"] and r["a_claim"] != r["b_claim"]]
    linked = {frozenset((r["a_claim"], r["b_claim"])) for r in usable}
    story_of = {c: r["story"] for r in usable for c in (r["a_claim"], r["b_claim"])}
    found = training.pools(session, story_of)
    models = _held_out_models(found, linked, story_of) if held_out else {}
    relations = _held_out_relations(session, usable) if held_out else {}
    tops = {c: {x[3].id for x in diversify(score_pool(candidates, models.get(story_of[c], model)), top)} for c, candidates in found.items()}
    for r in usable:
        r["found"] = r["b_claim"] in tops[r["a_claim"]] or r["a_claim"] in tops[r["b_claim"]]
        r["searched"] = r["found"] or reached_by_search(session, r["a_claim"], r["b_claim"]) or reached_by_search(session, r["b_claim"], r["a_claim"])
        guess = relation_between(session, r["a_claim"], r["b_claim"], relations.get(r["story"]))
        r["guess"] = guess.relation if guess else None
    report = summary(rows, top)
    report["held_out"] = held_out
    report["stories"] = {
        _story_name(rows, story): summary([r for r in rows if r["story"] == story], top, brief=True) for story in sorted({r["story"] for r in rows})
    }
    return report


def reached_by_search(session: Session, asking: int, target: int) -> bool:
    """Whether the claim search, from `asking`'s links panel, shows `target` on its first page when
    given the target's SEARCH_WORDS rarest words."""
    claims = session.execute(select(Claim.id, Claim.quote, Claim.document_id).where(Claim.id.in_([asking, target]))).all()
    quote = {i: q for i, q, _ in claims}
    document = {i: d for i, _, d in claims}
    found = list(dict.fromkeys(content_words(quote[target])))
    counts = word_frequencies(session, found)
    rarest = sorted((w for w in found if counts.get(w)), key=lambda w: (counts[w], found.index(w)))[:SEARCH_WORDS]
    if not rarest:
        return False
    page = search(session, ClaimQuery(words=" ".join(rarest), exclude_document=document[asking]))
    return target in page.claim_ids


def _held_out_models(found: dict, linked: set, story_of: dict) -> dict:
    """For each story, a judge fitted on the pools of every other story's claims."""
    rows, labels, owners = training.examples(found, linked)
    models = {}
    for story in set(story_of.values()):
        keep = [n for n, owner in enumerate(owners) if story_of[owner] != story]
        models[story] = judge.fit([rows[n] for n in keep], [labels[n] for n in keep], [owners[n] for n in keep])
    return models


def relation_examples(session: Session, rows: list[dict]) -> list[list[float]]:
    """The relation model's inputs for each (a_claim, b_claim) row."""
    found = []
    for r in rows:
        facts = load_facts(session, [r["a_claim"], r["b_claim"]])
        a, b = facts[r["a_claim"]], facts[r["b_claim"]]
        weights = claim_weights(session, a)
        f = compare(a, b, weights)
        vectors = index.vectors_of(session, [a.id, b.id])
        f["cosine"] = float(vectors[a.id] @ vectors[b.id]) if len(vectors) == 2 else 0.0
        found.append(relation_model.relation_features(a, b, f))
    return found


def _held_out_relations(session: Session, rows: list[dict]) -> dict:
    """For each story, a relation model fitted on the other stories' links."""
    inputs = relation_examples(session, rows)
    models = {}
    for story in {r["story"] for r in rows}:
        keep = [n for n, r in enumerate(rows) if r["story"] != story]
        models[story] = relation_model.fit([inputs[n] for n in keep], [rows[n]["relation"] for n in keep])
    return models


def _story_name(rows: list[dict], story) -> str:
    docs = sorted({r[side]["doc"] for r in rows if r["story"] == story for side in ("a", "b")})
    return f"{docs[0]} (+{len(docs) - 1} docs)"


def summary(rows: list[dict], top: int, brief: bool = False) -> dict:
    matched = [r for r in rows if r["guess"] is not None]
    per_type = {}
    for relation in RELATIONS:
        judged = [r for r in matched if r["relation"] == relation]
        if judged:
            per_type[relation] = {
                "gold": len(judged),
                "right": sum(r["guess"] == relation for r in judged),
                "accuracy": round(sum(r["guess"] == relation for r in judged) / len(judged), 3),
            }
    confusion: dict[str, dict[str, int]] = {}
    for r in matched:
        confusion.setdefault(r["relation"], {}).setdefault(r["guess"], 0)
        confusion[r["relation"]][r["guess"]] += 1
    return {
        "top": top,
        "links": len(rows),
        "matched": len(matched),
        "recall_at_k": round(sum(r["found"] for r in rows) / len(rows), 3) if rows else 0.0,
        "reached_by_search": sum(r["searched"] and not r["found"] for r in rows),
        "missed": sum(not r["found"] for r in matched),  # a gold span that matches no stored claim cannot be reached
        "relation_accuracy": per_type,
        "relation_macro": round(sum(t["accuracy"] for t in per_type.values()) / len(per_type), 3) if per_type else 0.0,
        "confusion": confusion,
        **({} if brief else {"rows": rows}),
    }
