"""Annotating on every core for a command: forked copies of the annotator, one per core.

Pre-annotation and the claims' sentence vectors are most of what a document costs, and they
need nothing but the document's text. When a command (`claimtrail ingest`, `preannotate`) has
enough documents and this process has one thread, it forks one process per core after loading
the annotator and the sentence encoder once (the copies share their memory). This process reads
the documents, hands them out a batch ahead, and records the candidates in the same order as
annotating them here would: the ledger's serial append stays here; then the new claims are
encoded in slices on every core and stored here. A server and a background worker never do
this: a worker is one core's worth of work, and more workers are how a team scales (issue 12).
"""

import multiprocessing
from collections.abc import Callable, Iterator
from concurrent.futures import BrokenExecutor, Executor, ProcessPoolExecutor
from contextlib import contextmanager

import numpy as np

from annotate.linking import vectors
from annotate.preannotate.base import Annotator, DocumentInput
from annotate.store.parallel import cores, spare_core

MIN_DOCUMENTS = 40  # below this the forks cost more than they save

_ANNOTATOR: Annotator | None = None  # the forked processes' copy


@contextmanager
def annotating_processes(annotator: Annotator, documents: int) -> Iterator[ProcessPoolExecutor | None]:
    """A pool of forked annotators (None when it cannot help). Forks now, before the caller starts
    any thread (a progress bar's)."""
    if documents < MIN_DOCUMENTS or not spare_core():
        yield None
        return
    global _ANNOTATOR
    load_models(annotator)  # once, before the fork: the processes share their memory
    _ANNOTATOR = annotator
    forked = ProcessPoolExecutor(cores(), mp_context=multiprocessing.get_context("fork"))
    pool: ProcessPoolExecutor | None = forked
    try:
        forked.submit(int).result()  # a fork start method launches every process at the first submit
    except (OSError, BrokenExecutor):  # no fork to be had (memory, process limits): annotate here
        forked.shutdown(wait=True, cancel_futures=True)
        pool = None
    finally:
        _ANNOTATOR = None  # this process keeps no second reference
    try:
        yield pool
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def load_models(annotator: Annotator) -> None:
    """The annotator's models and tables and the sentence encoder, loaded now (several seconds of
    CPU): a worker before its first job, a command before it forks."""
    annotator.annotate(DocumentInput(text="The council said on Monday that the bridge in the capital would reopen.", published="2024-01-01"))
    vectors.encoder()


def encoding(pool: Executor) -> Callable[[list[str]], np.ndarray]:
    """The sentence encoder's work spread over the pool's processes: texts in one slice per process."""

    def encode(texts: list[str]) -> np.ndarray:
        parts = cores()
        slices = [texts[n::parts] for n in range(parts)]  # every process gets long and short texts alike
        try:
            found = list(pool.map(_encode, slices))
        except BrokenExecutor:  # a process died (killed, out of memory): this one encodes
            return _encode(texts)
        out = np.empty((len(texts), vectors.DIMENSIONS), dtype=np.float32)
        for n, part in enumerate(found):
            out[n::parts] = part
        return out

    return encode


def _encode(texts: list[str]) -> np.ndarray:
    found = vectors.encoder()
    assert found is not None
    return found.encode(texts)


def annotate(document: DocumentInput) -> tuple | str:
    """In a forked process: the annotator's candidates, or why it failed (as `store._annotate` words it)."""
    try:
        assert _ANNOTATOR is not None
        return _ANNOTATOR.annotate(document)
    except Exception as problem:  # a third-party annotator's bug must not stop the batch
        return f"{type(problem).__name__}: {problem}"
