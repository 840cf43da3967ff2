"""How alike two requests are to the NLU model itself: the cosine of its intent and focus distributions.

The model reads "get the hoover going" as a likely vacuum start even when it is too unsure to act on it,
and "start the robot vacuum" as a sure one: the two distributions agree although no word does. The
rephrase detector (``edge.feedback.rephrase``, its ``sense``) takes that as a sign that a request after
"Sorry, I don't know that" is another try at the same wish. Two requests the model puts out of the home's
domain ("how do you spell necessary" -> "play the news") share nothing by this measure: 0.0. No model
beyond the one loaded; well under a millisecond a request, cached.
"""

from __future__ import annotations

import functools

import numpy as np
import numpy.typing as npt

from edge.lang import model_tokens
from edge.nlu.catalogue import OUT_OF_DOMAIN
from edge.nlu.context_features import CONTEXT_FEATURES
from edge.nlu.runner import NLUModel

__all__ = ["IntentSense"]

Vector = npt.NDArray[np.float32]


class IntentSense:
    """``sense(a, b)`` in [0, 1] for the loaded model, in ``context`` (``context_vector`` of the home's
    snapshot; None: no context, a request heard on its own)."""

    def __init__(self, model: NLUModel, context: Vector | None = None, cache: int = 512) -> None:
        self.model = model
        self._context = np.zeros(len(CONTEXT_FEATURES), dtype=np.float32) if context is None else context
        self._read = functools.lru_cache(maxsize=cache)(self._vector)

    def _vector(self, text: str) -> Vector | None:
        tokens = model_tokens(text)
        if not tokens:
            return None
        out = self.model.run(tokens, self._context)
        if self.model.intents[int(out.intent_probs.argmax())] == OUT_OF_DOMAIN:
            return None
        both = np.concatenate([out.intent_probs, out.focus_probs]).astype(np.float32)
        unit: Vector = both / max(float(np.linalg.norm(both)), 1e-9)
        return unit

    def __call__(self, a: str, b: str) -> float:
        va, vb = self._read(a), self._read(b)
        if va is None or vb is None:
            return 0.0
        return max(0.0, min(1.0, float(va @ vb)))
