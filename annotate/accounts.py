"""Accounts: users are ledger objects; their secrets are not.

A user is created by a `user.added` decision, so every decision's actor can be traced to
who added them and when. Password hashes (argon2id) live in `Credential`, and tokens
(API tokens and web sessions alike) in `ApiToken` as sha256 hashes: secrets never enter
the hash-chained, exportable ledger.
"""

import hashlib
import math
import random
import re
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from annotate.errors import Busy, Invalid, NotFound
from annotate.review import policy
from annotate.review.operations import Done, Review
from annotate.review.policy import ROLES
from annotate.store.db import is_sqlite, state_session
from annotate.store.ledger import Change, utc_now
from annotate.store.models import ApiToken, Credential, SigninFailure, User
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
    if not weak_ok:
        check_password_strength(password, name)
    with record.ledger.writer(actor, origin) as w:
        if w.session.execute(select(User.id).where(User.name == name)).first():
            raise AccountError(f"user {name!r} exists already")
        user = w.apply(Change("user.added", "user", set={"name": name, "role": role, "active": True}))
        w.session.execute(insert(Credential), [{"user_id": user["id"], "password_hash": _hasher.hash(password)}])
        return user


# Guessed first by anyone trying passwords (lowercased); longer ones pass the other rules or fail on repetition.
COMMON = {
    "password",
    "passw0rd",
    "password1",
    "12345678",
    "123456789",
    "1234567890",
    "qwertyui",
    "qwerty123",
    "iloveyou",
    "abcdefgh",
    "abcd1234",
    "changeme",
    "letmein1",
    "welcome1",
    "trustno1",
    "sunshine",
    "football",
    "baseball",
    "princess",
    "superman",
    "11111111",
    "00000000",
    "admin123",
    "administrator",
    "claimtrail",
}


