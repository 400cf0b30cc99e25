"""Claim candidates: every body sentence that could assert something checkable.

Each gets a score from its strongest cue (attribution, estimative language, a Key
Takeaways bullet, a headline "... – ISW", or just named entities with a date or a
number), a claimant, hedges, negation, an event date and the entities it names.
"""

from __future__ import annotations

import re
from dataclasses import replace

from . import parse, relay
from .attribution import Attribution, find_attribution
from .base import ClaimCandidate, reason
from .checkable import adjust
from .claimants import publisher_name
from .clauses import split_clauses
from .context import NAMED, ClaimContext, skippable
from .duplicates import merge_near_duplicates
from .eventdate import EventDate, Timeline
from .found import Found
from .headlines import headline, source_line
from .hedging import hedges, negated
from .segment import Segment
from .speakers import Speakers, credit_back, credit_quotes, summarised_speaker

_ESTIMATIVE = {"likely", "unlikely", "probably", "possibly", "may", "might", "could", "appears", "appear", "seems", "assess", "assesses", "assessed"}

__all__ = ["ClaimContext", "find_claims"]


def find_claims(ctx: ClaimContext) -> list[ClaimCandidate]:
    speakers, timeline = Speakers(), Timeline()
    speakers.default = next(filter(None, (source_line(ctx, s) for s in ctx.segments if s.kind == "heading")), None)
    out: list[ClaimCandidate] = []
    for seg in ctx.segments:
        if seg.kind == "body":
            speakers.intro = None
        if seg.ends_colon:
            speakers.introduce(ctx, seg)
        elif seg.kind == "heading":
            out += _headline_claim(ctx, seg, timeline)
        elif not skippable(ctx, seg := _after_run_in_label(ctx.text, seg)):
            for part in split_clauses(ctx.text, ctx.lower, seg, ctx.within(seg.start, seg.end)):
                out.append(_sentence_claim(ctx, part, speakers, timeline))
    return merge_near_duplicates(credit_quotes(ctx, credit_back(ctx, out)))


_RUN_IN = re.compile(r"(?:[A-Z][\w’'-]*(?: [\w’'-]+)?|(?:What|Why|How|Where|When|Who)(?: [\w’'-]+){1,5}):[ \t]+(?=[\"“A-Z0-9])")


def _after_run_in_label(text: str, seg: Segment) -> Segment:
    """ "Details: Russian forces ..." or "What we know so far: ...": the label opening a
    paragraph is page furniture; the claim starts after it."""
    m = _RUN_IN.match(text, seg.start, seg.end) if seg.first else None
    return replace(seg, start=m.end()) if m and m.end() < seg.end else seg


def _headline_claim(ctx: ClaimContext, seg: Segment, timeline: Timeline) -> list[ClaimCandidate]:
    hit = headline(ctx, seg)
    if hit is None:
        return []
    name = ctx.name(hit.who)
    why = f"headline attributed to {name}" if hit.verb is None else f"headline: {name} {hit.verb}"
    speaker = (name, (hit.who.start, hit.who.end), hit.verb)
    when = timeline.resolve(ctx.within(hit.start, hit.end), ctx, hit.start, hit.end, hit.content, name)
    cand = _candidate(ctx, hit.start, hit.end, hit.score, "claim.headline", why, speaker, when)
    return [replace(cand, relayed_by=relay.chain(ctx, hit.start, hit.end, [], name))]


