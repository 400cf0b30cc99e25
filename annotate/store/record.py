"""Opening the record: settings → engine → ledger with its checkpoint signer."""

from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import Session

from annotate.config import Settings
from annotate.store.checkpoints import Signer, create_key
from annotate.store.db import make_engine, require_current_schema, set_home, upgrade
from annotate.store.ledger import Ledger


@dataclass
class Record:
    settings: Settings
    engine: Engine
    ledger: Ledger

    @classmethod
    def open(cls, settings: Settings, check_schema: bool = True) -> "Record":
        engine = make_engine(settings.resolved_database_url, settings.db_pool, settings.db_wait)
        set_home(engine, settings.home)
        if check_schema:
            require_current_schema(engine)
        signer = Signer.from_files(settings.resolved_key_file, settings.checkpoint_file)
        return cls(settings, engine, Ledger(engine, signer, settings.checkpoint_every))

    @classmethod
    def init(cls, settings: Settings) -> "Record":
        """Create or upgrade the schema, and the checkpoint key if there is none."""
        if not settings.resolved_key_file.exists():
            create_key(settings.resolved_key_file)
        record = cls.open(settings, check_schema=False)
        upgrade(record.engine)
        return record

    def session(self) -> Session:
        return Session(self.engine)
