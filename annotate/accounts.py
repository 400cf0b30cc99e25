"""Accounts: users are ledger objects; their secrets are not.

A user is created by a `user.added` decision, so every decision's actor can be traced to
who added them and when. Password hashes (argon2id) live in `Credential`, and tokens
(API tokens and web sessions alike) in `ApiToken` as sha256 hashes: secrets never enter
the hash-chained, exportable ledger.
"""

import hashlib
import re
import secrets
import threading
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, insert, select, update
from sqlmodel import Session

from annotate.errors import Busy, Invalid, NotFound
from annotate.review import policy
from annotate.review.operations import Done, Review
from annotate.review.policy import ROLES
from annotate.store.ledger import Change, utc_now
from annotate.store.models import ApiToken, Credential, User
from annotate.store.record import Record

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")  # no "@": that marks annotators ("rules@0.1")
MIN_PASSWORD = 8
SESSION = "session"  # ApiToken.label of web sessions; API tokens are labelled "api:<label>"

_hasher = PasswordHasher()  # argon2id, RFC 9106 low-memory profile (t=3, m=64 MiB, p=4): above OWASP's floor


@lru_cache(maxsize=1)
def _dummy() -> str:
    """A hash verified against when the user is unknown (same timing); made once, when first needed."""
    return _hasher.hash(secrets.token_hex(16))


class AccountError(Invalid):
    """A name, role, password or token the accounts refuse."""

    exit_code = 1


def add_user(record: Record, name: str, role: str, password: str, actor: str = "cli", origin: str = "cli", weak_ok: bool = False) -> dict:
    """Record `user.added` and store the password hash, in one transaction (weak_ok: the demo account)."""
    if not NAME.match(name):
        raise AccountError("a user name is 1–64 letters, digits, '.', '_' or '-', starting with a letter or digit")
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD and not weak_ok:
        raise AccountError(f"a password needs at least {MIN_PASSWORD} characters")
    with record.ledger.writer(actor, origin) as w:
        if w.session.execute(select(User.id).where(User.name == name)).first():
            raise AccountError(f"user {name!r} exists already")
        user = w.apply(Change("user.added", "user", set={"name": name, "role": role, "active": True}))
        w.session.execute(insert(Credential), [{"user_id": user["id"], "password_hash": _hasher.hash(password)}])
        return user


def authenticate(record: Record, name: str, password: str) -> User | None:
    """The active user with this name and password, or None; rehashes outdated hashes.

    The hash is checked with no database connection held, and at most HASHING checks run at
    once (argon2id takes 64 MiB and ~0.3 s each): a flood of sign-ins waits for a slot, up to
    HASH_WAIT seconds, then is told to retry (Busy, 503), instead of taking every thread and
    a gigabyte of memory from everyone else (issue 13, finding 4)."""
    with record.session() as session:
        user = session.execute(select(User).where(User.name == name)).scalar_one_or_none()
        credential = session.get(Credential, user.id) if user else None
        stored = credential.password_hash if credential else _dummy()
        if user is not None:
            session.expunge(user)
    if not _HASHING.acquire(timeout=HASH_WAIT):
        raise Busy("too many sign-ins at once; try again in a moment")
    try:
        _hasher.verify(stored, password)
        outdated = _hasher.check_needs_rehash(stored)
        rehashed = _hasher.hash(password) if outdated and credential is not None else None
    except (VerificationError, InvalidHashError):
        return None
    finally:
        _HASHING.release()
    if credential is None or user is None or not user.active:
        return None
    if rehashed:
        with record.session() as session:
            session.execute(update(Credential).where(Credential.user_id == user.id).values(password_hash=rehashed))
            session.commit()
    return user


HASHING, HASH_WAIT = 2, 5.0  # concurrent password checks per process; seconds a sign-in waits for one
_HASHING = threading.BoundedSemaphore(HASHING)


# --- tokens: API tokens for scripts, and web sessions ----------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(record: Record, user_id: int, label: str) -> str:
    """A new random token (256 bits); only its hash is stored."""
    token = secrets.token_urlsafe(32)
    with record.session() as session:
        session.execute(insert(ApiToken), [{"token_hash": token_hash(token), "user_id": user_id, "label": label, "created_at": utc_now()}])
        session.commit()
    return token


def create_api_token(record: Record, name: str, label: str = "") -> str:
    with record.session() as session:
        user = session.execute(select(User).where(User.name == name)).scalar_one_or_none()
    if user is None or not user.active:
        raise AccountError(f"no active user {name!r}")
    return issue_token(record, user.id, f"api:{label}")


def token_user(session: Session, token: str, session_token: bool, max_age: timedelta | None = None) -> User | None:
    """The active user a token belongs to; a session token and an API token are not interchangeable."""
    row = session.get(ApiToken, token_hash(token))
    if row is None or row.revoked or (row.label == SESSION) != session_token:
        return None
    if max_age is not None and datetime.fromisoformat(row.created_at) < datetime.now(UTC) - max_age:
        return None
    user = session.get(User, row.user_id)
    return user if user is not None and user.active else None


