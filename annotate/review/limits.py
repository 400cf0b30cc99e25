"""Limits on what a person types into the record: one table, checked by every write operation
(review desk, links, threads), so the web pages, the JSON API, the CLI and the importers
refuse the same values with the same words.

Every decision keeps its text forever in the append-only ledger, and a claimant is matched
against entity names while the write lock is held: an unbounded value bloats the record for
good and stalls every other writer (issue 13, finding 2). The limits are generous for real
text (a claimant is a name or a short description; a rationale is a paragraph or two).
"""

from annotate.errors import Invalid, TooLarge

LIMITS = {  # characters
    "claimant": 300,
    "reporting_verb": 60,
    "event_date": 25,  # YYYY-MM-DD/YYYY-MM-DD
    "label": 32,
    "entity": 300,  # an entity's name, or the name an operation looks up
    "name": 300,  # a thread's name
    "description": 4000,
    "hedge": 60,
    "rationale": 2000,  # as the forms and the API models say
    "verdict": 32,
}
LIST_ITEMS = 50  # words in a list field (hedges)


def check(**fields) -> None:
    """Refuse the first field over its limit (TooLarge, 413) or holding what no text may hold
    (Invalid, 422): NUL and other control characters, lone surrogates. None passes."""
    for field, value in fields.items():
        if isinstance(value, (list, tuple)):
            if len(value) > LIST_ITEMS:
                raise TooLarge(f"{field}: {len(value)} items; at most {LIST_ITEMS}")
            for item in value:
                check(**{field.rstrip("s"): item})
        elif isinstance(value, str):
            _check_text(field, value)


def _check_text(field: str, value: str) -> None:
    limit = LIMITS.get(field, LIMITS["rationale"])
    if len(value) > limit:
        raise TooLarge(f"{field}: {len(value)} characters; at most {limit}")
    bad = next((c for c in value if _forbidden(c)), None)
    if bad is not None:
        raise Invalid(f"{field}: holds the character U+{ord(bad):04X}, which text in the record cannot hold")


def _forbidden(c: str) -> bool:
    """Control characters other than tab and line breaks, and lone surrogates (not text at all)."""
    code = ord(c)
    return (code < 32 and c not in "\t\n\r") or code == 0x7F or 0xD800 <= code <= 0xDFFF
