"""Issue 13, finding 6: checkpoints by time as well as by count, and a witness copy kept off
the database host that catches a rewritten tail the local copies no longer can."""

from sqlalchemy import text
from typer.testing import CliRunner

from annotate.cli import app
from annotate.store.checkpoints import stored_checkpoints
from annotate.store.ledger import Change

runner = CliRunner()


def claimtrail(record, *args):
    env = {"CLAIMTRAIL_HOME": str(record.settings.home), "COLUMNS": "200"}
    return runner.invoke(app, [*args, "--db", record.settings.resolved_database_url], env=env)


def publisher(record, name: str) -> None:
    record.ledger.record("cli", "cli", Change("publisher.added", "publisher", set={"name": name}))


def test_a_write_a_minute_after_the_last_checkpoint_signs_one(record):
    publisher(record, "First Wire")
    with record.session() as session:
        assert stored_checkpoints(session) == []  # within the minute, and far from 1000 decisions
    record.ledger.signer.last -= 61
    publisher(record, "Second Wire")
    with record.session() as session:
        assert [c["seq"] for c in stored_checkpoints(session)] == [2]


def test_a_witness_folder_catches_a_tail_dropped_with_every_local_copy(record, tmp_path, intruder):
    for name in ("A", "B", "C"):
        publisher(record, f"{name} Wire")
    witness = tmp_path / "witness"
    published = claimtrail(record, "audit", "checkpoint", "--publish", str(witness))
    assert published.exit_code == 0 and (witness / "checkpoints.jsonl").exists() and (witness / "ledger.pub").exists()
    assert claimtrail(record, "audit", "verify", "--checkpoints", str(witness)).exit_code == 0
    with intruder(record) as conn:  # drop the last decision, its state row, and every local copy of the checkpoint
        conn.execute(text("DELETE FROM decision WHERE seq = 3"))
        conn.execute(text("DELETE FROM publisher WHERE id = 3"))
        _guard(conn, "checkpoint", "DISABLE")
        conn.execute(text("DELETE FROM checkpoint"))
        _guard(conn, "checkpoint", "ENABLE")
    record.settings.checkpoint_file.unlink()
    assert claimtrail(record, "audit", "verify").exit_code == 0  # nothing local is left to tell
    caught = claimtrail(record, "audit", "verify", "--checkpoints", str(witness))
    assert caught.exit_code == 1 and "checkpoint 3" in caught.output


def _guard(conn, table: str, switch: str) -> None:
    """The intruder also lifts the checkpoint table's append-only guard (SQLite: this test's own file)."""
    if conn.dialect.name == "sqlite":
        if switch == "DISABLE":
            for name in (f"{table}_no_update", f"{table}_no_delete"):
                conn.execute(text(f"DROP TRIGGER IF EXISTS {name}"))
    else:
        conn.execute(text(f"ALTER TABLE {table} {switch} TRIGGER {table}_append_only"))