def check_password_strength(password: str, name: str = "") -> None:
    """Refuse passwords a guesser tries first: short, well known, the user's name, one character
    or a short unit repeated, or too few different characters (a passphrase of words passes)."""
    lowered = password.lower()
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"a password needs at least {MIN_PASSWORD} characters")
    if lowered in COMMON or lowered.rstrip("0123456789!.") in COMMON:
        raise AccountError("that password is among the first ones guessed; choose another (a few words make a good one)")
    if len(name) >= 3 and name.lower() in lowered:
        raise AccountError("a password must not contain the user's name")
    repeated = any(password == password[:unit] * (len(password) // unit) for unit in range(1, len(password) // 2 + 1))
    if repeated or len(set(password)) < 5:
        raise AccountError("a password needs more different characters than that (no short part repeated)")


def authenticate(record: Record, name: str, password: str) -> User | None:
    """The active user with this name and password, or None; rehashes outdated hashes.

    At most HASHING checks run at once per process (argon2id takes 64 MiB and ~0.3 s each):
    a flood of sign-ins waits for a slot, up to HASH_WAIT seconds, then is told to retry
    (Busy, 503), instead of taking every thread and a gigabyte of memory from everyone else
    (issue 13, finding 4). The web server does the same without holding a thread while it
    waits (server/auth.py): `find_credential`, `check_password`, `finish_sign_in`."""
    found = find_credential(record, name)
    if not _HASHING.acquire(timeout=HASH_WAIT):
        raise Busy("too many sign-ins at once; try again in a moment")
    try:
        checked = check_password(found, password)
    finally:
        _HASHING.release()
    return finish_sign_in(record, found, checked)


@dataclass
class Found:
    user: User | None
    stored: str  # the password hash to check against (a dummy one for an unknown name: same timing)
    real: bool  # a credential of an existing user


def find_credential(record: Record, name: str) -> Found:
    """The user and their password hash, read with no connection kept (the check takes a while)."""
    with record.session() as session:
        user = session.execute(select(User).where(User.name == name)).scalar_one_or_none()
        credential = session.get(Credential, user.id) if user else None
        if user is not None:
            session.expunge(user)
    return Found(user, credential.password_hash if credential else _dummy(), credential is not None)


def check_password(found: Found, password: str) -> tuple[bool, str | None]:
    """(the password matches, a new hash when the stored one has outdated parameters): the slow part."""
    try:
        _hasher.verify(found.stored, password)
    except (VerificationError, InvalidHashError):
        return False, None
    rehashed = _hasher.hash(password) if found.real and _hasher.check_needs_rehash(found.stored) else None
    return True, rehashed


def finish_sign_in(record: Record, found: Found, checked: tuple[bool, str | None]) -> User | None:
    ok, rehashed = checked
    user = found.user
    if not ok or not found.real or user is None or not user.active:
        return None
    if rehashed:
        with record.session() as session:
            session.execute(update(Credential).where(Credential.user_id == user.id).values(password_hash=rehashed))
            session.commit()
    return user


HASHING, HASH_WAIT = 2, 5.0  # concurrent password checks per process; seconds a sign-in waits for one
_HASHING = threading.BoundedSemaphore(HASHING)


# --- sign-in throttling, shared by every process through the database --------------------


@dataclass(frozen=True)
class Delays:
    """After `free` failures in a row, each attempt waits: `first` seconds, doubling up to `cap`.

    A delay, never a lockout: once it has passed, the right password signs in. Failures older
    than `forget` seconds no longer count."""

    free: int
    first: float
    cap: float
    forget: float = 3600.0

    def after(self, failures: int) -> float:
        return 0.0 if failures < self.free else min(self.cap, self.first * 2 ** min(failures - self.free, 30))


PURGE_CHANCE = 0.01  # of an attempt also deleting the rows whose failures were forgotten
PER_PAIR = Delays(free=5, first=1.0, cap=120.0)  # one address guessing one account: at most one try every 2 minutes
PER_NAME = Delays(free=30, first=1.0, cap=15.0)  # one account from every address: looser, it holds its owner too
PER_ADDRESS = Delays(free=20, first=1.0, cap=60.0)  # many accounts from one address (a newsroom shares one)
TRUSTED_FOR = 30 * 86400.0  # seconds an address an account signed in from is spared the account's cap


class SigninThrottle:
    """Growing delays per (account, address) pair, per account and per address, kept in the
    `signin_failure` table.

    The pair's delays are the tight ones: a guesser at one address is slowed to one try every
    2 minutes without keeping the account's owner out from anywhere else (delays per account
    alone let one guesser hold any account at 2-minute waits for everyone). The account's own
    count is looser (30 free failures, waits up to 15 s) and slows guesses spread over many
    addresses; an address the account signed in from within 30 days is spared it, so the owner
    at a known desk is never held by a distributed guesser. The address's count slows one
    address trying many accounts.

    An attempt counts as a failure from the moment it is let through (`attempt`) until it
    succeeds, in one locked transaction: concurrent guesses cannot all slip past the limit
    while their passwords are checked (40 concurrent guesses used to be all checked), and
    every server process, and a restarted one, sees the same counts."""

    def __init__(self, record: Record, per_pair: Delays = PER_PAIR, per_name: Delays = PER_NAME, per_address: Delays = PER_ADDRESS, clock=time.time):
        self.record, self.clock = record, clock
        self.delays = {"pair": per_pair, "name": per_name, "address": per_address}

    @staticmethod
    def _keys(name: str, address: str, trusted: bool = False) -> list[str]:
        """The counts an attempt meets (the account's own only from an address not trusted).
        Within the key's 200 characters; names longer than 64 never sign in anyway."""
        name = name.lower()
        keys = [f"pair:{_pair(name, address)}", f"address:{address[:150]}"]
        return keys if trusted else [*keys, f"name:{name[:150]}"]

    def attempt(self, name: str, address: str) -> int:
        """Seconds to wait before trying again (nothing counted), or 0: go ahead, counted as a failure."""
        now = self.clock()
        with self._locked(self._keys(name, address, self._trusted(name, address, now))) as (session, rows):
            wait = max(row.blocked_until - now for row in rows)
            if wait > 0:
                return math.ceil(wait)
            for row in rows:
                policy = self._policy(row)
                failures = (0 if now - row.last_at > policy.forget else row.failures) + 1
                delay = policy.after(failures)
                self._set(session, row.key, failures, now, now + delay if delay else 0.0)
            if random.random() < PURGE_CHANCE:  # now and then, forget what no longer counts (a spray of made-up names)
                self._purge(session, now)
            return 0

    def succeeded(self, name: str, address: str) -> None:
        """The right password: the pair starts afresh, the account and the address get their
        attempt back, and the address is trusted for this account from now on."""
        self._give_back(name, address, signed_in=True)

    def abandoned(self, name: str, address: str) -> None:
        """The password was never checked (the server was busy): the attempt does not count."""
        self._give_back(name, address, signed_in=False)

    def _give_back(self, name: str, address: str, signed_in: bool) -> None:
        now = self.clock()
        trust = f"trusted:{_pair(name.lower(), address)}"
        keys = self._keys(name, address, self._trusted(name, address, now))
        with self._locked([*keys, trust] if signed_in else keys) as (session, rows):
            for row in rows:
                if row.key == trust:
                    self._set(session, trust, 0, now, 0.0)  # signed in from here at `now`
                    continue
                failures = 0 if signed_in and row.key.startswith("pair:") else max(0, row.failures - 1)
                blocked = row.blocked_until if failures >= self._policy(row).free else 0.0
                self._set(session, row.key, failures, row.last_at, blocked)

    def _trusted(self, name: str, address: str, now: float) -> bool:
        """Whether the account signed in from this address within TRUSTED_FOR."""
        with self.record.session() as session:
            since = session.execute(select(SigninFailure.last_at).where(SigninFailure.key == f"trusted:{_pair(name.lower(), address)}")).scalar()
        return since is not None and now - since <= TRUSTED_FOR

    def _policy(self, row) -> Delays:
        return self.delays[row.key.partition(":")[0]]

    def _purge(self, session: Session, now: float) -> None:
        forget = {kind: delays.forget for kind, delays in self.delays.items()} | {"trusted": TRUSTED_FOR}
        for kind, seconds in forget.items():
            stale = SigninFailure.key.startswith(f"{kind}:"), SigninFailure.last_at < now - seconds, SigninFailure.blocked_until < now
            session.execute(delete(SigninFailure).where(*stale))

    @staticmethod
    def _set(session: Session, key: str, failures: int, last_at: float, blocked_until: float) -> None:
        values = {"failures": failures, "last_at": last_at, "blocked_until": blocked_until}
        session.execute(update(SigninFailure).where(SigninFailure.key == key).values(**values))

    @contextmanager
    def _locked(self, keys: list[str]) -> Iterator[tuple[Session, list]]:
        """The rows of these keys (made when missing), locked until the transaction commits:
        SQLite's write lock, PostgreSQL's row locks taken in key order (not the ledger's lock: sign-ins never queue behind writes)."""
        engine = self.record.engine
        table = SigninFailure.__table__  # type: ignore[attr-defined]
        dialect = sqlite_insert if is_sqlite(engine) else pg_insert
        with state_session(engine) as session:
            session.execute(dialect(table).values([{"key": k} for k in sorted(keys)]).on_conflict_do_nothing())
            rows = session.execute(select(table).where(table.c.key.in_(keys)).order_by(table.c.key).with_for_update()).all()
            yield session, rows
            session.commit()


def _pair(name: str, address: str) -> str:
    """An account and an address in one key: "<name>@<address>" (addresses hold no "@")."""
    return f"{name[:100]}@{address[:90]}"


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
                ApiToken.user_id == user_id,
                ApiToken.label == SESSION,
                (ApiToken.revoked == True) | (ApiToken.created_at < oldest),  # noqa: E712
            )
        )
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
    check_password_strength(password, name)
    hashed = _hasher.hash(password)  # before the write lock: argon2 takes a while
    return _change_user(review, name, "user.password_reset", {}, rationale, revoke=SESSIONS_ONLY, password_hash=hashed)


