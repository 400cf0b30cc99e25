"""`claimtrail audit log` and `audit revert` from the command line."""

import csv
import io
import json

from sqlalchemy import text
from typer.testing import CliRunner

from annotate.cli import app

runner = CliRunner()


def run(story, *args):
    env = {"CLAIMTRAIL_HOME": str(story.record.settings.home), "COLUMNS": "200"}  # the record's key; a wide table
    return runner.invoke(app, ["audit", *args, "--db", story.record.settings.resolved_database_url], env=env)


def test_the_table_has_the_chain_status_and_the_last_checkpoint(story):
    story.record.ledger.checkpoint()
    result = run(story, "log", "--claim", str(story.claims["stop"]))
    assert result.exit_code == 0, result.output
    assert "chain OK" in result.output and "2 signed checkpoints verified" in result.output  # in the database and its copy
    assert f"last checkpoint: decision {story.seqs['timetable_accepted']}" in result.output
    assert "thread_member.verdict_set" in result.output and "contradicts" in result.output


def test_jsonl_and_csv(story):
    rows = [json.loads(line) for line in run(story, "log", "--format", "jsonl", "--user", "bob").output.splitlines()]
    assert {r["actor"] for r in rows} == {"bob"} and rows[0]["seq"] > rows[-1]["seq"]
    table = list(csv.DictReader(io.StringIO(run(story, "log", "--format", "csv", "--user", "bob", "--oldest-first").output)))
    assert [r["action"] for r in table] == ["claim.rejected", "mention.accepted"]
    assert table[0]["rationale"] == "'=too vague"  # neutralised for spreadsheets
    assert table[0]["changes"] == 'status: "candidate" → "rejected"'


def test_a_reviewer_sees_their_own(story):
    rows = run(story, "log", "--format", "jsonl", "--as-role", "reviewer", "--user", "alice").output.splitlines()
    assert {json.loads(r)["actor"] for r in rows} == {"alice"}
    result = run(story, "log", "--as-role", "reviewer")
    assert result.exit_code == 2 and "--user" in result.output


def test_revert_from_the_command_line_shows_in_the_log(story):
    seq = story.seqs["verdict"]
    result = run(story, "revert", str(seq), "--user", "carol", "--why", "premature")
    assert result.exit_code == 0, result.output
    [entry] = [json.loads(r) for r in run(story, "log", "--format", "jsonl", "--limit", "1").output.splitlines()]
    assert entry["action"] == "thread_member.reverted" and entry["reverts"] == seq
    assert f"(reverts #{seq})" in run(story, "log", "--limit", "1").output
    assert run(story, "revert", str(seq), "--user", "carol").exit_code == 1  # stale now: the revert came after


def test_a_broken_chain_shows_in_the_header(story, intruder):
    with intruder(story.record) as conn:
        conn.execute(text("UPDATE decision SET actor = 'mallory' WHERE seq = 3"))
    result = run(story, "log")
    assert "chain FAILS" in result.output and "decision 3" in result.output


def test_a_bad_date_is_a_clear_error(story):
    result = run(story, "log", "--since", "yesterday")
    assert result.exit_code == 2 and "error" in result.output


def test_pages_with_before(story):
    seqs = lambda *args: [json.loads(r)["seq"] for r in run(story, "log", "--format", "jsonl", *args).output.splitlines()]  # noqa: E731
    whole, first = seqs("--action", "claim.*"), seqs("--action", "claim.*", "--limit", "2")
    second = seqs("--action", "claim.*", "--limit", "2", "--before", str(first[-1]))
    assert first + second == whole[:4] and len(whole) > 4
