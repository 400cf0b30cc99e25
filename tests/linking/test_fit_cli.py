"""`claimtrail links index` and `links fit` from the command line."""

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
