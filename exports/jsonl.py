"""JSON Lines: one claim a line, every field the iterator gives (sorted keys, UTF-8)."""

from collections.abc import Iterable

from exports import json_line

SUFFIX = ".jsonl"
SPLITTABLE = True  # one line a claim: written in parts for big exports (exports/parts.py)
NEEDS = ()


def write(claims: Iterable[dict], out, ctx) -> int:
    count = 0
    for claim in claims:
        out.write(json_line(claim))
        count += 1
    return count
