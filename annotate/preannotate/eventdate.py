"""When the event a claim reports happened.

In order: a date written in the claim ("on April 5"; in the reported content first), a
relative day ("said Tuesday", "Saturday's blast", "a day earlier") counted from the
publication date or the previous claim's day; else, marked as inferred, the last calendar
day the text wrote before the claim (a report on a past event names its day once), or
the day of the statement itself: the publication date. A claim with no day at all gets
none: the author's own forecast ("will take weeks") or a state held "since" some time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from .anaphora import IncidentDays
from .context import NEW_TOPIC, ClaimContext
from .dates import WEEKDAYS
from .found import Found

# Weight by the words before a date: "on April 5" names the event's day; "ahead of
# the March election" or "until May" name something else.
_DATE_WEIGHT = [
    (re.compile(r"(?:ahead of|until|by|before|after|as soon as|deadline of)\s+(?:the\s+)?$", re.I), 0),
    (re.compile(r"\bon\s+(?:the\s+)?$|^the night", re.I), 3),
    (re.compile(r"\b(?:in|during|late|early|mid|throughout)\s+(?:the\s+)?$", re.I), 2),
]
_SINCE = re.compile(r"\b(?:since|for)\s+(?:the\s+)?$", re.I)
# A weekday without "on" ("said Tuesday", "Saturday's explosion", "earlier Wednesday"):
# dates.py leaves these out as entities (the gold has no weekdays), the event date wants them.
_WEEKDAY = re.compile(r"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)(?:'s|’s)?\b")
# "a day earlier", "the day before", "the previous day": one day before the last day named.
_DAY_BEFORE = re.compile(r"\b(?:(?:a|one)\s+day\s+(?:earlier|before)|the\s+(?:day\s+before|previous\s+day|preceding\s+day))\b", re.I)
_SAME_DAY = re.compile(r"\bearlier\s+(?:in\s+the\s+day|today|this\s+morning)\b", re.I)
# The author's forecast: "will", "is expected to" with no one saying so.
_FORECAST = re.compile(
    r"\b(?:will|shall|is\s+expected\s+to|are\s+expected\s+to|is\s+set\s+to|are\s+set\s+to|(?:is|are)\s+(?:un)?likely\s+to|unlikely\s+to|would\s+(?:still\s+|first\s+|then\s+)?(?:need|have)\s+to)\b",
    re.I,
)
# A sentence that answers the one before: its event follows on the same day.
# One that adds to it ("Also, ...", "In addition, ...") belongs to the same account and day.
_RESPONSE = re.compile(
    r"\s*(?:In response|In retaliation|In reply|Subsequently|Shortly after(?:wards)?|Later that day|Also,|In addition,|Moreover,|Furthermore,)"
)
_DURATIONS = (" for months", " for years", " for weeks", " for decades")
_PERFECT_AUX = re.compile(r"\b(?:has|have)\b")
_CALENDAR_DAY = ("date.day", "date.full", "date.iso")  # written days, not "Friday" or "today"
# What is going on now: "are bringing troops", "continues to", "remains".
_ONGOING = re.compile(r"\b(?:is|are|am)\s+(?:\w+ly\s+)?\w+ing\b|\bcontinues?\s+to\b|\bremains?\b|\b(?:does|do)\s+not\b|\b(?:doesn|don)['’]t\b", re.I)
# A speaker in the present tense speaks now: "Volunteers say ...", "X continues to assess that".
_SAYS_NOW = re.compile(
    r"(?<!not )(?<!n't )(?<!to )(?<!did )(?<!does )(?<!do )(?<!would )(?<!could )(?<!will )(?<!may )(?<!might )"
    r"\b(?:says|say|continues?\s+to\s+\w+|assesses|believes|maintains|insists|argues|warns|acknowledges|admits|denies)\b",
    re.I,
)
MAX_WEEKDAY_AGE = 6  # days back a bare weekday may point
MAX_ACCOUNT_CLAIMS = 3  # claims after a dated account that may still add to it


@dataclass(frozen=True)
class EventDate:
    value: str | None  # "YYYY-MM-DD", "YYYY-MM" or "start/end"
    span: tuple[int, int] | None  # where the text says it; None when inferred
    inferred: bool = False  # True: not written, the day of the statement (publication)


NONE = EventDate(None, None)


@dataclass
class Timeline:
    """What earlier sentences tell later ones: the day of the claim before, and the day
    each claimant was last said to have spoken ("the ministry claimed on Aug. 8")."""

    last_day: date | None = None
    said_on: dict = field(default_factory=dict)  # claimant -> EventDate of their statement
    incidents: IncidentDays | None = None
    accounts: list = field(default_factory=list)  # (start, end) of what others were reported to say
    told_of: dict = field(default_factory=dict)  # claimant -> (EventDate of the events their last account dated, claim count then)
    claims: int = 0  # claims resolved so far

    def resolve(
        self, ents: list[Found], ctx: ClaimContext, start: int, end: int, content: tuple[int, int] | None, claimant: str | None, summary: bool = False
    ) -> EventDate:
        """`summary`: a Key Takeaways bullet, which sums up the report rather than going on
        from the sentence before it."""
        self.claims += 1
        own_voice = _own_voice(claimant, ctx.publisher)
        if content and claimant and not own_voice:
            self.accounts.append(content)
        written = _written(ents, ctx, start, content)
        if written is not None:
            self._note(written.value)
            if claimant and content and written.span and not (content[0] <= written.span[0] < content[1]) and not own_voice:
                self.said_on[claimant] = _one_day(written)  # the day of the statement, not of its content
            elif claimant and content and "/" not in written.value and not own_voice:
                self.told_of[claimant] = (written, self.claims)  # "Verstka reported that in May ...": its account's date, for what it adds
            return written
        if any(f.label == "DATE" and start <= f.start < end and _after_publication(f, ctx) for f in ents):
            return self._inferred(ctx, start, end, content, claimant)  # "will run ... starting on Wednesday": the day it was said
        relative = _relative(ctx, start, end, self.last_day or ctx.published)
        if relative is not None:
            self._note(relative.value)
            return relative
        if ctx.published is None or _undated(ents, ctx, start, end, own_voice):
            return NONE
        if self.incidents is None or self.incidents.ctx is not ctx:
            self.incidents = IncidentDays(ctx)
        if _about_now(ctx, start, end, content):  # "continue to frame these attacks as ...": now, not the day of the attacks
            return self._inferred(ctx, start, end, content, claimant, summary)
        if incident := self.incidents.day_of(start, end):  # "the blast", dated where it is reported
            return EventDate(incident[0], incident[1], inferred=True)
        if self.last_day and (m := _RESPONSE.match(ctx.text, start)):  # "In response, ...", "Also, ...": the day of the claim before
            return EventDate(self.last_day.isoformat(), m.span(), inferred=True)
        return self._inferred(ctx, start, end, content, claimant, summary)

    def _inferred(self, ctx: ClaimContext, start: int, end: int, content, claimant: str | None, summary: bool = False) -> EventDate:
        """No day written: the day this claimant last spoke, the month of publication for an
        undated past ("have encircled", "reportedly blew up"), the last day the text named
        (unless the claim is about what is going on now), or the publication date."""
        if claimant in self.said_on:
            said = self.said_on[claimant]
            self._note(said.value)
            return EventDate(said.value, said.span, inferred=True)
        now, own_voice = _about_now(ctx, start, end, content), _own_voice(claimant, ctx.publisher)
        told, at = self.told_of.get(claimant, (None, 0))
        if told and self.claims - at <= MAX_ACCOUNT_CLAIMS and not now:  # more of the same account
            return EventDate(told.value, told.span, inferred=True)
        if _indefinite_past(ctx.lower[start:end], own_voice):
            return EventDate(ctx.published.isoformat()[:7], None, inferred=True)
        fresh = summary or NEW_TOPIC.match(ctx.lower, start)  # a bullet sums up; "Elsewhere, ..." turns away
        named = None if fresh or now else _last_named_day(ctx, start)
        if named and own_voice and any(a <= named[1][0] < b for a, b in self.accounts):
            named = None  # a day in someone else's account dates that account, not the report's next finding
        if named is not None:
            return EventDate(named[0], named[1], inferred=True)
        self.last_day = ctx.published
        return EventDate(ctx.published.isoformat(), None, inferred=True)

    def _note(self, value: str | None) -> None:
        if value and len(value) == 10:
            self.last_day = date.fromisoformat(value)


def _about_now(ctx: ClaimContext, start: int, end: int, content: tuple[int, int] | None) -> bool:
    """What is going on now ("are bringing troops", "remains"), or said now ("Volunteers say")."""
    a, b = content or (start, end)
    if any(not _RELATIVE_CLAUSE.search(ctx.text, a, m.start()) for m in _ONGOING.finditer(ctx.text, a, b)):
        return True  # not in ", which remains closed,": background to a past event
    return bool(_SAYS_NOW.search(ctx.text, start, content[0] if content else end))


def event_date(ents: list[Found], ctx: ClaimContext, start: int, content: tuple[int, int] | None) -> Found | None:
    """The date entity the claim is about: in the reported content if it has one, "on X" first.

    Only dates with at least a month count; a bare year or "the spring" is no event date.
    Nor does a date in a non-restrictive relative clause ("Kupiansk, which Russian forces
    occupied in February 2022, was liberated..."): it dates the background, not the claim.
    Nor a day after publication ("will withdraw beginning on May 25"): the claim is then a
    statement about what is to come, dated by the statement.
    """
    dates = [f for f in ents if f.label == "DATE" and f.canonical and len(f.canonical) >= 7]
    inside = [f for f in dates if content and content[0] <= f.start and f.end <= content[1]]
    best, best_weight = None, -1
    for f in inside or dates:
        before = ctx.text[max(start, f.start - 20) : f.start]
        weight = 3 if f.pid == "date.night" else next((w for rx, w in _DATE_WEIGHT if rx.search(before)), 1)
        if _RELATIVE_CLAUSE.search(ctx.text, start, f.start) or _after_publication(f, ctx):
            weight = 0
        if weight > best_weight:
            best, best_weight = f, weight
    return best if best_weight > 0 else None


_BETWEEN = re.compile(r"\bbetween\s+$", re.I)  # "between 1 and 10 August" is a span of days


def _after_publication(f: Found, ctx: ClaimContext) -> bool:
    first = (f.canonical or "").partition("/")[0]
    return ctx.published is not None and first > ctx.published.isoformat()


def _own_voice(claimant: str | None, publisher: str | None) -> bool:
    """The publisher speaks, under its full name or its first words ("Northwatch assesses
    that ..." in a report by the Northwatch Institute)."""
    if not claimant or not publisher:
        return False
    said, own = claimant.casefold().split(), publisher.casefold().split()
    return said == own[: len(said)]


def _written(ents, ctx, start, content) -> EventDate | None:
    f = event_date(ents, ctx, start, content)
    if f is None:
        return None
    first, _, last = f.canonical.partition("/")
    if len(last) == 10 and _two_days(f, ctx):
        return EventDate(last, (f.start, f.end))  # "on September 30 and October 1": the later of two days
    if f.pid == "date.range" and len(last) == 10 and first[:7] == last[:7] and _span_days(first, last) > 2:
        return EventDate(first[:7], (f.start, f.end))  # "between 1 and 10 August": no one day, the month
    return EventDate(f.canonical, (f.start, f.end))


def _one_day(when: EventDate) -> EventDate:
    """A statement made over a night or two days ("announced on the night of May 20 to 21")
    is carried on as its later day, as the convention dates such a night."""
    first, _, last = (when.value or "").partition("/")
    if len(first) == 10 and len(last) == 10 and _span_days(first, last) <= 2:
        return EventDate(last, when.span, when.inferred)
    return when


def _span_days(first: str, last: str) -> int:
    return (date.fromisoformat(last) - date.fromisoformat(first)).days + 1


def _relative(ctx: ClaimContext, start: int, end: int, anchor: date | None) -> EventDate | None:
    """A weekday or "the day before" in text[start:end], counted back from `anchor`."""
    if anchor is None:
        return None
    if m := _DAY_BEFORE.search(ctx.text, start, end):
        return EventDate((anchor - timedelta(days=1)).isoformat(), m.span())
    if (m := _SAME_DAY.search(ctx.text, start, end)) and ctx.published:
        return EventDate(ctx.published.isoformat(), m.span())
    if (m := _weekday(ctx.text, start, end)) and ctx.published:
        back = (ctx.published.weekday() - WEEKDAYS.index(m.group(1).lower())) % 7
        if back <= MAX_WEEKDAY_AGE:
            return EventDate((ctx.published - timedelta(days=back)).isoformat(), m.span(1))
    return None


# ", which lasted ... after he declared it Friday,": a non-restrictive relative clause gives
# background, not the day of the claim's event.
_RELATIVE_CLAUSE = re.compile(r",\s+(?:which|who|whose|where)\b[^,;]*$")


def _weekday(text: str, start: int, end: int) -> re.Match[str] | None:
    for m in _WEEKDAY.finditer(text, start, end):
        if not _RELATIVE_CLAUSE.search(text, start, m.start()):
            return m
    return None


def _last_named_day(ctx: ClaimContext, start: int) -> tuple[str, tuple[int, int]] | None:
    """The last calendar day written before the claim ("on July 29"), not after publication:
    a report on a past event names its day once and then goes on about it. Of a night or
    of two days ("the night of May 20 to 21", "May 20 and 21"), the later day, as for a
    date written in the claim."""
    latest = ctx.published.isoformat()
    for f in reversed(ctx.before(start)):
        if f.label != "DATE" or not f.canonical:
            continue
        day = f.canonical if f.pid in _CALENDAR_DAY and len(f.canonical) == 10 else _later_of_two(f, ctx)
        if day is not None:
            return (day, (f.start, f.end)) if day <= latest and not _dates_evidence(ctx, f) else None
    return None


# "Footage published on June 2 shows ...": the day dates a piece of evidence, not an event the
# text goes on about; what follows is the report's reading of it, on the report's own day.
_EVIDENCE_BEFORE = re.compile(r"\b(?:footage|imagery|images?|videos?|photos?|photographs|recordings?)\s+(?:\w+\s+){0,3}(?:on|in)\s+(?:the\s+)?$", re.I)
_EVIDENCE_AFTER = re.compile(
    r"\s*(?:shows?|showed|indicates?|indicated|suggests?|suggested|depicts?|depicted|confirms?|confirmed|appears?\s+to\s+show)\b", re.I
)


def _dates_evidence(ctx: ClaimContext, f: Found) -> bool:
    return bool(_EVIDENCE_BEFORE.search(ctx.text, max(0, f.start - 60), f.start) and _EVIDENCE_AFTER.match(ctx.text, f.end))


def _later_of_two(f: Found, ctx: ClaimContext) -> str | None:
    last = (f.canonical or "").partition("/")[2]
    if len(last) != 10:
        return None
    if f.pid == "date.night" or (f.pid == "date.range" and _two_days(f, ctx)):
        return last
    return None


def _two_days(f: Found, ctx: ClaimContext) -> bool:
    """ "May 20 and 21", not "between 1 and 10 August" (a span of days)."""
    return bool(re.search(r"\sand\s", ctx.text[f.start : f.end])) and not _BETWEEN.search(ctx.text, max(0, f.start - 9), f.start)


# The present perfect ("have encircled", "has been reported") and "reportedly" with a past
# verb place an event in the recent past without a day: only the month is known. Not when
# the sentence is about the state now ("so far", "still", "since", "has not").
_PERFECT = re.compile(
    r"(?<!may )(?<!might )(?<!could )(?<!would )(?<!should )(?<!must )(?<!will )"  # "may have remained": a guess, not a past
    r"\b(?:has|have|had)\s+(?:(?:\w+ly|already|also|now|just)\s+){0,2}(?:been\s+)?"
    r"(?:\w+ed|begun|done|made|held|left|lost|taken|seen|told|sent|brought|fought|won|gone|come|hit|put|set|cut|shot|struck|led|fled|met|paid|built|kept|given|driven|blown|thrown|shown|known|drawn|grown|withdrawn|overrun|undertaken)\b"
)
# "reportedly" with a past verb, in someone else's account ("..., according to a local paper"):
# the source's undated report, so the month. In the publisher's own voice it relays the news
# of the report's day ("Ukrainian forces reportedly counterattacked near X").
_REPORTEDLY = re.compile(
    r"\breportedly\s+(?:\w+ed|blew|took|made|left|lost|fled|hit|shot|struck|sent|brought|fought|won|went|came|led|met|held|began|gave|drove|threw|saw|fell|broke)\b"
)
_NOW = re.compile(
    r"\b(?:taken|in|under|gained|regained|established)\s+(?:full\s+)?control\b|\bso far\b|\bstill\b|\bsince\b|\byet\b|\bto date\b|\bas of\b|\bcurrently\b|\b(?:has|have)\s+already\b|\b(?:has|have|had|is|are)\s+not\b|n['’]t\b"
)


# An event that lasted days ("the withdrawal lasted three days") has no one day.
_DAYS_LONG = re.compile(
    r"\b(?:lasted|took|over|for)\s+(?:the\s+)?(?:past\s+|last\s+)?(?:two|three|four|five|six|several|a\s+few|\d+)\s+(?:days|weeks)\b"
    r"|\b(?:in|over|during)\s+(?:the\s+)?(?:recent|past|last)\s+(?:few\s+|several\s+)?(?:days|nights|weeks)\b"
)


def _indefinite_past(lower: str, own_voice: bool = False) -> bool:
    past = _PERFECT.search(lower) or _DAYS_LONG.search(lower) or (not own_voice and _REPORTEDLY.search(lower))
    return bool(past) and not _NOW.search(lower)


_SINCE_OPENING = re.compile(r"\s*since\b[^.;]*?\b(?:has|have)\s+been\s+\w+ing\b")
_PREVIOUSLY = re.compile(
    r"[^,;:]{0,60}?\b(?:has|have)\s+(?:previously|repeatedly|long)\s+(?:said|stated|assessed|argued|warned|reported|claimed|noted|observed|denied)\b"
)


def _undated(ents: list[Found], ctx: ClaimContext, start: int, end: int, own_voice: bool) -> bool:
    """No day applies: a state held "since" a time or "for months", or the author's forecast."""
    for f in ents:
        if f.label == "DATE" and _SINCE.search(ctx.text, max(start, f.start - 12), f.start) and not _RELATIVE_CLAUSE.search(ctx.text, start, f.start):
            return True  # not "fighting continued near X, where troops have probed since January"
    lower = ctx.lower[start:end]
    if any(d in lower for d in _DURATIONS) and _PERFECT_AUX.search(lower):
        return True  # "have attacked the town for months"
    if _SINCE_OPENING.match(lower):
        return True  # "Since the end of the occupation, residents have been living ...": a state held since then
    if _PREVIOUSLY.match(lower):
        return True  # "X has previously assessed that ...": said at some earlier, undated time
    return own_voice and any(not _IN_RELATIVE.search(ctx.text, start, m.start()) for m in _FORECAST.finditer(ctx.text, start, end))


# "... collection points from where buses will take them": a "will" in a relative clause
# describes the arrangement; the sentence's own event has happened.
_IN_RELATIVE = re.compile(r"\b(?:where|which|who|whom|whose|when)\b(?:(?!\bthat\b)[^,;:])*$", re.I)  # not "who said that ... will"
