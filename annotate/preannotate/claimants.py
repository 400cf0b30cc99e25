"""Claimant names as a reviewer would write them, and when two names are one claimant.

A speaker described rather than named ("a Ukrainian servicemember", "Russia's defence
ministry", "Russian state media reports") is tidied: no leading article, a possessive
country made an adjective, the gazetteer's name when it knows the phrase, the document
as the source rather than "reports". A country that speaks is its authorities ("Ukraine
has accused" → "Ukrainian authorities"), as reviewers write it.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from .gazetteer import Gazetteer, default_gazetteer

MIN_TYPO_LENGTH = 20  # long descriptions only: "Kostin"/"Kostina" are two people
MAX_TYPOS = 2
_ARTICLE = re.compile(r"^(?:a|an|the)\s+", re.I)
_SO_CALLED = re.compile(r"^(?:so-called|self-proclaimed|self-styled)\s+", re.I)
_DOCUMENT = re.compile(r"\s+(?:reports?|statements?|announcements?|publications?)$", re.I)
_POSSESSIVE = re.compile(r"^(\w+)['’]s\s+")
_SPELLINGS = (("defence", "defense"), ("Defence", "Defense"))


def tidy(phrase: str, gaz: Gazetteer | None = None) -> str:
    """A described speaker as a claimant: "the Russian defence ministry" → the gazetteer's name."""
    gaz = gaz or default_gazetteer()
    name = _DOCUMENT.sub("", " ".join(phrase.split())).replace("’", "'")
    bare = _SO_CALLED.sub("", _ARTICLE.sub("", name))
    forms = _forms(bare)
    for candidate in forms:
        entry = gaz.get(candidate) or gaz.get(_title(candidate))
        if entry and entry.label in ("ORG", "MILITARY_UNIT", "PERSON"):
            return entry.canonical
        if entry and entry.label == "GPE" and (polity := authorities(entry.canonical, gaz)):
            return polity  # "the so-called Donetsk people's republic accused ..."
    return forms[1] if _POSSESSIVE.match(bare) and len(forms) > 1 else bare  # "Russia's sources" → "Russian sources"


def _forms(name: str) -> list[str]:
    """The phrase, with "Russia's" as "Russian", and with British spellings made American."""
    forms = [name]
    m = _POSSESSIVE.match(name)
    if m:
        adjective = demonym(m.group(1))
        if adjective:
            forms.append(adjective + " " + name[m.end() :])
    for old, new in _SPELLINGS:
        forms += [f.replace(old, new) for f in forms if old in f]
    return forms


def _title(name: str) -> str:
    return " ".join(w[:1].upper() + w[1:] for w in name.split())


# A capital that speaks ("Moscow has blamed ...") stands for its government.
CAPITALS = {
    "Moscow": "Russia",
    "Kyiv": "Ukraine",
    "Kiev": "Ukraine",
    "Minsk": "Belarus",
    "Washington": "United States",
    "Beijing": "China",
    "London": "United Kingdom",
    "Paris": "France",
    "Berlin": "Germany",
    "Rome": "Italy",
    "Madrid": "Spain",
    "Warsaw": "Poland",
    "Ankara": "Turkey",
    "Tehran": "Iran",
    "Tbilisi": "Georgia",
    "Chisinau": "Moldova",
    "Budapest": "Hungary",
    "Bucharest": "Romania",
    "Vilnius": "Lithuania",
    "Riga": "Latvia",
    "Tallinn": "Estonia",
    "Helsinki": "Finland",
    "Stockholm": "Sweden",
    "Oslo": "Norway",
    "Ottawa": "Canada",
    "Tokyo": "Japan",
    "Seoul": "South Korea",
    "Pyongyang": "North Korea",
    "New Delhi": "India",
    "Islamabad": "Pakistan",
    "Jerusalem": "Israel",
    "Damascus": "Syria",
    "Baghdad": "Iraq",
    "Riyadh": "Saudi Arabia",
    "Cairo": "Egypt",
    "Yerevan": "Armenia",
    "Baku": "Azerbaijan",
    "Astana": "Kazakhstan",
    "Belgrade": "Serbia",
    "Prague": "Czech Republic",
}


def authorities(name: str, gaz: Gazetteer | None = None) -> str | None:
    """ "Ukraine", "the Russians" or "Moscow" as a speaker → "Ukrainian authorities"; None if not a polity."""
    gaz = gaz or default_gazetteer()
    bare = re.sub(r"['’]s$", "", _ARTICLE.sub("", name.strip()))
    bare = CAPITALS.get(bare, bare)
    entry = gaz.get(bare)
    if entry is None:
        return None
    if entry.label == "NORP":
        return f"{entry.canonical} authorities"
    if entry.kind == "country":
        adjective = demonym(entry.canonical, gaz)
        return f"{adjective} authorities" if adjective else None
    if entry.kind == "proxy":  # a self-proclaimed polity speaks through its authorities too
        return f"{entry.canonical} authorities"
    return None


def demonym(country: str, gaz: Gazetteer | None = None) -> str | None:
    """The nationality adjective the gazetteer lists for a country ("Russia" → "Russian")."""
    return _demonyms(gaz or default_gazetteer()).get(country.casefold()) or _UNLIKE_STEMS.get(country.casefold())


_UNLIKE_STEMS = {"united states": "US", "united kingdom": "British", "netherlands": "Dutch", "czech republic": "Czech"}


