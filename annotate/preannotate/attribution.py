"""Who says so: reporting verbs and the subject that goes with them.

Without a parser, the subject is looked for first in the comma-chunk right before
the verb (", a Ukrainian security source said"), then in the whole clause, where a
person beats an organisation beats a place. An entity inside a prepositional phrase
("of Moscow", "near Vuhledar"), in parentheses or in a possessive ("Volodin's
announcement") cannot be the subject.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .found import Found
from .lexicon import ROLES

_STRONG = (
    "stated|said|says|(?<!to )(?<!would )(?<!could )(?<!will )(?<!not )(?<!n't )say(?!\\s+(?:that|so)\\b)|told|tells|reported(?!\\s+from)|announced|claimed|noted|argued|added|warned|"
    "denied|denies|refuted|refutes|accused|accuses|alleged|alleges|confirmed|confirms|asserted|"
    "asserts|insisted|insists|acknowledged|acknowledges|admitted|admits|declared|declares|"
    "emphasized|emphasised|emphasizes|highlighted|highlights|stressed|stresses|estimated|"
    "revealed|reveals|wrote|writes|posted|published|assessed|assesses|believes|believed|"
    "concluded|observed|characterized|characterised|framed|threatened|promised|pledged|vowed|"
    "urged|explained|explains|responded|mentioned|predicted|speculated|reiterated|disclosed|"
    "signaled|signalled|forecast|amplified|recommended|hinted|implied|boasted|complained|"
    "criticized|criticised|rejected|rejects|praised|mocked|celebrated|welcomed|condemned|"
    "blamed|questioned|ridiculed|documented|recorded|verified|clarified|underlined|specified|informed|congratulated|credited|"
    "(?:attempted|tried|sought)\\s+to\\s+(?:blame|deny|claim|portray)|"
    # "dismissed on May 7 reports that ...", "pushed back against claims": a denial, not a firing
    "(?:dismissed|dismisses|pushed\\s+back\\s+against)(?=\\s+(?:[\\w,]+\\s+){0,4}?(?:reports?|claims?|allegations?|rumou?rs?|accusations?|suggestions?)\\b)|"
    "called\\s+(?:for|on)|calls\\s+(?:for|on)|"
    "continu(?:e|es|ed)\\s+to\\s+(?:deny|claim|insist|frame|portray|say|argue|assert|accuse|blame|maintain)"
)
# Forms that are also nouns or bare infinitives count only before "that".
_NEEDS_THAT = (
    "states|reports|claims|notes|indicates|indicated|suggests|suggested|report|state|claim|say|"
    "note|deny|assess|believe|indicate|suggest|show|shows|showed|argue|found|finds|find"
)
# Without "that", these say something only right after a speaker: "a spokesperson suggested
# the attack ...", "military sources estimate there are ...".
_BARE = "suggested|suggests|estimate|estimates|believe|believes|expect|expects"
_SOURCES = frozenset("sources officials analysts experts authorities".split())
# ("indicating"/"suggesting" are left out: their subject is usually an event,
# "..., generating criticism and indicating that ...", i.e. the author's inference.)
_PARTICIPLES = "stating|saying|noting|claiming|arguing|adding|warning|denying|insisting|asserting|reporting|alleging|accusing"
# Matched against an ASCII-lowercased copy: case-insensitive matching made this
# regex cost ~120 µs per sentence.
_CUE = re.compile(
    rf"\b(?:(?P<strong>{_STRONG})|(?P<weak>{_NEEDS_THAT})(?=\s+that\b)|(?P<part>{_PARTICIPLES})\b|(?P<bare>{_BARE})\b)\b"
    r"|\b(?P<according>according\s+to|(?:reads|read)\s+(?:a|the)\s+(?:message|statement|post|report)"
    r"|(?:statements?|footage|audio|videos?|messages?|posts?|remarks)\s+attributed\s+to)\b"
    r"|\b(?P<quoting>quoted|cited|quotes|cites)\s+(?!by\b)(?=[^,.;:]{3,80}?\s+as\s+(?:saying|stating|claiming)\b)"
)
_BOUNDARY = re.compile(r"\bthat\b|;|:|—")
_AFTER_QUOTE = re.compile(r"[,!?][\"”»]\s*$")
_TITLE = re.compile(r"\s*(?:Mr|Mrs|Ms|Dr)\.?\s+")
_RELATIVES = frozenset("which who whom whose that where".split())
_COMMA_PARTICIPLES = ("alleging", "accusing")  # only after a comma: "reports alleging that" is a noun phrase
_OF_ACT = re.compile(r"\b(?:of|from|without|before|after|by)\s+$")
_OPENING = "“«"
_CLOSING = "”»"
# Things that show rather than say: "Geolocated footage indicates that ..." is the
# reading of evidence by whoever cites it.
_EVIDENCE = re.compile(
    r"(?:\w+\s+)*(?:footage|imagery|images|videos?|photos?|photographs|data|evidence|analysis|statistics|figures|maps?|findings)",
    re.I,
)
_THAT = re.compile(r"\bthat\b")
# "Kyiv rarely confirms such strikes": about the subject, not something it claims;
# "are believed to", "was reported": passive, a hedge rather than a speaker.
_NOT_SAYING = re.compile(r"\b(?:rarely|never|seldom|not|n't|refused to|declined to|cannot|is|are|was|were|be|been|being)\s+(?:\w+ly\s+)?$")
# A plural noun form is a verb only right after its subject: "ISW reports that"
# speaks, "media reports that" and "Russian claims that" are nouns.
_RELATIVE = re.compile(r"(?:,|\bthat)\s+(?:who|which|whom)\s+(?:\w+\s+){0,2}$", re.I)
_PARENTHESES = re.compile(r"\([^()]*\)")
_COORDINATED = re.compile(r"\s(?:and|but)\s+(?:\w+ly\s+|also\s+)?$")
# "Critics, including some analysts, have questioned": the chunk is the predicate.
_PREDICATE = re.compile(r"(?:have|has|had|is|are|was|were|will|would|also|then)\b", re.I)
_DETERMINERS = frozenset("a an the this that these those some any its their his her our".split())
_NOUN_LIKE = frozenset("claims reports notes states".split())
# A phrase opening with these is a preposition or a subordinate clause ("when we
# documented ..."), not the subject of the sentence's claim.
_NOT_SUBJECT_START = frozenset(
    "despite in on at after before while although though because as with without for from to by of "
    "during since until amid unlike like when where if whether once unless so whereas".split()
)
_PREPOSITIONS = frozenset(
    "of in near from at on to with by against for into during toward towards around about "
    "after before over under between among across along within without via amid".split()
)
# "US officials", "Russian forces": the entity only modifies the real subject.
_MODIFIED = re.compile(
    r"\s+(?:officials|sources|forces|authorities|troops|media|military|government|leadership|"
    r"commanders|servicemen|soldiers|people|citizens|residents|outlets?|channels?|milbloggers|"
    r"diplomats|intelligence)\b"
)
_PRONOUNS = {"he", "she", "they", "it", "we"}
_LEAD_IN = re.compile(
    r"(?:however|furthermore|meanwhile|moreover|additionally|separately|notably|also|still|yet|"
    r"but|and|initially|previously|similarly)\b,?\s*",
    re.I,
)
_APPOSITIVE = re.compile(r"(?:including|such as|among them|like|who|which)\b", re.I)
_DESCRIPTION = re.compile(r"(?:a|an|the)\b", re.I)  # "Prigozhin, the founder of Wagner, claimed"
_VERBISH = re.compile(r"\b(?:is|are|was|were|be|been|has|have|had|made|make|makes|will|would|can|could|may|might|did|do|does)\b", re.I)
_ADVERBS = frozenset("also again later then further already still previously reportedly recently even".split())
_SUBJECT_LABELS = {"PERSON": 3, "ORG": 2, "MILITARY_UNIT": 2, "GPE": 1}
MAX_FREE_WORDS = 12  # "an adviser to the head of the president's office"
MAX_GAP = 3  # words between a far-found place (or adjective-like verb) and the verb
# With no "that", these forms are more often adjectives ("made confirmed advances").
_ADJECTIVAL = frozenset(
    "confirmed published posted estimated observed framed characterized characterised believed reported highlighted recorded verified documented".split()
)


@dataclass(frozen=True)
class Attribution:
    verb: str  # as written, lowercased
    verb_span: tuple[int, int]
    kind: str  # "strong", "weak", "part" or "according"
    subject: Found | None  # the named entity that says it
    free_subject: tuple[int, int] | None  # or an unnamed one ("Ukrainian officials")
    pronoun: str | None  # or a pronoun to resolve from context
    that: int | None  # where a "that" clause starts, if one follows
    content: tuple[int, int] | None = None  # where what is said lies, when known


def find_attribution(text: str, lower: str, start: int, end: int, entities: list[Found]) -> Attribution | None:
    """The first reporting cue in text[start:end] whose subject can be found.

    `lower` is text lowercased without changing its length (textprep.ascii_lower).
    """
    after_evidence = False
    for cue in _CUE.finditer(lower, start, end):
        kind = cue.lastgroup or "strong"
        verb_span = cue.span(kind)
        verb = cue.group(kind)
        if kind == "quoting":  # "Three outlets quoted unnamed sources as saying": the sources speak
            return _quoting(text, verb_span, end, entities)
        if kind == "according":
            if _quoted(text, text.rfind("\n", 0, start) + 1, verb_span[0]):
                continue  # a quoted speaker's own source: '"... According to eyewitnesses, ..." he said'
            return _according(text, verb_span, end, entities)
        if _NOT_SAYING.search(lower, max(start, verb_span[0] - 16), verb_span[0]):
            continue
        if kind == "strong" and _AFTER_QUOTE.search(text, max(start, verb_span[0] - 4), verb_span[0]):
            inverted = _inverted(text, start, verb_span, end, entities)  # '..." said Syrsky.'
            if inverted:
                return inverted
        if _quoted(text, start, verb_span[0]):
            continue  # '"... according to the eyewitnesses, ..." Prigozhin said': the quote's speaker speaks
        if kind == "part" and verb in _COMMA_PARTICIPLES and not text[start : verb_span[0]].rstrip().endswith(","):
            continue
        if kind == "part" and _OF_ACT.search(lower, max(start, verb_span[0] - 12), verb_span[0]):
            continue  # "stopped short of claiming": no claim made
        that = _that_after(lower, verb_span[1], end)
        if kind != "part" and _RELATIVE.search(text, max(start, verb_span[0] - 40), verb_span[0]):
            continue  # "officials, who have said ...": embedded, not the sentence's speaker
        found = _who(text, start, verb_span[0], entities, first=kind == "part")
        if found is None:
            continue
        subject, free, pronoun, chunk_start = found
        if after_evidence and not text[start:chunk_start].rstrip().endswith(","):
            continue  # after "footage shows ...", only a closing ", ISW reported" names who reads it
        if kind == "bare" and not _a_speaker_right_before(text, subject, free, verb_span[0]):
            continue
        if free and _EVIDENCE.fullmatch(" ".join(text[free[0] : free[1]].split())):
            after_evidence = True
            continue  # "Geolocated footage indicates that ..., ISW reported": the later cue names the speaker
        if that is None and verb in _ADJECTIVAL and not _adjacent(text, subject, free, verb_span[0]):
            continue  # "made confirmed advances": an adjective, unless right after its subject
        if verb in _NOUN_LIKE and (free or (subject and (subject.label == "NORP" or _gap(text, subject, None, verb_span[0]) > 1))):
            continue
        content = (that, end) if that is not None else _before_speaker(text, start, chunk_start)
        return Attribution(verb, verb_span, kind, subject, free, pronoun, that, content)
    return None


def _inverted(text: str, start: int, verb_span: tuple[int, int], end: int, entities: list[Found]) -> Attribution | None:
    """'"...," said Syrsky.' or '..., added Mr. Syrsky': the speaker follows the verb."""
    m = _TITLE.match(text, verb_span[1], end)
    pos = m.end() if m else verb_span[1]
    phrase = _phrase_after(text, pos, end)
    inside = [f for f in entities if phrase and phrase[0] <= f.start and f.end <= phrase[1] and f.label in _SUBJECT_LABELS]
    named = sorted(inside, key=lambda f: f.label != "PERSON")[:1]  # "said Governor Oleh Syniehubov": the person
    free = None if named else phrase
    if not named and not (free and (text[free[0]].isupper() or _DESCRIPTION.match(text, free[0]))):
        return None
    content = (start, verb_span[0])
    return Attribution(text[verb_span[0] : verb_span[1]].lower(), verb_span, "strong", named[0] if named else None, free, None, None, content)


def _quoting(text: str, verb_span: tuple[int, int], end: int, entities: list[Found]) -> Attribution:
    """ "X quoted Y as saying ...": Y says it (X relays it)."""
    stop = re.compile(r"\s+as\s+(?:saying|stating|claiming)\b").search(text, verb_span[1], end)
    span = (verb_span[1] + len(text[verb_span[1] : stop.start()]) - len(text[verb_span[1] : stop.start()].lstrip()), stop.start())
    named = [f for f in entities if span[0] <= f.start and f.end <= span[1] and f.label in _SUBJECT_LABELS]
    content = (stop.end(), end)
    return Attribution("quoted", verb_span, "strong", named[0] if named else None, None if named else span, None, None, content)


def _channel_owner(text: str, verb_span: tuple[int, int], phrase: tuple[int, int], entities: list[Found]) -> Attribution:
    """ "reads a message on the Telegram channel of the X Group (OSG X)": the X Group says it."""
    of = text.find(" of ", phrase[0], phrase[1])
    after = of + 4 if of >= 0 else phrase[0]
    named = [f for f in entities if after <= f.start and f.end <= phrase[1] and f.label in ("ORG", "MILITARY_UNIT", "PERSON")]
    if named:
        return Attribution("reads", verb_span, "according", named[0], None, None, None, None)
    end = text.find("(", after, phrase[1])
    free = _phrase_after(text, after, end if end >= 0 else phrase[1])
    return Attribution("reads", verb_span, "according", None, free, None, None, None)


def _a_speaker_right_before(text: str, subject: Found | None, free: tuple[int, int] | None, verb: int) -> bool:
    """A person, a role ("spokesperson") or "sources" directly before the verb."""
    if not _adjacent(text, subject, free, verb):
        return False
    if subject is not None:
        return subject.label == "PERSON"
    words = text[free[0] : free[1]].lower().split() if free else []
    head = next((i for i, w in enumerate(words) if w in _PREPOSITIONS), len(words))  # "an adviser to the head of ..."
    return bool(words[:head]) and (words[head - 1] in ROLES or words[head - 1] in _SOURCES)


def _quoted(text: str, start: int, pos: int) -> bool:
    """Is `pos` inside a quotation opened in text[start:pos]? The last quotation mark before
    it decides: an opening one (“, or " after a space) leaves it open."""
    for i in range(pos - 1, start - 1, -1):
        c = text[i]
        if c in _OPENING:
            return True
        if c in _CLOSING:
            return False
        if c == '"':
            return i == start or text[i - 1].isspace() or text[i - 1] in "([—–-"
    return False


def _according(text: str, verb_span: tuple[int, int], end: int, entities: list[Found]) -> Attribution:
    subject = _first_after(entities, verb_span[1], end, text)
    comma = re.compile(r"[,.;:]").search(text, verb_span[1], end)
    phrase = (verb_span[1], comma.start() if comma else end)
    if verb_span[0] < len(text) and text[verb_span[0]].lower() == "r":  # "reads a message on the channel of X"
        return _channel_owner(text, verb_span, phrase, entities)
    elif subject is not None and subject.label != "PERSON":
        # "according to Russian Chief of General Staff Valery Gerasimov": the person, not his title's body
        people = [f for f in entities if phrase[0] <= f.start and f.end <= phrase[1] and f.label == "PERSON"]
        subject = people[0] if people else subject
    free = None if subject else _phrase_after(text, verb_span[1], end)
    return Attribution("according to", verb_span, "according", subject, free, None, None, None)


def _before_speaker(text: str, start: int, chunk_start: int) -> tuple[int, int] | None:
    """ "Casualties rose in April, the Mission said": the content precedes the speaker."""
    head = text[start:chunk_start].rstrip()
    if len(head) > 20 and head.endswith(","):
        return start, start + len(head)
    return None


def _adjacent(text: str, subject: Found | None, free: tuple[int, int] | None, verb: int) -> bool:
    """Only adverbs ("also", "previously") between the subject and the verb."""
    end = subject.end if subject else free[1] if free else verb
    gap = _PARENTHESES.sub(" ", text[end:verb]).lower()  # "the Group (KMG) recorded"
    return all(w.endswith("ly") or w in _ADVERBS for w in gap.split())


def _gap(text: str, subject: Found | None, free: tuple[int, int] | None, verb: int) -> int:
    """Words between the subject and the verb."""
    end = subject.end if subject else free[1] if free else verb
    return len(text[end:verb].split())


def _who(text: str, start: int, verb: int, entities: list[Found], first: bool):
    """(entity, free phrase, pronoun, chunk start) for the verb's subject, or None."""
    region = _region_start(text, start, verb)
    # "Putin did use the speech ... and announced that": the subject opens the clause.
    first = first or bool(_COORDINATED.search(text, region, verb))
    c_start, c_end = _first_phrase(text, region, verb) if first else _subject_chunk(text, region, verb, entities)
    subject = _subject(text, c_start, c_end, entities) if c_end > c_start else None
    if subject is not None:
        return subject, None, None, c_start
    pronoun, free = _unnamed_subject(text, _after_date(text, c_start, c_end, entities), c_end)
    if pronoun or free:
        return None, free, pronoun, c_start
    subject = _subject(text, region, verb, entities)
    if subject is None or (subject.label == "GPE" and _gap(text, subject, None, verb) > MAX_GAP):
        return None
    return subject, None, None, c_start


_DATE_PREPOSITION = re.compile(r"\s*(?:(?:between|from|on|in|during|over|since|after|before|by)\s+)?", re.I)


def _after_date(text: str, start: int, end: int, entities: list[Found]) -> int:
    """Past a date that opens the clause ("Between 1 and 10 August our monitors recorded"):
    it sets the time, the speaker comes after it."""
    pos = _DATE_PREPOSITION.match(text, start, end).end()
    date = next((f for f in entities if f.label == "DATE" and f.start == pos and f.end < end), None)
    if date is None:
        return start
    return date.end + len(text[date.end : end]) - len(text[date.end : end].lstrip(" ,"))


def _that_after(lower: str, pos: int, end: int) -> int | None:
    m = _THAT.search(lower, pos, min(end, pos + 120))
    return m.end() if m else None


def _region_start(text: str, start: int, verb: int) -> int:
    last = start
    for m in _BOUNDARY.finditer(text, start, verb):
        last = m.end()
    return last


def _subject(text: str, region: int, verb: int, entities: list[Found]) -> Found | None:
    best, best_key = None, None
    for f in entities:
        if f.start < region or f.end > verb or f.label not in _SUBJECT_LABELS:
            continue
        if _in_phrase(text, region, f):
            continue
        key = (_SUBJECT_LABELS[f.label], f.end)
        if best_key is None or key > best_key:
            best, best_key = f, key
    return best


def _in_phrase(text: str, region: int, f: Found) -> bool:
    """Inside a prepositional phrase, parentheses or a possessive: not a subject."""
    before = text[region : f.start].split()
    while before and before[-1].lower() in ("the", "a", "an"):
        before.pop()
    if before and (before[-1].lower() in _PREPOSITIONS or before[-1].endswith("(")):
        return True
    if len(before) >= 2 and before[-1].islower() and before[-1] not in _RELATIVES and before[-2].lower() in _PREPOSITIONS:
        return True  # "the mayor of nearby Novaya Kakhovka"
    after = text[f.end : f.end + 3]
    return after.startswith(("'s", "'", ")")) or bool(_MODIFIED.match(text, f.end))


def _unnamed_subject(text: str, start: int, end: int) -> tuple[str | None, tuple[int, int] | None]:
    """A pronoun, or a short noun phrase, opening text[start:end]."""
    while start < end and not text[start].isalnum():
        start += 1  # the closing quote of '"We are tired," he said'
    words = text[start:end].split()
    if not words or words[0].lower() in _NOT_SUBJECT_START:
        return None, None
    if words[0].lower() in _PRONOUNS:
        return words[0].lower(), None
    end = _cut_at_verb(text, start, end)
    phrase = text[start:end].split()
    if not phrase or len(phrase) > MAX_FREE_WORDS or all(w.lower() in _DETERMINERS for w in phrase):
        return None, None  # "An estimated 3,500 ...": no speaker in a lone article
    return None, (start, end)


def _cut_at_verb(text: str, start: int, end: int) -> int:
    """End of the noun phrase that opens text[start:end] ("US officials continue to")."""
    words = list(re.finditer(r"\S+", text[start:end]))
    stop = start
    for i, m in enumerate(words):
        word = m.group()
        following = words[i + 1].group() if i + 1 < len(words) else ""
        if stop > start and word[0].islower() and _ends_phrase(word, following):
            break
        stop = start + m.end()
    return stop


_OBJECT_START = frozenset("the a an their his her its our this that these those to on in with by for".split())


def _ends_phrase(word: str, following: str) -> bool:
    """Is this word the verb (or relative pronoun) after the subject noun phrase?"""
    if word in ("who", "which", "that") or _VERBISH.fullmatch(word) or word in _ADVERBS or word.startswith("continu"):
        return True
    if word.endswith("ly"):
        return True
    # "troops outlined their tactics" is a verb; "mechanized and territorial brigades" is not.
    return word.endswith("ed") and "-" not in word and (not following or following.lower() in _OBJECT_START or following[:1].isupper())


def _subject_chunk(text: str, region: int, verb: int, entities: list[Found]) -> tuple[int, int]:
    """The comma-chunk before the verb, skipping appositives ("..., including X, said")."""
    bounds, start = [], region
    for i in range(region, verb):
        if text[i] == ",":
            bounds.append((start, i))
            start = i + 1
    bounds.append((start, verb))
    for i in range(len(bounds) - 1, -1, -1):
        start, end = bounds[i]
        piece = text[start:end].strip()
        if _describes(piece) and i > 0 and _ends_in_name(text, bounds[i - 1], entities):
            continue  # "Kostyantyn Mashovets, a military observer, stated": the name speaks
        if piece[:1].islower() and i > 0 and _ends_in_person(text, bounds[i - 1], entities):
            continue  # "Valerii Zaluzhnyi, commander-in-chief of the Armed Forces, said"
        if piece and not _APPOSITIVE.match(piece) and not _PREDICATE.match(piece):
            offset = _skip_lead_in(text, start, end)
            if text[offset:end].strip():  # not just "however"
                return offset, offset + len(text[offset:end].rstrip())
    return region, region


def _describes(piece: str) -> bool:
    """An appositive describing the name before it: "the founder of ...", "spokesperson for ..."."""
    first = piece.split()[0] if piece.split() else ""
    return bool(_DESCRIPTION.match(piece)) or first.lower() in ROLES


def _skip_lead_in(text: str, start: int, end: int) -> int:
    offset = start + len(text[start:end]) - len(text[start:end].lstrip())
    while lead := _LEAD_IN.match(text, offset, end):  # "but also", "and, however,"
        offset = lead.end()
    return offset


def _ends_in_name(text: str, chunk: tuple[int, int], entities: list[Found]) -> bool:
    """Does the chunk end with a person's or organisation's name (or an unknown one)?"""
    end = chunk[0] + len(text[chunk[0] : chunk[1]].rstrip())
    named = [f for f in entities if f.end == end]
    if named:
        return named[0].label in ("PERSON", "ORG", "MILITARY_UNIT")
    words = text[chunk[0] : chunk[1]].split()
    return 0 < len(words) <= 4 and all(w[:1].isupper() for w in words)


def _ends_in_person(text: str, chunk: tuple[int, int], entities: list[Found]) -> bool:
    end = chunk[0] + len(text[chunk[0] : chunk[1]].rstrip())
    return any(f.end == end and f.label == "PERSON" for f in entities)


def _first_phrase(text: str, region: int, verb: int) -> tuple[int, int]:
    """A participle ("..., noting that") takes the main clause's opening noun phrase."""
    offset = _skip_lead_in(text, region, verb)
    comma = text.find(",", offset, verb)
    return offset, _cut_at_verb(text, offset, comma if comma >= 0 else verb)


def _phrase_after(text: str, pos: int, end: int) -> tuple[int, int] | None:
    """ "according to the regional administration." -> "the regional administration"."""
    m = re.compile(r"\s*([^,.;:()]+)").match(text, pos, end)
    if not m or len(m.group(1).split()) > MAX_FREE_WORDS:
        return None
    return m.start(1), m.start(1) + len(m.group(1).rstrip())


def _first_after(entities: list[Found], pos: int, end: int, text: str = "") -> Found | None:
    """The first name after pos; a place in the possessive ("Ukraine's intelligence directorate")
    only owns the speaker, so the phrase is read instead."""
    for f in entities:
        if pos <= f.start < min(end, pos + 80) and f.label in _SUBJECT_LABELS:
            return None if f.label == "GPE" and text[f.end : f.end + 2] in ("'s", "’s") else f
    return None
