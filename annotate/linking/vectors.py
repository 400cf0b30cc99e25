"""Sentence vectors for claims: MiniLM (all-MiniLM-L6-v2) as int8 ONNX, no torch at run time.

The model file and its tokenizer ship in the package (annotate/linking/model/, made once by
scripts/export_minilm_onnx.py). Vectors are unit length, so a dot product is the cosine.
They are stored per claim as int8 bytes (384 bytes a claim: 1M claims fit in 384 MB) in
`claim_vector`, an index derived from the claims like the full-text index: it holds
nothing a reviewer decided and can be rebuilt at any time.
"""

import threading
from pathlib import Path

import numpy as np

MODEL_DIR = Path(__file__).resolve().parent / "model"
DIMENSIONS = 384
MAX_TOKENS = 128  # claims are sentences; longer input adds cost, not meaning
BATCH = 32
SCALE = 127.0  # unit vectors stored as int8: component * 127, rounded


class OnnxEncoder:
    def __init__(self, folder: Path = MODEL_DIR, threads: int = 1):
        import onnxruntime
        from tokenizers import Tokenizer

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads  # one core: the server serves other requests meanwhile
        options.inter_op_num_threads = 1
        self.session = onnxruntime.InferenceSession(str(folder / "minilm-int8.onnx"), options, providers=["CPUExecutionProvider"])
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.enable_padding()
        self.inputs = {i.name for i in self.session.get_inputs()}

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit vectors, one row per text (float32)."""
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        # shortest first, so a batch pads little
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        for start in range(0, len(order), BATCH):
            chosen = order[start : start + BATCH]
            out[chosen] = self._batch([texts[i] or " " for i in chosen])
        return out

    def _batch(self, texts: list[str]) -> np.ndarray:
        encoded = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encoded], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        vectors = self.session.run(None, {k: v for k, v in feed.items() if k in self.inputs})[0]
        return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)


_lock = threading.Lock()
_encoder: OnnxEncoder | None = None


def available() -> bool:
    return (MODEL_DIR / "minilm-int8.onnx").exists()


def encoder() -> OnnxEncoder | None:
    """The process-wide encoder (loads in about a second), or None when the model file is missing."""
    global _encoder
    with _lock:
        if _encoder is None and available():
            _encoder = OnnxEncoder()
    return _encoder


def to_bytes(vector: np.ndarray) -> bytes:
    return np.clip(np.rint(vector * SCALE), -127, 127).astype(np.int8).tobytes()


def from_bytes(blobs: list[bytes]) -> np.ndarray:
    """Stored vectors as a float32 matrix, back to about unit length."""
    if not blobs:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    return np.frombuffer(b"".join(blobs), dtype=np.int8).reshape(len(blobs), DIMENSIONS).astype(np.float32) / SCALE
