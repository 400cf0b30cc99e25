"""A big export written in parts: claim-id ranges, the later ones by forked workers.

A format that sets SPLITTABLE = True writes, for consecutive id ranges one after another,
the bytes it writes for all its claims in one go; only the part with `ctx.first_part`
writes a header. This process writes the first range straight into the sink while the
workers write theirs to files, which are then appended in order: the bytes and the hash
are the ones a single pass gives (tests compare them).
"""

import hashlib
import importlib
import shutil
import tempfile
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from types import ModuleType

from sqlmodel import Session

from annotate.store.gcpause import no_gc
from annotate.store.parallel import engine_url, split, worker_count
from exports import ExportContext
from exports.claims import Cut, Filters, claim_id_span, iter_claims

PARALLEL_FROM = 50_000  # claim ids; below this a worker's start costs more than it saves
BUFFER = 1 << 20


def plan(module: ModuleType, ctx: ExportContext, workers: int | None) -> list[tuple[int, int]] | None:
    """The id ranges to write in parallel, or None for one pass.

    `workers` None: one per core for a big export; a number: that many, whatever the size."""
    if workers == 1 or not getattr(module, "SPLITTABLE", False):
        return None
    span = claim_id_span(ctx.session, ctx.cut.seq)
    if not span:
        return None
    size = span[1] - span[0] + 1
    count = worker_count(ctx.session.get_bind(), size, PARALLEL_FROM if workers is None else 0, workers)
    return split(*span, count) if count > 1 else None


def write(module: ModuleType, ctx: ExportContext, out, from_ledger: bool = False, workers: int | None = 1) -> dict:
    """Write the export to `out`; its counts: claims read and records written."""
    ranges = plan(module, ctx, workers)
    if not ranges:
        return write_part(module, ctx, out, None, from_ledger)
    url, folder = engine_url(ctx.session.get_bind()), Path(tempfile.mkdtemp(prefix="claimtrail-parts-"))
    try:
        with ProcessPoolExecutor(len(ranges) - 1, mp_context=get_context("fork")) as pool:
            later = [
                pool.submit(_write_part_at, url, module.__name__, ctx.cut, ctx.filters, ctx.options, id_range, folder / str(i), from_ledger)
                for i, id_range in enumerate(ranges[1:], 1)
            ]
            counts = write_part(module, ctx, out, ranges[0], from_ledger)
            for part in later:
                path, more = part.result()
                _append(path, out)
                counts = {k: counts[k] + more[k] for k in counts}
        return counts
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def write_part(module: ModuleType, ctx: ExportContext, out, id_range: tuple[int, int] | None, from_ledger: bool) -> dict:
    """The claims first..last (all, given None) through the format's writer."""
    counts = {"claims": 0}
    claims = iter_claims(ctx.session, ctx.cut.seq, ctx.filters, module.NEEDS, from_ledger=from_ledger, id_range=id_range)
    with no_gc():  # records are acyclic and die young: refcounting frees them
        counts["records"] = module.write(_counted(claims, counts, ctx.progress), out, ctx)
    return counts


def _write_part_at(url: str, module_name: str, cut: Cut, filters: Filters, options: dict, id_range, path: Path, from_ledger: bool):
    """In a worker: one range to a file, through an engine of its own."""
    from annotate.store.db import make_engine

    engine = make_engine(url)
    try:
        with Session(engine) as session, path.open("wb", buffering=BUFFER) as raw:
            ctx = ExportContext(session, cut, filters, options, first_part=False)
            counts = write_part(importlib.import_module(module_name), ctx, Sink(raw, hashed=False), id_range, from_ledger)
        return path, counts
    finally:
        engine.dispose()


def _append(path: Path, out) -> None:
    with path.open("rb") as part:
        while block := part.read(BUFFER):
            out.write(block)


class Sink:
    """Where a writer's text or UTF-8 bytes go: counted, hashed unless not `hashed`, and kept in `raw` if given."""

    def __init__(self, raw=None, hashed: bool = True):
        self.raw, self.sha, self.bytes = raw, hashlib.sha256() if hashed else None, 0

    def write(self, data: str | bytes) -> int:
        if isinstance(data, str):
            data = data.encode("utf-8")
        if self.sha is not None:
            self.sha.update(data)
        self.bytes += len(data)
        if self.raw:
            self.raw.write(data)
        return len(data)


PROGRESS_EVERY = 1000  # claims between two progress reports


def _counted(claims, counts: dict, progress=None):
    for claim in claims:
        counts["claims"] += 1
        if progress and counts["claims"] % PROGRESS_EVERY == 0:
            progress(counts["claims"])
        yield claim
