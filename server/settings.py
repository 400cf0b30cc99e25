"""The web app's settings, read from the environment by whoever starts the server."""

import ipaddress
import os
import secrets
from dataclasses import dataclass, field, replace

from annotate.config import Settings
from annotate.errors import Invalid

# Secrets seen in examples and templates: a deployment using one of them has no secret.
DEFAULT_SECRETS = {"", "secret", "changeme", "change-me", "change_me", "dev", "development", "test", "claimtrail", "insecure"}
MIN_SECRET = 32
WEB_WAIT = 3.0  # seconds a web request waits for the write lock or a connection (commands wait 30)
MIN_DISTINCT = 8  # 32 random hex digits show ~14 different ones; "aaaa…" or "abab…" are guessable


class InsecureSettings(Invalid):
    """The server must not start like this."""


@dataclass(frozen=True)
class ServerSettings:
    record: Settings = field(default_factory=Settings)
    secret: str = ""
    demo: bool = False
    https: bool = False  # force Secure cookies (otherwise Secure whenever the request came over HTTPS)
    session_hours: float = 12.0
    token_days: float = 90.0  # API tokens expire after this many days (0: never)
    trusted_proxies: tuple = ()  # networks whose X-Forwarded-For is believed (ipaddress networks)
    upload_max_mb: float = 200.0  # one upload on the upload page, archives counted unpacked
    upload_max_files: int = 1000  # files in one upload, counting those inside archives

    @classmethod
    def from_env(cls, demo: bool = False) -> "ServerSettings":
        env = os.environ
        record = Settings.from_env()
        if "CLAIMTRAIL_DB_WAIT" not in env:  # a web request answers 503 + Retry-After rather than keep its user waiting
            record = replace(record, db_wait=WEB_WAIT)
        return cls(
            record=record,
            secret=env.get("CLAIMTRAIL_SECRET", ""),
            demo=demo,
            https=env.get("CLAIMTRAIL_HTTPS", "") in ("1", "true", "yes"),
            session_hours=float(env.get("CLAIMTRAIL_SESSION_HOURS", "12")),
            token_days=float(env.get("CLAIMTRAIL_TOKEN_DAYS", "90")),
            trusted_proxies=networks(env.get("CLAIMTRAIL_TRUSTED_PROXIES", "")),
            upload_max_mb=float(env.get("CLAIMTRAIL_UPLOAD_MAX_MB", "200")),
            upload_max_files=int(env.get("CLAIMTRAIL_UPLOAD_MAX_FILES", "1000")),
        )

    def checked(self) -> "ServerSettings":
        """These settings, or InsecureSettings; demo mode invents a secret for this run."""
        if strong(self.secret):
            return self
        if self.demo:
            return replace(self, secret=secrets.token_urlsafe(32), demo=True)
        raise InsecureSettings(
            "CLAIMTRAIL_SECRET is missing, a well-known default, shorter than 32 characters, or guessable "
            "(a word repeated, few different characters). "
            "Set it to a random value, e.g.  export CLAIMTRAIL_SECRET=\"$(python -c 'import secrets; print(secrets.token_urlsafe(32))')\""
        )


def strong(secret: str) -> bool:
    """Long, not a default, not a short unit repeated ("changeme" * 4), enough different characters."""
    if secret.strip().lower() in DEFAULT_SECRETS or len(secret) < MIN_SECRET or len(set(secret)) < MIN_DISTINCT:
        return False
    return not any(secret == (secret[:unit] * (len(secret) // unit + 1))[: len(secret)] for unit in range(1, len(secret) // 2 + 1))


def networks(listed: str) -> tuple:
    """Addresses or networks, comma-separated ("10.0.0.5, 172.16.0.0/12"); refuses what is neither."""
    found = []
    for item in filter(None, (part.strip() for part in listed.split(","))):
        try:
            found.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise InsecureSettings(f"CLAIMTRAIL_TRUSTED_PROXIES: {item!r} is not an address or a network (e.g. 10.0.0.5 or 10.0.0.0/8)") from None
    return tuple(found)
