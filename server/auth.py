"""Signing in and out, session cookies, CSRF tokens, login throttling.

A web session is a random token stored hashed (see annotate.accounts), so signing out
ends it on the server, and a new one is issued at every sign-in. The cookie holds the
token signed with the server secret. CSRF tokens are an HMAC of the session token (or,
before sign-in, of a random pre-session cookie), sent by htmx in a header set on <body>
and by plain forms in a hidden field. Requests with `Authorization: Bearer` carry no
cookies' authority, so they need no CSRF token.
"""

import hashlib
import hmac
import secrets
import threading
import time
from collections import defaultdict, deque
from datetime import timedelta

from fastapi import HTTPException, Request, Response
from itsdangerous import BadSignature, TimestampSigner

from annotate import accounts
from annotate.store.record import Record
from server.settings import ServerSettings

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
CSRF_HEADER, CSRF_FIELD = "X-CSRF-Token", "csrf_token"
PRE_COOKIE = "ct_pre"


class NotSignedIn(Exception):
    pass


class Throttle:
    """Refuse sign-in for a while after too many failures for one name or one address.

    An attempt counts as a failure from the moment it is let through (`attempt`) until it
    succeeds, under a lock: concurrent guesses cannot all slip past the limit while the
    password hashes are checked (issue 13, finding 4: 40 concurrent guesses were all checked).
    """

    def __init__(self, per_name: int = 5, per_address: int = 20, window: float = 900.0):
        self.limits = {"name": per_name, "address": per_address}
        self.window = window
        self.failures: dict[tuple[str, str], deque] = defaultdict(deque)
        self.lock = threading.Lock()

    def _recent(self, key: tuple[str, str]) -> deque:
        times, cutoff = self.failures[key], time.monotonic() - self.window
        while times and times[0] < cutoff:
            times.popleft()
        return times

    def retry_after(self, name: str, address: str) -> int:
        """Seconds until another attempt is allowed (0: allowed now)."""
        waits = [
            self.window - (time.monotonic() - times[0])
            for key in (("name", name.lower()), ("address", address))
            if len(times := self._recent(key)) >= self.limits[key[0]]
        ]
        return int(max(waits, default=0)) + (1 if waits else 0)

    def attempt(self, name: str, address: str) -> tuple[int, float]:
        """(seconds to wait, 0) if refused; else (0, the attempt's mark), counted as a failure until `succeeded`."""
        with self.lock:
            wait = self.retry_after(name, address)
            if wait:
                return wait, 0.0
            mark = time.monotonic()
            self.failures[("name", name.lower())].append(mark)
            self.failures[("address", address)].append(mark)
            return 0, mark

    def failed(self, name: str, address: str) -> None:
        now = time.monotonic()
        with self.lock:
            self.failures[("name", name.lower())].append(now)
            self.failures[("address", address)].append(now)

    def succeeded(self, name: str, address: str | None = None, mark: float | None = None) -> None:
        with self.lock:
            self.failures.pop(("name", name.lower()), None)
            times = self.failures.get(("address", address or ""))
            if times is not None and mark in times:
                times.remove(mark)


class Auth:
    def __init__(self, settings: ServerSettings, record: Record):
        self.settings, self.record = settings, record
        self.signer = TimestampSigner(settings.secret, salt="claimtrail.session")
        self.max_age = timedelta(hours=settings.session_hours)
        self.token_max_age = timedelta(days=settings.token_days) if settings.token_days > 0 else None
        self.throttle = Throttle()

    # --- cookies ----------------------------------------------------------------------

    def secure(self, request: Request) -> bool:
        return self.settings.https or request.url.scheme == "https"

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
            sent = (await request.form()).get(CSRF_FIELD)
        expected = self.csrf_token(request)
        if not sent or not expected or not hmac.compare_digest(str(sent), expected):
            raise HTTPException(403, "missing or invalid CSRF token; reload the page and try again")


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


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"
