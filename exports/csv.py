"""CSV: one claim a row, lists joined with "; ".

Spreadsheets run a cell that starts with `=`, `+`, `-` or `@` (or a tab / CR before one)
as a formula, and quotes come from documents anyone can write: such cells get a
leading `'` so they are shown as text (OWASP's advice on CSV injection).
"""

import csv
from collections.abc import Iterable

SUFFIX = ".csv"
NEEDS = ()
SPLITTABLE = True  # rows are independent: written in parts (exports/parts.py), the header once
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")

COLUMNS = [
    "id",
    "version",
    "status",
    "verdict",
    "quote",
    "claimant",
    "relayed_by",
    "reporting_verb",
    "hedged",
    "hedges",
    "negated",
    "event_date",
    "event_date_inferred",
    "published",
    "entities",
    "document_id",
    "file_name",
    "title",
    "url",
    "publisher",
    "start",
    "end",
    "links",
    "threads",
    "annotator",
    "score",
    "proposed_by",
    "proposed_at",
    "accepted_by",
    "accepted_at",
    "decision_seq",
    "decision_hash",
]


def neutralise(value) -> str:
    """A cell as text that no spreadsheet will evaluate."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    return "'" + text if text.startswith(DANGEROUS) else text


def row(claim: dict) -> dict:
    doc = claim["document"]
    return {
        **{k: claim[k] for k in COLUMNS if k in claim},
        "hedges": "; ".join(claim["hedges"]),
        "relayed_by": "; ".join(claim["relayed_by"]),
        "entities": "; ".join(e["name"] for e in claim["entities"]),
        "document_id": doc["id"],
        "file_name": doc["file_name"],
        "title": doc["title"],
        "url": doc["url"],
        "publisher": doc["publisher"],
        "links": "; ".join(f"{link['relation']} {link['direction']} {link['claim_id']}" for link in claim["links"]),
        "threads": "; ".join(f"{t['id']} {t['name']} ({t['verdict']})" for t in claim["threads"]),
        "decision_seq": claim["decision"]["seq"],
        "decision_hash": claim["decision"]["hash"],
    }


def write_rows(rows: Iterable[dict], out, columns: list[str], header: bool = True) -> int:
    """A header and the rows, every cell neutralised; shared with the audit log's CSV."""
    writer = csv.writer(out, lineterminator="\n")
    if header:
        writer.writerow(columns)
    count = 0
    for r in rows:
        writer.writerow([neutralise(r.get(c)) for c in columns])
        count += 1
    return count


def write(claims: Iterable[dict], out, ctx) -> int:
    return write_rows(map(row, claims), out, COLUMNS, header=ctx.first_part)
