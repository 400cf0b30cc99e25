"""JSON Lines: one claim a line, every field the iterator gives (sorted keys, UTF-8)."""

import json
from typing import Iterable

SUFFIX = ".jsonl"
NEEDS = ()


def write(claims: Iterable[dict], out, ctx) -> int:
    count = 0
    for claim in claims:
        out.write(json.dumps(claim, ensure_ascii=False, sort_keys=True) + "\n")
        count += 1
    return count
