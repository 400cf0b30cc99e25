"""Sentence vectors for claims: MiniLM (all-MiniLM-L6-v2) run in plain numpy, no torch, no onnxruntime.

The weights ship in the package (annotate/linking/model/minilm.npz, 15.9 MB: the word
embeddings in 4 bits, every other matrix int8 with a float32 scale per row; made once by
scripts/export_minilm_numpy.py, see docs/linking.md) with the model's WordPiece vocabulary
(vocab.txt). The encoder is BERT's forward pass (embeddings, 6 layers of
self-attention and GELU feed-forward with LayerNorm) followed by mean pooling over the real
tokens. Vectors are unit length, so a dot product is the cosine.
They are stored per claim as int8 bytes (384 bytes a claim: 1M claims fit in 384 MB) in
`claim_vector`, an index derived from the claims like the full-text index: it holds
nothing a reviewer decided and can be rebuilt at any time.
"""

import threading
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from annotate.store.parallel import cores

MODEL_DIR = Path(__file__).resolve().parent / "model"
MODEL_FILE = "minilm.npz"
DIMENSIONS = 384
MAX_TOKENS = 128  # claims are sentences; longer input adds cost, not meaning
BATCH = 32
SCALE = 127.0  # unit vectors stored as int8: component * 127, rounded
LAYER_NORM_EPS = 1e-12
FFN_ROWS = 256


class WordPiece:
    """BERT's uncased tokenizer (as the model's tokenizer.json sets it up), without the `tokenizers` package.

    Normalise (drop control characters, whitespace to spaces, space around CJK ideographs,
    strip accents, lowercase), split on whitespace and on each punctuation character, then
    cut each word into the longest vocabulary pieces from the left ('##' marks a piece that
    continues a word); a word that cannot be cut is [UNK]. Gives the same ids as `tokenizers`
    (tests/linking/test_vectors.py holds some of its output for our own sentences).
    """

    MAX_WORD_CHARS = 100

    def __init__(self, vocab_file: Path):
        self.vocab = {line.rstrip("\n"): i for i, line in enumerate(vocab_file.read_text(encoding="utf-8").splitlines())}
        self.cls, self.sep, self.pad, self.unk = (self.vocab[t] for t in ("[CLS]", "[SEP]", "[PAD]", "[UNK]"))
        self.words: dict[str, list[int]] = {}
        ascii_map: dict[int, str | None] = {c: None for c in range(32)} | {127: None}
        ascii_map |= {ord(c): " " for c in "\t\n\r"}
        ascii_map |= {c: f" {chr(c)} " for c in range(33, 127) if not chr(c).isalnum()}  # every ASCII symbol is punctuation here
        self.ascii_map = ascii_map

    def encode(self, text: str, limit: int = MAX_TOKENS) -> list[int]:
        """[CLS] pieces [SEP], at most `limit` ids."""
        ids = [self.cls]
        for word in self._words(text):
            ids.extend(self._pieces(word))
            if len(ids) >= limit - 1:
                del ids[limit - 1 :]
                break
        ids.append(self.sep)
        return ids

    def _words(self, text: str) -> list[str]:
        if text.isascii():
            return text.translate(self.ascii_map).lower().split()
        out = []
        for c in unicodedata.normalize("NFD", text):
            kind = _kind(c)
            if kind == "":
                out.append(c)
            elif kind == " ":
                out.append(" ")
            elif kind == "pad":
                out.append(f" {c} ")
            # "drop": control characters and accents
        # per character, as `tokenizers` does: str.lower() would give a word-final sigma its final form
        return "".join(ch.lower() for ch in "".join(out)).split()

    def _pieces(self, word: str) -> list[int]:
        found = self.words.get(word)
        if found is not None:
            return found
        if len(word) > self.MAX_WORD_CHARS:
            return [self.unk]
        pieces, start = [], 0
        while start < len(word):
            end = len(word)
            while end > start:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                if piece in self.vocab:
                    pieces.append(self.vocab[piece])
                    break
                end -= 1
            else:
                pieces = [self.unk]
                break
            start = end
        if len(self.words) < 200_000:
            self.words[word] = pieces
        return pieces


_kinds: dict[str, str] = {}


def _kind(c: str) -> str:
    """How the normaliser treats a (non-ASCII or ASCII) character: '' keep, ' ' space, 'pad' punctuation, 'drop'."""
    kind = _kinds.get(c)
    if kind is None:
        cat = unicodedata.category(c)
        if c in "\t\n\r" or (cat == "Zs" or c in "\u2028\u2029"):
            kind = " "
        elif cat.startswith("C") or c in "\x00\ufffd" or cat == "Mn":
            kind = "drop"  # control and format characters; Mn: the accents NFD split off
        elif cat.startswith("P") or (c.isascii() and not c.isalnum() and not c.isspace()):
            kind = "pad"
        elif _cjk(ord(c)):
            kind = "pad"  # each ideograph a word of its own
        else:
            kind = ""
        _kinds[c] = kind
    return kind


