"""On the dev corpus, every gold link's other claim should be one search away: a few of its words,
a name it mentions, or its date (and, as a harder case, three of its words picked at random). Measured both ways round (from each claim, the other one, its own
report left out as the links panel does); a result counts when it is on the first page.

`pytest tests/linking/test_search_dev.py -s` prints the fractions; the floors below are what this
search reached (a regression floor, not a target). Skips when ../shared/corpus is absent.
"""

import json
import random
from collections import Counter

from sqlalchemy import select

from annotate.ingest.pipeline import document_text, ingest_paths
from annotate.linking.search import PAGE, ClaimQuery, search
from annotate.store.ledger import Change
from annotate.store.models import Claim, Document, Entity
from annotate.store.terms import content_words

WORDS = 3  # words a reviewer types
FLOORS = {"words": 0.95, "name": 0.9, "date": 0.8, "any": 0.97, "random words": 0.9}


def load(record, dev):
    """The dev documents ingested; the gold claims recorded with the gold entities inside their spans."""
    ingest_paths(record.ledger, [str(dev / "docs")])
    with record.session() as s:
        docs = {d.file_name: d for d in s.execute(select(Document)).scalars()}
        texts = {name: document_text(s, d) for name, d in docs.items()}
    gold = [json.loads(line) for line in (dev / "gold.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    entities: dict[tuple[str, str], int] = {}
    claims: dict[tuple[str, int, int], int] = {}
    with record.ledger.writer("gold", "import") as w:
        for entry in gold:
            doc, text = docs[entry["doc"]], texts[entry["doc"]]
            for claim in entry["claims"]:
                inside = [e for e in entry["entities"] if claim["start"] <= e["start"] and e["end"] <= claim["end"]]
                ids = sorted({_entity(w, entities, e["text"], e["label"]) for e in inside})
                made = w.apply(
                    Change(
                        "claim.proposed",
                        "claim",
                        set={
                            "document_id": doc.id,
                            "start": claim["start"],
                            "end": claim["end"],
                            "quote": text[claim["start"] : claim["end"]],
                            "event_date": claim.get("event_date"),
                            "published": doc.published,
                            "entity_ids": ids,
                            "claimant": claim.get("claimant"),
                        },
                    )
                )
                claims[(entry["doc"], claim["start"], claim["end"])] = made["id"]
    return claims


def _entity(w, entities, name, label) -> int:
    key = (" ".join(name.split()), label)
    if key not in entities:
        entities[key] = w.apply(Change("entity.proposed", "entity", set={"name": key[0], "type": label}))["id"]
    return entities[key]


def rarest(quote: str, frequency: Counter) -> list[str]:
    return sorted(dict.fromkeys(content_words(quote)), key=lambda w: (frequency[w], -len(w)))[:WORDS]


def queries(session, target: Claim, frequency: Counter) -> dict[str, ClaimQuery]:
    """What a reviewer would type to find the target: its rarest words, a name it mentions, its date."""
    found = {"words": ClaimQuery(words=" ".join(rarest(target.quote, frequency)))}
    names = session.execute(select(Claim.entity_ids).where(Claim.id == target.id)).scalar() or []
    if names:
        counts = Counter(e for ids in session.execute(select(Claim.entity_ids)).scalars() for e in ids or [])
        rare_entity = min(names, key=lambda e: (counts[e], e))
        found["name"] = ClaimQuery(entity=session.get(Entity, rare_entity).name)
    day = (target.event_date or target.published or "").split("/")[0]
    if day:
        found["date"] = ClaimQuery(date_from=day, date_to=day)
    return found


def test_every_gold_link_is_one_search_away(record, corpus):
    dev = corpus / "dev"
    claims = load(record, dev)
    links = [json.loads(line) for line in (dev / "links.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    hits: dict[str, list[bool]] = {k: [] for k in FLOORS}
    chance = random.Random(14)
    with record.session() as s:
        all_claims = {c.id: c for c in s.execute(select(Claim)).scalars()}
        frequency = Counter(w for c in all_claims.values() for w in set(content_words(c.quote)))
        for gold in links:
            a, b = (claims[(g["doc"], g["start"], g["end"])] for g in (gold["a"], gold["b"]))
            for source, target in ((a, b), (b, a)):
                found = {}
                for how, query in queries(s, all_claims[target], frequency).items():
                    query = ClaimQuery(**{**query.__dict__, "exclude_document": all_claims[source].document_id})
                    found[how] = target in search(s, query, limit=PAGE).claim_ids
                    hits[how].append(found[how])
                hits["any"].append(any(found.values()))
                typed = chance.sample(sorted(set(content_words(all_claims[target].quote))), WORDS)  # any words, not the best
                query = ClaimQuery(words=" ".join(typed), exclude_document=all_claims[source].document_id)
                hits["random words"].append(target in search(s, query, limit=PAGE).claim_ids)
    rates = {how: sum(v) / len(v) for how, v in hits.items() if v}
    print("\n" + ", ".join(f"{how} {rate:.3f} ({sum(hits[how])}/{len(hits[how])})" for how, rate in rates.items()))
    assert len(hits["any"]) == 2 * len(links) == 140
    assert len(hits["random words"]) == 140
    for how, floor in FLOORS.items():
        assert rates[how] >= floor, (how, rates[how])
