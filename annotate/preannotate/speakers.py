"""Who is speaking: the claimant from a sentence's own attribution, or from context.

Context carries from sentence to sentence: a reported account goes on until the
author's voice returns ("Verstka reported that ... Others were taken ..."), "he" and
"she" mean the last speaker, "the Mission" means the organisation named in full
before, bullets under "To quote the ISW's Key Takeaways:" are ISW's, and anything
else belongs to the source named on a "Source:" line or to the publisher.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .attribution import Attribution, find_attribution
from .base import pattern_id
from .claimants import authorities, tidy
from .context import NAMED, NEW_TOPIC, ClaimContext
from .found import Found
from .lexicon import ROLES
from .relay import is_outlet as relay_outlet
from .segment import Segment

MAX_INHERIT = 2  # sentences that may continue a reported account
MAX_UNIT_FOR_ACCOUNT = 6  # sentences in a paragraph where continuation is plausible
MAX_UNIT_TO_CARRY = 2  # an account runs on into the next paragraph after one this short
_INHERITING_VERBS = {
    "reported",
    "stated",
    "said",
    "told",
    "wrote",
    "claimed",
    "announced",
    "says",
    "reports",
    "states",
    "claims",
    "posted",
    "published",
    "according to",
    "indicated",
}
# Things that show rather than say: "Geolocated footage indicates that ..." is the
# publisher's reading of evidence.
_EVIDENCE = re.compile(
    r"(?:\w+\s+)*(?:footage|imagery|images|videos?|photos?|photographs|data|evidence|analysis|statistics|figures|maps?)$",
    re.I,
)
_NOBODY = re.compile(r"\b(?:neither|nor|not|n't|never|nobody|no one)\b")  # "Neither government has said"
_FIRST_PERSON = re.compile(r"\b(?:we|our|us)\b")
_ABOUT_THE_SOURCE = re.compile(r"(?:he|she)\b")  # "He did not specify"
_COMMENTARY = re.compile(
    r"(?:the|this|that|these|such|his|her|their|its)\s+(?:statement|claim|report|remark|announcement|"
    r"assessment|comment|denial|allegation|account|decision)s?\b"
)


_PERSONAL = ("he", "she", "him", "her")
_MEDIA_NOUNS = frozenset("newspaper paper outlet publication daily broadcaster agency channel magazine".split())
_GENERIC_ORG_NOUNS = frozenset("tank institute organization organisation group centre center".split())
_ORG_NOUNS = _MEDIA_NOUNS | _GENERIC_ORG_NOUNS | frozenset("ministry committee office service department council".split())


def _spelling(word: str) -> str:
    return word.lower().replace("defence", "defense").strip(",.")


def _person_with_role(ctx: ClaimContext, role: str, before: int) -> str | None:
    """The person a role word stood next to earlier ("Novaya Kakhovka Mayor Vladimir Leontyev")."""
    for f in reversed(ctx.before(before)):
        if f.label == "PERSON" and role in ctx.lower[max(0, f.start - 40) : f.start].split():
            return ctx.name(f)
    return None


def summarised_speaker(ctx: ClaimContext, phrase: str, before: int) -> str | None:
    """A summary describes a speaker the body names: "A senior adviser to the president said"
    in Key Takeaways is "Oleksandr Rodnyanskyi, an economic adviser to President ...". The
    role word (before "to"/"of") must stand before the name or in an appositive after it."""
    words = [w.lower().strip(",.") for w in phrase.split()]
    head = words[: next((i for i, w in enumerate(words) if w in ("to", "of", "for", "in", "at")), len(words))]
    role = next((w for w in reversed(head) if w in ROLES), None)
    if role is None:
        return None
    for f in reversed(ctx.before(before)):
        if f.label != "PERSON":
            continue
        after = re.match(r",\s+(?:a|an|the)\s+([^,;.]{0,60})", ctx.lower[f.end : f.end + 70])
        if role in _title_before(ctx, f) or (after and role in after.group(1).split()):
            return ctx.name(f)
    return None


def _title_before(ctx: ClaimContext, f: Found) -> list[str]:
    """The title right before a name: its capitalised words and the word before them
    ("Novaya Kakhovka Mayor", "deputy defence minister"), not an earlier appositive."""
    words = ctx.text[max(0, f.start - 40) : f.start].split()
    title = []
    while words and words[-1][:1].isupper():
        title.append(words.pop().lower())
    return title + [w.lower() for w in words[-1:]]


_ROLE_AFTER = re.compile(r"\s+([a-z-]+)\b")


def _its_role_holder(ctx: ClaimContext, subject: Found) -> str | None:
    """ "An Air Force spokesperson rejected ...": the person named before as that body's
    spokesperson ("Air Force spokesperson Colonel Yurii Ihnat"), who is the speaker."""
    m = _ROLE_AFTER.match(ctx.text, subject.end)
    if subject.label not in ("ORG", "MILITARY_UNIT") or not m or m.group(1) not in ROLES:
        return None
    name = ctx.text[subject.start : subject.end].lower()
    for f in reversed(ctx.before(subject.start)):
        if f.label == "PERSON" and name in ctx.lower[max(0, f.start - 60) : f.start] and m.group(1) in ctx.lower[max(0, f.start - 60) : f.start]:
            return ctx.name(f)
    return None


def _by_acronym(ctx: ClaimContext, word: str, before: int) -> list[str]:
    """ "MoD" after "the Russian Ministry of Defense": the organisation whose initials it spells."""
    if len(word) < 2 or sum(c.isupper() for c in word) < 2 or not word.isalpha():
        return []
    for f in reversed(ctx.before(before)):
        if f.label in ("ORG", "MILITARY_UNIT"):
            initials = "".join(w[0] for w in re.findall(r"[A-Za-z]+", ctx.text[f.start : f.end] + " " + ctx.name(f)))
            if word.lower() in initials.lower():
                return [ctx.name(f)]
    return []


_PRONOUN_OBJECTS = frozenset("him her them it".split())
# "The October assessment claimed", "The statement said": a document speaks for its author.
_DOCUMENT_SUBJECT = re.compile(r"(?:the|this|that|its|their|his|her)\s+(?:\w+\s+)?(?:assessment|statement|report|update|message|post)$", re.I)


@dataclass
class Speakers:
    """What earlier sentences tell later ones."""

    unit: int = -1
    account: str | None = None  # claimant of a reported account still running
    account_left: int = 0
    intro: str | None = None  # claimant of a line introducing a bulleted list
    last_speaker: str | None = None  # whom "he" or "she" most likely means
    last_claimant: str | None = None
    default: str | None = None  # from a "Source: ..." line

    def claimant(self, ctx: ClaimContext, att: Attribution | None) -> tuple[str | None, tuple[int, int] | None]:
        """The claimant an attribution names, with its span when the sentence holds it."""
        if att is None:
            return None, None
        if att.subject is not None:
            span = (att.subject.start, att.subject.end)
            if att.subject.label in ("GPE", "NORP"):  # "Ukraine has accused": its authorities
                return authorities(ctx.name(att.subject)) or ctx.name(att.subject), span
            if person := _its_role_holder(ctx, att.subject):
                return person, span
            return ctx.name(att.subject), span
        if att.pronoun == "we":
            return ctx.publisher, None
        if att.pronoun:
            return (self.last_speaker if att.pronoun in _PERSONAL else self.last_claimant), None
        if att.free_subject:
            return self._unnamed(ctx, att.free_subject)
        return None, None

    def _unnamed(self, ctx: ClaimContext, span: tuple[int, int]) -> tuple[str | None, tuple[int, int] | None]:
        name = " ".join(ctx.original[span[0] : span[1]].split())
        if name.lower().startswith(("our ", "my ")):
            return ctx.publisher, None  # "Our findings suggest"
        if _EVIDENCE.fullmatch(name):
            return None, None
        if name.lower() in _PRONOUN_OBJECTS:  # "according to him"
            return (self.last_speaker if name.lower() in _PERSONAL else self.last_claimant), None
        if _DOCUMENT_SUBJECT.match(name):
            owner = [ctx.name(f) for f in ctx.within(*span) if f.label in ("ORG", "MILITARY_UNIT", "PERSON")] or _by_acronym(ctx, name.split()[1], span[0])
            if owner:
                return owner[0], span  # "The MoD statement credited": the MoD's
            if self.last_claimant:
                return self.last_claimant, None  # "The October assessment claimed": its author's
        found = self._antecedent(ctx, name, span[0]) or authorities(tidy(name))
        return found or tidy(name), span

    def _antecedent(self, ctx: ClaimContext, name: str, before: int) -> str | None:
        """ "The source" after "a Ukrainian security source"; "the Mission" after the
        "UN Human Rights Monitoring Mission in Ukraine": the same speaker again."""
        words = name.split()
        if words[0].lower() == "the" and len(words) >= 3:
            found = self._described(ctx, words[1:], before)
            if found:
                return found
        if len(words) != 2 or words[0].lower() != "the":
            return None
        head = words[1].lower()
        if (head in ROLES or ROLES.intersection(head.split("-"))) and self.last_speaker:
            return self.last_speaker  # "The president said", "the businessman-turned-mercenary" after he spoke
        if words[1].islower() and head in _ORG_NOUNS and (found := self._described(ctx, words[1:], before)):
            return found  # "the newspaper", "the ministry"
        if self.last_claimant and self.last_claimant.lower().split()[-1] == head:
            return self.last_claimant
        if words[1][:1].isupper():
            for f in reversed(ctx.before(before)):
                if f.label in ("ORG", "MILITARY_UNIT") and head in ctx.text[f.start : f.end].lower().split():
                    return ctx.name(f)
        return None

    def _described(self, ctx: ClaimContext, words: list[str], before: int) -> str | None:
        """ "the defence ministry", "the D.C.-based think tank", "the mayor of nearby X": the
        organisation or person named before that the description fits."""
        head_words = words[: words.index("of")] if "of" in words else words
        role = next((w.lower() for w in head_words if w.lower() in ROLES), None)
        if role:
            return _person_with_role(ctx, role, before)  # else a new person: "the hospital's director"
        head = head_words[-1].lower()
        if head not in _ORG_NOUNS:
            return None
        wanted = {_spelling(w) for w in head_words if w[:1].islower()}
        if not wanted:
            return None
        if self.last_claimant and wanted <= {_spelling(w) for w in tidy(self.last_claimant).split()}:
            return self.last_claimant  # "the defence ministry" after the Russian Ministry of Defense spoke
        orgs = [f for f in reversed(ctx.before(before)) if f.label == "ORG" and ctx.name(f) != ctx.publisher]
        for f in orgs:  # the nearest whose name has the description's words
            if wanted <= set(_spelling(w) for w in (ctx.name(f) + " " + ctx.text[f.start : f.end]).split()):
                return ctx.name(f)
        if head in _MEDIA_NOUNS and len(wanted) == 1:  # "the newspaper", not "the intelligence agency"
            return next((ctx.name(f) for f in orgs if relay_outlet(ctx, f)), None)
        return ctx.name(orgs[0]) if orgs and head in _GENERIC_ORG_NOUNS else None

    def from_context(self, ctx: ClaimContext, seg: Segment, ents: list[Found], hedge: tuple[str, ...]):
        """No attribution in the sentence: (claimant, pattern id, why) from what came before."""
        if self.account and self.account_left > 0 and self._carries_to(ctx, seg) and self._continues(ctx, seg, ents, hedge):
            self.account_left -= 1
            return self.account, "claim.inherited", f"continues {self.account}'s account"
        self.account = None  # the author's voice again: the account has ended
        if seg.kind == "bullet" and self.intro:
            return self.intro, "claim.listed", f"in a list introduced as {self.intro}'s"
        return self.default or ctx.publisher, None, None

    def _carries_to(self, ctx: ClaimContext, seg: Segment) -> bool:
        return seg.unit == self.unit or ctx.unit_sizes.get(self.unit, 0) <= MAX_UNIT_TO_CARRY

    def _continues(self, ctx: ClaimContext, seg: Segment, ents: list[Found], hedge: tuple[str, ...]) -> bool:
        """Does this unattributed sentence read as more of the account before it?

        Not in a long run-on paragraph or a bullet list, not with the author's own
        hedging, "we" or comment, and not when it opens with a new named subject or
        talks about the source itself.
        """
        if seg.takeaway or seg.kind == "bullet" or set(hedge) - {"reportedly", "allegedly"}:
            return False
        lower = ctx.lower
        if _ABOUT_THE_SOURCE.match(lower, seg.start) or _COMMENTARY.match(lower, seg.start) or NEW_TOPIC.match(lower, seg.start):
            return False
        if _FIRST_PERSON.search(lower, seg.start, seg.end) or ctx.unit_sizes.get(seg.unit, 0) > MAX_UNIT_FOR_ACCOUNT:
            return False
        named = [f for f in ents if f.label in NAMED]
        if named and len(ctx.text[seg.start : named[0].start].split()) <= 3:
            return False  # a new subject: "Russian authorities did not respond"
        head = re.escape(self.account.lower().split()[-1])
        mentioned = re.search(rf"\b{head}\b", lower[seg.start : seg.end])
        return not mentioned and self.account not in {ctx.name(f) for f in named}

    def remember(self, ctx: ClaimContext, seg: Segment, ents: list[Found], att: Attribution | None, claimant: str | None) -> None:
        """Carry forward: the account being reported, the last claimant, the last speaker."""
        if seg.unit != self.unit:
            # News prose puts one or two sentences in a paragraph and an account runs
            # on over several; after a longer paragraph it ends with the paragraph.
            if ctx.unit_sizes.get(self.unit, 0) > MAX_UNIT_TO_CARRY:
                self.account, self.account_left = None, 0
            self.unit = seg.unit
        speaking = att is not None and claimant is not None
        if speaking and claimant != ctx.publisher and att.verb in _INHERITING_VERBS and seg.kind == "body":
            said_nothing = _NOBODY.search(ctx.lower, seg.start, att.verb_span[0])
            self.account, self.account_left = (None, 0) if said_nothing else (claimant, MAX_INHERIT)
        if claimant:
            self.last_claimant = claimant
        if speaking and (att.free_subject or (att.subject and att.subject.label == "PERSON")):
            self.last_speaker = claimant
        else:  # "He" most often means the person a sentence started with
            people = [f for f in ents if f.label == "PERSON"]
            self.last_speaker = ctx.name(people[0]) if people else self.last_speaker

    def introduce(self, ctx: ClaimContext, seg: Segment) -> None:
        """ "To quote the ISW's Key Takeaways on 3 June:" names who says the bullets below."""
        named = [f for f in ctx.within(seg.start, seg.end) if f.label in ("ORG", "PERSON")]
        self.intro = ctx.name(named[0]) if named else None


# "This was stated by Commander-in-Chief Oleksandr Syrskyi": the sentences before it in
# its paragraph were the speaker's, though written in the outlet's voice.
_STATED_BY = re.compile(
    r"(?:this|that|these|it|such)\s+(?:\w+\s+)?(?:was|were|has\s+been|have\s+been|is)\s+(?:stated|said|reported|announced|noted|declared|written)\s+by\b"
)

# "Prosecutor General Andriy Kostin announced this on ...": the subject says what came before.
_SAID_THIS = re.compile(r"([^.;:\n]{3,120}?)\s+(?:announced|stated|said|reported|wrote|declared|confirmed)\s+this\b")


def credit_back(ctx: ClaimContext, claims: list) -> list:
    """Give the claims a "This was stated by X" sentence closes the speaker it names; "X
    announced this" gives X the one claim just before it."""
    out = list(claims)
    for i, cand in enumerate(claims):
        m = _STATED_BY.match(ctx.lower, cand.start)
        if not m:
            if i and (said := _SAID_THIS.match(ctx.lower, cand.start, cand.end)) and claims[i - 1].claimant == ctx.publisher:
                people = [f for f in ctx.within(cand.start, cand.start + said.end(1)) if f.label == "PERSON"]
                if people and cand.claimant == ctx.name(people[-1]):
                    relayed = tuple(p for p in [ctx.publisher] if p and p != cand.claimant)
                    out[i - 1] = replace(claims[i - 1], claimant=cand.claimant, relayed_by=relayed)
            continue
        named = [f for f in ctx.within(m.end(), cand.end) if f.label in ("PERSON", "ORG", "MILITARY_UNIT")]
        if not named:
            continue
        people = [f for f in named if f.label == "PERSON"]
        speaker = ctx.name((people or named)[0])
        unit, relayed = _unit_of(ctx, cand.start), tuple(p for p in [ctx.publisher] if p and p != speaker)
        out[i] = replace(cand, claimant=speaker, relayed_by=relayed)
        j = i - 1
        while j >= 0 and _unit_of(ctx, claims[j].start) == unit and claims[j].claimant == ctx.publisher:
            out[j] = replace(claims[j], claimant=speaker, relayed_by=relayed)
            j -= 1
    return out


