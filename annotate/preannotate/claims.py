"""Claim candidates: every body sentence that could assert something checkable.

Each gets a score from its strongest cue (attribution, estimative language, a Key
Takeaways bullet, a headline "... – ISW", or just named entities with a date or a
number), a claimant, hedges, negation, an event date and the entities it names.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from .attribution import Attribution, find_attribution
from .base import ClaimCandidate, reason
from .clauses import split_clauses
from .found import Found
from .hedging import hedges, negated
from .lexicon import ROLES
from .segment import Segment
from .textprep import ascii_lower

MIN_WORDS = 5
MAX_INHERIT = 2  # sentences that may continue a reported account
MAX_UNIT_FOR_ACCOUNT = 6  # sentences in a paragraph where continuation is plausible
# Matched against the lowercased sentence.
_SKIP = re.compile(
    r"click here|subscribe|share the post|support us|become our patron|related posts|"
    r"for full report|read more|sign up|all rights reserved|cookie|^photo:|^source:|https?://|"
    r"^image:|^credit:|follow us"
)
_HEADLINE_SUFFIX = re.compile(r"^(?P<claim>.{20,}?)\s+[–—-]{1,2}\s+(?P<who>[^–—-]{2,60})$")
_HEADLINE_PREFIX = re.compile(r"^(?P<who>[^:]{2,60}):\s+(?P<claim>.{20,})$")
_SOURCE_LINE = re.compile(r"^(?:sources?|via|originally published by|according to)\s*:?\s+", re.I)
_NAMED = ("PERSON", "ORG", "GPE", "LOC", "MILITARY_UNIT", "NORP")
_ESTIMATIVE = {"likely", "unlikely", "probably", "possibly", "may", "might", "could", "appears", "appear", "seems", "assess", "assesses", "assessed"}
_INHERITING_VERBS = {"reported", "stated", "said", "told", "wrote", "claimed", "announced", "says", "reports", "states", "claims", "posted", "published", "according to", "indicated"}
MAX_UNIT_TO_CARRY = 2  # an account runs on into the next paragraph after one this short
# Things that show rather than say: "Geolocated footage indicates that ..." is the
# publisher's reading of evidence.
_EVIDENCE = re.compile(r"(?:\w+\s+)*(?:footage|imagery|images|videos?|photos?|photographs|data|evidence|analysis|statistics|figures|maps?)$", re.I)
_NOBODY = re.compile(r"\b(?:neither|nor|not|n't|never|nobody|no one)\b")  # "Neither government has said"
_FIRST_PERSON = re.compile(r"\b(?:we|our|us)\b")
_COMMENTARY = re.compile(
    r"(?:the|this|that|these|such|his|her|their|its)\s+(?:statement|claim|report|remark|announcement|"
    r"assessment|comment|denial|allegation|account|decision)s?\b"
)
_DATE_WEIGHT = [
    (re.compile(r"(?:ahead of|until|by|before|after|as soon as|deadline of)\s+(?:the\s+)?$", re.I), 0),
    (re.compile(r"\bon\s+(?:the\s+)?$|^the night", re.I), 3),
    (re.compile(r"\b(?:in|during|late|early|mid|throughout)\s+(?:the\s+)?$", re.I), 2),
]


@dataclass
class ClaimContext:
    original: str  # the document text, for candidate text
    text: str  # the normalised, masked copy the rules read
    segments: list[Segment]
    entities: list[Found]
    publisher: str | None
    starts: list[int] = field(init=False)
    unit_sizes: dict[int, int] = field(init=False)
    lower: str = field(init=False)

    def __post_init__(self) -> None:
        self.lower = ascii_lower(self.text)
        self.starts = [f.start for f in self.entities]
        self.unit_sizes = {}
        for seg in self.segments:
            self.unit_sizes[seg.unit] = self.unit_sizes.get(seg.unit, 0) + 1

    def within(self, start: int, end: int) -> list[Found]:
        i = bisect.bisect_left(self.starts, start)
        out = []
        while i < len(self.entities) and self.entities[i].start < end:
            if self.entities[i].end <= end:
                out.append(self.entities[i])
            i += 1
        return out


@dataclass
class _State:
    """What earlier sentences tell later ones."""

    unit: int = -1
    account: str | None = None  # claimant of a reported account in this unit
    account_left: int = 0
    intro: str | None = None  # claimant of a line introducing a bulleted list
    last_speaker: str | None = None  # whom "he" or "she" most likely means
    last_claimant: str | None = None
    default: str | None = None  # from a "Source: ..." line


def _skip(ctx: ClaimContext, seg: Segment) -> bool:
    s = ctx.lower[seg.start : seg.end]
    return (
        s.count(" ") + s.count("\n") < MIN_WORDS - 1
        or s.rstrip().endswith("?")
        or seg.ends_colon
        or bool(_SKIP.search(s))
    )


def _name(ctx: ClaimContext, f: Found) -> str:
    return f.canonical or ctx.original[f.start : f.end]


def headline(ctx: ClaimContext, seg: Segment) -> tuple[int, int, Found] | None:
    """ "Russia forcibly sends men ... – ISW": the claim and who it is attributed to."""
    s = ctx.text[seg.start : seg.end]
    for pattern in (_HEADLINE_SUFFIX, _HEADLINE_PREFIX):
        m = pattern.match(s)
        if not m:
            continue
        who_start, who_end = seg.start + m.start("who"), seg.start + m.end("who")
        named = [f for f in ctx.within(who_start, who_end) if f.label in ("ORG", "PERSON")]
        if named:
            return seg.start + m.start("claim"), seg.start + m.end("claim"), named[0]
    return None


def _headline_claim(ctx: ClaimContext, seg: Segment) -> ClaimCandidate | None:
    """A headline is a claim when it says whose it is: "... – ISW", "Ukraine says ..."."""
    hit = headline(ctx, seg)
    if hit:
        start, end, who = hit
        name = _name(ctx, who)
        return _candidate(ctx, start, end, 0.7, "claim.headline", f"headline attributed to {name}", name, (who.start, who.end), None, None)
    if _skip(ctx, seg):
        return None
    ents = ctx.within(seg.start, seg.end)
    att = find_attribution(ctx.text, ctx.lower, seg.start, seg.end, ents)
    if att is None or att.subject is None or att.kind == "according":
        return None
    name = _name(ctx, att.subject)
    why = f"headline: {name} {att.verb}"
    return _candidate(ctx, seg.start, seg.end, 0.6, "claim.headline", why, name, (att.subject.start, att.subject.end), att.verb, att.content)


def _source_line(ctx: ClaimContext, seg: Segment) -> str | None:
    s = ctx.text[seg.start : seg.end]
    if not _SOURCE_LINE.match(s):
        return None
    named = [f for f in ctx.within(seg.start, seg.end) if f.label in ("ORG", "PERSON")]
    return _name(ctx, named[0]) if named else None


def event_date(ents: list[Found], ctx: ClaimContext, start: int, content: tuple[int, int] | None) -> Found | None:
    """The date the claim is about: in the reported content if it has one, "on X" first."""
    dates = [f for f in ents if f.label == "DATE" and f.canonical and len(f.canonical) >= 7]
    inside = [f for f in dates if content and content[0] <= f.start and f.end <= content[1]]
    dates = inside or dates
    best, best_weight = None, -1
    for f in dates:
        before = ctx.text[max(start, f.start - 20) : f.start]
        weight = next((w for rx, w in _DATE_WEIGHT if rx.search(before)), 1)
        if f.pid == "date.night":
            weight = 3
        if weight > best_weight:
            best, best_weight = f, weight
    return best if best_weight > 0 else None


def _claimant(ctx: ClaimContext, att: Attribution | None, state: _State) -> tuple[str | None, tuple[int, int] | None]:
    if att is None:
        return None, None
    if att.subject is not None:
        return _name(ctx, att.subject), (att.subject.start, att.subject.end)
    if att.pronoun == "we":
        return ctx.publisher, None
    if att.pronoun == "he" or att.pronoun == "she":
        return state.last_speaker, None
    if att.pronoun:
        return state.last_claimant, None
    if att.free_subject:
        s, e = att.free_subject
        name = " ".join(ctx.original[s:e].split())
        if name.lower().startswith(("our ", "my ")):
            return ctx.publisher, None  # "Our findings suggest"
        if _EVIDENCE.match(name):
            return None, None
        return _antecedent(ctx, name, att.free_subject[0], state) or name, att.free_subject
    return None, None


def _antecedent(ctx: ClaimContext, name: str, before: int, state: _State) -> str | None:
    """ "The source" after "a Ukrainian security source"; "the Mission" after the
    "UN Human Rights Monitoring Mission in Ukraine": the same speaker again."""
    words = name.split()
    if len(words) != 2 or words[0].lower() != "the":
        return None
    head = words[1].lower()
    if head in ROLES and state.last_speaker:
        return state.last_speaker  # "The president said" after Zelensky spoke
    if state.last_claimant and state.last_claimant.lower().split()[-1] == head:
        return state.last_claimant
    if words[1][:1].isupper():
        for f in reversed(ctx.entities[: bisect.bisect_left(ctx.starts, before)]):
            if f.label in ("ORG", "MILITARY_UNIT") and head in ctx.text[f.start : f.end].lower().split():
                return _name(ctx, f)
    return None


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
    named = [f for f in ents if f.label in _NAMED and f.label != "NORP"]
    facts = [f for f in ents if f.label in ("DATE", "QUANTITY")]
    if named and facts:
        return 0.6, "claim.event", "names an entity with a date or number"
    if named:
        return 0.5, "claim.entity", "names an entity"
    return 0.3, "claim.plain", "a body sentence"


def _entities_named(ctx: ClaimContext, ents: list[Found]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(_name(ctx, f) for f in ents if f.label in _NAMED))


def _candidate(ctx, start, end, score, pid, why, claimant, claimant_span, verb, content, hedge=None) -> ClaimCandidate:
    s = ctx.text[start:end]
    ents = ctx.within(start, end)
    hedge = hedges(s) if hedge is None else hedge
    date_f = event_date(ents, ctx, start, content)
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
        event_date=date_f.canonical if date_f else None,
        event_date_span=(date_f.start, date_f.end) if date_f else None,
        entities=_entities_named(ctx, ents),
    )


def _sentence_claim(ctx: ClaimContext, seg: Segment, state: _State) -> ClaimCandidate:
    ents = ctx.within(seg.start, seg.end)
    att = find_attribution(ctx.text, ctx.lower, seg.start, seg.end, ents)
    claimant, span = _claimant(ctx, att, state)
    hedge = hedges(ctx.text[seg.start : seg.end])
    score, pid, why = _base_score(ents, ctx, att, claimant, hedge)
    verb = att.verb if att and claimant else None
    if not claimant:
        claimant, span, score, pid, why = _context_claimant(ctx, seg, ents, state, hedge, score, pid, why)
    if seg.takeaway:
        score, pid, why = max(score, 0.85), "claim.takeaway", f"Key Takeaways bullet; {why}"
    _remember(ctx, seg, ents, state, att, claimant, verb)
    return _candidate(ctx, seg.start, seg.end, score, pid, why, claimant, span, verb, att.content if att else None, hedge)


def _context_claimant(ctx, seg, ents, state, hedge, score, pid, why):
    """No attribution in the sentence: continue an account, a list intro, or the source."""
    if state.account and state.account_left > 0 and _carries_to(ctx, seg, state) and _continues(ctx, seg, ents, state, hedge):
        state.account_left -= 1
        return state.account, None, max(score, 0.65), "claim.inherited", f"continues {state.account}'s account"
    state.account = None  # the author's voice again: the account has ended
    if seg.kind == "bullet" and state.intro:
        return state.intro, None, max(score, 0.7), "claim.listed", f"in a list introduced as {state.intro}'s"
    default = state.default or ctx.publisher
    return default, None, score, pid, why + (f"; claimant is the source {default}" if default else "")


def _carries_to(ctx: ClaimContext, seg: Segment, state: _State) -> bool:
    return seg.unit == state.unit or ctx.unit_sizes.get(state.unit, 0) <= MAX_UNIT_TO_CARRY


def _continues(ctx: ClaimContext, seg: Segment, ents: list[Found], state: _State, hedge: tuple[str, ...]) -> bool:
    """Does this unattributed sentence read as more of the account before it?

    Not in a long run-on paragraph, not in a bullet list, not with the author's own
    hedging, and not when it opens with a new named subject or names the source.
    """
    if seg.takeaway or seg.kind == "bullet" or set(hedge) - {"reportedly", "allegedly"}:
        return False
    if re.match(r"(?:he|she)\b", ctx.lower[seg.start : seg.start + 4]):
        return False  # about the source ("He did not specify"), not more of its account
    if _COMMENTARY.match(ctx.lower, seg.start):
        return False  # "The statement is consistent with ...": the author's comment
    if _FIRST_PERSON.search(ctx.lower, seg.start, seg.end):
        return False  # "We were in the city ...": the publisher speaking
    if ctx.unit_sizes.get(seg.unit, 0) > MAX_UNIT_FOR_ACCOUNT:
        return False
    named = [f for f in ents if f.label in _NAMED]
    opening = ctx.text[seg.start : named[0].start].split() if named else None
    if opening is not None and len(opening) <= 3:
        return False  # a new subject: "Russian authorities did not respond"
    head = re.escape(state.account.lower().split()[-1])
    mentioned = re.search(rf"\b{head}\b", ctx.lower[seg.start : seg.end])  # about the source itself
    return not mentioned and state.account not in {_name(ctx, f) for f in named}


def _remember(ctx, seg, ents, state, att, claimant, verb) -> None:
    """Carry forward: the account being reported, the last claimant, the last person."""
    if seg.unit != state.unit:
        # News prose puts one or two sentences in a paragraph and an account runs on
        # over several; after a longer paragraph it ends with the paragraph.
        if ctx.unit_sizes.get(state.unit, 0) > MAX_UNIT_TO_CARRY:
            state.account, state.account_left = None, 0
        state.unit = seg.unit
    if att is not None and claimant and claimant != ctx.publisher and verb in _INHERITING_VERBS and seg.kind == "body":
        said_nothing = _NOBODY.search(ctx.lower, seg.start, att.verb_span[0])
        state.account, state.account_left = (None, 0) if said_nothing else (claimant, MAX_INHERIT)
    if claimant:
        state.last_claimant = claimant
    if att is not None and claimant and (att.free_subject or (att.subject and att.subject.label == "PERSON")):
        state.last_speaker = claimant
    else:  # "He" most often means the person a sentence started with
        people = [f for f in ents if f.label == "PERSON"]
        state.last_speaker = _name(ctx, people[0]) if people else state.last_speaker


def _intro(ctx: ClaimContext, seg: Segment, state: _State) -> None:
    """ "To quote the ISW's Key Takeaways on 3 June:" names who says the bullets below."""
    named = [f for f in ctx.within(seg.start, seg.end) if f.label in ("ORG", "PERSON")]
    state.intro = _name(ctx, named[0]) if named else None


def find_claims(ctx: ClaimContext) -> list[ClaimCandidate]:
    state = _State()
    state.default = next(filter(None, (_source_line(ctx, s) for s in ctx.segments if s.kind == "heading")), None)
    out: list[ClaimCandidate] = []
    for seg in ctx.segments:
        if seg.kind != "bullet" and not seg.ends_colon:
            state.intro = None if seg.kind == "body" else state.intro
        if seg.ends_colon:
            _intro(ctx, seg, state)
            continue
        if seg.kind == "heading":
            claim = _headline_claim(ctx, seg)
            if claim is not None:
                out.append(claim)
            continue
        if _skip(ctx, seg):
            continue
        for part in split_clauses(ctx.text, ctx.lower, seg, ctx.within(seg.start, seg.end)):
            out.append(_sentence_claim(ctx, part, state))
    return out
