"""Cheap cue words and values in a claim's text: denial, hedging, completion, numbers, dates.

Similarity cannot tell a denial from a paraphrase (see ../shared/research/nlp-probe.md §4),
so the relation between two claims is guessed from words like these. They are English
and generic on purpose: nothing here knows about any one story.
"""

import re

from annotate.store.terms import WORD

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
# Kinds of event news reports share under different verbs ("captured" / "not occupied" /
# "took control"): what lets two differently worded claims be recognised as one question.
FRAMES = {
    "control": """capture captures captured capturing take takes took taken seize seized seizes occupy occupies occupied
        occupation control controls controlled hold holds held fall falls fell fallen liberate liberated liberation
        recapture recaptured retake retook encircle encircled encirclement surround surrounded enter entered
        expel expelled oust ousted drive drove driven lose lost""",
    "withdrawal": """withdraw withdraws withdrew withdrawn withdrawal retreat retreats retreated pull pulls pulled
        leave leaves left abandon abandoned evacuate evacuated evacuation flee fled""",
    "delivery": """deliver delivers delivered delivery deliveries arrive arrives arrived arrival send sends sent supply
        supplies supplied transfer transferred provide provided pledge pledged""",
    "delay": "delay delays delayed postpone postpones postponed postponement later wait waiting",
    "attack": """attack attacks attacked strike strikes struck shell shelled shelling bomb bombed bombing assault
        offensive counteroffensive advance advances advanced advancing push pushed""",
    "casualties": "kill kills killed dead died death deaths wounded injured casualties losses",
    "detention": """arrest arrested detain detained detention prosecute prosecuted prosecution charge charged
        sentence sentenced convict convicted jail jailed imprison imprisoned""",
    "agreement": "agree agreed agreement deal sign signed signing treaty ceasefire truce talks negotiate negotiations",
}
FRAME_OF = {word: frame for frame, listed in FRAMES.items() for word in listed.split()}
# It is still so: set against "captured" on the same days, a claim that the fight goes on.
PERSISTENCE = frozenset("still remain remains remained remaining continue continues continued continuing".split())
NEGATIVE_HEDGE = frozenset("unlikely doubtful".split())  # "unlikely to be encircled" says it is not
MONTHS = {m: i for i, m in enumerate("january february march april may june july august september october november december".split(), 1)}
MONTHS |= {m[:3]: i for m, i in list(MONTHS.items())} | {"sept": 9}
NUMBER = re.compile(r"(?<![\w.])\d{1,3}(?:,\d{3})+(?![\w])|(?<![\w.])\d+(?:\.\d+)?(?![\w])")
YEAR = re.compile(r"^(19|20)\d\d$")


def found(tokens: list[str], lexicon: frozenset) -> list[str]:
    """Words of `lexicon` among the tokens (`terms.words(text)`), in order, once each."""
    return list(dict.fromkeys(w for w in tokens if w in lexicon))


def hedges(text: str) -> list[str]:
    """Hedging and future words; a capitalised "May" inside the text is the month."""
    tokens = WORD.findall(text or "")
    return list(dict.fromkeys(t.lower() for i, t in enumerate(tokens) if t.lower() in HEDGE and not (t == "May" and i > 0)))


def completions(tokens: list[str]) -> list[str]:
    """Words saying it happened: the lexicon, plus the past tense of any kind-of-event verb ("pulled")."""
    return list(dict.fromkeys(w for w in tokens if w in COMPLETION or (w in FRAME_OF and w.endswith("ed"))))


def frames(tokens: list[str]) -> set[str]:
    return {FRAME_OF[w] for w in tokens if w in FRAME_OF}


def negated_terms(tokens: list[str], window: int = 4) -> set[str]:
    """Words a negation or denial reaches ("had not been encircled", "denied that the city was encircled")."""
    reached = set()
    for i, token in enumerate(tokens):
        if token in NEGATION or token in DENIAL or token in NEGATIVE_HEDGE:
            reached.update(tokens[i + 1 : i + 1 + window])
    return reached


def numbers(text: str, tokens: list[str]) -> set[str]:
    """Quantities written in digits: not years, not days of a month ('5 June'); '12,000' is '12000'."""
    days = {t for i, t in enumerate(tokens) if t.isdigit() and ({*tokens[i - 1 : i], *tokens[i + 1 : i + 2]} & MONTHS.keys())}
    values = {m.group().replace(",", "") for m in NUMBER.finditer(text or "")}
    return {v for v in values if not YEAR.match(v) and v not in days}


def dates(tokens: list[str]) -> set[str]:
    """Calendar mentions as 'MM-DD' ('May 21', '21 May') or 'YYYY' (years): a cheap same-day signal."""
    found_dates = {t for t in tokens if YEAR.match(t)}
    for i, token in enumerate(tokens):
        month = MONTHS.get(token)
        if month is None:
            continue
        for near in tokens[i + 1 : i + 2] + tokens[max(0, i - 1) : i]:
            if near.isdigit() and 1 <= int(near) <= 31:
                found_dates.add(f"{month:02d}-{int(near):02d}")
                break
    return found_dates
