"""Claim scores rank checkable facts above rhetoric; near-duplicates are one candidate."""

import pytest

from annotate.errors import Invalid
from annotate.preannotate.base import DocumentInput
from annotate.preannotate.shown import DEFAULT_THRESHOLD, claim_threshold, shown

FACTS = [
    "More than 40 prisoners were killed and 130 were injured in the shelling on July 29.",
    "The governor said troops seized the airport in the northern district on Monday.",
    "Officials did not immediately comment on the report.",
]
NOT_CHECKABLE = [
    "He said it was a cruel and senseless crime.",
    "The minister said the country should bear full responsibility for everything.",
    "I promise you, the coming weeks will be exciting for everyone, the commander added.",
    "What the ministry is saying:",
    "He added that the coastal units continue to fulfil their tasks.",
    "According to the general, the situation in the harbour is under the control of the navy.",
    '"Next steps in the valley will directly depend on the weather," the commander said.',
    "The analyst suggested that the garrison may need more engineers to hold the bridge.",
    "This map is updated daily alongside the maps in this report.",
    "He said the storming of the port was a shameful and senseless attack.",
]


def score_of(annotate, sentence: str) -> float:
    _, claims = annotate(sentence, published="2024-08-01")
    return max((c.score for c in claims), default=0.0)


def test_facts_score_above_the_threshold_and_rhetoric_below(annotate):
    facts = [score_of(annotate, s) for s in FACTS]
    rhetoric = [score_of(annotate, s) for s in NOT_CHECKABLE]
    assert min(facts) >= DEFAULT_THRESHOLD > max(rhetoric)


def test_the_reason_says_what_moved_the_score(annotate):
    _, [claim] = annotate(NOT_CHECKABLE[0])
    assert "not checkable: evaluative 'cruel'" in claim.reason
    _, [claim] = annotate(FACTS[0], published="2024-08-01")
    assert "facts: a number or date" in claim.reason


def test_the_threshold_is_a_setting(monkeypatch):
    monkeypatch.delenv("CLAIMTRAIL_CLAIM_THRESHOLD", raising=False)
    assert claim_threshold() == DEFAULT_THRESHOLD
    monkeypatch.setenv("CLAIMTRAIL_CLAIM_THRESHOLD", "0.7")
    assert claim_threshold() == 0.7 and shown(0.75) and not shown(0.6)
    monkeypatch.setenv("CLAIMTRAIL_CLAIM_THRESHOLD", "high")
    with pytest.raises(Invalid):
        claim_threshold()


def test_a_summary_repeating_the_lead_is_one_candidate_with_both_spans(rules):
    lead = "Russian forces captured the village of Krasne after two weeks of heavy fighting."
    text = f"Key Takeaways:\n\n• {lead}\n\nOther news follows here today.\n\n{lead[:-1]}, officials said."
    _, claims = rules.annotate(DocumentInput(text, published="2024-08-01"))
    repeats = [c for c in claims if "Krasne" in c.text]
    assert len(repeats) == 1
    [claim] = repeats
    other = text.rindex("Russian forces")
    assert {claim.start, *(s for s, _ in claim.also)} == {text.index(lead), other}
    assert "also said at" in claim.reason


def test_different_claims_about_one_place_stay_apart(rules):
    text = (
        "Russian forces captured the village of Krasne on Monday after heavy fighting.\n\n"
        "Ukrainian forces shelled the village of Krasne on Tuesday, killing three soldiers."
    )
    _, claims = rules.annotate(DocumentInput(text, published="2024-08-01"))
    assert len(claims) == 2 and not any(c.also for c in claims)


def test_a_merged_candidate_takes_the_date_its_other_wording_gives(rules):
    bullet = "Ukrainian forces still hold positions in the western part of the town of Krasne."
    body = "Footage published on March 4 indicates that Ukrainian forces still hold positions in the western part of the town of Krasne."
    text = f"Key Takeaways:\n\n• {bullet}\n\nOther news follows here today.\n\n{body}"
    _, claims = rules.annotate(DocumentInput(text, published="2024-03-05"))
    [claim] = [c for c in claims if "Krasne" in c.text]
    assert claim.also and claim.event_date == "2024-03-04"
