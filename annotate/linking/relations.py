"""A first guess at how two related claims relate, for the reviewer to confirm or change.

Similarity says *that* two claims are about the same thing, never *how* (a denial scores
as high as a paraphrase), so the guess comes from cues (relation_features.py), in this order:

1. updates, when the newer report settles the older one: it says done what the older one
   said might or will happen, or it answers what the older one left unsaid ("declined to
   say" → "we carried it out"); a dispute settled weeks later is not a contradiction;
2. contradicts: the two hold different sides responsible (or one disowns the accusation the
   other makes); a denial word on one side only; a negation on one side only of the very
   thing the other asserts, or, from different claimants within days, "no" against "yes";
   "still holds" against "captured" about the same kind of event within days;
3. updates: a newer statement by the same claimant on the same kind of event (not a relay
   of the same one); or a different amount for the same thing later;
4. same_event: one speaker (however spelt) within days or relayed later, or much the same
   words within a few days or with the same figures or dates;
5. supports: otherwise.

The guess is symmetric: the same pair gets the same relation from either side.
"""

from annotate.linking import cues
from annotate.linking import relation_features as rc
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
    settled = _settled(a, b, f)
    if settled:
        return "updates", settled
    contradiction = _contradiction(a, b, f)
    if contradiction:
        return "contradicts", contradiction
    update = _update(a, b, f)
    if update:
        return "updates", update
    near = f["days"] is not None and abs(f["days"]) <= SAME_DAYS
    if rc.same_speaker(a, b, f) and (near or _relayed(a, b, f)):
        return "same_event", ["same claimant" if f["claimant"] else f"same speaker: {a.claimant} / {b.claimant}"]
    if rc.same_side(a, b) and (near or _relayed(a, b, f)):
        return "same_event", [f"one side's statement: {a.claimant} / {b.claimant}"]
    same_detail = any(len(n) >= 2 for n in f["shared_numbers"]) or bool(f["shared_dates"])
    if f["lexical"] >= SAME_OVERLAP and (f["claimant"] or near or same_detail):
        why = "same claimant" if f["claimant"] else "same figures or dates" if same_detail else "days apart" if f["days"] else "same day"
        return "same_event", [f"much the same wording, {why}"]
    return "supports", []


def _older_newer(a: Facts, b: Facts, f: dict) -> tuple[Facts, Facts] | None:
    """(older, newer) by publication day, None when published the same day or undated."""
    if not f["days"] or abs(f["days"]) < UPDATE_DAYS:
        return None
    return (a, b) if f["days"] > 0 else (b, a)


def _settled(a: Facts, b: Facts, f: dict) -> list[str]:
    """The newer report says done what the older said might or will happen (the same kind of
    thing, or the same places and actors), answers what it left unsaid, or settles a dispute."""
    order = _older_newer(a, b, f)
    if order is None:
        return []
    older, newer = order
    same_thing = bool(_kind(older.terms) & _kind(newer.terms)) or bool(f["shared_entities"])
    done = [w for w in newer.completion if w not in older.completion]
    if same_thing and rc.hedged(older) and done and not newer.hedges and not rc.negative(newer):
        return [f"hedged earlier: {', '.join(older.hedges) or 'hedged'}", f"done later: {', '.join(done)}"]
    if same_thing and rc.future_then_past(older, newer) and not newer.hedges:
        return ["will happen earlier", f"happened later: {', '.join(newer.completion)}"]
    if rc.unanswered_then_answered(older, newer):
        return ["left unsaid earlier, said later"]
    if abs(f["days"]) >= SETTLED_DAYS and rc.negative(older) and not rc.negative(newer):
        settled = [w for w in done if _same_thing(w, older)]
        if settled:
            return [f"settled later: {', '.join(settled)}"]
    return []


def _contradiction(a: Facts, b: Facts, f: dict) -> list[str]:
    clash, _ = rc.stances(a, b)
    if clash:
        blamed = rc.agent(a) if not rc.disowns(a) else rc.agent(b)
        return [f"responsibility disputed: one side blames {blamed}, the other does not"]
    # A denial only contradicts a claim that does not itself say no ("unlikely to be encircled" / "denied … encircled" agree).
    if bool(a.denial) != bool(b.denial) and not rc.negative(b if a.denial else a):
        return [f"denial words: {', '.join(a.denial or b.denial)}"]
    # One side says "not" about the very thing the other asserts: "had not been encircled" / "was encircled".
    flipped = [t for t in a.terms & b.terms if (t in a.negated_terms) != (t in b.negated_terms)]
    if flipped and rc.negative(a) != rc.negative(b):
        side = a if flipped[0] in a.negated_terms else b
        said = [side.term_words.get(t, t).lstrip(FRAME) for t in flipped]
        return [f"negated on one side: {', '.join(side.negation + side.denial) or 'no'} … {', '.join(said)}"]
    near = f["days"] is not None and abs(f["days"]) <= SAME_DAYS
    if rc.negative(a) != rc.negative(b) and (f["lexical"] >= NEGATED_OVERLAP or (near and not rc.same_speaker(a, b, f))):
        side = a if rc.negative(a) else b
        return [f"negation on one side: {', '.join(side.negation + side.denial) or 'negated'}"]
    near = f["days"] is not None and abs(f["days"]) <= 2 * SAME_DAYS
    for held, done in ((a, b), (b, a)):
        if near and held.persistence and done.completion and not f["claimant"] and _kind(done.terms) & _kind(held.terms):
            return [f"still so on one side: {', '.join(held.persistence)}; done on the other: {', '.join(done.completion)}"]
    return []


def _kind(words) -> set[str]:
    return {t for t in words if t.startswith(FRAME)} | {FRAME + cues.FRAME_OF[w] for w in words if w in cues.FRAME_OF}


def _relayed(a: Facts, b: Facts, f: dict) -> bool:
    """The newer report tells again of the older one's event (dated to it, published well after)."""
    order = _older_newer(a, b, f)
    return order is not None and rc.looks_back(order[1]) and rc.near_event(*order)


def _update(a: Facts, b: Facts, f: dict) -> list[str]:
    """A newer statement by the same claimant on the same kind of event, or new amounts for the same thing."""
    order = _older_newer(a, b, f)
    if order is None:
        return []
    older, newer = order
    if f["numbers_differ"] and f["shared_entities"] and f["lexical"] >= NUMBERS_OVERLAP:
        return [f"new numbers later: {', '.join(sorted(newer.numbers))}"]
    if rc.amounts_differ(older, newer) and (rc.same_speaker(a, b, f) or _kind(a.terms) & _kind(b.terms)) and not (rc.negative(a) or rc.negative(b)):
        return [f"new amounts later: {_amounts(older)} then {_amounts(newer)}"]
    done = [w for w in newer.completion if w not in older.completion]
    if f["claimant"] and abs(f["days"]) > SAME_DAYS and not _relayed(a, b, f) and ((done and not newer.hedges) or _kind(a.terms) & _kind(b.terms)):
        return [f"newer statement by the same claimant ({abs(f['days'])} days later)"]
    return []


def _amounts(x: Facts) -> str:
    return ", ".join(f"{n:,.0f}" for n in sorted(rc.amounts(x)))


def _same_thing(word: str, earlier: Facts) -> bool:
    frame = cues.FRAME_OF.get(word)
    return (FRAME + frame in earlier.terms) if frame else stems([word])[0] in earlier.terms
