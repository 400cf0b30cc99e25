"""A first guess at how two related claims relate, for the reviewer to confirm or change.

Similarity says *that* two claims are about the same thing, never *how* (a denial scores
as high as a paraphrase), so the guess comes from cues, in this order:

1. contradicts: a denial word on one side only, or a negation on one side only of two
   claims that otherwise say much the same;
2. updates: the later report says it happened (completion words) where the earlier one
   said it might or will (hedges, future), or it gives different numbers for the same thing;
3. same_event: much the same words, from the same claimant or within a few days;
4. supports: otherwise.

The guess is symmetric: the same pair gets the same relation from either side.
"""

from annotate.features import Facts

RELATIONS = ("same_event", "supports", "contradicts", "updates")
NEGATED_OVERLAP = 0.3  # a bare "not" only flips a claim that says nearly the same thing
SAME_OVERLAP = 0.35  # lexical overlap for two reports of one statement
SAME_DAYS = 3  # …published this close together, unless the claimant is the same
UPDATE_DAYS = 1  # an update comes out at least a day later


def guess_relation(a: Facts, b: Facts, f: dict) -> tuple[str, list[str]]:
    """(relation, the cues that decided it)."""
    if bool(a.denial) != bool(b.denial):
        return "contradicts", [f"denial words: {', '.join(a.denial or b.denial)}"]
    negated_a, negated_b = a.negated or bool(a.negation), b.negated or bool(b.negation)
    if negated_a != negated_b and f["lexical"] >= NEGATED_OVERLAP:
        words = a.negation if negated_a else b.negation
        return "contradicts", [f"negation on one side: {', '.join(words) or 'negated'}"]
    update = _update(a, b, f)
    if update:
        return "updates", update
    near = f["days"] is not None and abs(f["days"]) <= SAME_DAYS
    if f["lexical"] >= SAME_OVERLAP and (f["claimant"] or near):
        return "same_event", ["much the same wording" + (", same claimant" if f["claimant"] else ", days apart" if f["days"] else ", same day")]
    return "supports", []


def _update(a: Facts, b: Facts, f: dict) -> list[str]:
    if f["days"] is None or abs(f["days"]) < UPDATE_DAYS:
        return []
    earlier, later = (a, b) if f["days"] > 0 else (b, a)
    was_open = bool(earlier.hedges or earlier.hedged)
    done = [w for w in later.completion if w not in earlier.completion]
    if was_open and done and not later.hedges:
        return [f"hedged earlier: {', '.join(earlier.hedges) or 'hedged'}", f"done later: {', '.join(done)}"]
    if f["numbers_differ"] and f["shared_entities"]:
        return [f"new numbers later: {', '.join(sorted(later.numbers))}"]
    return []