ALL_TOKENS, SESSIONS_ONLY = "all", "sessions"


def _change_user(review: Review, name: str, action: str, values: dict, rationale: str, revoke: str | None = None, password_hash: str | None = None) -> Done:
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
        return [{"id": t.token_hash[:12], "label": t.label.removeprefix("api:"), "created_at": t.created_at, "revoked": t.revoked} for t in rows.scalars()]


def revoke_api_tokens(review: Review, name: str, token_id: str | None = None, rationale: str = "") -> Done:
    """Revoke one API token (by the id `api_tokens` shows) or all of a user's, as a decision
    naming the tokens by their short ids (never their secrets); admins only."""
    policy.require_admin(review.role, "managing accounts")
    with review.ledger.writer(review.actor, review.origin) as w:
        user = w.session.execute(select(User.id).where(User.name == name)).scalar()
        if user is None:
            raise NotFound(f"no user {name!r}")
        live = select(ApiToken.token_hash).where(ApiToken.user_id == user, ApiToken.label != SESSION, ApiToken.revoked == False)  # noqa: E712
        ids = [h[:12] for h in w.session.execute(live.order_by(ApiToken.created_at)).scalars() if token_id is None or h[:12] == token_id]
        if not ids:
            raise NotFound(f"no live API token {token_id!r} of {name!r}" if token_id else f"{name!r} has no live API token")
        state = w.apply(Change("user.tokens_revoked", "user", user, {}, rationale=rationale, evidence=({"tokens": ids},)))
        for short in ids:
            w.session.execute(update(ApiToken).where(ApiToken.token_hash.startswith(short), ApiToken.user_id == user).values(revoked=True))
        return Done(state, decisions=[w.seq], warnings=[f"revoked {len(ids)} token(s)"])
