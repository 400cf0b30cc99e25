"""The pair judge and the relation model: fitting, saving, and stories found from links alone."""

import json
import warnings

import numpy as np
import pytest

from annotate.linking import judge, relation_model, training
from annotate.linking.relations import RELATIONS


def test_the_judge_learns_which_feature_tells_a_link_and_survives_a_round_trip(tmp_path):
    rng = np.random.default_rng(1)
    rows = rng.normal(size=(400, len(judge.FEATURES)))
    labels = (rows[:, judge.FEATURES.index("cosine")] > 1.0).astype(int)  # only meaning tells, here
    model = judge.fit(rows, labels, owners=[n // 20 for n in range(400)])  # 20 pools of 20 candidates
    assert np.argmax(np.abs(model.weights)) == judge.FEATURES.index("cosine")
    judge.save(model, tmp_path / "judge.json")
    again = judge.Model.from_json(json.loads((tmp_path / "judge.json").read_text()))
    probe = rng.normal(size=(5, len(judge.FEATURES)))
    assert np.allclose(again.score(probe), model.score(probe), atol=1e-3)


def test_weights_fitted_on_other_features_are_refused():
    with pytest.raises(ValueError, match="refit"):
        judge.Model.from_json({"features": ["lexical"], "weights": [1.0], "bias": 0.0, "mean": [0.0], "scale": [1.0]})


def test_the_relation_model_follows_its_cue():
    rng = np.random.default_rng(2)
    rows = rng.normal(size=(200, len(relation_model.FEATURES))) * 0.1
    truth = [RELATIONS[i % 4] for i in range(200)]
    for n, relation in enumerate(truth):  # one cue per relation
        rows[n, relation_model.FEATURES.index(f"rule_{relation}")] = 1.0
    model = relation_model.fit(rows, truth)
    assert model.predict(rows) == truth


def test_a_fit_on_a_handful_of_links_neither_overflows_nor_guesses_by_nan():
    # leaving one story out of a small gold can leave four links to fit on: the pull towards the
    # prior (l2 / n) then outweighed a fixed step and the fit diverged with overflow warnings
    rng = np.random.default_rng(3)
    rows = rng.integers(0, 2, size=(4, len(relation_model.FEATURES))).astype(float)
    rows[:, relation_model.FEATURES.index("evidence")] = 0.0  # constant while fitting
    truth = ["same_event", "supports", "updates", "supports"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an overflow is a failure
        model = relation_model.fit(rows, truth)
        probe = rows.copy()
        probe[:, relation_model.FEATURES.index("evidence")] = 1.0  # a value the fit never saw
        guesses = model.predict(probe)
    assert np.isfinite(model.weights).all() and set(guesses) <= set(RELATIONS)


def test_stories_are_the_connected_components_of_linked_documents():
    found = training.components([("a.txt", "b.txt"), ("c.txt", "b.txt"), ("x.txt", "y.txt")])
    assert found["a.txt"] == found["b.txt"] == found["c.txt"] != found["x.txt"] == found["y.txt"]


def test_shipped_weights_load():
    assert judge.default_model() is not None and relation_model.default_model() is not None