def _cjk(cp: int) -> bool:
    return (
        0x4E00 <= cp <= 0x9FFF
        or 0x3400 <= cp <= 0x4DBF
        or 0x20000 <= cp <= 0x2A6DF
        or 0x2A700 <= cp <= 0x2B73F
        or 0x2B740 <= cp <= 0x2B81F
        or 0x2B820 <= cp <= 0x2CEAF
        or 0xF900 <= cp <= 0xFAFF
        or 0x2F800 <= cp <= 0x2FA1F
    )


def _layer_norm(x: np.ndarray, gain: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """LayerNorm over the last axis, in place."""
    x -= x.mean(-1, keepdims=True)
    scale = np.mean(np.square(x), -1, keepdims=True)
    scale += np.float32(LAYER_NORM_EPS)
    np.sqrt(scale, out=scale)
    x /= scale
    x *= gain
    x += bias
    return x


_ROOT_2_OVER_PI = np.float32(np.sqrt(2 / np.pi))


def _gelu(x: np.ndarray) -> np.ndarray:
    """GELU in its tanh form, in place: within 5e-4 of BERT's exact x * Phi(x), at half the cost of an erf in numpy."""
    t = np.square(x)
    t *= np.float32(0.044715)
    t += np.float32(1.0)
    t *= x
    t *= _ROOT_2_OVER_PI
    np.tanh(t, out=t)
    t += np.float32(1.0)
    t *= np.float32(0.5)
    x *= t
    return x


class Encoder:
    """MiniLM-L6 (BERT, 6 layers, 12 heads, 384 wide) with mean pooling, batched, in float32 numpy."""

    def __init__(self, folder: Path = MODEL_DIR, threads: int = 1, weights: dict[str, np.ndarray] | None = None):
        self.threads = threads  # BLAS threads while encoding: more only where the cores are the encoder's alone (and OPENBLAS_NUM_THREADS, 1 by default: annotate/__init__.py)
        self.tokenizer = WordPiece(folder / "vocab.txt")
        if weights is None:
            with np.load(folder / MODEL_FILE) as stored:
                weights = {k: stored[k] for k in stored.files}
        self.layers_n, self.heads, hidden = (int(v) for v in weights["config"])
        assert hidden == DIMENSIONS, hidden
        # the word embeddings stay packed (4 bits, or int8 rows: 6 or 12 MB rather than 47); only the rows a batch uses are widened
        if "word.p" in weights:
            self.word_p, self.word_g = weights["word.p"], weights["word.g"].astype(np.float32)
        else:  # the float32 reference of scripts/export_minilm_numpy.py: int8-style rows, scale 1
            self.word_p, self.word_g = None, None
            self.word_q, self.word_s = weights["word.q"], weights["word.s"].astype(np.float32)
        self.position = (_dequantise(weights, "position") + weights["token_type"]).astype(np.float32)
        self.ln = (weights["ln.g"], weights["ln.b"])
        self.layers = []
        for n in range(self.layers_n):
            layer = {name: _dequantise(weights, f"{n}.{name}").T.copy() for name in ("qkv", "attn_out", "ffn_in", "ffn_out")}
            layer |= {f"{name}.b": weights[f"{n}.{name}.b"].astype(np.float32) for name in ("qkv", "attn_out", "ffn_in", "ffn_out")}
            # the attention scores' 1 / sqrt(head size) folded into the query weights
            layer["qkv"][:, :DIMENSIONS] *= np.float32(1 / np.sqrt(DIMENSIONS // self.heads))
            layer["qkv.b"][:DIMENSIONS] *= np.float32(1 / np.sqrt(DIMENSIONS // self.heads))
            layer |= {name: weights[f"{n}.{name}"].astype(np.float32) for name in ("ln1.g", "ln1.b", "ln2.g", "ln2.b")}
            self.layers.append(layer)

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit vectors, one row per text (float32)."""
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        tokens = [self.tokenizer.encode(t or " ") for t in texts]
        # shortest first, so a batch pads little
        order = sorted(range(len(texts)), key=lambda i: len(tokens[i]))
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        with threadpool_limits(limits=self.threads, user_api="blas"):
            for start in range(0, len(order), BATCH):
                chosen = order[start : start + BATCH]
                out[chosen] = self._batch([tokens[i] for i in chosen])
        return out

    def _batch(self, tokens: list[list[int]]) -> np.ndarray:
        width = max(len(t) for t in tokens)
        ids = np.full((len(tokens), width), self.tokenizer.pad, dtype=np.int64)
        mask = np.zeros((len(tokens), width), dtype=np.float32)
        for row, t in enumerate(tokens):
            ids[row, : len(t)] = t
            mask[row, : len(t)] = 1.0
        vectors = self.forward(ids, mask)
        return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)

    def _words(self, tokens: np.ndarray) -> np.ndarray:
        if self.word_p is None:
            return self.word_q[tokens].astype(np.float32) * self.word_s[tokens][:, None]
        return _unpack_4bit(self.word_p[tokens], self.word_g[tokens])

    def forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Mean-pooled last hidden states (batch, 384), not normalised; `mask` is 1 on real tokens.

        The dense layers run on the real tokens only (packed, padding left out); the padded
        layout is made for the attention alone.
        """
        batch, width = ids.shape
        heads, size = self.heads, DIMENSIONS // self.heads
        real = np.flatnonzero(mask.ravel())
        packed = len(real) < batch * width
        tokens = ids.ravel()[real]
        x = self._words(tokens)
        x += self.position[real % width]
        x = _layer_norm(x, *self.ln)
        # padding never attended to (a large negative score before the softmax)
        bias = ((1.0 - mask) * np.float32(-1e9))[:, None, None, :]
        for w in self.layers:
            qkv = x @ w["qkv"]  # the query part comes scaled by 1 / sqrt(size) (see __init__)
            qkv += w["qkv.b"]
            if packed:
                padded = np.zeros((batch * width, 3 * DIMENSIONS), dtype=np.float32)
                padded[real] = qkv
                qkv = padded
            q, k, v = np.ascontiguousarray(qkv.reshape(batch, width, 3, heads, size).transpose(2, 0, 3, 1, 4))
            scores = q @ k.transpose(0, 1, 3, 2)
            scores += bias
            scores -= scores.max(-1, keepdims=True)
            np.exp(scores, out=scores)
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch * width, DIMENSIONS)
            out = (context[real] if packed else context) @ w["attn_out"]
            out += w["attn_out.b"]
            out += x
            x = _layer_norm(out, w["ln1.g"], w["ln1.b"])
            out = np.empty_like(x)
            for r in range(0, len(x), FFN_ROWS):  # row blocks keep the 1536-wide activations in cache
                hidden = x[r : r + FFN_ROWS] @ w["ffn_in"]
                hidden += w["ffn_in.b"]
                np.matmul(_gelu(hidden), w["ffn_out"], out=out[r : r + FFN_ROWS])
            out += w["ffn_out.b"]
            out += x
            x = _layer_norm(out, w["ln2.g"], w["ln2.b"])
        # mean pooling: the packed rows of a text are consecutive
        lengths = mask.sum(1).astype(np.int64)
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        return np.add.reduceat(x, starts, axis=0) / lengths[:, None].astype(np.float32)


def _unpack_4bit(packed: np.ndarray, scales: np.ndarray) -> np.ndarray:
    """Rows of two 4-bit weights a byte (low nibble first, stored +8) times their group scales, as float32."""
    rows = np.empty((len(packed), packed.shape[1] * 2), dtype=np.float32)
    rows[:, 0::2] = packed & 15
    rows[:, 1::2] = packed >> 4
    rows -= 8
    grouped = rows.reshape(len(packed), scales.shape[1], -1)
    grouped *= scales[:, :, None]
    return rows


def _dequantise(weights: dict[str, np.ndarray], name: str) -> np.ndarray:
    return weights[name + ".q"].astype(np.float32) * weights[name + ".s"].astype(np.float32)[:, None]


_lock = threading.Lock()
_encoder: Encoder | None = None


def available() -> bool:
    return (MODEL_DIR / MODEL_FILE).exists() and (MODEL_DIR / "vocab.txt").exists()


def encoder() -> Encoder | None:
    """The process-wide encoder (loads in well under a second), or None when the model file is missing."""
    global _encoder
    with _lock:
        if _encoder is None and available():
            _encoder = Encoder()
    return _encoder


def to_bytes(vector: np.ndarray) -> bytes:
    return np.clip(np.rint(vector * SCALE), -127, 127).astype(np.int8).tobytes()


def from_bytes(blobs: list[bytes]) -> np.ndarray:
    """Stored vectors as a float32 matrix, back to about unit length."""
    if not blobs:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    return np.frombuffer(b"".join(blobs), dtype=np.int8).reshape(len(blobs), DIMENSIONS).astype(np.float32) / SCALE


@contextmanager
def every_core() -> Iterator[None]:
    """The encoder's BLAS threads on every core this process may use, for a while: a command's cores
    are the encoder's alone (a server's or a worker's are not). About 1.4× on two cores."""
    found = encoder()
    if found is None:
        yield
        return
    before = found.threads
    found.threads = cores()
    try:
        yield
    finally:
        found.threads = before
