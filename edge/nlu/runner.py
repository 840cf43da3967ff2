"""The ONNX runner: loads ``models/nlu`` (int8 ONNX + ``nlu.json``) with onnxruntime on one thread."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from edge.asr.memory import lean_options
from edge.errors import ErrorCode, ModelError
from edge.nlu.bio import allowed_transitions, decode_bio
from edge.nlu.context_features import CONTEXT_FEATURES
from edge.nlu.features import FEATURES_PER_TOKEN, featurize

__all__ = ["METADATA_FILE", "ModelOutput", "NLUModel", "softmax"]

METADATA_FILE = "nlu.json"
_FIX = "run `make models-nlu` (or `edge train`) to build the NLU model"


def softmax(x: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    out: npt.NDArray[np.float32] = (e / e.sum(axis=-1, keepdims=True)).astype(np.float32)
    return out


@dataclass(frozen=True, slots=True)
class ModelOutput:
    intent_probs: npt.NDArray[np.float32]  # [intents]
    tag_ids: npt.NDArray[np.int64]  # [tokens]
    focus_probs: npt.NDArray[np.float32]
    media_probs: npt.NDArray[np.float32]


class NLUModel:
    """One loaded model directory. ``run`` is synchronous and fast (well under a millisecond)."""

    def __init__(self, model_dir: Path, threads: int = 1) -> None:
        meta_path = model_dir / METADATA_FILE
        if not meta_path.is_file():
            raise ModelError(f"no NLU model in {model_dir} ({METADATA_FILE} is missing)", hint=_FIX)
        try:
            meta: dict[str, Any] = json.loads(meta_path.read_text("utf-8"))
            self.intents: list[str] = list(meta["intents"])
            self.tags: list[str] = list(meta["tags"])
            self._bio = allowed_transitions(self.tags)
            self.focus: list[str] = list(meta["focus"])
            self.media: list[str] = list(meta["media"])
            model_file = model_dir / str(meta["model_file"])
        except (ValueError, KeyError, TypeError) as err:
            raise ModelError(
                f"NLU metadata {meta_path} is corrupt: {err}", hint=_FIX, code=ErrorCode.MODEL_CORRUPT
            ) from err
        if (
            tuple(meta.get("context_features", ())) != CONTEXT_FEATURES
            or not isinstance(meta.get("buckets"), int)
            or meta["buckets"] < 2
            or meta.get("features_per_token") != FEATURES_PER_TOKEN
        ):
            raise ModelError(
                f"NLU model in {model_dir} was built for other features",
                hint=_FIX,
                code=ErrorCode.MODEL_CORRUPT,
            )
        if not model_file.is_file():
            raise ModelError(f"NLU model file {model_file} is missing", hint=_FIX)
        self.metadata = meta
        self.model_dir = model_dir
        self.buckets: int = meta["buckets"]
        import onnxruntime as ort  # noqa: PLC0415 - lazy: onnxruntime loads only when a model is loaded

        options = lean_options(ort.SessionOptions())
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        try:
            self._session = ort.InferenceSession(str(model_file), options, providers=["CPUExecutionProvider"])
        except Exception as err:  # onnxruntime raises its own exception types
            raise ModelError(
                f"cannot load {model_file}: {err}", hint=_FIX, code=ErrorCode.MODEL_CORRUPT
            ) from err

    def run(self, tokens: list[str], context: npt.NDArray[np.float32]) -> ModelOutput:
        ids = featurize(tokens, self.buckets)[None, :, :]
        ctx = context.reshape(1, -1).astype(np.float32)
        intent, tags, focus, media = self._session.run(None, {"ids": ids, "context": ctx})
        return ModelOutput(
            softmax(intent[0]),
            decode_bio(tags[0], *self._bio),
            softmax(focus[0]),
            softmax(media[0]),
        )