def _sentence_claim(ctx: ClaimContext, seg: Segment, speakers: Speakers, timeline: Timeline) -> ClaimCandidate:
    ents = ctx.within(seg.start, seg.end)
    att = find_attribution(ctx.text, ctx.lower, seg.start, seg.end, ents) or parse.attribution(ctx.text, seg.start, seg.end, ents)
    outer = None
    if reported := relay.inner(ctx, att, ents):  # "X has admitted ..., CNN reports": X's claim
        outer, att = speakers.claimant(ctx, att)[0], reported
    outer = outer or relay.quoter(ctx, att, seg.start, ents)
    claimant, span = speakers.claimant(ctx, att)
    claimant = publisher_name(claimant, ctx.publisher)
    if claimant and seg.takeaway and att and att.free_subject and not att.pronoun:
        claimant = summarised_speaker(ctx, claimant, seg.start) or claimant  # a bullet describes whom the body names
    if claimant:  # README convention: "Russian defense circles (via TASS)"
        claimant = relay.described(claimant, att, ctx, seg.start, seg.end, ents)
    hedge = hedges(ctx.text[seg.start : seg.end])
    score, pid, why = _base_score(ents, ctx, att, claimant, hedge)
    verb = att.verb if att and claimant else None
    if not claimant:
        claimant, ctx_pid, ctx_why = speakers.from_context(ctx, seg, ents, hedge)
        if ctx_pid:
            score, pid, why = max(score, 0.65 if ctx_pid == "claim.inherited" else 0.7), ctx_pid, ctx_why
        elif claimant:
            why += f"; claimant is the source {claimant}"
    if seg.takeaway:
        score, pid, why = max(score, 0.85), "claim.takeaway", f"Key Takeaways bullet; {why}"
    score, content = adjust(score, ctx.text[seg.start : seg.end], ents)
    why = "; ".join([why, *content])
    speakers.remember(ctx, seg, ents, att, claimant)
    content = att.content if att else None
    when = timeline.resolve(ents, ctx, seg.start, seg.end, content, claimant, summary=seg.takeaway)
    cand = _candidate(ctx, seg.start, seg.end, score, pid, why, (claimant, span, verb), when, hedge, ents)
    return replace(cand, relayed_by=relay.chain(ctx, seg.start, seg.end, ents, claimant, outer))


def _base_score(ents: list[Found], ctx: ClaimContext, att: Attribution | None, claimant: str | None, hedge: tuple[str, ...]) -> tuple[float, str, str]:
    if att is not None and claimant:
        if claimant == ctx.publisher and att.verb.startswith(("assess", "believ")):
            return 0.85, "claim.assessment", f"the publisher's assessment ({att.verb})"
        if att.kind == "according":
            return 0.8, "claim.according", "attributed with 'according to'"
        if att.that is not None:
            return 0.9, "claim.attributed", f"'{att.verb} that'"
        return 0.8, "claim.attributed", f"reporting verb {att.verb!r}"
    if _ESTIMATIVE.intersection(hedge):
        return 0.7, "claim.estimative", f"estimative language ({', '.join(hedge)})"
    named = [f for f in ents if f.label in NAMED and f.label != "NORP"]
    facts = [f for f in ents if f.label in ("DATE", "QUANTITY")]
    if named and facts:
        return 0.6, "claim.event", "names an entity with a date or number"
    if named:
        return 0.5, "claim.entity", "names an entity"
    return 0.5, "claim.plain", "a body sentence"


def _candidate(ctx: ClaimContext, start: int, end: int, score: float, pid: str, why: str, speaker, when: EventDate, hedge=None, ents=None) -> ClaimCandidate:
    """speaker = (claimant, claimant span, reporting verb); when = the event date."""
    claimant, claimant_span, verb = speaker
    s = ctx.text[start:end]
    ents = ctx.within(start, end) if ents is None else ents
    hedge = hedges(s) if hedge is None else hedge
    return ClaimCandidate(
        start=start,
        end=end,
        text=ctx.original[start:end],
        score=round(score, 3),
        reason=reason(pid, why),
        claimant=claimant,
        claimant_span=claimant_span,
        reporting_verb=verb,
        hedged=bool(hedge),
        hedges=hedge,
        negated=negated(s),
        event_date=when.value,
        event_date_span=when.span,
        entities=tuple(dict.fromkeys(ctx.name(f) for f in ents if f.label in NAMED)),
        event_date_inferred=when.inferred,
    )
