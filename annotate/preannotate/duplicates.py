"""Near-duplicate claims within one document become one candidate with several spans.

Reports repeat themselves: a Key Takeaways bullet restates the lead, a summary box the
body. A reviewer should decide once. Two candidates are near-duplicates when their
words overlap almost entirely (rapidfuzz token-set ratio, which ignores order and
tolerates one side adding a clause); the higher-scoring one stays and lists the
other's span in `also`.
"""

from __future__ import annotations

from dataclasses import replace

from rapidfuzz import fuzz

from .base import ClaimCandidate

SIMILAR = 90  # token-set ratio (0-100) from which two sentences say the same
MIN_WORDS = 6  # short lines ("Russia denies it.") repeat by chance


def merge_near_duplicates(claims: list[ClaimCandidate]) -> list[ClaimCandidate]:
    keys = [" ".join(c.text.lower().split()) for c in claims]
    words = [frozenset(k.split()) for k in keys]
    order = sorted((i for i in range(len(claims)) if len(words[i]) >= MIN_WORDS), key=lambda i: (-claims[i].score, claims[i].start))
    absorbed: dict[int, list[int]] = {}
    gone: set[int] = set()
    for n, i in enumerate(order):
        if i in gone:
            continue
        for j in order[n + 1 :]:
            if j not in gone and _similar(keys[i], keys[j], words[i], words[j]):
                absorbed.setdefault(i, []).append(j)
                gone.add(j)
    out = []
    for i, c in enumerate(claims):
        if i in gone:
            continue
        if i in absorbed:
            spans = tuple(sorted((claims[j].start, claims[j].end) for j in absorbed[i]))
            c = replace(c, also=c.also + spans, reason=f"{c.reason}; also said at {', '.join(f'{s}-{e}' for s, e in spans)}")
            c = _filled(c, [claims[j] for j in absorbed[i]])
        out.append(c)
    return out


def _filled(c: ClaimCandidate, others: list[ClaimCandidate]) -> ClaimCandidate:
    """What one wording leaves out (a date, a claimant), another may say: "footage
    published on April 4 indicates that X" repeats the bullet "X" with its date."""
    for other in others:
        written = other.event_date is not None and not other.event_date_inferred
        if (c.event_date is None or c.event_date_inferred) and (written or c.event_date is None):
            c = replace(c, event_date=other.event_date, event_date_span=other.event_date_span, event_date_inferred=other.event_date_inferred)
        if c.claimant is None and other.claimant is not None:
            c = replace(c, claimant=other.claimant, claimant_span=other.claimant_span, reporting_verb=other.reporting_verb)
    return c


def _similar(a: str, b: str, wa: frozenset, wb: frozenset) -> bool:
    # Shared words first: a set intersection costs a fraction of the fuzzy ratio, and
    # most pairs of a report's sentences share few words (a pair loop of ratios alone
    # cost ~30 ms on a 10k-character report).
    if len(wa & wb) < 0.6 * min(len(wa), len(wb)) or not _comparable(a, b):
        return False
    return fuzz.token_set_ratio(a, b) >= SIMILAR


def _comparable(a: str, b: str) -> bool:
    """Neither is much shorter: a token-set ratio of 100 also means "one contains the other"."""
    shorter, longer = sorted((len(a), len(b)))
    return shorter >= 0.5 * longer
