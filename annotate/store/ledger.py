"""The ledger: the single door through which every change to the record passes.

A `Change` names an object and the fields to set. `Ledger.writer()` opens one write
transaction; each `apply()` appends a hash-chained `Decision` holding the object's state
before and after, and the state tables are updated in the same transaction. A state row
is always the `after` of the last decision on it, so the whole record at any sequence
number is a fold of the decisions (`state_as_of`), and `rebuild` is that fold for now.
"""

import json
import re
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from operator import itemgetter
from types import SimpleNamespace
from typing import Any

import orjson
from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.engine import Engine
from sqlmodel import Session

from annotate.errors import Conflict, Invalid, NotFound
from annotate.store.bulk import insert_dicts, insert_tuples
from annotate.store.canonical import CURRENT as HASH_FORMAT
from annotate.store.canonical import digest, encode, encode_state, payload
from annotate.store.db import write_session
from annotate.store.fulltext import deferred_index
from annotate.store.kinds import check
from annotate.store.models import STATE_TABLES, Decision
from annotate.store.upcast import STATE_SCHEMA, upcast

GENESIS = "0" * 64
CACHE_KIB = 65536  # SQLite page cache of a writer's connection (the default, 2 MB, spills in a batch)


_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical(value: Any) -> str:
    """The one JSON encoding the chain hashes: sorted keys, no spaces, UTF-8 text.

    orjson writes the same text for everything but floats below 1e-4 (0.00001 or 1e-8, not
    1e-05 or 1e-08) and NaN or infinity (null, not NaN), and refuses what it does not know; those values
    go through the standard encoder, so the text (and every hash) is exactly as before.
    """
    if value is None:
        return "null"
    if value == () or value == []:
        return "[]"
    try:
        out = orjson.dumps(value, option=_ORJSON)
    except TypeError:
        return _ENCODER.encode(value)
    if b"0.0000" in out or b"e-" in out and _ODD_FLOAT.search(out) or b"null" in out and not _finite(value, len(out)):
        return _ENCODER.encode(value)
    return out.decode()


_ORJSON = orjson.OPT_SORT_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_SUBCLASS


def _finite(value: Any, size: int = 0) -> bool:
    """No NaN or infinity anywhere inside (orjson would write them as null); `size`: of its JSON."""
    if size > 2000:  # a big value: the standard encoder's C loop walks it faster than Python would
        try:
            json.dumps(value, allow_nan=False)
        except ValueError:
            return False
        return True
    kind = type(value)
    if kind is float:
        return value - value == 0.0  # NaN for NaN and ±inf
    items = value.values() if kind is dict else value if kind is list or kind is tuple else ()
    kinds = set(map(type, items))  # one pass in C; most states hold no float at all
    if float in kinds and not all(x - x == 0.0 for x in items if type(x) is float):
        return False
    return not kinds & _CONTAINERS or all(_finite(x) for x in items if type(x) in _CONTAINERS)


_CONTAINERS = {dict, list, tuple}
_ODD_FLOAT = re.compile(rb"\de-")  # 1e-8 (in a string too: then the slow way, still exact)


# The hashed fields, in order; before/after/evidence as stored canonical JSON, then the state schema.
HASHED = (
    "seq",
    "at",
    "actor",
    "origin",
    "action",
    "target_type",
    "target_id",
    "target_version",
    "rationale",
    "idempotency_key",
    "after",
    "before",
    "evidence",
    "state_schema",
)


_HASHED_FIELDS = itemgetter(*HASHED[:-1])

# The decision table's columns, in the order Writer._append builds its rows.
DECISION_COLUMNS = (
    "seq",
    "at",
    "actor",
    "origin",
    "action",
    "target_type",
    "target_id",
    "target_version",
    "before",
    "after",
    "rationale",
    "evidence",
    "idempotency_key",
    "prev_hash",
    "hash",
    "state_schema",
    "hash_format",
)
assert {c.name for c in Decision.__table__.columns} == set(DECISION_COLUMNS)