@lru_cache(maxsize=4)
def _demonyms(gaz: Gazetteer) -> dict[str, str]:
    """Country → adjective, pairing names that share their first four letters
    (Russia/Russian, Ukraine/Ukrainian, China/Chinese)."""
    adjectives = {e.canonical for e, _ in gaz.rows if e.label == "NORP"}
    out: dict[str, str] = {}
    for entry, names in gaz.rows:
        if entry.kind != "country":
            continue
        stem = entry.canonical[:4]
        fits = sorted(a for a in adjectives if a[:4] == stem and " " not in a)
        if fits:
            for name in [entry.canonical, *names]:
                out.setdefault(name.casefold(), fits[0])
    return out


def publisher_name(claimant: str | None, publisher: str | None) -> str | None:
    """The publisher under its first words ("Northwatch assesses ..." in a report by the
    Northwatch Institute) is the publisher, under the one name it has everywhere else."""
    if not claimant or not publisher or claimant == publisher or not claimant[:1].isupper():
        return claimant
    said, own = claimant.casefold().split(), publisher.casefold().split()
    if len(said) >= len(own) or said != own[: len(said)]:
        return claimant
    entry = default_gazetteer().get(claimant)
    return claimant if entry and entry.label in ("GPE", "LOC", "NORP", "PERSON") else publisher  # "Kyiv" is not the Kyiv Post


def same_claimant(a: str | None, b: str | None, gaz: Gazetteer | None = None) -> bool:
    """One claimant under two names: the gazetteer's aliases, a leading article, or one
    person's name in two transliterations or with and without the given name
    ("Vasily Malyuk" and "Vasyl Maliuk", "Kostin" and "Andriy Kostin")."""
    if not a or not b:
        return a == b
    gaz = gaz or default_gazetteer()
    ka, kb = _key(a, gaz), _key(b, gaz)
    ta, tb = tidy(a, gaz).casefold(), tidy(b, gaz).casefold()  # "Ukraine's X" and "Ukrainian X"
    if ta == tb or (authorities(a, gaz) or "").casefold() == tb or (authorities(b, gaz) or "").casefold() == ta:
        return True  # ... and "Kyiv" or "Ukraine" as a speaker is "Ukrainian authorities"
    if ka == kb or (min(len(ka), len(kb)) >= MIN_TYPO_LENGTH and Levenshtein.distance(ka, kb) <= MAX_TYPOS):
        return True  # the same words, or a typo copied from the source ("Ukranian")
    if _person_like(a) and _person_like(b):
        return _same_person(ka, kb)
    return _shorter_form(_named(a, gaz), _named(b, gaz))


def _named(name: str, gaz: Gazetteer) -> str:
    """The gazetteer's name for it, case kept, without a leading article."""
    name = " ".join(name.split())
    entry = gaz.get(name) or gaz.get(_ARTICLE.sub("", name))
    return _ARTICLE.sub("", entry.canonical if entry else name)


_FUNCTION_WORDS = frozenset("of the for and in on at to".split())
MIN_NAME_WORDS = 3


def _shorter_form(a: str, b: str) -> bool:
    """One organisation's name and a shorter form of it: every word of the shorter one in the
    longer ("UN Office for Human Rights" in "UN Office of the High Commissioner for Human Rights",
    "Group" as the start of "Grouping"); at least three words, so "Russian authorities" stays apart."""
    short, long = sorted((a, b), key=len)
    words = [w for w in re.findall(r"[\w'’.-]+", short) if w.casefold() not in _FUNCTION_WORDS]
    pool = [w for w in re.findall(r"[\w'’.-]+", long) if w.casefold() not in _FUNCTION_WORDS]
    if len(words) < MIN_NAME_WORDS or sum(w[:1].isupper() for w in short.split()) < 2:
        return False  # a name, not a description ("Ukrainian media (unnamed sources)")
    pool = [p.casefold() for p in pool]
    return all(any(p == w.casefold() or (len(w) >= 4 and p.startswith(w.casefold())) for p in pool) for w in words)


def _key(name: str, gaz: Gazetteer) -> str:
    name = " ".join(name.split())
    entry = gaz.get(name) or gaz.get(_ARTICLE.sub("", name))
    return _ARTICLE.sub("", entry.canonical if entry else name).casefold()


def _person_like(name: str) -> bool:
    words = name.split()
    return 1 <= len(words) <= 3 and all(w[:1].isupper() for w in words)


def _same_person(a: str, b: str) -> bool:
    """Same surname skeleton; given names, when both have one, agree in skeleton too."""
    wa, wb = a.split(), b.split()
    if _skeleton(wa[-1]) != _skeleton(wb[-1]) or not _one_surname(_fold(wa[-1]), _fold(wb[-1])):
        return False
    if len(wa) == 1 or len(wb) == 1:
        return True
    return _skeleton(wa[0])[:2] == _skeleton(wb[0])[:2]


MAX_SURNAME_EDITS = 2


def _one_surname(a: str, b: str) -> bool:
    """Spellings of one surname differ in a letter or two ("Maliuk"/"Malyuk", "Syrskyi"/"Sirsky"),
    not in a feminine ending ("Kostin"/"Kostina") or in most of their vowels ("Rutte"/"Root")."""
    if a != b and (a + "a" == b or b + "a" == a):
        return False
    return Levenshtein.distance(a, b) <= MAX_SURNAME_EDITS


def _fold(word: str) -> str:
    return unicodedata.normalize("NFKD", word.casefold()).encode("ascii", "ignore").decode()


def _skeleton(word: str) -> str:
    """Consonants of an ASCII-folded word, with the usual transliteration pairs merged:
    Maliuk/Malyuk, Oleksiy/Alexey, Zelensky/Zelenskyy, Syrskyi/Syrsky."""
    folded = _fold(word).replace("ks", "x").replace("kh", "h").replace("ph", "f").replace("w", "v")
    consonants = re.sub(r"[aeiouyj'’-]", "", folded)
    return re.sub(r"(.)\1+", r"\1", consonants)
