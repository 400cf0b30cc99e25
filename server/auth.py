"""Signing in and out, session cookies, CSRF tokens, login throttling.

A web session is a random token stored hashed (see annotate.accounts), so signing out
ends it on the server, and a new one is issued at every sign-in. The cookie holds the
token signed with the server secret. CSRF tokens are an HMAC of the session token (or,
before sign-in, of a random pre-session cookie), sent by htmx in a header set on <body>
and by plain forms in a hidden field. Requests with `Authorization: Bearer` carry no
cookies' authority, so they need no CSRF token.
"""

import asyncio
import hashlib
import hmac
import ipaddress
import secrets
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from functools import cache

import anyio
from fastapi import HTTPException, Request, Response
from itsdangerous import BadSignature, TimestampSigner

from annotate import accounts
from annotate.errors import Busy
from annotate.jobs.priority import LOWEST, lower_this_thread
from annotate.store.record import Record
from server.settings import ServerSettings
from server.uploads import read_form

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
SIGNIN_THREADS = 4  # threads sign-ins use for their database steps, at most, per process
CSRF_HEADER, CSRF_FIELD = "X-CSRF-Token", "csrf_token"
PRE_COOKIE = "ct_pre"


class NotSignedIn(Exception):
    pass


class Auth:
    def __init__(self, settings: ServerSettings, record: Record):
        self.settings, self.record = settings, record
        self.signer = TimestampSigner(settings.secret, salt="claimtrail.session")
        self.max_age = timedelta(hours=settings.session_hours)
        self.token_max_age = timedelta(days=settings.token_days) if settings.token_days > 0 else None
        self.throttle = accounts.SigninThrottle(record)
        # Password checks: at most HASHING at once; a sign-in waiting for a slot holds no thread.
        self.hashing = anyio.CapacityLimiter(accounts.HASHING)
        # Sign-ins' database steps on a few threads of their own: a flood of them queues here
        # rather than taking every worker thread from other requests.
        self.signin_threads = anyio.CapacityLimiter(SIGNIN_THREADS)

    # --- cookies ----------------------------------------------------------------------

    def secure(self, request: Request) -> bool:
        if self.settings.https or request.url.scheme == "https":
            return True
        peer = request.client.host if request.client else ""
        return _within(peer, self.settings.trusted_proxies) and request.headers.get("x-forwarded-proto") == "https"

    def cookie_name(self, request: Request) -> str:
        # __Host- cookies are only accepted over HTTPS, for this host and path "/"
        return "__Host-ct_session" if self.secure(request) else "ct_session"

    def session_token(self, request: Request) -> str | None:
        return self.session_token_from(request.cookies.get(self.cookie_name(request)))

    def session_token_from(self, cookie: str | None) -> str | None:
        """The session token inside a signed cookie value (None if unsigned, forged or too old)."""
        if not cookie:
            return None
        try:
            return self.signer.unsign(cookie, max_age=int(self.max_age.total_seconds())).decode()
        except BadSignature:
            return None

    def _set_cookie(self, request: Request, response: Response, name: str, value: str, max_age: int | None) -> None:
        response.set_cookie(name, value, max_age=max_age, path="/", httponly=True, samesite="lax", secure=self.secure(request))

    # --- signing in and out -------------------------------------------------------------

    async def check_password(self, name: str, password: str):
        """The active user with this name and password, or None; Busy when no password check
        could start within accounts.HASH_WAIT seconds. Waiting takes no thread and no memory
        to speak of, so a flood of sign-ins leaves the server to everyone else."""
        found = await self.in_thread(accounts.find_credential, self.record, name)
        with anyio.move_on_after(accounts.HASH_WAIT) as waited:
            await self.hashing.acquire()
        if waited.cancelled_caught:
            raise Busy("too many sign-ins at once; try again in a moment")
        try:
            checked = await asyncio.get_running_loop().run_in_executor(_hash_pool(), accounts.check_password, found, password)
        finally:
            self.hashing.release()
        return await self.in_thread(accounts.finish_sign_in, self.record, found, checked)

    async def in_thread(self, function, *args):
        """A sign-in's blocking step, on one of the sign-ins' own threads."""
        return await anyio.to_thread.run_sync(function, *args, limiter=self.signin_threads)

    def client_address(self, request: Request) -> str:
        return client_address(request, self.settings.trusted_proxies)

    def sign_in(self, request: Request, response: Response, user_id: int) -> None:
        """A fresh session (never the one the browser came with), and the old one ended."""
        self.sign_out(request, response)
        accounts.forget_stale_sessions(self.record, user_id, self.max_age)
        token = accounts.issue_token(self.record, user_id, accounts.SESSION)
        self._set_cookie(request, response, self.cookie_name(request), self.signer.sign(token).decode(), int(self.max_age.total_seconds()))
        response.delete_cookie(PRE_COOKIE, path="/")

    def sign_out(self, request: Request, response: Response) -> None:
        token = self.session_token(request)
        if token:
            accounts.revoke_token(self.record, token)
        response.delete_cookie(self.cookie_name(request), path="/", secure=self.secure(request), httponly=True, samesite="lax")

    def pre_session(self, request: Request) -> str:
        """The anonymous token the sign-in form's CSRF token is bound to (kept by `keep_pre_session`)."""
        request.state.pre_token = request.cookies.get(PRE_COOKIE) or secrets.token_urlsafe(32)
        return request.state.pre_token

    def keep_pre_session(self, request: Request, response: Response) -> None:
        self._set_cookie(request, response, PRE_COOKIE, request.state.pre_token, 3600)

    # --- CSRF ---------------------------------------------------------------------------

    def csrf_for(self, bound_to: str) -> str:
        return hmac.new(self.settings.secret.encode(), b"csrf|" + bound_to.encode(), hashlib.sha256).hexdigest()

    def csrf_token(self, request: Request) -> str:
        bound = self.session_token(request) or getattr(request.state, "pre_token", None) or request.cookies.get(PRE_COOKIE, "")
        return self.csrf_for(bound) if bound else ""

    async def check_csrf(self, request: Request) -> None:
        """Every state-changing request made with cookies must come from our own pages."""
        if request.method in SAFE_METHODS or bearer_token(request):
            return
        if request.headers.get("sec-fetch-site") == "cross-site" or not same_origin(request):
            raise HTTPException(403, "cross-site request refused")
        sent = request.headers.get(CSRF_HEADER)
        if sent is None and _is_form(request):
            sent = (await read_form(request)).get(CSRF_FIELD)  # an upload's within its limits, spooled to disk
        expected = self.csrf_token(request)
        if not sent or not expected or not hmac.compare_digest(str(sent), expected):
            raise HTTPException(403, "missing or invalid CSRF token; reload the page and try again")


