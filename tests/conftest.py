"""Shared fixtures: a fresh record per test on SQLite, and on PostgreSQL when
CLAIMTRAIL_TEST_POSTGRES_URL names a server (CI sets it to the local one)."""

import os
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from annotate.config import Settings
from annotate.store.checkpoints import create_key
from annotate.store.db import make_engine, upgrade
from annotate.store.record import Record

POSTGRES_URL = os.environ.get("CLAIMTRAIL_TEST_POSTGRES_URL", "")
BACKENDS = ["sqlite"] + (["postgres"] if POSTGRES_URL else [])
CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """A migrated SQLite file, copied for each test instead of migrating again."""
    path = tmp_path_factory.mktemp("template") / "claimtrail.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_schema_url():
    """A schema of our own on the test server, so parallel runs do not meet."""
    schema = f"claimtrail_test_{os.getpid()}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in POSTGRES_URL else "?"
    url = f"{POSTGRES_URL}{sep}options=-csearch_path%3D{schema}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(params=BACKENDS)
def settings(request, tmp_path) -> Settings:
    if request.param == "sqlite":
        database = tmp_path / "claimtrail.sqlite"
        shutil.copy(request.getfixturevalue("sqlite_template"), database)
        return Settings(home=tmp_path, database_url=f"sqlite:///{database}")
    url = request.getfixturevalue("postgres_schema_url")
    engine = make_engine(url)
    with engine.begin() as conn:
        tables = conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'alembic_version'")).scalars().all()
        conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables)))
    engine.dispose()
    return Settings(home=tmp_path, database_url=url)


@pytest.fixture
def record(settings) -> Record:
    """The record on an already migrated database, with a fresh checkpoint key."""
    create_key(settings.resolved_key_file)
    record = Record.open(settings, check_schema=False)
    yield record
    record.engine.dispose()


@pytest.fixture
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not here")
    return CORPUS


@contextmanager
def around_the_ledger(record):
    """A connection that writes around the ledger, as an intruder with database access would:
    the append-only guard triggers are out of the way while it is open."""
    sqlite = record.engine.dialect.name == "sqlite"
    with record.engine.begin() as conn:
        if sqlite:
            for name in ("decision_no_update", "decision_no_delete"):
                conn.execute(text(f"DROP TRIGGER IF EXISTS {name}"))
        else:
            conn.execute(text("ALTER TABLE decision DISABLE TRIGGER decision_append_only"))
        yield conn
        if not sqlite:
            conn.execute(text("ALTER TABLE decision ENABLE TRIGGER decision_append_only"))


@pytest.fixture
def intruder():
    return around_the_ledger
