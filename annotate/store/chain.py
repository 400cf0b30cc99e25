"""Walking the hash chain: every decision in order, each recomputed and linked to the one before.

Each decision's hash depends only on its own row (which stores the previous hash), so a long
ledger is cut into ranges of sequence numbers walked in parallel processes; the ranges are
then stitched together, and the first problem in sequence order is the one reported.
"""

from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from annotate.store.canonical import FORMATS
from annotate.store.ledger import GENESIS, HASHED, hash_values
from annotate.store.models import Decision
from annotate.store.parallel import engine_url, split, worker_count

PARALLEL_FROM = 200_000  # decisions; below this a second process costs more than it saves
_COLUMNS = [Decision.__table__.c[name] for name in (*HASHED, "prev_hash", "hash", "hash_format")]
_PREV = len(HASHED)  # where prev_hash, hash and hash_format sit in a row of _COLUMNS


@dataclass
class Segment:
    first_seq: int | None = None
    first_prev: str = ""
    last_seq: int = 0
    last_hash: str = ""
    problem: str | None = None
    heads: dict[int, str] = field(default_factory=dict)  # recomputed hash at the wanted sequence numbers


@dataclass
class Walk:
    size: int = 0
    head: str = GENESIS
    problem: str | None = None
    heads: dict[int, str] = field(default_factory=dict)


def walk(engine: Engine, wanted: set[int] = frozenset(), workers: int | None = None) -> Walk:
    with engine.connect() as conn:
        low, high = conn.execute(select(func.min(Decision.seq), func.max(Decision.seq))).one()
    if low is None:
        return Walk()
    ranges = split(min(low, 1), high, workers or worker_count(engine, high - low + 1, PARALLEL_FROM))
    if len(ranges) == 1:
        segments = [walk_range(engine, *ranges[0], wanted)]
    else:
        url = engine_url(engine)
        with ProcessPoolExecutor(len(ranges), mp_context=get_context("fork")) as pool:
            segments = list(pool.map(_walk_range_at, [url] * len(ranges), *zip(*ranges), [wanted] * len(ranges)))
    return stitch(segments)


def _walk_range_at(url: str, low: int, high: int, wanted: set[int]) -> Segment:
    from annotate.store.db import make_engine

    engine = make_engine(url)
    try:
        return walk_range(engine, low, high, wanted)
    finally:
        engine.dispose()


def walk_range(engine: Engine, low: int, high: int, wanted: set[int]) -> Segment:
    """Check the decisions with low ≤ seq ≤ high against each other (not against earlier ones)."""
    segment = Segment()
    query = select(*_COLUMNS).where(Decision.seq.between(low, high)).order_by(Decision.seq)
    expected_seq, expected_prev = None, None
    with engine.connect() as conn:
        for row in conn.execution_options(yield_per=10_000).execute(query):
            seq, prev, stored, hash_format = row[0], row[_PREV], row[_PREV + 1], row[_PREV + 2]
            if expected_seq is None:
                segment.first_seq, segment.first_prev = seq, prev
            elif seq != expected_seq:
                segment.problem = _gap(seq, expected_seq)
                break
            elif prev != expected_prev:
                segment.problem = _unlinked(seq)
                break
            if hash_format not in FORMATS:
                segment.problem = f"decision {seq}: unknown hash format {hash_format}"
                break
            if hash_values(prev, tuple(row[:_PREV]), hash_format) != stored:
                segment.problem = f"decision {seq}: altered (its content no longer matches its hash)"
                break
            if seq in wanted:
                segment.heads[seq] = stored
            expected_seq, expected_prev = seq + 1, stored
            segment.last_seq, segment.last_hash = seq, stored
    return segment


def stitch(segments: list[Segment]) -> Walk:
    """Join the ranges in order; the walk stops at the first problem."""
    result, expected_seq, expected_prev = Walk(), 1, GENESIS
    for segment in segments:
        if segment.first_seq is None:
            continue  # an empty range: the next one shows the gap
        if segment.first_seq != expected_seq:
            result.problem = _gap(segment.first_seq, expected_seq)
        elif segment.first_prev != expected_prev:
            result.problem = _unlinked(segment.first_seq)
        else:
            result.heads.update(segment.heads)
            result.problem = segment.problem
        if result.problem:
            return result
        expected_seq, expected_prev = segment.last_seq + 1, segment.last_hash
    result.size, result.head = expected_seq - 1, expected_prev
    return result


def _gap(seq: int, expected: int) -> str:
    if seq > expected:
        return f"decision {seq}: decisions {expected}–{seq - 1} are missing (deleted)"
    return f"decision {seq}: is out of order"


def _unlinked(seq: int) -> str:
    return f"decision {seq}: does not follow decision {seq - 1} (a decision was inserted, deleted or reordered)"
