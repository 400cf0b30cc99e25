"""JSON Lines: one claim a line, every field the iterator gives (sorted keys, UTF-8)."""

from itertools import islice
from typing import Iterable

from exports import dumps

SUFFIX = ".jsonl"
NEEDS = ()


def write(claims: Iterable[dict], out, ctx) -> int:
    count, claims = 0, iter(claims)
    while chunk := [dumps(claim) for claim in islice(claims, 200)]:  # fewer, larger writes
        out.write("\n".join(chunk) + "\n")
        count += len(chunk)
    return count
