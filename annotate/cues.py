"""Cheap cue words and values in a claim's text: denial, hedging, completion, numbers, dates.

Similarity cannot tell a denial from a paraphrase (see ../shared/research/nlp-probe.md §4),
so the relation between two claims is guessed from words like these. They are English
and generic on purpose: nothing here knows about any one story.
"""

import re

from annotate.terms import WORD, words

# Someone says a statement is untrue.
DENIAL = frozenset(
    """deny denies denied denying denial refute refutes refuted refuting rebut rebuts rebutted reject rejects
    rejected rejecting dispute disputes disputed disputing dismiss dismisses dismissed contradict contradicts
    contradicted false falsely untrue baseless fake fabricated misleading misinformation disinformation
    debunk debunked""".split()
)
# The statement itself is negative ("has not fallen", "no plans").
NEGATION = frozenset("not no never none nothing nobody neither nor cannot didn doesn isn wasn weren hasn haven hadn aren".split())
# It may happen, or someone intends it: a later report can settle it.
HEDGE = frozenset(
    """may might could would will shall plan plans planned planning intend intends intended considering consider
    considers possible possibility possibly likely unlikely expect expects expected prepare prepares preparing option
    options ready threaten threatens threatened potential potentially prospect soon upcoming reportedly
    allegedly if""".split()
)
# It happened: the outcome a hedged report was waiting for.
COMPLETION = frozenset(
    """withdrew withdrawn completed finished captured seized took taken fell fallen liberated
    recaptured retook occupied left arrived delivered signed ended began started launched handed abandoned entered destroyed killed closed opened approved passed received evacuated""".split()
)
MONTHS = {m: i for i, m in enumerate(
    "january february march april may june july august september october november december".split(), 1)}  # fmt: skip
MONTHS |= {m[:3]: i for m, i in list(MONTHS.items())} | {"sept": 9}
NUMBER = re.compile(r"(?<![\w.])\d{1,3}(?:,\d{3})+(?![\w])|(?<![\w.])\d+(?:\.\d+)?(?![\w])")
YEAR = re.compile(r"^(19|20)\d\d$")


def found(text: str, lexicon: frozenset) -> list[str]:
    """Words of `lexicon` in `text`, in order, once each."""
    return list(dict.fromkeys(w for w in words(text) if w in lexicon))


def hedges(text: str) -> list[str]:
    """Hedging and future words; a capitalised "May" inside the text is the month."""
    tokens = WORD.findall(text or "")
    return list(dict.fromkeys(
        t.lower() for i, t in enumerate(tokens) if t.lower() in HEDGE and not (t == "May" and i > 0)))  # fmt: skip


def numbers(text: str) -> set[str]:
    """Quantities written in digits (not years): '12,000' and '12000' are the same number."""
    values = {m.group().replace(",", "") for m in NUMBER.finditer(text or "")}
    return {v for v in values if not YEAR.match(v)}


def dates(text: str) -> set[str]:
    """Calendar mentions as 'MM-DD' ('May 21', '21 May') or 'YYYY' (years): a cheap same-day signal."""
    tokens = words(text)
    found_dates = {t for t in tokens if YEAR.match(t)}
    for i, token in enumerate(tokens):
        month = MONTHS.get(token)
        if month is None:
            continue
        for near in (tokens[i + 1 : i + 2] + tokens[max(0, i - 1) : i]):
            if near.isdigit() and 1 <= int(near) <= 31:
                found_dates.add(f"{month:02d}-{int(near):02d}")
                break
    return found_dates
