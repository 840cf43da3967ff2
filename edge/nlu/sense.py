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
        self._read = functools.lru_cache(maxsize=cache)(self._vectors)

    def _vectors(self, text: str) -> tuple[Vector, Vector | None] | None:
        """(intent + focus, focus alone) as unit vectors; None out of the domain, the focus None when the
        model reads no kind of device in it."""
        tokens = model_tokens(text)
        if not tokens:
            return None
        out = self.model.run(tokens, self._context)
        if self.model.intents[int(out.intent_probs.argmax())] == OUT_OF_DOMAIN:
            return None
        both = _unit(np.concatenate([out.intent_probs, out.focus_probs]))
        focus = None if not self.model.focus[int(out.focus_probs.argmax())] else _unit(out.focus_probs)
        return both, focus

    def __call__(self, a: str, b: str) -> float:
        va, vb = self._read(a), self._read(b)
        if va is None or vb is None:
            return 0.0
        return _clip(float(va[0] @ vb[0]))

    def domain(self, a: str, b: str) -> float:
        """How alike the kinds of device the two requests are about: the cosine of the focus distributions
        (0.0 out of the domain, or when either is about no kind of device)."""
        va, vb = self._read(a), self._read(b)
        if va is None or vb is None or va[1] is None or vb[1] is None:
            return 0.0
        return _clip(float(va[1] @ vb[1]))


def _unit(v: npt.NDArray[np.float32]) -> Vector:
    unit: Vector = (v / max(float(np.linalg.norm(v)), 1e-9)).astype(np.float32)
    return unit


def _clip(x: float) -> float:
    return max(0.0, min(1.0, x))
