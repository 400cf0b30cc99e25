"""schema.org ClaimReview JSON-LD, one review a line.

Claims joined by same_event links are one proposition seen in several places: one
review covers them, with every place as an `appearance` and the earliest published as
`firstAppearance`. A review needs a verdict, so unassessed claims are left out. The
review is the thread's verdict; its date is when that verdict was last decided.
"""

from collections.abc import Iterable

from exports import json_line

SUFFIX = ".jsonl"
NEEDS = ("appearances",)

# verdict → (ratingValue on a 1–3 scale or None, the label people read)
RATINGS = {
    "refuted": (1, "False"),
    "contested": (2, "Disputed"),
    "corroborated": (3, "True"),
    "unverifiable": (None, "Unverifiable"),
}
PERSON_TYPES = {"PERSON"}


def write(claims: Iterable[dict], out, ctx) -> int:
    count, open_groups = 0, {}  # first claim id of a group already reviewed → its last claim id
    for claim in claims:
        open_groups = {first: last for first, last in open_groups.items() if last >= claim["id"]}  # ids only grow
        group = claim["same_event"]
        if claim["verdict"] not in RATINGS or group[0] in open_groups:
            continue
        open_groups[group[0]] = group[-1]
        out.write(json_line(review(claim, ctx)))
        count += 1
    return count


def review(claim: dict, ctx) -> dict:
    appearances = [a for a in claim["appearances"] if not ctx.filters.status or a["status"] in ctx.filters.status]
    works = [creative_work(a, ctx) for a in appearances]
    item = {"@type": "Claim", "appearance": works}
    if works:
        item["firstAppearance"] = works[0]
    if appearances and appearances[0]["published"]:
        item["datePublished"] = appearances[0]["published"]
    if claim["claimant"]:
        kind = (claim["claimant_entity"] or {}).get("type")
        item["author"] = {"@type": "Person" if kind in PERSON_TYPES else "Organization", "name": claim["claimant"]}
    if claim["event_date"]:
        item["temporalCoverage"] = claim["event_date"]
    decided = [t["decided_at"] for t in claim["threads"] if t["verdict"] == claim["verdict"]]
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": f"{ctx.base_url}/claims/{claim['id']}",
        "claimReviewed": claim["quote"],
        "author": {"@type": "Organization", "name": ctx.options.get("org") or "Claimtrail", "url": ctx.base_url + "/"},
        "datePublished": max(decided, default=claim["decision"]["at"]),
        "reviewRating": rating(claim["verdict"]),
        "itemReviewed": item,
    }


def rating(verdict: str) -> dict:
    value, label = RATINGS[verdict]
    found = {"@type": "Rating", "name": label, "alternateName": label}
    if value is not None:
        found.update(ratingValue=value, bestRating=3, worstRating=1)
    return found


def creative_work(appearance: dict, ctx) -> dict:
    doc = appearance["document"]
    work = {"@type": "CreativeWork", "url": doc["url"] or f"{ctx.base_url}/documents/{doc['id']}"}
    if doc["title"]:
        work["headline"] = doc["title"]
    if appearance["published"]:
        work["datePublished"] = appearance["published"]
    if doc["publisher"]:
        work["publisher"] = {"@type": "Organization", "name": doc["publisher"]}
    return work
