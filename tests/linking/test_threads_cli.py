"""`claimtrail threads add/remove/rename/merge`: one transaction each, under the CLI actor; refusals say why
(exit 2 when the request makes no sense, 1 when the thread changed meanwhile)."""

import pytest
from typer.testing import CliRunner

from annotate.cli import app
from annotate.linking.links import Links
from annotate.linking.threads import Threads, members
from annotate.store.ledger import history


@pytest.fixture
def run(record):
    runner = CliRunner()

    def invoke(*args: str, exit_code: int = 0):
        result = runner.invoke(app, [*args, "--actor", "dana", "--db", record.settings.resolved_database_url])
        assert result.exit_code == exit_code, result.output
        return result.output

    return invoke


def test_threads_grow_from_the_command_line(run, record, newsroom):
    a = newsroom.story("a.md", "2023-01-10", "Compass Wire", "Officials said the bridge reopened to traffic.")[0]
    b = newsroom.story("b.md", "2023-01-11", "Northwatch", "The bridge reopened to traffic on Tuesday, officials said.")[0]
    c = newsroom.story("c.md", "2023-01-12", "Eastbank Daily", "Engineers denied that the bridge was safe for lorries.")[0]
    Links(record, "bob", "ui").link(c, b, "contradicts")
    first = Threads(record, "bob", "ui").create("Bridge", [a]).state
    second = Threads(record, "bob", "ui").create("Traffic", [c]).state
    assert f"added claim(s) {b}, {c}" in run("threads", "add", str(first["id"]), str(b), "--linked", "--why", "same bridge")
    assert "already in thread" in run("threads", "add", str(first["id"]), str(b), exit_code=2)
    assert "Bridge over the river (version 2)" in run("threads", "rename", str(first["id"]), "Bridge over the river", "--version", "1")
    assert "is at version 2, not 1" in run("threads", "rename", str(first["id"]), "Bridge", "--version", "1", exit_code=1)
    assert f"removed claim {c}" in run("threads", "remove", str(first["id"]), str(c))
    assert "cannot be merged into itself" in run("threads", "merge", str(first["id"]), str(first["id"]), exit_code=2)
    assert f"merged into thread {first['id']}" in run("threads", "merge", str(second["id"]), str(first["id"]), "--why", "one story")
    with record.session() as s:
        assert [m.claim_id for m in members(s, first["id"])] == [a, b, c] and members(s, second["id"]) == []
        merged = history(s, "thread", second["id"])[-1]
    assert (merged["action"], merged["actor"], merged["origin"], merged["rationale"]) == ("thread.merged", "dana", "cli", "one story")
