"""Request dependencies: the record, a database session, the signed-in user, their review."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, TypeVar

from fastapi import Depends, Request
from fastapi.templating import Jinja2Templates
from sqlalchemy import select
from sqlmodel import Session

from annotate.accounts import token_user
from annotate.linking.links import Links
from annotate.linking.threads import Threads
from annotate.review.operations import Operations, Review
from annotate.store.ledger import Ledger, Writer
from annotate.store.models import Decision, User
from annotate.store.record import Record
from server.auth import Auth, NotSignedIn, bearer_token
from server.idempotency import Lease


def get_record(request: Request) -> Record:
    return request.app.state.record


def get_auth(request: Request) -> Auth:
    return request.app.state.auth


def get_templates(request: Request) -> Jinja2Templates:
    return request.app.state.templates


RecordDep = Annotated[Record, Depends(get_record)]
Ops = TypeVar("Ops", bound=Operations)
AuthDep = Annotated[Auth, Depends(get_auth)]
TemplatesDep = Annotated[Jinja2Templates, Depends(get_templates)]


def get_session(record: RecordDep) -> Iterator[Session]:
    with record.session() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def current_user(request: Request, session: SessionDep, auth: AuthDep) -> User:
    """The user behind a Bearer token (scripts) or else the session cookie (browsers)."""
    token = bearer_token(request)
    if token:
        user = token_user(session, token, session_token=False, max_age=auth.token_max_age)
    else:
        cookie = auth.session_token(request)
        user = token_user(session, cookie, session_token=True, max_age=auth.max_age) if cookie else None
    # Give the connection back before the next step of the request, which may wait for a
    # thread: holding it across steps starved the pool when every thread waited for one.
    session.close()
    if user is None:
        raise NotSignedIn()
    request.state.user = user
    return user


CurrentUser = Annotated[User, Depends(current_user)]


class Replayed(Exception):
    """A create sent again with the same Idempotency-Key: the object it made the first time."""

    def __init__(self, state: dict, seq: int):
        self.state, self.seq = state, seq


class RequestLedger(Ledger):
    """The app's ledger for one request: a write first ends the request's read transaction,
    so a request holds one database connection at a time (holding a read connection while
    waiting for a write one starved the pool under concurrent writes: issue 13, finding 1).

    With an idempotency key (set by server/idempotency.py: the key, the kind of object the
    request creates, the request's lease on the key), the key goes on the decision creating
    that object and the lease is marked finished in the same transaction; a request whose key
    was seen before raises `Replayed` instead of writing: checked under the write lock, so
    even requests that both hold a lease (one taken over from a dead process) make one object.
    """

    def __init__(self, ledger: Ledger, session: Session):
        super().__init__(ledger.engine, ledger.signer, ledger.checkpoint_every)
        self.session = session
        self.idempotency: tuple[str, str, Lease] | None = None  # (key, kind created, lease)

    @contextmanager
    def writer(self, actor: str, origin: str) -> Iterator[Writer]:
        self.session.close()  # objects read so far stay readable; the next read starts afresh
        with super().writer(actor, origin) as w:
            if self.idempotency:
                self._keyed(w, *self.idempotency)
            yield w
        if self.idempotency:
            self.idempotency[2].finished = True  # committed with the decisions

    @staticmethod
    def _keyed(w: Writer, key: str, kind: str, lease: Lease) -> None:
        table = Decision.__table__.c  # type: ignore[attr-defined]
        seen = w.session.execute(select(table.target_id, table.seq).where(table.idempotency_key == key)).first()
        if seen is not None:
            raise Replayed(w.get(kind, seen.target_id) or {}, seen.seq)
        lease.finish_in(w.session)
        apply, unused = w.apply, [key]

        def keyed_apply(change, idempotency_key=None, evidence_json=None):
            # the key goes on the request's first decision on that kind: a create, or a restore of a removed one
            if change.target_type == kind and unused:
                idempotency_key = unused.pop()
            return apply(change, idempotency_key, evidence_json)

        w.apply = keyed_apply  # type: ignore[method-assign]


def operations(kind: type[Ops]):
    """A dependency giving the signed-in user's `kind` of operations (Review, Links, Threads),
    writing through the request's own ledger."""

    def make(request: Request, user: CurrentUser, record: RecordDep, session: SessionDep) -> Ops:
        origin = "api" if request.url.path.startswith("/api/") else "ui"
        ops = kind(record, user.name, origin, user.role)
        ops.ledger = RequestLedger(record.ledger, session)
        return ops

    return make


ReviewDep = Annotated[Review, Depends(operations(Review))]
LinksDep = Annotated[Links, Depends(operations(Links))]
ThreadsDep = Annotated[Threads, Depends(operations(Threads))]


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"