def decision_hash(prev_hash: str, row: Mapping[str, Any]) -> str:
    """The hash of a decision as a mapping; one without `state_schema` was written before it existed."""
    return hash_values(prev_hash, (*_HASHED_FIELDS(row), row.get("state_schema", 1)), row.get("hash_format", 1))


def hash_values(prev_hash: str, values: tuple, hash_format: int = 1) -> str:
    """sha256(previous hash + the decision as canonical JSON of its format), from values in HASHED order."""
    return digest(prev_hash, payload(values, hash_format))


def utc_now() -> str:
    """datetime.now(UTC).isoformat(timespec="microseconds"), the date and time part made once a second."""
    global _second
    second, fraction = divmod(time.time_ns() // 1000, 1_000_000)
    last = _second  # one tuple, replaced whole: safe to read from any thread
    if last[0] != second:
        last = _second = (second, datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%dT%H:%M:%S"))
    return f"{last[1]}.{fraction:06d}+00:00"


_second: tuple = (None, "")


@dataclass(frozen=True)
class Change:
    """What someone decided: set these fields of this object (a new one when id is None)."""

    action: str  # past tense, "claim.accepted"
    target_type: str  # a key of models.STATE_TABLES
    target_id: int | None = None
    set: Mapping[str, Any] = field(default_factory=dict)
    base_version: int | None = None  # the version the decider saw; a newer one is a conflict
    rationale: str = ""
    evidence: tuple = ()  # spans or ids that support the decision


class Writer:
    """One open write transaction on the ledger (see Ledger.writer)."""

    def __init__(self, session: Session, actor: str, origin: str):
        self.session, self.actor, self.origin = session, actor, origin
        self.conn = session.connection()  # Core statements on the hot path skip the ORM layer
        if self.conn.dialect.name == "sqlite":  # a batch touches many index pages: keep them in memory
            self.conn.exec_driver_sql(f"PRAGMA cache_size = -{CACHE_KIB}")
        head = self.conn.execute(_HEAD).first()
        self.seq, self.head = (head.seq, head.hash) if head else (0, GENESIS)
        self.decisions: list[tuple] = []  # rows not written yet, in DECISION_COLUMNS order
        self._rows: dict[tuple[str, int], dict] = {}  # state rows touched in this transaction
        self._dirty: dict[str, dict[int, bool]] = {}  # by type: ids of the rows to write, True for a new one
        self._next_id: dict[str, int] = {}

    def get(self, target_type: str, target_id: int) -> dict | None:
        """Current state of one object as a dict, including this transaction's changes."""
        key = (target_type, target_id)
        if key not in self._rows:
            row = self.conn.execute(_statements(target_type).get, {"target_id": target_id}).mappings().first()
            if row is None:
                return None
            self._rows[key] = dict(row)
        return dict(self._rows[key])

    def apply(self, change: Change, idempotency_key: str | None = None, evidence_json: str | None = None) -> dict:
        """Append one decision and update the state; returns the object's new state.

        `evidence_json`: the canonical JSON of `change.evidence` when the caller made it
        (canonical.Spliced, for many decisions whose evidence differs in one string)."""
        _check(change.action, change.target_type)  # a kind of the catalogue (store/kinds.py)
        model = STATE_TABLES[change.target_type]
        unknown = change.set.keys() - _settable(model)
        if unknown:
            raise Invalid(f"{change.target_type} has no settable field(s): {', '.join(sorted(unknown))}")
        if change.target_id is None:
            target_id, before = self._allocate_id(change.target_type), None
            after = _new_state(model, change.set)
            version = 1
        else:
            target_id, current = change.target_id, self.get(change.target_type, change.target_id)
            if current is None:
                raise NotFound(f"no {change.target_type} with id {change.target_id}")
            if change.base_version is not None and change.base_version != current["version"]:
                since = history(self.session, change.target_type, target_id, after_version=change.base_version)
                raise Conflict(change.target_type, target_id, change.base_version, current, since)
            version = current["version"] + 1
            before = {k: v for k, v in current.items() if k not in ("id", "version")}
            after = {**before, **change.set}
        if evidence_json is None:
            evidence_json = encode(list(change.evidence)) if change.evidence else "[]"  # most decisions cite nothing
        self._append(
            change.action, change.target_type, target_id, version, before, after, change.rationale or "", evidence_json, idempotency_key, _settable(model)
        )
        key = (change.target_type, target_id)
        self._rows[key] = state = {**after, "id": target_id, "version": version}
        dirty = self._dirty.setdefault(change.target_type, {})
        dirty[target_id] = dirty.get(target_id, False) or before is None
        return state.copy()

    def add(self, target_type: str, action: str, values: Mapping[str, Any], rationale: str, evidence_json: str, idempotency_key: str | None = None) -> dict:
        """apply(Change(action, target_type, set=values, rationale=…, evidence=…)) for a new
        object whose evidence the caller encoded (canonical.Spliced): the same decision, with
        no Change and no evidence object made per object (an import proposes 100,000)."""
        model, columns = _new_kind(action, target_type)
        if not values.keys() <= columns:
            raise Invalid(f"{target_type} has no settable field(s): {', '.join(sorted(values.keys() - columns))}")
        target_id = self._allocate_id(target_type)
        after = _new_state(model, values)
        self._append(action, target_type, target_id, 1, None, after, rationale, evidence_json, idempotency_key, columns)
        self._rows[(target_type, target_id)] = state = {**after, "id": target_id, "version": 1}
        self._dirty.setdefault(target_type, {})[target_id] = True
        return state.copy()

    def _allocate_id(self, target_type: str) -> int:
        if target_type not in self._next_id:
            self._next_id[target_type] = (self.conn.execute(_statements(target_type).max_id).scalar() or 0) + 1
        self._next_id[target_type] += 1
        return self._next_id[target_type] - 1

    def _append(
        self, action: str, target_type: str, target_id: int, version: int, before, after, rationale: str, evidence_json: str, idempotency_key, columns
    ) -> None:
        """The decision as its row (a tuple in DECISION_COLUMNS order: no dict per decision), hashed."""
        seq = self.seq = self.seq + 1
        at, actor, origin = utc_now(), self.actor, self.origin
        before_json = "null" if before is None else encode_state(before, columns)
        after_json = encode_state(after, columns)
        hashed = (
            seq,
            at,
            actor,
            origin,
            action,
            target_type,
            target_id,
            version,
            rationale,
            idempotency_key,
            after_json,
            before_json,
            evidence_json,
            STATE_SCHEMA,
        )
        prev, self.head = self.head, hash_values(self.head, hashed, HASH_FORMAT)
        self.decisions.append(
            (
                seq,
                at,
                actor,
                origin,
                action,
                target_type,
                target_id,
                version,
                before_json,
                after_json,
                rationale,
                evidence_json,
                idempotency_key,
                prev,
                self.head,
                STATE_SCHEMA,
                HASH_FORMAT,
            )
        )

    def flush(self) -> None:
        """Write the pending decisions and state rows (batched: one statement per table).

        New rows go in with the driver's executemany, or COPY on PostgreSQL (store/bulk.py: no
        per-row work in SQLAlchemy), and the full-text and entity indexes their triggers would
        feed row by row are fed for the whole batch at once, in this same transaction
        (fulltext.deferred_index).
        """
        if self.decisions:
            insert_tuples(self.conn, Decision.__table__, DECISION_COLUMNS, self.decisions)
            self.decisions = []
        for target_type, dirty in sorted(self._dirty.items()):
            statements, rows, ids = _statements(target_type), self._rows, sorted(dirty)
            inserts = [rows[target_type, i] for i in ids if dirty[i]]
            updates = [{**rows[target_type, i], "_id": i} for i in ids if not dirty[i]]
            if inserts:
                table = STATE_TABLES[target_type].__table__
                with deferred_index(self.conn, table.name, [row["id"] for row in inserts]):
                    insert_dicts(self.conn, table, statements.columns, inserts)
            if updates:
                self.conn.execute(statements.update, updates)
        self._dirty.clear()


_HEAD = select(Decision.seq, Decision.hash).order_by(Decision.seq.desc()).limit(1)


@cache
def _statements(target_type: str) -> SimpleNamespace:
    """Prepared statements per state table: built once, they skip SQLAlchemy's per-call construction."""
    table = STATE_TABLES[target_type].__table__
    columns = [c.name for c in table.columns if c.name != "id"]
    return SimpleNamespace(
        columns=[c.name for c in table.columns],
        get=select(table).where(table.c.id == bindparam("target_id")),
        max_id=select(func.max(table.c.id)),
        insert=insert(table),
        update=update(table).where(table.c.id == bindparam("_id")).values({c: bindparam(c) for c in columns}),
    )


@cache
def _settable(model) -> frozenset:
    return frozenset(model.model_fields) - {"id", "version"}


@cache
def _fields(model) -> tuple:
    """(name, default factory, default, required) of a table's settable fields."""
    return tuple((name, f.default_factory, f.default, f.is_required()) for name, f in model.model_fields.items() if name not in ("id", "version"))


@cache
def _defaults(model) -> tuple[dict, tuple, tuple]:
    """(plain defaults in field order, (name, factory) of the others, required names)."""
    fields = _fields(model)
    plain = {name: None if factory or required else default for name, factory, default, required in fields}
    return plain, tuple((n, f) for n, f, _, r in fields if f and not r), tuple(n for n, _, _, r in fields if r)


_check = cache(check)  # a kind once checked stays valid: kinds are code


@cache
def _new_kind(action: str, target_type: str) -> tuple:
    """(model, settable columns) of a new object's decision, its kind checked once."""
    _check(action, target_type)
    model = STATE_TABLES[target_type]
    return model, _settable(model)


def _new_state(model, values: Mapping[str, Any]) -> dict:
    """A new object's state: the given values over the model's defaults (no model instance: hot path)."""
    plain, factories, required = _defaults(model)
    for name in required:
        if name not in values:
            raise Invalid(f"a new {model.__tablename__} needs the field {name!r}")
    state = {**plain, **values}
    for name, factory in factories:
        if name not in values:
            state[name] = factory()
    return state


class Ledger:
    def __init__(self, engine: Engine, signer=None, checkpoint_every: int = 1000):
        self.engine, self.signer, self.checkpoint_every = engine, signer, checkpoint_every

    @contextmanager
    def writer(self, actor: str, origin: str) -> Iterator[Writer]:
        """One transaction: every decision applied inside commits together, or none does."""
        with write_session(self.engine) as session:
            writer = Writer(session, actor, origin)
            start = writer.seq
            yield writer
            writer.flush()
            crossed = writer.seq // self.checkpoint_every > start // self.checkpoint_every
            crossed = crossed or (writer.seq > start and self.signer is not None and self.signer.due())
            checkpoint = self.signer.sign(writer.seq, writer.head) if self.signer and crossed else None
            if checkpoint:
                self.signer.store(session, checkpoint)
            session.commit()
        if checkpoint:
            self.signer.export(checkpoint)

    def record(self, actor: str, origin: str, *changes: Change, idempotency_key: str | None = None) -> list[dict]:
        """Apply changes in one transaction; returns each object's new state."""
        if idempotency_key:
            done = self._replayed(idempotency_key)
            if done is not None:
                return done
        with self.writer(actor, origin) as writer:
            return [writer.apply(c, idempotency_key if i == 0 else None) for i, c in enumerate(changes)]

    def _replayed(self, key: str) -> list[dict] | None:
        with Session(self.engine) as session:
            row = session.execute(select(Decision).where(Decision.idempotency_key == key)).scalar_one_or_none()
            if row is None:
                return None
            return [_state(row.target_type, row.target_id, row.target_version, row.after, row.state_schema)]

    def checkpoint(self) -> dict | None:
        """Sign the current head now (end of a batch, or on request)."""
        if not self.signer:
            return None
        with write_session(self.engine) as session:
            head = session.execute(select(Decision.seq, Decision.hash).order_by(Decision.seq.desc()).limit(1)).first()
            if head is None:
                return None
            checkpoint = self.signer.sign(head.seq, head.hash)
            self.signer.store(session, checkpoint)
            session.commit()
        self.signer.export(checkpoint)
        return checkpoint


# --- reading the record -------------------------------------------------------------


def decision_dict(row) -> dict:
    d = dict(row._mapping) if hasattr(row, "_mapping") else row.model_dump()
    for key in ("before", "after", "evidence"):
        d[key] = json.loads(d[key])
    return d


def history(session: Session, target_type: str, target_id: int, after_version: int = 0, as_of: int | None = None) -> list[dict]:
    """Every decision on one object, oldest first."""
    query = select(Decision.__table__).where(Decision.target_type == target_type, Decision.target_id == target_id, Decision.target_version > after_version)
    if as_of is not None:
        query = query.where(Decision.seq <= as_of)
    return [decision_dict(r) for r in session.execute(query.order_by(Decision.seq))]


def resolve_as_of(session: Session, when: str | int | None) -> int:
    """A sequence number from a sequence number or an ISO time (the last decision at or before it)."""
    if when is None:
        return session.execute(select(func.max(Decision.seq))).scalar() or 0
    if isinstance(when, int) or str(when).isdigit():
        return int(when)
    try:
        moment = datetime.fromisoformat(str(when).replace("Z", "+00:00"))
    except ValueError:
        raise Invalid(f"as of {when!r}: give a decision number or an ISO time") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    bound = moment.astimezone(UTC).isoformat(timespec="microseconds")
    return session.execute(select(func.max(Decision.seq)).where(Decision.at <= bound)).scalar() or 0


def object_as_of(session: Session, target_type: str, target_id: int, seq: int) -> dict | None:
    """One object as it stood after decision `seq` (None if it did not exist yet)."""
    row = session.execute(
        select(Decision.after, Decision.target_version, Decision.state_schema)
        .where(Decision.target_type == target_type, Decision.target_id == target_id, Decision.seq <= seq)
        .order_by(Decision.seq.desc())
        .limit(1)
    ).first()
    return None if row is None else _state(target_type, target_id, row.target_version, row.after, row.state_schema)


def state_as_of(session: Session, seq: int | None = None, target_type: str | None = None, ids: Iterable[int] | None = None) -> Iterator[tuple[str, dict]]:
    """The whole record (or one type, or some ids of it) as of `seq`: the last decision on each object."""
    last = select(Decision.target_type, Decision.target_id, func.max(Decision.seq).label("seq")).group_by(Decision.target_type, Decision.target_id)
    if seq is not None:
        last = last.where(Decision.seq <= seq)
    if target_type is not None:
        last = last.where(Decision.target_type == target_type)
    if ids is not None:  # a page of objects (exports read the record in pages)
        last = last.where(Decision.target_id.in_(list(ids)))
    last = last.subquery()
    query = (
        select(Decision.target_type, Decision.target_id, Decision.target_version, Decision.after, Decision.state_schema)
        .join(last, Decision.seq == last.c.seq)
        .order_by(Decision.target_type, Decision.target_id)
    )
    for row in session.execute(query):
        yield row.target_type, _state(row.target_type, row.target_id, row.target_version, row.after, row.state_schema)


def _state(target_type: str, target_id: int, version: int, after: str, schema: int) -> dict:
    """An object's state from a decision's `after`, upcast to the current tables' shape."""
    return {**upcast(target_type, json.loads(after), schema), "id": target_id, "version": version}


def rebuild(engine: Engine) -> dict[str, int]:
    """Replace every state table with the fold of the decisions; returns rows per type."""
    counts = {name: 0 for name in STATE_TABLES}
    with write_session(engine) as session:
        for model in STATE_TABLES.values():
            session.execute(model.__table__.delete())
        batch: dict[str, list] = {}
        for target_type, row in state_as_of(session):
            batch.setdefault(target_type, []).append(row)
            counts[target_type] += 1
        for target_type, rows in batch.items():
            session.execute(insert(STATE_TABLES[target_type].__table__), rows)
        session.commit()
    return counts
