"""`claimtrail serve` refuses to start unsafely; `claimtrail demo` sets up a record to review."""

from sqlalchemy import func, select
from typer.testing import CliRunner

import server.cli
from annotate.store.models import Claim, Document, User
from tests.server.reviewdesk import SECRET


def test_serve_refuses_a_missing_secret_and_an_old_schema(monkeypatch, tmp_path):
    monkeypatch.setenv("CLAIMTRAIL_HOME", str(tmp_path))
    monkeypatch.delenv("CLAIMTRAIL_DATABASE_URL", raising=False)
    monkeypatch.delenv("CLAIMTRAIL_SECRET", raising=False)
    monkeypatch.setattr(server.cli, "run", lambda *a: (_ for _ in ()).throw(AssertionError("must not serve")))
    runner = CliRunner()
    no_secret = runner.invoke(server.cli.app, ["serve"])
    assert no_secret.exit_code == 2 and "CLAIMTRAIL_SECRET" in no_secret.output
    monkeypatch.setenv("CLAIMTRAIL_SECRET", SECRET)
    no_schema = runner.invoke(server.cli.app, ["serve"])
    assert no_schema.exit_code == 2 and "claimtrail init" in no_schema.output


def test_demo_ingests_the_examples_adds_the_demo_lead_and_serves(monkeypatch, tmp_path):
    monkeypatch.setenv("CLAIMTRAIL_HOME", str(tmp_path))
    monkeypatch.setenv("PORT", "8123")
    monkeypatch.delenv("CLAIMTRAIL_DATABASE_URL", raising=False)
    monkeypatch.delenv("CLAIMTRAIL_SECRET", raising=False)
    served = {}
    monkeypatch.setattr(server.cli, "run", lambda app, host, port: served.update(app=app, host=host, port=port))
    result = CliRunner().invoke(server.cli.app, ["demo"])
    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:8123/" in result.output and "demo / demo" in result.output
    assert served["port"] == 8123 and served["app"].state.settings.demo
    record = served["app"].state.record
    with record.session() as s:
        assert s.execute(select(func.count()).select_from(Document)).scalar() == 18
        assert s.execute(select(User.role).where(User.name == "demo")).scalar() == "lead"
        assert s.execute(select(func.count()).select_from(Claim)).scalar() > 0  # the rules annotator's candidates
    again = CliRunner().invoke(server.cli.app, ["demo"])  # a second run keeps what is there
    assert again.exit_code == 0 and "18 already there" in again.output
