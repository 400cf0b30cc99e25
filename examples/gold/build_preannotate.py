#!/usr/bin/env python3
"""Regenerate examples/gold/preannotate.jsonl (the pre-annotation gold) from the
hand-written specs in examples/gold/preannotate_src/<document>.gold.

Spec lines (blank lines and lines starting with "#" are ignored):

    E LABEL | exact text | n        an entity: the n-th (0-based) occurrence of the
                                    exact text as a substring of the stored text
    C claimant | event_date | 'exact text'[ | n]
                                    a claim: a Python string literal of its exact text
                                    (n-th occurrence, default: it must be unique);
                                    claimant / event_date "None" means null

Offsets are never hand-counted: this script finds each exact string in the stored
text (check_gold.stored_text: after the front matter for .md, the whole .txt) and
checks that the span's text equals the document text at those offsets.

Usage:  python examples/gold/build_preannotate.py [--check | --draft-edits]
        --check compares the specs with the existing preannotate.jsonl instead of writing it
        --draft-edits counts how the gold differs from preannotate_src/draft_rules.jsonl,
        the rules' output (rules@0.2.0, run on the whole examples/reports folder) that
        the specs were drafted from
"""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from check_gold import stored_text  # noqa: E402

SRC = HERE / "preannotate_src"
OUT = HERE / "preannotate.jsonl"
LABELS = {"PERSON", "ORG", "GPE", "LOC", "DATE", "QUANTITY", "MILITARY_UNIT", "NORP"}


def nth(text: str, needle: str, n: int) -> int:
    at = -1
    for _ in range(n + 1):
        at = text.find(needle, at + 1)
        if at == -1:
            raise ValueError(f"occurrence {n} of {needle!r} not found")
    return at


def _null(value: str) -> str | None:
    value = value.strip()
    return None if value == "None" else value


def build_doc(spec: Path) -> dict:
    doc = spec.name[: -len(".gold")]
    text = stored_text(doc)
    entities, claims = [], []
    for lineno, line in enumerate(spec.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        where = f"{spec.name}:{lineno}"
        kind, rest = line[:2], line[2:]
        if kind == "E ":
            label, needle, n = (p.strip() for p in rest.split(" | "))
            if label not in LABELS:
                raise ValueError(f"{where}: unknown label {label}")
            start = nth(text, needle, int(n))
            entities.append({"start": start, "end": start + len(needle), "text": needle, "label": label})
        elif kind == "C ":
            claimant, date, tail = rest.split(" | ", 2)
            literal, n = (tail, "") if tail.rstrip()[-1] in "'\"" else tail.rsplit(" | ", 1)
            needle = ast.literal_eval(literal.strip())
            if not n and text.count(needle) != 1:
                raise ValueError(f"{where}: claim text occurs {text.count(needle)} times: {needle[:60]!r}")
            start = nth(text, needle, int(n or 0))
            claims.append({"start": start, "end": start + len(needle), "text": needle, "claimant": _null(claimant), "event_date": _null(date)})
        else:
            raise ValueError(f"{where}: a line starts with 'E ' or 'C '")
    entities.sort(key=lambda e: (e["start"], e["end"]))
    claims.sort(key=lambda c: c["start"])
    record = {"doc": doc, "entities": entities, "claims": claims}
    problems = check_record(record)
    if problems:
        raise ValueError("\n".join(problems))
    return record


def check_record(record: dict) -> list[str]:
    """Every span's text equals the document text at its offsets; no duplicate entities."""
    text = stored_text(record["doc"])
    problems = []
    for kind in ("entities", "claims"):
        for item in record[kind]:
            if not 0 <= item["start"] < item["end"] <= len(text) or text[item["start"] : item["end"]] != item["text"]:
                problems.append(f"{record['doc']}: {kind} span {item['start']}-{item['end']} is not {item['text'][:60]!r}")
    keys = [(e["start"], e["end"]) for e in record["entities"]]
    if len(keys) != len(set(keys)):
        problems.append(f"{record['doc']}: duplicate entity spans")
    return problems


def draft_edits(records: list[dict], draft_path: Path = SRC / "draft_rules.jsonl") -> dict[str, dict[str, int]]:
    """How far the gold moved from the rules' draft it started from, per document.

    Entities: kept (same span and label), relabelled (same span), deleted, added.
    Claims: kept (same span, claimant and date); span / claimant / date edits on a
    draft claim with the same start or end; deleted; added."""
    drafts = {json.loads(line)["doc"]: json.loads(line) for line in draft_path.read_text(encoding="utf-8").splitlines() if line.strip()}
    out = {}
    for g in records:
        d = drafts[g["doc"]]
        n = dict.fromkeys(["ent_kept", "ent_relabel", "ent_del", "ent_add", "claim_kept", "claim_span", "claimant", "date", "claim_del", "claim_add"], 0)
        gspan = {(e["start"], e["end"]): e["label"] for e in g["entities"]}
        dspan = {(e["start"], e["end"]): e["label"] for e in d["entities"]}
        for span, label in gspan.items():
            if span not in dspan:
                n["ent_add"] += 1
            else:
                n["ent_kept" if dspan[span] == label else "ent_relabel"] += 1
        n["ent_del"] = sum(1 for span in dspan if span not in gspan)
        used = set()
        for c in g["claims"]:
            same = [i for i, x in enumerate(d["claims"]) if i not in used and (x["start"] == c["start"] or x["end"] == c["end"])]
            if not same:
                n["claim_add"] += 1
                continue
            x = d["claims"][same[0]]
            used.add(same[0])
            span = (x["start"], x["end"]) != (c["start"], c["end"])
            who = not _same_claimant(x["claimant"], c["claimant"])
            when = x["event_date"] != c["event_date"]
            n["claim_span"] += span
            n["claimant"] += who
            n["date"] += when
            n["claim_kept"] += not (span or who or when)
        n["claim_del"] = len(d["claims"]) - len(used)
        out[g["doc"]] = n
    return out


def _same_claimant(a: str | None, b: str | None) -> bool:
    """As `claimtrail evaluate` compares claimants (case, spacing, gazetteer aliases) when
    the package is importable; otherwise ignoring case and spacing only."""
    try:
        from annotate.preannotate.evaluate import _same_claimant as same
    except ImportError:
        return " ".join((a or "").split()).casefold() == " ".join((b or "").split()).casefold()
    return same(a, b)


def main() -> int:
    records = [build_doc(p) for p in sorted(SRC.glob("*.gold"))]
    if "--draft-edits" in sys.argv:
        table = draft_edits(records)
        cols = list(next(iter(table.values())))
        print(f"{'document':52} " + " ".join(f"{c:>11}" for c in cols))
        for doc, n in table.items():
            print(f"{doc:52} " + " ".join(f"{n[c]:11d}" for c in cols))
        print(f"{'TOTAL':52} " + " ".join(f"{sum(n[c] for n in table.values()):11d}" for c in cols))
        return 0
    lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    if "--check" in sys.argv:
        same = OUT.exists() and OUT.read_text(encoding="utf-8") == lines
        print("preannotate.jsonl is up to date" if same else "preannotate.jsonl differs from the specs: rebuild it")
        return 0 if same else 1
    OUT.write_text(lines, encoding="utf-8")
    print(f"{OUT.name}: {len(records)} documents, {sum(len(r['entities']) for r in records)} entities, {sum(len(r['claims']) for r in records)} claims")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
