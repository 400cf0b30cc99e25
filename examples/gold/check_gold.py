#!/usr/bin/env python3
"""Check the gold cross-document links in examples/gold/links.jsonl.

Each line is a JSON object::

    {"a": {"doc": ..., "start": S, "end": E},
     "b": {"doc": ..., "start": S, "end": E},
     "relation": "same_event" | "supports" | "contradicts" | "updates"}

Offsets are Python character offsets into the document text *as stored*:

* ``.md``: everything after the closing ``---`` line of the YAML front
  matter (offset 0 is the character right after that line's newline);
* ``.txt``: the whole file.

For every span the script checks that it lies inside the text, that it starts
at the first character of a sentence (start of text, start of a line, or after
sentence-final punctuation and whitespace), that it ends right after
sentence-final punctuation, that it stays on one line and that it contains
exactly one sentence.  It prints every problem and exits with status 1 if there
is any.

Usage:  python examples/gold/check_gold.py [--show] [--spacy]

  --show   print every span with its relation
  --spacy  also check that a blank spaCy pipeline with the rule-based
           sentencizer finds each span as one sentence (needs spaCy)
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

EXAMPLES_DIR = Path(__file__).resolve().parent.parent / "reports"
LINKS = Path(__file__).resolve().parent / "links.jsonl"
RELATIONS = {"same_event", "supports", "contradicts", "updates"}
SENT_END = ".!?"
CLOSERS = "\"'”’)"
# A sentence break inside a span: final punctuation, optional closer, space, capital.
INNER_BREAK = re.compile(r"[.!?][\"'”’)]?\s+[A-Z0-9\"“]")


def stored_text(doc: str) -> str:
    """Return the stored text of an example document (see module docstring)."""
    path = EXAMPLES_DIR / doc
    raw = path.read_text(encoding="utf-8")
    if path.suffix == ".md":
        if not raw.startswith("---\n"):
            raise ValueError(f"{doc}: no front matter block")
        close = raw.find("\n---\n", 3)
        if close == -1:
            raise ValueError(f"{doc}: front matter block is not closed")
        return raw[close + len("\n---\n") :]
    if path.suffix == ".txt":
        return raw
    raise ValueError(f"{doc}: only .md and .txt documents carry gold spans")


def starts_sentence(text: str, start: int) -> bool:
    if not text[start].isalnum() and text[start] not in "\"“'":
        return False
    i = start
    if i == 0:
        return True
    if not text[i - 1].isspace():
        return False
    while i > 0 and text[i - 1] in " \t":
        i -= 1
    if i == 0 or text[i - 1] == "\n":
        return True
    j = i - 1
    while j >= 0 and text[j] in CLOSERS:
        j -= 1
    return j >= 0 and text[j] in SENT_END


def ends_sentence(text: str, end: int) -> bool:
    k = end - 1
    while k >= 0 and text[k] in CLOSERS:
        k -= 1
    if k < 0 or text[k] not in SENT_END:
        return False
    return end == len(text) or text[end].isspace()


def check_span(label: str, span: object, texts: dict[str, str], errors: list[str]) -> str | None:
    if not isinstance(span, dict) or set(span) != {"doc", "start", "end"}:
        errors.append(f"{label}: span must have exactly doc, start, end")
        return None
    doc, start, end = span["doc"], span["start"], span["end"]
    if not isinstance(doc, str) or not isinstance(start, int) or not isinstance(end, int):
        errors.append(f"{label}: bad types in span {span}")
        return None
    if doc not in texts:
        try:
            texts[doc] = stored_text(doc)
        except (OSError, ValueError) as exc:
            errors.append(f"{label}: cannot load {doc}: {exc}")
            return None
    text = texts[doc]
    if not (0 <= start < end <= len(text)):
        errors.append(f"{label}: span {start}:{end} out of range for {doc} (length {len(text)})")
        return None
    sentence = text[start:end]
    problems = []
    if not starts_sentence(text, start):
        problems.append("does not start at a sentence boundary")
    if not ends_sentence(text, end):
        problems.append("does not end after sentence-final punctuation")
    if "\n" in sentence:
        problems.append("crosses a line break")
    if INNER_BREAK.search(sentence[:-1]):
        problems.append("contains more than one sentence")
    for problem in problems:
        errors.append(f"{label}: {doc} {start}:{end} {problem}: {sentence[:90]!r}")
    return sentence


def spacy_check(spans: list[tuple[str, str, int, int]], texts: dict[str, str], errors: list[str]) -> None:
    try:
        import spacy
    except ImportError:
        errors.append("--spacy given but spaCy is not installed")
        return
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    bounds: dict[str, set[tuple[int, int]]] = {}
    for label, doc, start, end in spans:
        if doc not in bounds:
            parsed = nlp(texts[doc])
            found = set()
            for sent in parsed.sents:
                # spaCy keeps paragraph whitespace tokens inside sentences; trim it.
                lead = len(sent.text) - len(sent.text.lstrip())
                trail = len(sent.text) - len(sent.text.rstrip())
                found.add((sent.start_char + lead, sent.end_char - trail))
            bounds[doc] = found
        if (start, end) not in bounds[doc]:
            errors.append(f"{label}: spaCy sentencizer does not find {doc} {start}:{end} as one sentence")


def main(argv: list[str]) -> int:
    show = "--show" in argv
    errors: list[str] = []
    texts: dict[str, str] = {}
    counts: Counter[str] = Counter()
    seen: set[tuple] = set()
    spans: list[tuple[str, str, int, int]] = []
    if not LINKS.exists():
        print(f"error: {LINKS} not found", file=sys.stderr)
        return 1
    for lineno, line in enumerate(LINKS.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        label = f"links.jsonl:{lineno}"
        try:
            link = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(f"{label}: invalid JSON: {exc}")
            continue
        if not isinstance(link, dict) or set(link) != {"a", "b", "relation"}:
            errors.append(f"{label}: object must have exactly a, b, relation")
            continue
        relation = link["relation"]
        if relation not in RELATIONS:
            errors.append(f"{label}: unknown relation {relation!r}")
        sa = check_span(f"{label} a", link["a"], texts, errors)
        sb = check_span(f"{label} b", link["b"], texts, errors)
        if sa is None or sb is None:
            continue
        if link["a"]["doc"] == link["b"]["doc"]:
            errors.append(f"{label}: a and b are in the same document")
        key = tuple(sorted([(link["a"]["doc"], link["a"]["start"]), (link["b"]["doc"], link["b"]["start"])]))
        if key in seen:
            errors.append(f"{label}: duplicate link")
        seen.add(key)
        counts[relation] += 1
        spans.append((f"{label} a", link["a"]["doc"], link["a"]["start"], link["a"]["end"]))
        spans.append((f"{label} b", link["b"]["doc"], link["b"]["start"], link["b"]["end"]))
        if show:
            print(f"[{lineno}] {relation}\n  a {link['a']['doc']}: {sa}\n  b {link['b']['doc']}: {sb}")
    if "--spacy" in argv and not errors:
        spacy_check(spans, texts, errors)
    for error in errors:
        print(f"error: {error}", file=sys.stderr)
    total = sum(counts.values())
    summary = ", ".join(f"{r}={counts[r]}" for r in sorted(RELATIONS))
    print(f"{total} links checked ({summary}); {len(errors)} error(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
