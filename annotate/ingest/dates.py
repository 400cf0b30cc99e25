"""Find and normalise publication dates without inventing what the text does not say.

A regex finds candidates and reads their parts; a date keeps only the precision it
was written with ("2023-03" for "March 2023"). dateparser is the slow fallback for
free-form values given as metadata.
"""

import datetime as dt
import functools
import re
from dataclasses import dataclass

_MONTH = (
    r"(?P<mon>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:1[89]|2\d)\d\d)"
_LEADING_TIME = re.compile(r"\d{1,2}[:.]\d\d\s*(?i:[ap]\.?\s?m\.?)?\s*(?:[A-Z]{2,4}T)?\s*[,|·•–—-]?\s*")  # "12:40 am, "
_WEEKDAY = re.compile(
    r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Mon|Tues?|Wed|Thu(?:rs?)?|Fri|Sat|Sun)\.?,?\s+",
    re.I,
)
# (pattern, precision); a date written with a month name reads the same in any order
_PATTERNS = [
    (re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.I), "day"),
    (re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b", re.I), "day"),
    (re.compile(r"\b(?P<year>\d{4})-(?P<mnum>[01]\d)-(?P<day>[0-3]\d)\b"), "day"),
    (re.compile(r"\b(?P<day>[0-3]?\d)\.(?P<mnum>[01]?\d)\.(?P<year>\d{4})\b"), "day"),  # 04.06.2024 is D.M.Y
    (re.compile(r"\b(?P<a>[0-3]?\d)/(?P<b>[0-3]?\d)/(?P<year>\d{4})\b"), "day"),  # D/M or M/D: only if unambiguous
    (re.compile(rf"\b{_MONTH},?\s+{_YEAR}\b", re.I), "month"),
]
_YEAR_ONLY = re.compile(rf"\b{_YEAR}\b")
_LABEL = re.compile(
    r"(?P<label>(?:first\s+|originally\s+)?(?:published|posted|released|issued|dated?|publication\s+date)"
    r"|(?:last\s+)?(?:updated|modified))(?:\s+(?:on|at))?\s*[:\-–—]?\s*",
    re.I,
)
_TAIL = re.compile(  # what may follow a date on a date-only line: a time, a zone, punctuation
    r"[\s,|·•–—-]*(?:(?:at\s+)?\d{1,2}(?:[:.]\d\d){1,2}\s*(?i:[ap]\.?\s?m\.?)?|\d{1,2}\s*(?i:[ap]\.?m\.?))?"
    r"\s*\(?(?:UTC|GMT|[A-Z]{2,4}T|MSK|KYIV)?(?:\s*[+-]\s*\d{1,2}(?::?\d\d)?)?\)?[\s.]*"
)
_MONTHS = {m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}


@dataclass(frozen=True)
class DateHit:
    start: int  # offsets in the text searched (for a date line: in the line, label and weekday removed)
    end: int
    iso: str
    precision: str  # "day" | "month" | "year"
    label: str = ""  # "published" | "updated" | "" — the word that introduced it, if any


def find_dates(text: str, start: int = 0, end: int | None = None) -> list[DateHit]:
    """Every readable date in text[start:end], in order, overlapping matches resolved.

    Every date the patterns read holds a year of four digits, so they run only around
    each one (cheap regex first: a report's head has a few numbers, not dates everywhere).
    """
    end = len(text) if end is None else min(end, len(text))
    hits = []
    for window_start, window_end in _year_windows(text, start, end):
        for pattern, precision in _PATTERNS:
            for m in pattern.finditer(text, window_start, window_end):
                hit = _hit(m, precision)
                if hit:
                    hits.append(hit)
    hits.sort(key=lambda h: (h.start, -h.end))
    kept: list[DateHit] = []
    for hit in hits:
        if not kept or hit.start >= kept[-1].end:
            kept.append(hit)
    return kept