@cache
def _hash_pool() -> ThreadPoolExecutor:
    """The threads that check passwords (one process's HASHING), at the lowest CPU priority:
    argon2id keeps a core busy for a good fraction of a second, and a flood of sign-ins must
    not slow everyone else's requests (issue 13: another user's call went from 5 ms to 8 s)."""
    return ThreadPoolExecutor(accounts.HASHING, thread_name_prefix="password-check", initializer=lower_this_thread, initargs=(LOWEST,))


def bearer_token(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def same_origin(request: Request) -> bool:
    """An Origin header, when the browser sends one, must name this host."""
    origin = request.headers.get("origin")
    if not origin:
        return True
    host = origin.split("://", 1)[-1].rstrip("/")
    return host == request.headers.get("host", "")


def _is_form(request: Request) -> bool:
    kind = request.headers.get("content-type", "")
    return kind.startswith("application/x-www-form-urlencoded") or kind.startswith("multipart/form-data")


def client_address(request: Request, trusted_proxies: tuple = ()) -> str:
    """Who is signing in: the connecting address, unless it is one of our own proxies
    (CLAIMTRAIL_TRUSTED_PROXIES); then X-Forwarded-For read from the right, each trusted hop
    skipped, the first other address taken. From anyone else the header is ignored: a client
    cannot name itself a fresh address for every guess."""
    peer = request.client.host if request.client else "unknown"
    if not trusted_proxies or not _within(peer, trusted_proxies):
        return peer
    hops = [h.strip() for h in ",".join(request.headers.getlist("x-forwarded-for")).split(",") if h.strip()]
    for hop in reversed(hops):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return peer  # garbage in the header: the proxy's own address, not a made-up one
        if not _within(hop, trusted_proxies):
            return hop
        peer = hop
    return peer


def _within(address: str, networks: tuple) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip.version == net.version and ip in net for net in networks)
