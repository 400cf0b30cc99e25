"""Scoring link suggestions against gold links: recall@K and relation accuracy.

A gold link is `{"a": {"doc", "start", "end"}, "b": {...}, "relation"}`, `doc` being a
document's file name as ingested. Each gold span is matched to the stored claim of that
document overlapping it most. A link is found when either side has the other in its top
K suggestions. The relation is judged on every matched pair (the guess for that pair,
whether or not it ranked in the top K), per type and averaged over the types.
"""

import json
from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session

from annotate.linking.relations import RELATIONS
from annotate.linking.suggest import relation_between, suggest_links
from annotate.store.models import Claim, Document


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


def import_links(ledger, gold: list[dict], actor: str, origin: str = "import") -> tuple[int, int]:
    """Record gold links as link decisions (a demo's or a colleague's links); returns (linked, skipped)."""
    from annotate.linking.links import link

    with Session(ledger.engine) as session:
        pairs = [(match_span(session, g["a"]), match_span(session, g["b"]), g["relation"]) for g in gold]
    done = 0
    for a, b, relation in pairs:
        if a and b and a != b:
            # "a relation b" in the gold file; updates point from the newer claim, as ours do
            link(ledger, b, a, relation, actor, origin, rationale="imported from a gold links file")
            done += 1
    return done, len(pairs) - done


def evaluate(session: Session, gold: list[dict], top: int = 5, embedder=None) -> dict:
    tops: dict[int, set[int]] = {}

    def top_of(claim_id: int) -> set[int]:
        if claim_id not in tops:
            tops[claim_id] = {s.other_id for s in suggest_links(session, claim_id, top=top, embedder=embedder)}
        return tops[claim_id]

    rows = []
    for g in gold:
        a, b = match_span(session, g["a"]), match_span(session, g["b"])
        row = {"a": g["a"], "b": g["b"], "relation": g["relation"], "a_claim": a, "b_claim": b,
               "found": False, "guess": None}  # fmt: skip
        if a and b and a != b:
            row["found"] = b in top_of(a) or a in top_of(b)
            guess = relation_between(session, a, b)
            row["guess"] = guess.relation if guess else None
        rows.append(row)
    return summary(rows, top)


def summary(rows: list[dict], top: int) -> dict:
    matched = [r for r in rows if r["guess"] is not None]
    per_type = {}
    for relation in RELATIONS:
        judged = [r for r in matched if r["relation"] == relation]
        if judged:
            per_type[relation] = {"gold": len(judged), "right": sum(r["guess"] == relation for r in judged),
                                  "accuracy": round(sum(r["guess"] == relation for r in judged) / len(judged), 3)}  # fmt: skip
    confusion: dict[str, dict[str, int]] = {}
    for r in matched:
        confusion.setdefault(r["relation"], {}).setdefault(r["guess"], 0)
        confusion[r["relation"]][r["guess"]] += 1
    return {
        "top": top, "links": len(rows), "matched": len(matched),
        "recall_at_k": round(sum(r["found"] for r in rows) / len(rows), 3) if rows else 0.0,
        "relation_accuracy": per_type,
        "relation_macro": round(sum(t["accuracy"] for t in per_type.values()) / len(per_type), 3) if per_type else 0.0,
        "confusion": confusion, "rows": rows,
    }  # fmt: skip