def revoke_token(record: Record, token: str) -> None:
    with record.session() as session:
        session.execute(update(ApiToken).where(ApiToken.token_hash == token_hash(token)).values(revoked=True))
        session.commit()


def forget_stale_sessions(record: Record, user_id: int, max_age: timedelta) -> None:
    """Drop a user's revoked and expired web sessions (kept tidy at each sign-in)."""
    oldest = (datetime.now(UTC) - max_age).isoformat(timespec="microseconds")
    with record.session() as session:
        session.execute(
            delete(ApiToken).where(
                ApiToken.user_id == user_id, ApiToken.label == SESSION,
                (ApiToken.revoked == True) | (ApiToken.created_at < oldest),  # noqa: E712
            )
        )  # fmt: skip
        session.commit()


# --- managing accounts: each a ledger decision, so `audit verify` stays green ----------------


def deactivate(review: Review, name: str, rationale: str = "") -> Done:
    """Sign the user out everywhere and revoke their tokens; their decisions stay theirs."""
    return _change_user(review, name, "user.deactivated", {"active": False}, rationale, revoke=ALL_TOKENS)


def reactivate(review: Review, name: str, rationale: str = "") -> Done:
    return _change_user(review, name, "user.reactivated", {"active": True}, rationale)


def change_role(review: Review, name: str, role: str, rationale: str = "") -> Done:
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    return _change_user(review, name, "user.role_changed", {"role": role}, rationale)


def reset_password(review: Review, name: str, password: str, rationale: str = "") -> Done:
    """A new password; every web session of the user ends (API tokens stay: revoke them apart)."""
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"a password needs at least {MIN_PASSWORD} characters")
    hashed = _hasher.hash(password)  # before the write lock: argon2 takes a while
    return _change_user(review, name, "user.password_reset", {}, rationale, revoke=SESSIONS_ONLY, password_hash=hashed)


ALL_TOKENS, SESSIONS_ONLY = "all", "sessions"


def _change_user(review: Review, name: str, action: str, values: dict, rationale: str,
                 revoke: str | None = None, password_hash: str | None = None) -> Done:  # fmt: skip
    policy.require_admin(review.role, "managing accounts")
    with review.ledger.writer(review.actor, review.origin) as w:
        found = w.session.execute(select(User.id, User.role, User.active).where(User.name == name)).first()
        if found is None:
            raise NotFound(f"no user {name!r}")
        if found.role == "admin" and found.active and (values.get("active") is False or values.get("role", "admin") != "admin"):
            _keep_an_admin(w.session, found.id)
        state = w.apply(Change(action, "user", found.id, values, rationale=rationale))
        if password_hash:
            w.session.execute(update(Credential).where(Credential.user_id == found.id).values(password_hash=password_hash))
        if revoke:
            which = ApiToken.user_id == found.id
            if revoke == SESSIONS_ONLY:
                which = which & (ApiToken.label == SESSION)
            w.session.execute(update(ApiToken).where(which).values(revoked=True))
        return Done(state, decisions=[w.seq])


def _keep_an_admin(session: Session, user_id: int) -> None:
    others = session.execute(select(User.id).where(User.role == "admin", User.active == True, User.id != user_id)).first()  # noqa: E712
    if others is None:
        raise AccountError("this is the last active admin: make another admin first")


def api_tokens(record: Record, name: str) -> list[dict]:
    """A user's API tokens (never their secrets): label, created, revoked, and a short id to revoke by."""
    with record.session() as session:
        user = session.execute(select(User.id).where(User.name == name)).scalar()
        if user is None:
            raise NotFound(f"no user {name!r}")
        rows = session.execute(select(ApiToken).where(ApiToken.user_id == user, ApiToken.label != SESSION).order_by(ApiToken.created_at))
        return [{"id": t.token_hash[:12], "label": t.label.removeprefix("api:"), "created_at": t.created_at, "revoked": t.revoked}
                for t in rows.scalars()]  # fmt: skip


def revoke_api_tokens(record: Record, name: str, token_id: str | None = None) -> int:
    """Revoke one API token (by the id `api_tokens` shows) or all of a user's; how many were revoked."""
    ids = [t["id"] for t in api_tokens(record, name) if not t["revoked"] and (token_id is None or t["id"] == token_id)]
    if token_id is not None and not ids:
        raise NotFound(f"no live API token {token_id!r} of {name!r}")
    with record.session() as session:
        for short in ids:
            session.execute(update(ApiToken).where(ApiToken.token_hash.startswith(short), ApiToken.label != SESSION).values(revoked=True))
        session.commit()
    return len(ids)
