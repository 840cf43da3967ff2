"""Export a trained model to ONNX, quantize it to int8, measure both on the validation split, keep one."""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from edge.lab.training.examples import Example
from edge.nlu.context_features import CONTEXT_FEATURES
from edge.nlu.features import MAX_TOKENS, featurize
from edge.nlu.runner import METADATA_FILE, NLUModel

__all__ = ["evaluate_dir", "export_and_keep"]


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def evaluate_dir(model_dir: Path, val: Sequence[Example]) -> dict[str, float]:
    """Intent accuracy, exact tag sequence and median run time of a model directory on ``val``."""
    runner = NLUModel(model_dir)
    correct = tag_ok = 0
    times: list[float] = []
    for e in val:
        start = time.perf_counter()
        out = runner.run(list(e.tokens), np.asarray(e.facts, dtype=np.float32))
        times.append(time.perf_counter() - start)
        correct += runner.intents[int(out.intent_probs.argmax())] == e.intent
        tag_ok += [runner.tags[i] for i in out.tag_ids] == list(e.tags[:MAX_TOKENS])
    n = max(1, len(val))
    return {
        "intent_accuracy": correct / n,
        "slot_exact": tag_ok / n,
        "median_ms": 1000 * float(np.median(times)) if times else 0.0,
    }


def _export(model: Any, path: Path) -> None:
    import torch  # noqa: PLC0415 - lazy: torch is the optional training extra (and its threads are set before it loads)

    model.eval()
    ids = torch.from_numpy(featurize(["turn", "on", "the", "light"])[None])
    ctx = torch.zeros(1, len(CONTEXT_FEATURES))
    with warnings.catch_warnings():  # legacy exporter, tracer, GRU batch notices: known, harmless
        warnings.simplefilter("ignore")
        torch.onnx.export(
            model,
            (ids, ctx),
            str(path),
            opset_version=17,
            input_names=["ids", "context"],
            output_names=["intent", "tags", "focus", "media"],
            dynamic_axes={"ids": {1: "tokens"}, "tags": {1: "tokens"}},
            dynamo=False,
        )


def export_and_keep(
    model: Any, meta: dict[str, Any], val: Sequence[Example], out_dir: Path
) -> tuple[str, dict[str, dict[str, float]]]:
    """Write fp32 and int8 exports, measure both on ``val`` and copy the better one (accuracy within half
    a point, then the smaller int8) into ``out_dir``; returns the kept model file and the measurements."""
    from onnxruntime.quantization import QuantType, quantize_dynamic  # noqa: PLC0415 - lazy: onnxruntime loads only when a model is loaded

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        fp32, int8 = tmp / "fp32", tmp / "int8"
        for d, file in ((fp32, "nlu.fp32.onnx"), (int8, "nlu.int8.onnx")):
            d.mkdir()
            (d / METADATA_FILE).write_text(json.dumps({**meta, "model_file": file}))
        _export(model, fp32 / "nlu.fp32.onnx")
        quantize_dynamic(
            str(fp32 / "nlu.fp32.onnx"),
            str(int8 / "nlu.int8.onnx"),
            weight_type=QuantType.QInt8,
            op_types_to_quantize=["MatMul", "Gemm", "Gather"],
        )
        results = {"fp32": evaluate_dir(fp32, val), "int8": evaluate_dir(int8, val)}
        for name, r in results.items():
            r["size_mb"] = (tmp / name / f"nlu.{name}.onnx").stat().st_size / 1e6
            _log(
                f"{name}: intent {r['intent_accuracy']:.4f} slots {r['slot_exact']:.4f} "
                f"{r['median_ms']:.3f} ms {r['size_mb']:.2f} MB"
            )
        keep = (
            "int8"
            if results["int8"]["intent_accuracy"] >= results["fp32"]["intent_accuracy"] - 0.005
            else "fp32"
        )
        out_dir.mkdir(parents=True, exist_ok=True)
        for old in out_dir.glob("nlu.*.onnx"):
            old.unlink()
        model_file = f"nlu.{keep}.onnx"
        shutil.copy(tmp / keep / model_file, out_dir / model_file)
    return model_file, results
