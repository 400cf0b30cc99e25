"""W3C Web Annotation JSON-LD, one annotation a line: the claim span on its document.

The target is our stored copy of the document (the offsets index into that exact text),
selected both by quote (exact / prefix / suffix) and by position; the bodies tag it as
a claim and carry its verdict when it has one.
"""

from collections.abc import Iterable
from urllib.parse import quote

from exports import json_line

SUFFIX = ".jsonl"
SPLITTABLE = True  # one line a claim: written in parts for big exports (exports/parts.py)
NEEDS = ("context",)
CONTEXT = "http://www.w3.org/ns/anno.jsonld"


def write(claims: Iterable[dict], out, ctx) -> int:
    count = 0
    for claim in claims:
        out.write(json_line(annotation(claim, ctx)))
        count += 1
    return count


def annotation(claim: dict, ctx) -> dict:
    base = ctx.base_url
    bodies = [{"type": "TextualBody", "purpose": "tagging", "value": "claim"}]
    if claim["verdict"] != "unassessed":
        bodies.append({"type": "TextualBody", "purpose": "assessing", "value": claim["verdict"]})
    who = claim["annotator"] or claim["proposed_by"]
    return {
        "@context": CONTEXT,
        "id": f"{base}/claims/{claim['id']}/annotation",
        "type": "Annotation",
        "motivation": "assessing" if claim["verdict"] != "unassessed" else "highlighting",
        "created": claim["proposed_at"],
        "modified": claim["decision"]["at"],
        "creator": {
            "id": f"{base}/agents/{quote(who, safe='')}",
            "type": "Software" if claim["annotator"] else "Person",
            "name": who,
        },
        "body": bodies,
        "target": {
            "source": f"{base}/documents/{claim['document']['id']}",
            "selector": [
                {"type": "TextQuoteSelector", "exact": claim["quote"], **claim["context"]},
                {"type": "TextPositionSelector", "start": claim["start"], "end": claim["end"]},
            ],
        },
    }
