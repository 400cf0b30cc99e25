"""The names we know: places, organisations, people, units and groups.

Loaded once from data/gazetteer.tsv (written by us from public knowledge). Every
alias maps to one canonical entity; spelling variants and typos the table does not
list are resolved by an edit-distance lookup (rapidfuzz), e.g. "Bakhumet" -> Bakhmut.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from rapidfuzz import process
from rapidfuzz.distance import OSA

from .textprep import normalise

_OBLAST_VARIANTS = (" oblast", " Region", " region")
FUZZY_LABELS = frozenset({"GPE", "LOC", "PERSON", "ORG", "MILITARY_UNIT"})


@dataclass(frozen=True)
class Entry:
    canonical: str
    label: str
    kind: str = "learned"


_POSSESSIVE = {"Russian ": "Russia's ", "Ukrainian ": "Ukraine's "}
_SPELLING = (("Defense", "Defence"), ("Defence", "Defense"))


def _variants(alias: str) -> list[str]:
    """Spellings the table need not list: "X oblast/region", "Russia's X", Defence/Defense."""
    alias = normalise(alias)
    out = [alias]
    if alias.endswith(" Oblast"):
        stem = alias[: -len(" Oblast")]
        out += [stem + v for v in _OBLAST_VARIANTS]
    for old, new in _SPELLING:
        if old in alias:
            out.append(alias.replace(old, new))
    for adjective, possessive in _POSSESSIVE.items():
        out += [v.replace(adjective, possessive, 1) for v in list(out) if v.startswith(adjective)]
    return out


def parse_tsv(lines: Iterable[str]) -> list[tuple[Entry, list[str]]]:
    """Rows of the gazetteer file as (entry, aliases including the canonical)."""
    rows = []
    for line in lines:
        if not line.strip() or line.startswith("#"):
            continue
        canonical, label, kind, aliases = (line.rstrip("\n").split("\t") + [""] * 4)[:4]
        names = [canonical] + [a for a in aliases.split("|") if a]
        rows.append((Entry(canonical, label, kind), names))
    return rows


class Gazetteer:
    """Alias -> entry lookup with a fuzzy fallback for unlisted spellings."""

    def __init__(self, rows: list[tuple[Entry, list[str]]], given_names: frozenset[str]):
        self.rows = rows
        self.given_names = given_names
        self.aliases: dict[str, Entry] = {}
        for entry, names in rows:
            for name in names:
                for variant in _variants(name):
                    self.aliases.setdefault(variant, entry)
        self._buckets = self._fuzzy_buckets()
        self._fuzzy_cache: dict[str, tuple[Entry, str] | None] = {}

    def with_extra(self, extra: Mapping[str, str | tuple[str, str]]) -> Gazetteer:
        """A copy that also knows reviewer-confirmed names (name -> label or (label, canonical))."""
        rows = list(self.rows)
        for name, value in extra.items():
            label, canonical = (value, name) if isinstance(value, str) else value
            known = self.aliases.get(normalise(canonical))
            entry = known if known and known.label == label else Entry(canonical, label)
            rows.append((entry, [name]))
        return Gazetteer(rows, self.given_names)

    def get(self, name: str) -> Entry | None:
        return self.aliases.get(name)

    def _fuzzy_buckets(self) -> dict[tuple[str, int], list[str]]:
        buckets: dict[tuple[str, int], list[str]] = {}
        for alias, entry in self.aliases.items():
            if entry.label in FUZZY_LABELS and len(alias) >= 5 and not alias.isupper():
                buckets.setdefault(_bucket_key(alias), []).append(alias)
        return buckets

    def fuzzy(self, name: str) -> tuple[Entry, str] | None:
        """The entry whose alias is within a small edit distance of `name`."""
        if name in self._fuzzy_cache:
            return self._fuzzy_cache[name]
        found = None
        if len(name) >= 5 and not name.isupper():
            choices = self._buckets.get(_bucket_key(name), ())
            max_edits = 1 if len(name) < 7 else 2
            best = process.extractOne(name, choices, scorer=OSA.distance, score_cutoff=max_edits)
            if best:
                found = (self.aliases[best[0]], best[0])
        self._fuzzy_cache[name] = found
        return found


def _bucket_key(name: str) -> tuple[str, int]:
    # Typos rarely hit the first letter or the number of words.
    return name[0].lower(), name.count(" ")


def _data_lines(filename: str) -> list[str]:
    return resources.files(__package__).joinpath("data").joinpath(filename).read_text("utf-8").splitlines()


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    given = frozenset(line.strip() for line in _data_lines("given_names.txt") if line.strip() and not line.startswith("#"))
    return Gazetteer(parse_tsv(_data_lines("gazetteer.tsv")), given)
