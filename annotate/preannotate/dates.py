"""Date expressions: find them in text and resolve them against the publication date.

Regexes find the candidates and a small resolver turns them into ISO strings; the
probe found dateparser fills a missing day or year from *today* and misses "last
September" and "the night of January 6 to 7", so it is only the fallback for
publication dates in unusual formats (see reference_date).
A day is never invented: "in May 2023" is "2023-05", a range is "start/end".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

MONTHS = {
    name: i + 1
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ]
    )
    for name in names
}
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
WEEKDAY_NAMES = frozenset(w.capitalize() for w in WEEKDAYS)

_MONTH = (
    r"January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?"
)
_WEEKDAY = r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_SLOTS = {
    "M": rf"(?P<m>{_MONTH})",
    "M2": rf"(?P<m2>{_MONTH})",
    "D": r"(?P<d>[0-3]?\d)(?:st|nd|rd|th)?",
    "D2": r"(?P<d2>[0-3]?\d)(?:st|nd|rd|th)?",
    "Y": r"(?P<y>(?:19|20)\d\d)",
    "WD": rf"(?:(?:{_WEEKDAY}),?\s+)?",
    "SEP": r"\s*(?:to|-|–|—|and|or|through|until)\s*",
    "OPTY": r"(?:,?\s+(?P<y>(?:19|20)\d\d))?",
    "TIME": r"(?:,?\s+(?:at\s+)?\d{1,2}:\d\d(?:\s*[ap]\.?m\.?)?(?:\s+[A-Z]{2,4})?)?",
    "NODATE": r"(?!,?\s+\d)",  # not followed by a day or year: a longer form applies
}
# (pattern id, template); earlier forms win where two start at the same place.
# Month-only, weekday and year forms need a preposition: "May" alone is a verb.
_FORMS = [
    ("date.night", r"(?:the\s+)?night\s+of\s+{M}\s+{D}{SEP}{D2}{OPTY}"),
    ("date.night", r"(?:the\s+)?night\s+of\s+{D}{SEP}{D2}\s+{M}{OPTY}"),
    ("date.range", r"{M}\s+{D}{SEP}{M2}\s+{D2}{OPTY}"),
    ("date.range", r"{D}\s+{M}{SEP}{D2}\s+{M2}{OPTY}"),
    ("date.range", r"{M}\s+{D}{SEP}{D2}(?![\d:])(?:,?\s+{Y})?"),
    ("date.range", r"{D}{SEP}{D2}\s+{M}{OPTY}"),
    ("date.iso", r"{Y}-(?P<mnum>[01]\d)-(?P<d>[0-3]\d)"),
    ("date.full", r"{WD}{M}\s+{D},?\s+{Y}{TIME}"),
    ("date.full", r"{WD}{D}\s+{M},?\s+{Y}{TIME}"),
    ("date.monthrange", r"(?:between\s+|from\s+)?(?P<span>{M}\s*(?:and|to|-|–|—|through)\s*{M2},?\s+{Y})"),
    ("date.monthyear", r"(?:(?:early|mid|late|the\s+end\s+of|the\s+beginning\s+of|the\s+start\s+of)\s*-?\s*)?{M},?\s+{Y}"),
    ("date.day", r"{WD}{M}\s+{D}(?![\d:])"),
    ("date.day", r"{WD}{D}\s+{M}"),
    ("date.relmonth", r"(?P<rel>last|this|next)\s+{M}"),
    ("date.month", r"(?i:in|since|during|until|by|from|before|after|throughout)\s+(?P<span>(?:(?:early|mid|late)\s*-?\s*)?{M}){NODATE}"),
    ("date.weekday", r"(?i:on|last|since|by)\s+(?P<span>(?P<wd>" + _WEEKDAY + r")){NODATE}"),
    ("date.relday", r"(?P<relday>[Yy]esterday|[Tt]oday|[Tt]onight|[Ll]ast\s+night)"),
    ("date.weekend", r"(?:over|during|on|at|this|last|past)\s+(?P<span>(?:the\s+)?(?:past\s+|last\s+)?weekend)"),
    ("date.year", r"(?i:in|since|during|until|by|from|before|after|throughout|early|late|mid)\s+(?P<span>{Y})(?!\d|,\d)"),
    ("date.season", r"(?:the\s+)?(?:(?:early|late|mid)\s*-?\s*)?(?P<season>spring|summer|autumn|fall|winter)\s+(?:of\s+)?{Y}"),
    (
        "date.vague",
        r"(?i:in|of|during|by|until|over|through|for|before|after|since|on)\s+(?P<span>(?:the\s+)?(?:this|last|next|early|late|recent|coming|past|same|previous|following)\s+(?:(?:few|several|two|three)\s+)?(?:spring|summer|autumn|fall|winter|day|days|week|weeks|month|months|year|years))",
    ),
    ("date.vague", r"(?:in|during|by|until|through|before|after|since)\s+(?P<span>the\s+(?:spring|summer|autumn|fall|winter))"),
    ("date.vague", r"(?:the|this|last|next|coming)\s+(?:spring|summer|autumn|winter)"),
]
_SEASONS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "fall": (9, 11), "winter": (12, 2)}


def _expand(index: int, template: str) -> str:
    """Fill the slots and make group names unique to this form (suffix _<index>)."""
    pattern = template
    for slot in sorted(_SLOTS, key=len, reverse=True):
        pattern = pattern.replace("{" + slot + "}", _SLOTS[slot])
    return re.sub(r"\(\?P<(\w+)>", lambda m: f"(?P<{m.group(1)}_{index}>", pattern)


_DATE = re.compile(r"(?<![\w-])(?:" + "|".join(f"(?P<form_{i}>{_expand(i, t)})" for i, (_, t) in enumerate(_FORMS)) + r")(?![\w])")
# Every form contains one of these. Trying the big regex only at the few word
# starts just before each anchor is ~10x faster than scanning the whole text.
# (Plain literal alternatives only: a character class or group among them makes
# Python's regex engine ~40x slower, so years get their own pattern.)
_ANCHOR = re.compile(
    r"January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec|"
    + _WEEKDAY
    + r"|yesterday|Yesterday|today|Today|tonight|Tonight|night"
    + r"|spring|summer|autumn|fall|winter|day|week|month|year|weekend|Over|During|In"
)
_YEAR_ANCHOR = re.compile(r"(?:19|20)\d\d")
_WORD_START = re.compile(r"(?<![\w-])\w+")
LOOKBACK = 32  # characters before an anchor where a form may start ("the night of ")
# Words a date form can start with before its anchor; other word starts are not tried.
_OPENERS = frozenset(
    """the night on in since during until by from before after throughout early late mid last
    this next between over at past of for through coming""".split()
)


def _starts(text: str, anchor: int, after: int) -> list[int]:
    begin = max(after, anchor - LOOKBACK, 0)
    return [
        m.start()
        for m in _WORD_START.finditer(text, begin, anchor + 1)
        if m.start() == anchor or m.group()[0].isdigit() or m.group().lower() in _OPENERS or m.group() in WEEKDAY_NAMES
    ]


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    iso: str | None  # "YYYY-MM-DD", "YYYY-MM", "YYYY" or "start/end"; None if unresolvable
    pattern: str


def find_dates(text: str, published: date | None) -> list[DateMention]:
    """Date mentions in text order, resolved to ISO against the publication date."""
    found: list[DateMention] = []
    last_end = 0
    anchors = sorted([m.start() for m in _ANCHOR.finditer(text)] + [m.start() for m in _YEAR_ANCHOR.finditer(text)])
    for anchor in anchors:
        if anchor < last_end:
            continue
        for pos in _starts(text, anchor, last_end):
            m = _DATE.match(text, pos)
            mention = _mention(m, published) if m else None
            if mention is not None:
                found.append(mention)
                last_end = m.end()
                break
    return found


def _group_names() -> list[list[tuple[str, str]]]:
    """For each form, its (slot, full group name) pairs."""
    names: list[list[tuple[str, str]]] = [[] for _ in _FORMS]
    for full in _DATE.groupindex:
        slot, _, index = full.rpartition("_")
        if slot != "form":
            names[int(index)].append((slot, full))
    return names


_GROUPS = _group_names()


_LOOKING_AHEAD = re.compile(r"\b(?:will|would|shall|starting|from|next|until|by|scheduled|plans? to|is to|are to)\b[^.;]*$", re.I)
# "... will be dropped, Peskov said on Saturday": the weekday dates the past statement.
_SAID_JUST_BEFORE = re.compile(r"\b(?:said|told|wrote|stated|announced|reported|claimed|added|confirmed|declared)\s+(?:\w+\s+)?$", re.I)


def _mention(m: re.Match[str], published: date | None) -> DateMention | None:
    index = int(m.lastgroup.rpartition("_")[2])
    groups = {slot: m.group(full) for slot, full in _GROUPS[index] if m.group(full) is not None}
    pid = _FORMS[index][0]
    if pid == "date.weekday":
        ahead = _LOOKING_AHEAD.search(m.string, max(0, m.start() - 60), m.start())
        groups["future"] = bool(ahead) and not _SAID_JUST_BEFORE.search(m.string, max(0, m.start() - 30), m.start())
    iso = resolve(groups, pid, published)
    if iso == "":
        return None  # matched but not a date (e.g. "June 45")
    start, end = m.span(f"span_{index}") if "span" in groups else m.span()
    return DateMention(start, end, iso, pid)


def _month(name: str | None) -> int | None:
    return MONTHS.get(name.lower().rstrip(".")) if name else None


def _safe(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _nearest_year(m: int, d: int | None, ref: date) -> int:
    """The year that puts (m, d) nearest the reference date, preferring the past."""

    def cost(y: int) -> float:
        day = _safe(y, m, d or 15) or date(y, m, 1)
        delta = (ref - day).days
        return delta if delta >= 0 else -6 * delta  # a future date must be much nearer

    return min((ref.year - 1, ref.year, ref.year + 1), key=cost)


def resolve(g: dict, pid: str, ref: date | None) -> str | None:
    """ISO string for a matched form; None when the year cannot be known; "" if invalid."""
    if pid == "date.relday":
        return _relday(g["relday"], ref)
    if pid == "date.weekday":
        return _weekday(g["wd"], ref, future=bool(g.get("future")))
    if pid == "date.weekend":
        return _weekend(ref)
    if pid == "date.iso":
        day = _safe(int(g["y"]), int(g["mnum"]), int(g["d"]))
        return day.isoformat() if day else ""
    if pid == "date.year":
        return g["y"]
    if pid == "date.vague":
        return None  # "the past week", "the spring": a date, but no calendar value
    if pid == "date.season":
        first, last = _SEASONS[g["season"].lower()]
        year = int(g["y"])
        return f"{year:04d}-{first:02d}/{year + (last < first):04d}-{last:02d}"
    m = _month(g.get("m"))
    if pid == "date.relmonth":
        return _relmonth(g["rel"].lower(), m, ref)
    year = int(g["y"]) if g.get("y") else None
    d = int(g["d"]) if g.get("d") else None
    if year is None:
        if ref is None:
            return None
        year = _nearest_year(m, d, ref)
    if d is None and pid == "date.monthrange":
        m2 = _month(g["m2"])
        first_year = year - (1 if m2 < m else 0)  # "December and January 2024"
        return f"{first_year:04d}-{m:02d}/{year:04d}-{m2:02d}"
    if d is None:
        return f"{year:04d}-{m:02d}"
    first = _safe(year, m, d)
    if first is None:
        return ""
    if pid in ("date.range", "date.night"):
        m2 = _month(g.get("m2")) or m
        last = _safe(year + (1 if m2 < m else 0), m2, int(g["d2"]))
        if last is None or last < first:
            return ""
        return f"{first.isoformat()}/{last.isoformat()}"
    return first.isoformat()


def _relday(word: str, ref: date | None) -> str | None:
    if ref is None:
        return None
    word = " ".join(word.lower().split())
    shift = 1 if word in ("yesterday", "last night") else 0
    return (ref - timedelta(days=shift)).isoformat()


def _weekday(name: str, ref: date | None, future: bool = False) -> str | None:
    """The latest such weekday on or before the reference date (the next one after it
    when the sentence looks ahead: "will ... on Wednesday", "starting on Wednesday")."""
    if ref is None:
        return None
    if future:
        ahead = (WEEKDAYS.index(name.lower()) - ref.weekday()) % 7 or 7
        return (ref + timedelta(days=ahead)).isoformat()
    back = (ref.weekday() - WEEKDAYS.index(name.lower())) % 7
    return (ref - timedelta(days=back)).isoformat()


def _weekend(ref: date | None) -> str | None:
    """The last Saturday and Sunday on or before the reference date."""
    if ref is None:
        return None
    sunday = ref - timedelta(days=(ref.weekday() + 1) % 7)
    return f"{(sunday - timedelta(days=1)).isoformat()}/{sunday.isoformat()}"


def _relmonth(rel: str, m: int, ref: date | None) -> str | None:
    # "last September" is the September of the year before publication.
    if ref is None:
        return None
    year = ref.year + {"last": -1, "this": 0, "next": 1}[rel]
    return f"{year:04d}-{m:02d}"


def parse_iso(value: str | None) -> date | None:
    """A reference date from "YYYY-MM-DD" or "YYYY-MM" (the 15th: mid-month)."""
    if not value:
        return None
    parts = value.strip()[:10].split("-")
    try:
        if len(parts) >= 3:
            return date(int(parts[0]), int(parts[1]), int(parts[2]))
        if len(parts) == 2:
            return date(int(parts[0]), int(parts[1]), 15)
        return date(int(parts[0]), 7, 1)
    except ValueError:
        return None


# "MOSCOW, June 6. /TASS/." or "KYIV, Ukraine, Aug 7 (Reuters) -": a place in capitals,
# then the day the story was filed.
_DATELINE = re.compile(r"^[ \t]*[A-Z][A-Z .'-]{2,}(?:,\s+[A-Z][\w .'-]{1,30})?,\s+(?=[A-Z0-9])", re.M)
# "By Irena Vasylchuk and Tomas Adler, Northwatch Institute, April 6, 9:30 pm ET": a byline
# that ends with the day the report was written (an evening in America is the next day online).
_BYLINE = re.compile(rf"^[ \t]*By\s+[^\n]{{3,200}}?,\s+(?=(?:{_MONTH})\s+\d|\d{{1,2}}\s+(?:{_MONTH})\b)", re.M)
MAX_DATELINE_LAG = 7  # days a dateline may precede the publication date


def dateline_date(text: str, published: date | None) -> date | None:
    """The day in a dateline (or a dated byline) near the top of the text, resolved against
    the publication date."""
    for rx in (_DATELINE, _BYLINE):
        for m in rx.finditer(text, 0, 3000):
            mention = next(iter(find_dates(text[m.end() : m.end() + 40], published)), None)
            if mention and mention.start == 0 and mention.iso and len(mention.iso) == 10:
                return parse_iso(mention.iso)
    return None


def reference_date(published: str | None, text: str) -> date | None:
    """The day relative dates count from: a dateline's day when it fits the publication
    date (a story filed the day before it went online), else the publication date, else
    the first full date in the document's header."""
    ref = parse_iso(published)
    exact = ref is not None and len(published.strip()) >= 10
    line = dateline_date(text, ref)
    if line is not None and (not exact or 0 <= (ref - line).days <= MAX_DATELINE_LAG):
        return line
    if ref is not None:
        return ref
    for mention in find_dates(text[:1500], None):
        if mention.pattern == "date.full" and mention.iso:
            return parse_iso(mention.iso)
    return _dateparser_header(text[:1500])


def _dateparser_header(head: str) -> date | None:
    """Last resort: a line that is only a date in a format our regexes miss."""
    for line in head.splitlines():
        line = line.strip()
        if 6 <= len(line) <= 40 and re.search(r"\d{4}", line) and not re.search(r"[a-z]{12,}", line):
            parsed = _parse_with_dateparser(line)
            if parsed:
                return parsed
    return None


@lru_cache(maxsize=256)
def _parse_with_dateparser(value: str) -> date | None:
    import dateparser  # slow import; only reached for unusual headers

    settings = {"PREFER_DAY_OF_MONTH": "first", "REQUIRE_PARTS": ["day", "month", "year"]}
    if re.search(r"\d\.\d", value):
        settings["DATE_ORDER"] = "DMY"  # "04.06.2024" is European: 4 June
    parsed = dateparser.parse(value, languages=["en"], settings=settings)
    return parsed.date() if parsed else None
