"""Guess who published a text from how reports usually name themselves.

In order of trust: a short organisation-name line near the top, a headline prefix
("Institute for the Study of War: ..."), a "Source: X" line, a byline naming an
organisation ("by The Kyiv Independent news desk"), a headline suffix ("... – ISW"),
and last a name the text uses about itself ("X has reported ..., when we ...").
An acronym is expanded only when the text itself spells it out ("... of War (ISW)").
"""

import re
from bisect import bisect_left, bisect_right
from collections import Counter

from annotate.ingest.dates import cached_if_short

HEADER_LINES = 12  # non-empty lines counted as the top of a text
_ORG_WORDS = set(
    """Institute Institution Center Centre Council Foundation Fund Watch International Rights Agency
    Committee Commission Organization Organisation Association Network Project Group Initiative Society
    Union University College School Program Programme Office Ministry Department Service Forum Alliance
    Coalition Trust Lab Laboratory Monitor Observatory Bureau Corporation Company Inc Ltd LLC Press Media
    News Times Post Journal Herald Tribune Gazette Guardian Independent Telegraph Review Radio Television
    Broadcasting Daily Weekly Magazine Wire Pravda""".split()
)
_SMALL = {"of", "for", "the", "and", "on", "in", "at", "to", "a", "an", "&", "de", "la", "du", "der", "y", "et"}
_SOURCE = re.compile(r"(?:source|publisher|published\s+by|originally\s+published\s+(?:by|in|at))\s*:?\s+(.+)", re.I)
_BYLINE = re.compile(r"(?i:by)\s+(.+?)(\s+(?i:news\s+desk|staff|team|editors|newsroom))?\.?")
_PREFIX = re.compile(r"(.{3,80}?):\s+\S")
_SUFFIX = re.compile(r".{12,}?\s[–—|-]\s+([^–—|]{2,60}?)\s*")
_ACRONYM = re.compile(r"[A-Z][A-Z&]{1,7}")
_NAME = re.compile(r"[A-Z][\w’'&.-]*(?:\s+(?:of|for|the|and|on|in|&|[A-Z][\w’'&.-]*))*")
_FIRST_PERSON = re.compile(r"\b(?:we|our|us)\b", re.I)
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"")
_SENTENCE_BREAK = re.compile(r"[.!?]\s+")  # where re.split(r"(?<=[.!?])\s+") splits, and the mark before
_SOURCE_WORD = re.compile(r"source|publisher|published\s+by|originally\s+published", re.I)  # every _SOURCE line has one


def infer_publisher(text: str) -> str | None:
    head = header_lines(text)
    for line in head:
        if _names_org(line, text):
            return clean_name(line, text)
    for line in head:
        if (m := _PREFIX.match(line)) and _names_org(m.group(1).strip(), text):
            return clean_name(m.group(1).strip(), text)
    for line in text.splitlines() if _may_name_source(text) else ():
        if len(line) <= 120 and (m := _SOURCE.fullmatch(line.strip())) and _is_name(m.group(1)):
            return clean_name(m.group(1).strip(" ."), text)
    for line in head:
        if (m := _BYLINE.fullmatch(line)) and (looks_like_org(m.group(1)) or m.group(2) and _is_name(m.group(1))):
            return clean_name(m.group(1), text)  # "by X news desk": a desk belongs to an organisation
    for line in head:
        if _may_end_with_name(line) and (m := _SUFFIX.fullmatch(line)):
            name = m.group(1)
            if _ACRONYM.fullmatch(name) or looks_like_org(name):
                return clean_name(name, text)
    return _self_named(text)


def split_site_name(title: str) -> tuple[str, str | None]:
    """Split "Headline | Site" into ("Headline", "Site"); a dash counts only before an organisation-like name."""
    m = re.fullmatch(r"(.{8,}?)\s+([|–—-])\s+([^|–—]{2,60}?)\s*", title)
    if m and (m.group(2) == "|" and _is_name(m.group(3)) and len(m.group(3).split()) <= 5 or _ACRONYM.fullmatch(m.group(3)) or looks_like_org(m.group(3))):
        return m.group(1), m.group(3)
    return title, None


def header_lines(text: str, count: int = HEADER_LINES) -> list[str]:
    lines = []
    for line in text[:4000].splitlines():
        if line.strip():
            lines.append(line.strip())
            if len(lines) == count:
                break
    return lines


@cached_if_short
def looks_like_org(name: str) -> bool:
    """A short Title Case name with a word organisations use ("Institute", "Watch", "News")."""
    if len(name) > 80 or not _is_name(name):
        return False
    words = name.split()
    if not 2 <= len(words) <= 8:
        return False
    return any(w.strip("(),.’'") in _ORG_WORDS for w in words)


def _names_org(line: str, text: str) -> bool:
    """A line that is an organisation's name, not a Title Case headline ("Rights Groups Demand Answers").

    Names end with their keyword ("Human Rights Watch") or lead with it into "of"/"for"
    ("Institute for the Study of War"); other shapes must recur in the text to count."""
    if not looks_like_org(line):
        return False
    words = [w.strip("(),.’'") for w in line.split()]
    for i, word in enumerate(words):
        if word in _ORG_WORDS and (i == len(words) - 1 or words[i + 1].lower() in _SMALL):
            return True
    return text.count(line) >= 2


