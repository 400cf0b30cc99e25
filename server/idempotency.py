"""`Idempotency-Key` on the API's creates, as the IETF draft "The Idempotency-Key HTTP Header
Field" (draft-ietf-httpapi-idempotency-key-header) has it:

* the first request with a key runs, and the key goes on the decision it makes;
* the same request again (same method, path and body bytes) answers what the first one made;
* the key with another request answers 422, naming the header: a client bug, never run;
* the key again while the first request still runs answers 409 with Retry-After: not run twice.

Keys are per user. A lease row (`idempotency_lease`) holds each key's request fingerprint and
whether it finished; it is taken in a short transaction of its own before the operation, so a
second request sees it while the first one waits for the write lock. A request that fails
gives its key back, so a retry runs afresh. The ledger still checks the key under its write
lock (server/deps.py), so a lease lost with a crashed process can never make a second object.
"""

import hashlib
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Request
from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from annotate.errors import ClaimtrailError, Invalid
from annotate.store.db import is_sqlite, state_session
from annotate.store.models import IdempotencyLease

HEADER = "Idempotency-Key"
# Seconds after which a request that never finished (its process died) no longer holds its key:
# longer than a request takes, waits for the write lock included (30 s by default). Taken over
# too early, no harm: the ledger's own check of the key answers the second request with the first's object.
LEASE = 60.0
_TABLE = IdempotencyLease.__table__  # type: ignore[attr-defined]


class KeyInUse(ClaimtrailError):
    """The first request with this key is still running: retry once it has answered."""

    status = 409
    retry_after = 1


class KeyReused(Invalid):
    """The key came with a different request than the first time: a client error, nothing run."""


@dataclass(frozen=True)
class Keyed:
    """A request's Idempotency-Key and the fingerprint of the request it came with."""

    key: str
    fingerprint: str


def fingerprint(method: str, path: str, body: bytes) -> str:
    """sha256 of method, path and body bytes, each length-prefixed so no two requests share one."""
    digest = hashlib.sha256()
    for part in (method.upper().encode(), path.encode(), body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


async def idempotency_key(
    request: Request,
    idempotency_key: Annotated[str | None, Header(max_length=200, description="Send a create again with the same key: one object.")] = None,
) -> Keyed | None:
    """The request's key with its fingerprint (the body as received: FastAPI has read it already)."""
    if not idempotency_key:
        return None
    return Keyed(idempotency_key, fingerprint(request.method, request.url.path, await request.body()))


IdempotencyDep = Annotated[Keyed | None, Depends(idempotency_key)]


@dataclass
class Lease:
    """This request's hold on a key: `finished` once the decisions it made are committed."""

    engine: Engine
    key: str
    started_at: float
    finished: bool = False

    def finish(self) -> None:
        if not self.finished:
            with _locked(self.engine) as session:
                self.finish_in(session)
            self.finished = True

    def finish_in(self, session: Session) -> None:
        """Mark the key's request finished in this transaction (the one writing its decisions)."""
        session.execute(update(_TABLE).where(_TABLE.c.key == self.key).values(finished=True))

    def give_back(self) -> None:
        """The request failed: the key is free again (unless another request has taken it over).

        When even that fails (the database busy or gone), the key stays held until LEASE has passed."""
        if self.finished:
            return
        try:
            with _locked(self.engine) as session:
                session.execute(delete(_TABLE).where(_TABLE.c.key == self.key, _TABLE.c.started_at == self.started_at, ~_TABLE.c.finished))
        except (ClaimtrailError, SQLAlchemyError):
            pass  # the request's own error is the one to answer


def take(engine: Engine, key: str, print_: str, clock=time.time) -> Lease:
    """Hold `key` for a request with this fingerprint, or say why not (KeyReused, KeyInUse)."""
    now = clock()
    dialect = sqlite_insert if is_sqlite(engine) else pg_insert
    with _locked(engine) as session:
        if _inserted(session, dialect(_TABLE).values(key=key, fingerprint=print_, started_at=now).on_conflict_do_nothing()):
            return Lease(engine, key, now)
        held = session.execute(select(_TABLE).where(_TABLE.c.key == key).with_for_update()).one()
        if held.fingerprint != print_:
            raise KeyReused(f"this {HEADER} was sent before with a different request (method, path or body): use a new key for a new request")
        if held.finished:
            return Lease(engine, key, held.started_at, finished=True)  # a retry: the ledger answers what the first request made
        if now - held.started_at < LEASE:
            raise KeyInUse(f"a request with this {HEADER} is still running: retry once it has answered")
        session.execute(update(_TABLE).where(_TABLE.c.key == key).values(started_at=now))  # its request died: take it over
        return Lease(engine, key, now)


def _inserted(session: Session, insert) -> bool:
    """Whether an INSERT ... ON CONFLICT DO NOTHING made its row: on PostgreSQL its rowcount
    comes back -1 (SQLAlchemy 2.1, psycopg 3), so RETURNING there; SQLite's rowcount is exact
    (and its RETURNING needs SQLite 3.35)."""
    if is_sqlite(session.get_bind()):
        return session.execute(insert).rowcount == 1
    return session.execute(insert.returning(_TABLE.c.key)).first() is not None


@contextmanager
def _locked(engine: Engine) -> Iterator[Session]:
    """A short transaction of its own, committed on leaving: SQLite's write lock; on PostgreSQL
    row locks only (not the ledger's lock: a key is taken without queueing behind writes)."""
    with state_session(engine) as session:
        yield session
        session.commit()


@contextmanager
def leased(ops, keyed: Keyed | None, kind: str) -> Iterator[None]:
    """Run a create under its key (see the module's text); without a key, just run it.

    `ops`: the request's operations (their ledger a RequestLedger, server/deps.py); `kind`: what it creates."""
    if keyed is None:
        yield
        return
    key = f"{ops.actor}:{keyed.key}"  # per user: one user's key never answers another's request
    lease = take(ops.ledger.engine, key, keyed.fingerprint)
    ops.ledger.idempotency = (key, kind, lease)
    try:
        yield
    except BaseException:
        lease.give_back()
        raise
    lease.finish()
