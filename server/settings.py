"""The web app's settings, read from the environment by whoever starts the server."""

import os
import secrets
from dataclasses import dataclass, field

from annotate.config import Settings
from annotate.errors import Invalid

# Secrets seen in examples and templates: a deployment using one of them has no secret.
DEFAULT_SECRETS = {"", "secret", "changeme", "change-me", "change_me", "dev", "development", "test", "claimtrail", "insecure"}
MIN_SECRET = 32


class InsecureSettings(Invalid):
    """The server must not start like this."""


@dataclass(frozen=True)
class ServerSettings:
    record: Settings = field(default_factory=Settings)
    secret: str = ""
    demo: bool = False
    https: bool = False  # force Secure cookies (otherwise Secure whenever the request came over HTTPS)
    session_hours: float = 12.0

    @classmethod
    def from_env(cls, demo: bool = False) -> "ServerSettings":
        env = os.environ
        return cls(
            record=Settings.from_env(),
            secret=env.get("CLAIMTRAIL_SECRET", ""),
            demo=demo,
            https=env.get("CLAIMTRAIL_HTTPS", "") in ("1", "true", "yes"),
            session_hours=float(env.get("CLAIMTRAIL_SESSION_HOURS", "12")),
        )

    def checked(self) -> "ServerSettings":
        """These settings, or InsecureSettings; demo mode invents a secret for this run."""
        if self.secret.strip().lower() not in DEFAULT_SECRETS and len(self.secret) >= MIN_SECRET:
            return self
        if self.demo:
            return ServerSettings(self.record, secrets.token_urlsafe(32), True, self.https, self.session_hours)
        raise InsecureSettings(
            "CLAIMTRAIL_SECRET is missing, a well-known default, or shorter than 32 characters. "
            'Set it to a random value, e.g.  export CLAIMTRAIL_SECRET="$(python -c \'import secrets; print(secrets.token_urlsafe(32))\')"'
        )