def clean_name(name: str, text: str) -> str:
    """Expand an acronym the text spells out; drop a trailing "(ACR)" the name already spells."""
    name = name.strip()
    if _ACRONYM.fullmatch(name):
        return expand_acronym(name, text) or name
    if (m := re.fullmatch(r"(.+?)\s*\(([A-Z][A-Z&]{1,7})\)", name)) and _initials_match(m.group(1), m.group(2)):
        return m.group(1)
    return name


def expand_acronym(acronym: str, text: str) -> str | None:
    first = text.find(f"({acronym})")
    if first < 0:
        return None
    # No match starts more than twelve words before the first "(ACR)": read from there.
    begin = first
    for _ in range(13):
        while begin > 0 and text[begin - 1].isspace():
            begin -= 1
        while begin > 0 and not text[begin - 1].isspace():
            begin -= 1
    for m in re.compile(rf"((?:\S+\s+){{1,12}}?)\({re.escape(acronym)}\)").finditer(text, begin):
        words = m.group(1).split()
        for i in range(len(words)):
            if words[i].lower() in _SMALL:
                continue  # "the Institute ..." names the Institute
            candidate = " ".join(words[i:])
            if _is_name(candidate) and _initials_match(candidate, acronym):
                return candidate
    return None


def _self_named(text: str) -> str | None:
    """An organisation the text speaks as: named in a sentence that also says "we" or "our".

    Only the sentences around a "we", "our" or "us" are read (found in one pass), in order."""
    body = text[:20000]
    counts = Counter()
    hits = _first_person(body)
    if not hits:
        return None
    breaks = _sentence_breaks(body)  # (sentence end, next start)
    ends, starts = [b[0] for b in breaks], [b[1] for b in breaks]
    done: set[int] = set()
    for at in hits:
        i = bisect_right(starts, at)
        start = starts[i - 1] if i else 0
        if start in done:
            continue
        done.add(start)
        j = bisect_left(ends, at)
        sentence = _QUOTED.sub(" ", body[start : ends[j] if j < len(ends) else len(body)])
        if not _FIRST_PERSON.search(sentence):
            continue
        for m in _NAME.finditer(sentence):
            name = re.sub(r"(?:\s+(?:of|for|the|and|on|in|&))+$", "", m.group(0)).rstrip(".")
            name = re.sub(r"^The\s+", "", name)
            if looks_like_org(name):
                counts[name] = body.count(name)
    named = [(n, c) for n, c in counts.most_common() if c >= 2]
    return named[0][0] if named else None


def _may_end_with_name(line: str) -> bool:
    """Whether _SUFFIX can match: its separator is followed by spaces and at most 60 characters,
    so it stands at or after the last non-space before the final 60 (a paragraph mostly has none there)."""
    head = line[: len(line) - 60].rstrip() if len(line) > 60 else ""
    tail = line[max(len(head) - 1, 0) :]
    return "-" in tail or "–" in tail or "—" in tail or "|" in tail


def _may_name_source(text: str) -> bool:
    """Whether any line can be a "Source: X" line (ASCII: string search, not a regex read of every character)."""
    if text.isascii():
        low = text.lower()
        return "source" in low or "publish" in low
    return bool(_SOURCE_WORD.search(text))


def _first_person(body: str) -> list[int]:
    """Offsets of "we", "our", "us" as whole words (for ASCII text, a few more: each sentence is checked again)."""
    if not body.isascii():
        return [m.start() for m in _FIRST_PERSON.finditer(body)]
    low, hits = f" {body.lower()} ", []  # padded: every word has a character on each side
    for word in (" we", " our", " us"):  # after a space, or after other punctuation below
        at = low.find(word[1:])
        while at >= 0:
            if low[at - 1] not in _WORD_CHARS and low[at + len(word) - 1] not in _WORD_CHARS:
                hits.append(at - 1)
            at = low.find(word[1:], at + 1)
    return sorted(hits)


def _sentence_breaks(body: str) -> list[tuple[int, int]]:
    """(end of a sentence, start of the next) where re.split(r"(?<=[.!?])\\s+", body) splits."""
    if not body.isascii():
        return [(m.start() + 1, m.end()) for m in _SENTENCE_BREAK.finditer(body)]
    marks = sorted(at for mark in ".!?" for at in _offsets(body, mark))
    breaks = []
    for at in marks:
        run = at + 1
        while run < len(body) and body[run].isspace():
            run += 1
        if run > at + 1:
            breaks.append((at + 1, run))
    return breaks


def _offsets(text: str, char: str) -> list[int]:
    found, at = [], text.find(char)
    while at >= 0:
        found.append(at)
        at = text.find(char, at + 1)
    return found


_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")  # \\w of ASCII


@cached_if_short
def _is_name(name: str) -> bool:
    """Title Case, few words, not a sentence."""
    if len(name) > 80:
        return False
    words = name.split()
    if not words or len(words) > 10 or any(w[-1] in ".!?,;:" for w in words):
        return False
    return all(w.lower() in _SMALL or w[0].isupper() or w[0].isdigit() or w[0] in "(&" for w in words) and (words[0][0].isupper())


def _initials_match(name: str, acronym: str) -> bool:
    initials = "".join(w[0] for w in name.split() if w.lower() not in _SMALL and w[0].isalpha())
    return initials.upper() == acronym.replace("&", "").upper()
