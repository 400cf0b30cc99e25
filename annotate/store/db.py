"""Engine, SQLite pragmas, write transactions and the schema check."""

import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Connection, Engine, make_url
from sqlmodel import Session, create_engine

from alembic import command
from annotate.errors import Busy, Invalid, Unavailable

IMMEDIATE = "claimtrail_immediate"  # execution option: take SQLite's write lock at BEGIN
POOL, WAIT = 10, 30.0  # default connections kept per process, and seconds to wait for one or for the lock
WRITERS = 2  # writers serialise on one lock: more connections would only queue inside the database


class SchemaOutOfDate(Unavailable):
    """The database is behind the code's migrations (or ahead of them)."""


class ReadOnly(Unavailable):
    """The database refuses writes (read-only file, replica or mount)."""


def make_engine(url: str, pool: int = POOL, wait: float = WAIT) -> Engine:
    """An engine for any SQLAlchemy URL; SQLite gets WAL, a busy timeout and explicit BEGIN.

    Reads use a pool of `pool` (+ as many overflow) connections; writes have a small pool
    of their own (see write_session), so a request reading while it writes can never wait
    on a connection held by another request that waits on it. `wait` bounds every wait.
    """
    engine = _engine(url, pool, pool, wait)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database in (None, "", ":memory:"):
        return engine  # one connection is the whole database: writes share it
    writer = _engine(url, 1, WRITERS - 1, wait)  # keeps one idle: fewer connections held by idle processes
    _writers[engine] = writer.execution_options(**{IMMEDIATE: True})
    event.listen(engine, "engine_disposed", lambda _engine: writer.dispose())
    return engine


def _engine(url: str, size: int, overflow: int, wait: float) -> Engine:
    parsed = make_url(url)
    sqlite = parsed.get_backend_name() == "sqlite"
    memory = sqlite and parsed.database in (None, "", ":memory:")
    pooling = {} if memory else {"pool_size": size, "max_overflow": overflow, "pool_timeout": wait}
    if not sqlite:
        engine = create_engine(url, pool_pre_ping=True, **pooling)
    else:
        if not memory:
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": wait, "check_same_thread": False}, **pooling)
        _tune_sqlite(engine, wait)
    _waits[engine] = wait
    event.listen(engine, "handle_error", _as_domain_error)
    return engine


def _as_domain_error(context) -> None:
    found = domain_error(context.original_exception)
    if found is not None:
        raise found from None


def domain_error(error: BaseException) -> Exception | None:
    """A database refusal a user can act on, as a domain error (4xx/503) rather than a crash."""
    code = getattr(error, "sqlstate", None) or getattr(getattr(error, "diag", None), "sqlstate", None)
    text = str(error).lower()
    if isinstance(error, OverflowError) or code == "22003":
        return Invalid("a number is out of range (ids and versions are below 2**63)")
    if isinstance(error, UnicodeEncodeError) or code == "22021":
        return Invalid("text holds an invalid character (a lone surrogate)")
    if "nul (0x00)" in text or code == "22P05":
        return Invalid("text cannot contain NUL characters")
    if code == "25006" or "readonly database" in text:
        return ReadOnly("the database is read-only: nothing can be recorded now")
    if code in ("55P03", "57014") or "database is locked" in text:
        return Busy("the database is busy with other writes; try again shortly")
    return None


def _tune_sqlite(engine: Engine, wait: float) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (see _on_begin)
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={int(wait * 1000)}")
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
    """A session whose transaction holds the database's single-writer lock.

    Writers queue for it for at most the engine's wait, then get `Busy` (503 + Retry-After)."""
    writer = _writer_engine(engine)
    with Session(writer) as session:
        try:
            connection = session.connection()  # SQLite: BEGIN IMMEDIATE takes the lock here
        except sa_exc.TimeoutError:
            raise Busy("the database is busy with other writes; try again shortly") from None
        if not is_sqlite(engine):
            # One ledger head: writers queue on a transaction-scoped advisory lock, for a bounded time.
            connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{int(_waits.get(engine, WAIT) * 1000)}ms'")
            connection.exec_driver_sql("SELECT pg_advisory_xact_lock(7291)")
        yield session


@contextmanager
def state_session(engine: Engine) -> Iterator[Session]:
    """A session for a short write outside the ledger (a job's progress, a sign-in failure, an
    idempotency key). On SQLite it takes the write lock at BEGIN, as write_session does: a deferred
    transaction that reads, then writes, fails at once with "database is locked" (no waiting) when
    another connection committed in between. On PostgreSQL a plain session: row locks only, never
    the ledger's lock (these writes must not queue behind a long batch)."""
    if is_sqlite(engine):
        with write_session(engine) as session:
            yield session
    else:
        with Session(engine) as session:
            yield session


_waits: "weakref.WeakKeyDictionary[Engine, float]" = weakref.WeakKeyDictionary()
_homes: "weakref.WeakKeyDictionary[Engine, Path]" = weakref.WeakKeyDictionary()


def set_home(engine: Engine, home: Path) -> None:
    """The CLAIMTRAIL_HOME of the record this engine opens (what else a record keeps: its keys, its
    own fitted weights)."""
    _homes[engine] = home
    _homes[_writer_engine(engine)] = home  # a write session's bind is the writer pool


def home_of(engine) -> Path | None:
    return _homes.get(engine)


_writers: "weakref.WeakKeyDictionary[Engine, Engine]" = weakref.WeakKeyDictionary()


def _writer_engine(engine: Engine) -> Engine:
    """The engine's writer pool; an engine made elsewhere writes on its own pool with the IMMEDIATE option."""
    if engine not in _writers:
        _writers[engine] = engine.execution_options(**{IMMEDIATE: True})
    return _writers[engine]


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