def _unit_of(ctx: ClaimContext, pos: int) -> int | None:
    return next((s.unit for s in ctx.segments if s.start <= pos < max(s.end, s.start + 1)), None)


_QUOTATION = re.compile(r'“[^“”]+”|«[^«»]+»|(?<![\w,.])"[^"]+"')


def credit_quotes(ctx: ClaimContext, claims: list) -> list:
    """A quotation of several sentences is its speaker's throughout: the sentences inside it
    get the claimant of the sentence that closes it ('..., " Kostin said.')."""
    out = list(claims)
    for quote in _QUOTATION.finditer(ctx.text):
        if "\n" in quote.group() or not any(c.start == quote.start() for c in claims):
            continue  # one paragraph, opening a sentence: a quotation, not two half-quotes paired
        inside = [i for i, c in enumerate(claims) if quote.start() <= c.start and c.end <= quote.end() + 1]
        closing = [i for i, c in enumerate(claims) if c.start < quote.end() < c.end]
        if not inside or not closing:
            continue
        speaker = claims[closing[0]]
        if not speaker.claimant or speaker.claimant == ctx.publisher or speaker.start < quote.start():
            continue
        if speaker.claimant_span and speaker.claimant_span[0] < quote.end():
            continue  # the closing sentence's claimant was named inside the quotation, not after it
        if find_attribution(ctx.text, ctx.lower, quote.end(), speaker.end, ctx.within(quote.end(), speaker.end)) is None:
            continue  # the closing sentence's speaker is inside the quotation, not after it
        for i in inside:
            if claims[i].claimant == ctx.publisher or pattern_id(claims[i].reason) == "claim.inherited":
                out[i] = replace(claims[i], claimant=speaker.claimant, relayed_by=speaker.relayed_by)
    return out
