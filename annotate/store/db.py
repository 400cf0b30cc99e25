"""Engine, SQLite pragmas, write transactions and the schema check."""

import weakref
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Iterator

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlmodel import Session, create_engine

from alembic import command
from annotate.errors import Unavailable

IMMEDIATE = "claimtrail_immediate"  # execution option: take SQLite's write lock at BEGIN


class SchemaOutOfDate(Unavailable):
    """The database is behind the code's migrations (or ahead of them)."""


def make_engine(url: str) -> Engine:
    """An engine for any SQLAlchemy URL; SQLite gets WAL, a busy timeout and explicit BEGIN."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
    _tune_sqlite(engine)
    return engine


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (see _on_begin)
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection):
        # A writer must hold the lock from its first read of the ledger head, or two
        # writers could chain onto the same head; readers keep a plain deferred BEGIN.
        immediate = conn.get_execution_options().get(IMMEDIATE)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """A session whose transaction holds the database's single-writer lock."""
    with Session(_writer_engine(engine)) as session:
        if not is_sqlite(engine):
            # One ledger head: writers queue on a transaction-scoped advisory lock.
            session.connection().exec_driver_sql("SELECT pg_advisory_xact_lock(7291)")
        yield session


_writer_engines: "weakref.WeakKeyDictionary[Engine, Engine]" = weakref.WeakKeyDictionary()


def _writer_engine(engine: Engine) -> Engine:
    """The engine with the IMMEDIATE option, made once per engine (it is on every write's path)."""
    if engine not in _writer_engines:
        _writer_engines[engine] = engine.execution_options(**{IMMEDIATE: True})
    return _writer_engines[engine]


def migrations_dir() -> Path:
    """alembic/ in a checkout; the packaged copy in an installed wheel."""
    checkout = Path(__file__).resolve().parents[2] / "alembic"
    if (checkout / "env.py").exists():
        return checkout
    return Path(str(resources.files("annotate") / "migrations"))


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(engine: Engine) -> None:
    """Create or upgrade the schema to the newest migration."""
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def schema_status(engine: Engine) -> tuple[str | None, str]:
    """(the database's revision, the code's newest revision)."""
    script = ScriptDirectory.from_config(alembic_config(str(engine.url)))
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    return current, script.get_current_head()


def require_current_schema(engine: Engine) -> None:
    current, head = schema_status(engine)
    if current != head:
        where = engine.url.render_as_string(hide_password=True)
        state = "has no Claimtrail schema" if current is None else f"is at revision {current}, the code needs {head}"
        raise SchemaOutOfDate(f"The database {where} {state}. Run `claimtrail init` to create or upgrade it.")
