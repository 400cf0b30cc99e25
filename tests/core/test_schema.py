"""`claimtrail init` creates or upgrades; nothing opens a database whose schema is behind."""

import pytest

from alembic import command
from annotate.config import Settings
from annotate.store.db import SchemaOutOfDate, alembic_config, make_engine, schema_status
from annotate.store.record import Record


def test_an_old_schema_is_refused_with_the_fix_and_init_upgrades_it(tmp_path):
    settings = Settings(home=tmp_path)
    url = settings.resolved_database_url
    engine = make_engine(url)
    config = alembic_config(url)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
    with pytest.raises(SchemaOutOfDate, match="claimtrail init"):
        Record.open(settings)
    Record.init(settings)
    current, head = schema_status(engine)
    assert current == head != "0001"
    Record.open(settings)  # now accepted


def test_an_empty_database_says_it_has_no_schema(tmp_path):
    with pytest.raises(SchemaOutOfDate, match="has no Claimtrail schema"):
        Record.open(Settings(home=tmp_path))
