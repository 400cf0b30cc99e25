"""A first guess at how two related claims relate, for the reviewer to confirm or change.

Similarity says *that* two claims are about the same thing, never *how* (a denial scores
as high as a paraphrase), so the guess comes from cues, in this order:

1. contradicts: a denial word on one side only, a negation on one side only of the
   very thing the other asserts, or "still holds" against "captured" about the same
   kind of event within days;
2. updates: the later report says it happened (completion words) where the earlier one
   said it might or will (hedges, future); a newer statement by the same claimant on the
   same kind of event; weeks later, "it happened" after "it has not" (a dispute settled,
   so not a contradiction); or different numbers for the same thing;
3. same_event: much the same words, from the same claimant, within a few days, or with
   the same figures or dates;
4. supports: otherwise.

The guess is symmetric: the same pair gets the same relation from either side.
"""

from annotate.linking import cues
from annotate.linking.features import FRAME, Facts
from annotate.store.terms import stems

RELATIONS = ("same_event", "supports", "contradicts", "updates")
NEGATED_OVERLAP = 0.5  # a bare "not" anywhere only flips a claim that says nearly the same thing
NUMBERS_OVERLAP = 0.3  # new numbers update a claim only when the rest is much the same
SAME_OVERLAP = 0.35  # lexical overlap for two reports of one statement
SAME_DAYS = 3  # …published this close together, unless the claimant, a number or a date is the same
UPDATE_DAYS = 1  # an update comes out at least a day later
SETTLED_DAYS = 14  # a disagreement this much later, with the later side saying it happened, is an update


def guess_relation(a: Facts, b: Facts, f: dict) -> tuple[str, list[str]]:
    """(relation, the cues that decided it)."""
    contradiction = _contradiction(a, b, f)
    if contradiction and not _settled_later(a, b, f):
        return "contradicts", contradiction
    update = _update(a, b, f)
    if update:
        return "updates", update
    near = f["days"] is not None and abs(f["days"]) <= SAME_DAYS
    same_detail = any(len(n) >= 2 for n in f["shared_numbers"]) or bool(f["shared_dates"])
    if f["lexical"] >= SAME_OVERLAP and (f["claimant"] or near or same_detail):
        why = "same claimant" if f["claimant"] else "same figures or dates" if same_detail else "days apart" if f["days"] else "same day"
        return "same_event", [f"much the same wording, {why}"]
    return "supports", []


def negative(x: Facts) -> bool:
    return bool(x.denial or x.negation or x.negated or set(x.tokens) & cues.NEGATIVE_HEDGE)


def _contradiction(a: Facts, b: Facts, f: dict) -> list[str]:
    # A denial only contradicts a claim that does not itself say no ("unlikely to be encircled" / "denied … encircled" agree).
    if bool(a.denial) != bool(b.denial) and not negative(b if a.denial else a):
        return [f"denial words: {', '.join(a.denial or b.denial)}"]
    # One side says "not" about the very thing the other asserts: "had not been encircled" / "was encircled".
    flipped = [t for t in a.terms & b.terms if (t in a.negated_terms) != (t in b.negated_terms)]
    if flipped and negative(a) != negative(b):
        side = a if flipped[0] in a.negated_terms else b
        said = [side.term_words.get(t, t).lstrip(FRAME) for t in flipped]
        return [f"negated on one side: {', '.join(side.negation + side.denial) or 'no'} … {', '.join(said)}"]
    if negative(a) != negative(b) and f["lexical"] >= NEGATED_OVERLAP:
        side = a if negative(a) else b
        return [f"negation on one side: {', '.join(side.negation + side.denial) or 'negated'}"]
    near = f["days"] is not None and abs(f["days"]) <= 2 * SAME_DAYS
    for held, done in ((a, b), (b, a)):
        if near and held.persistence and done.completion and not f["claimant"] and _kind(done.terms) & _kind(held.terms):
            return [f"still so on one side: {', '.join(held.persistence)}; done on the other: {', '.join(done.completion)}"]
    return []


def _kind(words) -> set[str]:
    return {t for t in words if t.startswith(FRAME)} | {FRAME + cues.FRAME_OF[w] for w in words if w in cues.FRAME_OF}


def _settled_later(a: Facts, b: Facts, f: dict) -> bool:
    """Weeks later, a report that it happened settles an earlier "it has not": an update, not a dispute."""
    if f["days"] is None or abs(f["days"]) < SETTLED_DAYS:
        return False
    later = b if f["days"] > 0 else a
    return bool(later.completion) and not negative(later)


def _update(a: Facts, b: Facts, f: dict) -> list[str]:
    """The later claim reports done what the earlier one said might or will happen (the same kind of thing)."""
    if f["days"] is None or abs(f["days"]) < UPDATE_DAYS:
        return []
    earlier, later = (a, b) if f["days"] > 0 else (b, a)
    done = [w for w in later.completion if w not in earlier.completion]
    settled = [w for w in done if _same_thing(w, earlier)]
    if (earlier.hedges or earlier.hedged) and settled and not later.hedges:
        return [f"hedged earlier: {', '.join(earlier.hedges) or 'hedged'}", f"done later: {', '.join(settled)}"]
    if f["claimant"] and abs(f["days"]) > SAME_DAYS and ((done and not later.hedges) or _kind(a.terms) & _kind(b.terms)):
        return [f"newer statement by the same claimant ({abs(f['days'])} days later)"]
    if _settled_later(a, b, f) and negative(earlier) and settled:
        return [f"settled later: {', '.join(settled)}"]
    if f["numbers_differ"] and f["shared_entities"] and f["lexical"] >= NUMBERS_OVERLAP:
        return [f"new numbers later: {', '.join(sorted(later.numbers))}"]
    return []


def _same_thing(word: str, earlier: Facts) -> bool:
    frame = cues.FRAME_OF.get(word)
    return (FRAME + frame in earlier.terms) if frame else stems([word])[0] in earlier.terms
