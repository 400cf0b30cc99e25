"""Settings, read from the environment once by whoever starts the program."""

import os
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    home: Path = field(default_factory=lambda: Path(".claimtrail"))
    database_url: str = ""
    key_file: Path | None = None  # Ed25519 key that signs ledger checkpoints; kept outside the database
    checkpoint_every: int = 1000
    db_pool: int = 10  # connections kept for reads per process (as many again in a burst)
    db_wait: float = 30.0  # seconds to wait for a connection or the write lock before "busy" (the web server: 3)

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.home / 'claimtrail.sqlite'}"

    @property
    def resolved_key_file(self) -> Path:
        return self.key_file or self.home / "keys" / "ledger.key"

    @property
    def checkpoint_file(self) -> Path:
        """Copies of signed checkpoints, beside the key and outside the database."""
        return self.resolved_key_file.with_name("checkpoints.jsonl")

    @classmethod
    def from_env(cls, database_url: str | None = None) -> "Settings":
        env = os.environ
        return cls(
            home=Path(env.get("CLAIMTRAIL_HOME", ".claimtrail")),
            database_url=database_url or env.get("CLAIMTRAIL_DATABASE_URL", ""),
            key_file=Path(env["CLAIMTRAIL_KEY_FILE"]) if env.get("CLAIMTRAIL_KEY_FILE") else None,
            checkpoint_every=int(env.get("CLAIMTRAIL_CHECKPOINT_EVERY", "1000")),
            db_pool=int(env.get("CLAIMTRAIL_DB_POOL", "10")),
            db_wait=float(env.get("CLAIMTRAIL_DB_WAIT", "30")),
        )
