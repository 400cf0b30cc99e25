"""Sentence-level claim precision, recall and average precision (sentences.jsonl).

A gold file that labels every sentence `claim`, `not` or `skip` measures what
hand-picked claims cannot: how many candidates are not claims at all. The
convention (the dev corpus README): a candidate predicts `claim` for a sentence when
it overlaps at least half of the sentence's characters; `skip` sentences (headlines,
captions) are left out. A sentence's score is the best score of the candidates that
cover it (near-duplicates merged into a candidate cover their sentences too); average precision ranks sentences by it, and a claim sentence that no
candidate covers counts as never retrieved.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .evaluate import PRF, spans


@dataclass
class SentenceReport(PRF):
    tn: int = 0
    ranked: list[tuple[float, bool]] = field(default_factory=list)  # (score, is claim) of covered sentences
    positives: int = 0

    @property
    def base_rate(self) -> float:
        """Precision of labelling every sentence a claim."""
        total = self.tp + self.fp + self.fn + self.tn
        return self.positives / total if total else 0.0

    @property
    def average_precision(self) -> float:
        if not self.positives:
            return 0.0
        hits, total = 0, 0.0
        for rank, (_, positive) in enumerate(sorted(self.ranked, key=lambda r: -r[0]), 1):
            if positive:
                hits += 1
                total += hits / rank
        return total / self.positives


def sentence_score(sentence: dict, claims: list[dict]) -> float | None:
    """The best score of the candidates covering at least half of the sentence."""
    length = sentence["end"] - sentence["start"]
    best = None
    for c in claims:
        for start, end in spans(c):
            overlap = min(sentence["end"], end) - max(sentence["start"], start)
            if overlap > 0 and 2 * overlap >= length:
                score = c.get("score", 1.0)
                best = score if best is None else max(best, score)
    return best


def score_sentences(sentences: list[dict], predicted: list[dict], threshold: float) -> SentenceReport:
    claims_by_doc = {p["doc"]: p["claims"] for p in predicted}
    report = SentenceReport()
    for s in sentences:
        if s["label"] == "skip":
            continue
        positive = s["label"] == "claim"
        score = sentence_score(s, claims_by_doc.get(s["doc"], []))
        report.positives += positive
        if score is not None:
            report.ranked.append((score, positive))
        said = score is not None and score >= threshold
        if said:
            report.tp += positive
            report.fp += not positive
        else:
            report.fn += positive
            report.tn += not positive
    return report


def format_sentences(report: SentenceReport, threshold: float) -> str:
    return "\n".join(
        [
            f"claims by sentence (threshold {threshold:.2f}; 'skip' sentences left out)",
            f"  precision {report.precision:.3f}   recall {report.recall:.3f}   average precision {report.average_precision:.3f}"
            f"   (TP {report.tp}, FP {report.fp}, FN {report.fn}; every sentence a claim: precision {report.base_rate:.3f})",
        ]
    )