def _year_windows(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Stretches of text[start:end] that can hold every date ending at or starting with a year.

    A date is at most three words and the spaces between them before its year ("30th of
    September, 2023") and six characters after it ("2023-09-30"); a stretch ends where a
    space begins, so that a pattern's final \\b reads the same character as in the whole text.
    """
    windows: list[list[int]] = []
    for at in year_offsets(text, start, end):
        left = at
        for _ in range(3):  # back over three words and the spaces before each
            while left > start and text[left - 1].isspace():
                left -= 1
            while left > start and not text[left - 1].isspace():
                left -= 1
        right = min(at + 4 + 6, end)
        while right < end and not text[right].isspace():
            right += 1
        if windows and left <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], right)
        else:
            windows.append([left, right])
    return [(a, b) for a, b in windows]


def year_offsets(text: str, start: int = 0, end: int | None = None) -> list[int]:
    """Where text[start:end] has exactly four digits in a row: a year as every pattern writes it.

    ASCII text is searched with string methods (a regex reads every character, ten times
    slower); other text with the regex, whose \\d also knows other scripts' digits."""
    end = len(text) if end is None else min(end, len(text))
    if not text.isascii() and _other_digits(text):
        return [m.start() for m in DIGITS4.finditer(text, start, end)]
    # One byte per character (others as "?"), every digit a "0": runs of digits are runs of "0".
    digits = text.encode("ascii", "replace").translate(_ZEROS)
    found, at = [], digits.find(b"0000", start, end)
    while at >= 0:
        run = at + 4
        while run < end and digits[run] == 48:
            run += 1
        if run - at == 4 and (at == 0 or digits[at - 1] != 48) and (run == end or digits[run] != 48):
            found.append(at)
        at = digits.find(b"0000", run, end)
    return found


def _other_digits(text: str, most: int = 300) -> bool:
    """Whether the text may hold a digit other than 0-9 (True when it has over `most` non-ASCII characters)."""
    marked = text.encode("ascii", "xmlcharrefreplace")  # each other character as &#NNNN;
    if marked.count(b"&#") > most:
        return True
    at = marked.find(b"&#")
    while at >= 0:
        close = marked.find(b";", at)
        code = marked[at + 2 : close]
        if not code.isdigit() or chr(min(int(code), 0x10FFFF)).isdecimal():
            return True  # a digit, or "&#" written in the text itself: the regex decides
        at = marked.find(b"&#", close)
    return False


DIGITS4 = re.compile(r"(?<!\d)\d{4}(?!\d)")
_ZEROS = bytes.maketrans(b"123456789", b"000000000")


def cached_if_short(function):
    """Remember a pure function of one line for lines up to 300 characters (datelines, bylines
    and footers come back in every report of a site); longer ones are computed each time."""
    remembered = functools.lru_cache(maxsize=65536)(function)

    @functools.wraps(function)
    def call(line: str):
        return remembered(line) if len(line) <= 300 else function(line)

    call.cache_clear = remembered.cache_clear
    return call


@cached_if_short
def date_line(line: str) -> DateHit | None:
    """The date when the line is only a date, maybe labelled ("Published on"), with weekday and time."""
    s = line.strip().lstrip("*_#>•· \t").rstrip("*_ \t")
    label = ""
    if m := _LABEL.match(s):
        label, s = _label_kind(m.group("label")), s[m.end() :]
    if m := _LEADING_TIME.match(s):
        s = s[m.end() :]
    if m := _WEEKDAY.match(s):
        s = s[m.end() :]
    patterns = _PATTERNS + ([(_YEAR_ONLY, "year")] if label else [])
    for pattern, precision in patterns:
        m = pattern.match(s)
        if m and (hit := _hit(m, precision)) and _TAIL.fullmatch(s, m.end()):
            return DateHit(hit.start, hit.end, hit.iso, hit.precision, label)
    return None


@cached_if_short
def labelled_date(line: str) -> DateHit | None:
    """A date introduced by "Published"/"Updated" at the start of a line, whatever follows it."""
    s = line.strip().lstrip("*_#>•· \t")
    m = _LABEL.match(s)
    if not m:
        return None
    rest = s[m.end() :]
    if w := _WEEKDAY.match(rest):
        rest = rest[w.end() :]
    for pattern, precision in _PATTERNS:
        if (d := pattern.match(rest)) and (hit := _hit(d, precision)):
            return DateHit(hit.start, hit.end, hit.iso, hit.precision, _label_kind(m.group("label")))
    return None


def parse_date_value(value) -> str | None:
    """Normalise a given metadata value (YAML date, number or free text) to ISO; None if unreadable.

    Raises ValueError for an ambiguous numeric date such as 05/04/2023."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value) if 1800 <= value <= 2999 else None
    if not isinstance(value, str) or not value.strip():
        return None
    s = value.strip()
    if m := re.fullmatch(r"(\d{4})(?:-(\d\d)(?:-(\d\d))?)?(?:[T ][\d:.]+(?:Z|[+-][\d:]+)?)?", s):
        return _iso(m.group(1), m.group(2), m.group(3))
    if hit := date_line(s):
        return hit.iso
    if re.search(r"\b\d{1,2}/\d{1,2}/\d{4}\b", s):
        raise ValueError(f"'{s}' is ambiguous (day/month or month/day?); write it as YYYY-MM-DD")
    return _dateparser(s)


def _hit(m: re.Match, precision: str) -> DateHit | None:
    groups = m.groupdict()
    if groups.get("mon"):
        if groups["mon"].islower() and groups["mon"] in ("may", "march"):
            return None  # "may 2023" is a verb, not a month
        month = _MONTHS[groups["mon"][:3].lower()]
    elif groups.get("mnum"):
        month = int(groups["mnum"])
    elif groups.get("a"):
        a, b = int(groups["a"]), int(groups["b"])
        if a <= 12 and b <= 12 and a != b:
            return None  # 05/04/2023: no way to tell which is the month
        month, groups["day"] = (b, a) if a > 12 else (a, b)
    else:
        month = None
    iso = _iso(groups["year"], month, groups.get("day") if precision == "day" else None)
    if iso is None:
        return None
    return DateHit(m.start(), m.end(), iso, {10: "day", 7: "month", 4: "year"}[len(iso)])


def _iso(year, month=None, day=None) -> str | None:
    try:
        y = int(year)
        if day is not None:
            return dt.date(y, int(month), int(day)).isoformat()
        if month is not None:
            return dt.date(y, int(month), 1).isoformat()[:7]
        return f"{y:04d}"
    except ValueError:
        return None  # 31 February, month 13


def _label_kind(label: str) -> str:
    return "updated" if re.search(r"updated|modified", label, re.I) else "published"


@functools.cache
def _date_parser():
    """Built on first use: it takes a moment, and most values never need it."""
    from dateparser.date import DateDataParser

    settings = {
        "PREFER_DAY_OF_MONTH": "first",
        "REQUIRE_PARTS": ["year"],  # never borrow the year from today
        "PARSERS": ["custom-formats", "absolute-time"],  # nothing relative ("yesterday") or epoch
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    return DateDataParser(languages=["en"], settings=settings)


def _dateparser(s: str) -> str | None:
    data = _date_parser().get_date_data(s)
    if data.date_obj is None:
        return None
    iso = data.date_obj.date().isoformat()
    return {"year": iso[:4], "month": iso[:7]}.get(data.period, iso)
