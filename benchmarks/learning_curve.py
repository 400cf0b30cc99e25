"""A learning curve: does reviewing k reports of one story help on the other stories?

The review is simulated from a gold set: on each of the first k documents of a story the
reviewer accepts the gold and rejects the rest. What the tool learns from that is what
learning.py learns from real decisions (confirmed names join the gazetteer, a rule whose
candidates were mostly rejected is demoted), plus the claim threshold that would have
served the reviewed sentences best. Entity F1 and sentence-level claim precision and
recall are then measured on the documents of every other story, averaged over the
stories with more than MAX_K documents, the same ones at every k (a story is a
connected group of documents in the gold links).

    python -m benchmarks.learning_curve ../shared/corpus/dev docs/learning-curve.svg
"""

from __future__ import annotations

import sys
from collections import Counter, defaultdict
from pathlib import Path

from annotate.preannotate.base import pattern_id
from annotate.preannotate.evaluate import evaluate, predictions, read_jsonl
from annotate.preannotate.jsonl import candidates_to_json
from annotate.preannotate.learning import MIN_REJECTIONS, REJECTED_SHARE
from annotate.preannotate.rules import RulesAnnotator
from annotate.preannotate.sentence_scores import score_sentences
from annotate.preannotate.shown import DEFAULT_THRESHOLD

MAX_K = 4  # the same stories at every k: those with more documents than this
THRESHOLDS = [round(0.3 + 0.05 * i, 2) for i in range(9)]


def stories(gold: list[dict], links: list[dict]) -> list[list[str]]:
    """Documents joined by gold links, each group in the gold's order."""
    parent = {g["doc"]: g["doc"] for g in gold}

    def root(d: str) -> str:
        while parent[d] != d:
            d = parent[d]
        return d

    for link in links:
        parent[root(link["a"]["doc"])] = root(link["b"]["doc"])
    groups: dict[str, list[str]] = defaultdict(list)
    for g in gold:
        groups[root(g["doc"])].append(g["doc"])
    return list(groups.values())


def learned(reviewed: list[dict], predicted: list[dict], sentences: list[dict]) -> tuple[dict, frozenset, float]:
    """Names, demoted rules and threshold a reviewer's decisions on these documents teach."""
    names = {}
    verdicts: dict[str, Counter] = defaultdict(Counter)
    by_doc = {p["doc"]: p for p in predicted}
    for g in reviewed:
        text_of = {(e["start"], e["end"]): e.get("text") for e in g["entities"]}
        for e in g["entities"]:
            if e["label"] != "DATE" and e.get("text"):
                names[e["text"]] = e["label"]
        for e in by_doc[g["doc"]]["entities"]:
            verdicts[pattern_id(e["reason"])]["ok" if (e["start"], e["end"]) in text_of else "rejected"] += 1
    demoted = frozenset(rule for rule, v in verdicts.items() if v["rejected"] >= MIN_REJECTIONS and v["rejected"] / sum(v.values()) >= REJECTED_SHARE)
    return names, demoted, _best_threshold(sentences, [by_doc[g["doc"]] for g in reviewed])


def _best_threshold(sentences: list[dict], predicted: list[dict]) -> float:
    if not sentences:
        return DEFAULT_THRESHOLD

    def f1(t: float) -> float:
        r = score_sentences(sentences, predicted, t)
        return 2 * r.precision * r.recall / (r.precision + r.recall) if r.precision + r.recall else 0.0

    return max(THRESHOLDS, key=lambda t: (f1(t), -abs(t - DEFAULT_THRESHOLD)))


def with_reasons(annotator, documents) -> list[dict]:
    """predictions() plus each entity's reason, which the simulated review judges rules by."""
    out = []
    for name, doc in documents:
        entities, claims = annotator.annotate(doc)
        record = candidates_to_json(name, doc.text, entities, claims, annotator)
        for e, cand in zip(record["entities"], entities):
            e["reason"] = cand.reason
        out.append(record)
    return out


