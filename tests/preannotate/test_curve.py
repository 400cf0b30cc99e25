"""The learning-curve simulation: stories from links, and what a simulated review teaches."""

from benchmarks.learning_curve import learned, stories, svg


def test_documents_joined_by_links_are_one_story():
    gold = [{"doc": d} for d in "abcde"]
    links = [{"a": {"doc": "a"}, "b": {"doc": "c"}}, {"a": {"doc": "c"}, "b": {"doc": "e"}}]
    assert sorted(map(sorted, stories(gold, links))) == [["a", "c", "e"], ["b"], ["d"]]


def test_a_review_teaches_names_and_demotes_a_rule_it_keeps_rejecting():
    gold = [{"doc": "a", "claims": [], "entities": [{"start": 0, "end": 5, "label": "PERSON", "text": "Smith"}]}]
    wrong = [{"start": 10 + i, "end": 11 + i, "label": "NORP", "reason": "gaz.norp: known"} for i in range(6)]
    predicted = [{"doc": "a", "claims": [], "entities": [{"start": 0, "end": 5, "label": "PERSON", "reason": "person.title: x"}, *wrong]}]
    names, demoted, threshold = learned(gold, predicted, [])
    assert names == {"Smith": "PERSON"} and demoted == {"gaz.norp"} and threshold == 0.5


def test_the_chart_names_its_command():
    rows = [{"k": k, "stories": 6, "entity_f1": 0.9, "claim_precision": 0.93, "claim_recall": 0.95} for k in range(5)]
    out = svg(rows, "python -m benchmarks.learning_curve DEV OUT")
    assert out.startswith("<svg") and "python -m benchmarks.learning_curve DEV OUT" in out and out.count("<polyline") == 3
