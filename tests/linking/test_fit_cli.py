"""`claimtrail links index` and `links fit` from the command line."""

import json

from typer.testing import CliRunner

from annotate.cli import app
from annotate.linking import index


def invoke(record, *args):
    return CliRunner().invoke(app, [*args, "--db", record.settings.resolved_database_url])


def test_index_catches_up_every_claim_without_a_vector(record, newsroom):
    newsroom.story("a.md", "2023-06-06", "Wire", "The dam was blown up overnight.", "Water levels rose downstream.")
    result = invoke(record, "links", "index")
    assert result.exit_code == 0 and "2 claims indexed" in result.output
    with record.session() as s:
        assert index.index_missing(s) == 0
    assert "0 claims indexed" in invoke(record, "links", "index").output


def test_fit_refuses_to_learn_from_too_few_decisions(record, newsroom, tmp_path):
    newsroom.story("a.md", "2023-06-06", "Wire", "The dam was blown up overnight.")
    out = tmp_path / "weights"
    result = invoke(record, "links", "fit", "--out", str(out))
    assert result.exit_code == 1 and "at least 10" in result.output
    assert not out.exists()  # no weights written from nothing


TOWNS = [
    "Avdiivka",
    "Bakhmut",
    "Chasiv Yar",
    "Izium",
    "Kherson",
    "Kramatorsk",
    "Lyman",
    "Mariupol",
    "Pokrovsk",
    "Sievierodonetsk",
    "Toretsk",
    "Vuhledar",
    "Zaporizhzhia",
]


def test_fit_learns_from_reviewers_links_and_dismissals_and_the_records_suggestions_use_it(record, newsroom, monkeypatch):
    # a linked or dismissed pair never comes back as a suggestion, but it must stay in the pool the
    # judge learns from: left out, every example was negative and the fit learned nothing
    from annotate.linking import judge, weights
    from annotate.linking.links import Links
    from annotate.linking.suggest import suggest_links

    pairs = []
    for n, town in enumerate(TOWNS):
        day = f"2024-03-{n + 1:02d}"
        first = newsroom.story(
            f"wire-{n}.md",
            day,
            "Wire",
            f"The bridge in {town} reopened to trucks on Monday.",
            f"Prices of bread rose across the region, traders in {town} said.",
        )
        second = newsroom.story(
            f"paper-{n}.md", day, "Paper", f"Lorries were crossing the {town} bridge again from Monday, officials said.", "The weather stayed cold all week."
        )
        pairs.append((first, second))
    links = Links(record, "alice", "ui")
    for first, second in pairs[:-1]:  # the last story is left for the fitted judge
        links.link(second[0], first[0], "same_event", rationale="the same reopening")
        links.dismiss(first[0], second[1], rationale="weather, not the bridge")
    shipped = judge.DEFAULT.read_bytes()
    monkeypatch.setenv("CLAIMTRAIL_HOME", str(record.settings.home))  # the record's own folder: <home>/models
    result = invoke(record, "links", "fit")
    assert result.exit_code == 0, result.output
    assert "fitted on 12 links" in result.output
    out = weights.folder_of(record.settings.home)
    model = judge.Model.from_json(json.loads((out / "judge.json").read_text()))
    (first, second) = pairs[-1]
    with record.session() as session:
        found = suggest_links(session, first[0], top=3)  # the record's judge, unasked
        by_shipped = suggest_links(session, first[0], top=3, model=judge.default_model())
    assert found[0].other_id == second[0]
    assert found[0].score == round(float(model.score([_inputs(record, first[0], second[0])])[0]), 4) != by_shipped[0].score
    assert judge.DEFAULT.read_bytes() == shipped  # the shipped weights stay as they were
    # weights already there (in use, or kept) are not written over without --replace
    before = (out / "judge.json").read_bytes()
    again = invoke(record, "links", "fit")
    assert again.exit_code == 1 and "--replace" in again.output and (out / "judge.json").read_bytes() == before
    assert invoke(record, "links", "fit", "--replace").exit_code == 0


def _inputs(record, claim_id: int, other_id: int) -> list[float]:
    """The judge's inputs for one candidate of a claim's pool."""
    from annotate.linking.suggest import pool

    with record.session() as session:
        return next(inputs for _, _, other, _, inputs in pool(session, claim_id) if other.id == other_id)


def test_a_records_weights_fitted_on_other_features_leave_suggestions_to_the_shipped_ones(record, newsroom, caplog):
    # after an upgrade that changes the judge's features, the desk's old fit must not break suggestions
    from annotate.linking import weights
    from annotate.linking.suggest import suggest_links

    wire = newsroom.story("wire.md", "2024-03-04", "Wire", "The bridge in Lyman reopened to trucks on Monday.")
    paper = newsroom.story("paper.md", "2024-03-04", "Paper", "Lorries crossed the Lyman bridge again on Monday, officials said.")
    with record.session() as session:
        shipped = suggest_links(session, wire[0], top=1)
    folder = weights.folder_of(record.settings.home)
    folder.mkdir(parents=True)
    (folder / "judge.json").write_text(json.dumps({"features": ["lexical"], "weights": [1.0], "bias": 0.0, "mean": [0.0], "scale": [1.0]}))
    with record.session() as session:
        found = suggest_links(session, wire[0], top=1)
    assert [(s.other_id, s.score) for s in found] == [(s.other_id, s.score) for s in shipped] and found[0].other_id == paper[0]
    assert "cannot be used" in caplog.text and "links fit --replace" in caplog.text
