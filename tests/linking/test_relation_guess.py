"""Relation guesses a reviewer sees on a suggested link, from the two claims alone.

Each pair is written in our own words about made-up events. Every guess must be the same
whichever of the two claims the reviewer is looking at.
"""

import numpy as np
import pytest

from annotate.linking import relation_features as cues
from annotate.linking import relation_model
from annotate.linking.canonical import Groups
from annotate.linking.features import Facts, Weights, compare
from annotate.linking.relations import RELATIONS, guess_relation

_ids = iter(range(1, 10_000))


def claim(quote: str, claimant: str | None, published: str, event_date: str | None = None) -> Facts:
    n = next(_ids)
    return Facts(id=n, document_id=n, quote=quote, claimant=claimant, published=published, event_date=event_date or published)


def both_ways(a: Facts, b: Facts) -> tuple[str, list[float]]:
    """The guess and the model's inputs for the pair, checked to be the same from either side."""
    f, back = compare(a, b, _weights()), compare(b, a, _weights())
    relation, reverse = guess_relation(a, b, f)[0], guess_relation(b, a, back)[0]
    assert relation == reverse, (relation, reverse)
    row, reverse_row = relation_model.relation_features(a, b, f), relation_model.relation_features(b, a, back)
    assert row == pytest.approx(reverse_row)
    return relation, row


def _weights() -> Weights:
    return Weights(terms={}, entities={}, groups=Groups(), names={})


def test_two_claims_blaming_different_countries_contradict():
    a = claim("The pumping station was sabotaged by Georgian agents, the interior ministry said.", "interior ministry", "2031-04-02")
    b = claim("Engineers found that the pumping station was destroyed by Armenian saboteurs.", "engineers' panel", "2031-04-03")
    assert both_ways(a, b)[0] == "contradicts"


def test_disowning_an_accusation_contradicts_it_and_blaming_the_same_side_does_not():
    accused = claim("A militia leader accused the Moldovan army of shelling the fuel depot.", "militia leader", "2031-05-10")
    denied = claim("The Moldovan army said reports that it shelled the fuel depot are not true.", "Moldovan army", "2031-05-10")
    assert both_ways(accused, denied)[0] == "contradicts"
    echoed = claim("Witnesses said the fuel depot was shelled by the Moldovan army at dawn.", "witnesses", "2031-05-11")
    assert both_ways(accused, echoed)[0] != "contradicts"


def test_a_hedge_settled_by_a_later_report_is_an_update():
    hedged = claim("The garrison may withdraw from the hill fort within days, the governor said.", "governor", "2031-03-01")
    done = claim("The garrison withdrew from the hill fort overnight, the army said.", "army", "2031-03-05")
    assert both_ways(hedged, done)[0] == "updates"


def test_a_question_left_unanswered_then_answered_is_an_update():
    silent = claim("The navy declined to say whether its divers took part in the harbour raid.", "navy", "2031-06-01")
    answered = claim("The navy commander said his divers carried out the harbour raid.", "navy commander", "2031-07-15")
    assert both_ways(silent, answered)[0] == "updates"


def test_a_new_count_from_the_same_speaker_is_an_update_and_amounts_in_words_count():
    first = claim("The rescue service said twelve people were hurt in the flood.", "rescue service", "2031-08-01")
    later = claim("The rescue service said 31 people were hurt in the flood.", "rescue service", "2031-08-03")
    assert cues.amounts(first) == {12.0} and cues.amounts(later) == {31.0}
    assert cues.amounts(claim("They hold about a thousand square kilometres.", None, "2031-08-01")) == {1000.0}
    assert both_ways(first, later)[0] == "updates"


def test_one_speaker_spelt_two_ways_relayed_weeks_later_is_the_same_event():
    said = claim("Oleksii Hnatenko said the ferry stopped running on the river.", "Oleksii Hnatenko", "2031-09-01")
    relayed = claim("The ferry had stopped running, Alexei Gnatenko said at the time.", "Alexei Gnatenko", "2031-09-25", "2031-09-01")
    assert cues.same_speaker(said, relayed, compare(said, relayed, _weights()))
    assert both_ways(said, relayed)[0] == "same_event"


def test_a_claimants_description_tells_its_country():
    assert cues.sides("Russian Ministry of Defense") == {"Russia"}
    assert cues.sides("the Kremlin") == {"Russia"}
    assert cues.sides("a spokesperson in Kyiv") == {"Ukraine"}
    assert cues.sides("Institute for the Study of War") == frozenset()


def test_with_few_links_the_model_keeps_the_rules_guess():
    rng = np.random.default_rng(3)
    rows = rng.normal(size=(12, len(relation_model.FEATURES))) * 0.1
    guessed = [RELATIONS[i % 4] for i in range(12)]
    for n, relation in enumerate(guessed):
        rows[n, :4] = [float(relation == r) for r in RELATIONS]
    noise = [RELATIONS[i] for i in rng.integers(0, 4, size=12)]  # reviewers' labels unrelated to any cue
    assert relation_model.fit(rows, noise).predict(rows) == guessed


def test_with_many_links_the_model_learns_where_the_rules_are_wrong():
    rng = np.random.default_rng(4)
    rows = rng.normal(size=(300, len(relation_model.FEATURES))) * 0.1
    rows[:, :4] = [0.0, 1.0, 0.0, 0.0]  # the rules say "supports" every time
    agree = relation_model.FEATURES.index("stances_agree")
    rows[:150, agree] = 1.0
    truth = ["same_event"] * 150 + ["supports"] * 150  # …but reviewers call the agreeing half one event
    model = relation_model.fit(rows, truth)
    assert model.predict(rows[:150]).count("same_event") >= 140 and model.predict(rows[150:]).count("supports") >= 140


def test_still_fighting_against_captured_within_days_contradicts():
    holding = claim("The defenders are continuing to hold the bridgehead, the regional commander said.", "regional commander", "2031-10-02")
    taken = claim("Attacking units captured the bridgehead on Tuesday, the ministry said.", "ministry", "2031-10-03")
    assert both_ways(holding, taken)[0] == "contradicts"
