"""JSON Lines: one claim a line, every field the iterator gives (sorted keys, UTF-8)."""

from typing import Iterable

from exports import dumps

SUFFIX = ".jsonl"
NEEDS = ()


def write(claims: Iterable[dict], out, ctx) -> int:
    count = 0
    for claim in claims:
        out.write(dumps(claim) + "\n")
        count += 1
    return count