def curve(corpus: Path) -> list[dict]:
    from annotate.commands.preannotate import read_inputs

    gold = read_jsonl(corpus / "gold.jsonl")
    sentences = read_jsonl(corpus / "sentences.jsonl")
    documents = dict(read_inputs([str(corpus / "docs")])[0])
    groups = stories(gold, read_jsonl(corpus / "links.jsonl"))
    base = RulesAnnotator()
    base_predicted = with_reasons(base, list(documents.items()))
    rows = []
    for k in range(MAX_K + 1):
        ent, prec, rec = [], [], []
        for story in (g for g in groups if len(g) > MAX_K):
            reviewed = [g for g in gold if g["doc"] in story[:k]]
            names, demoted, threshold = (
                learned(reviewed, base_predicted, [s for s in sentences if s["doc"] in story[:k]]) if k else ({}, frozenset(), DEFAULT_THRESHOLD)
            )
            others = [g for g in gold if g["doc"] not in story]
            annotator = RulesAnnotator(extra_names=names, demoted=demoted)
            predicted = predictions(annotator, [(g["doc"], documents[g["doc"]]) for g in others])
            report = evaluate(others, predicted, threshold=threshold)
            by_sentence = score_sentences([s for s in sentences if s["doc"] not in story], predicted, threshold)
            ent.append(report.entities["ALL"].f1)
            prec.append(by_sentence.precision)
            rec.append(by_sentence.recall)
        rows.append({"k": k, "stories": len(ent), "entity_f1": _mean(ent), "claim_precision": _mean(prec), "claim_recall": _mean(rec)})
        print(f"k={k}: {rows[-1]}", file=sys.stderr)
    return rows


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def svg(rows: list[dict], command: str) -> str:
    """A small line chart: the three figures against k, 0.8-1.0 on the y axis."""
    w, h, left, top, bottom = 560, 320, 50, 30, 50
    lo, hi = 0.8, 1.0
    x = lambda k: left + k * (w - left - 20) / MAX_K  # noqa: E731
    y = lambda v: top + (hi - min(max(v, lo), hi)) * (h - top - bottom) / (hi - lo)  # noqa: E731
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="11">',
        f'<text x="{left}" y="16" font-size="13">Reviewing k reports of one story: effect on the other stories</text>',
    ]
    for v in (0.8, 0.85, 0.9, 0.95, 1.0):
        parts.append(f'<line x1="{left}" x2="{w - 20}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#ddd"/><text x="8" y="{y(v) + 4:.1f}">{v:.2f}</text>')
    for r in rows:
        parts.append(f'<text x="{x(r["k"]) - 3:.1f}" y="{h - bottom + 16}">{r["k"]}</text>')
    parts.append(f'<text x="{w / 2 - 60}" y="{h - bottom + 32}">k reviewed documents</text>')
    series = (("entity_f1", "#1f77b4"), ("claim_precision", "#d62728"), ("claim_recall", "#2ca02c"))
    for n, (key, colour) in enumerate(series):
        points = " ".join(f"{x(r['k']):.1f},{y(r[key]):.1f}" for r in rows)
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{points}"/>')
        label = f"{key.replace('_', ' ')}: {rows[0][key]:.3f} at k=0, {rows[-1][key]:.3f} at k={rows[-1]['k']}"
        parts.append(f'<text x="{left + 10}" y="{top + 14 + 14 * n}" fill="{colour}">{label}</text>')
    parts.append(f'<text x="{left}" y="{h - 6}" fill="#555">{command}</text></svg>')
    return "\n".join(parts) + "\n"


def main(argv: list[str]) -> None:
    corpus, out = Path(argv[0]), Path(argv[1])
    rows = curve(corpus)
    out.write_text(svg(rows, f"python -m benchmarks.learning_curve {argv[0]} {argv[1]}"), encoding="utf-8")
    for r in rows:
        print(f"k={r['k']} ({r['stories']} stories): entity F1 {r['entity_f1']:.3f}, claims by sentence P {r['claim_precision']:.3f} R {r['claim_recall']:.3f}")


if __name__ == "__main__":
    main(sys.argv[1:])
