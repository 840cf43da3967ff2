"""How the runtime hears a simulated user: the speaker's ASR-error model (fast, the default), or real
synthesized audio through the real recognizer (:mod:`edge.lab.sim.household_audio`)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from edge.lab.sim.prompt_effect import NO_PROMPT, Learned
from edge.lab.sim.users import SimUser

__all__ = ["HeardText", "Hearing", "ModelHearing"]


@dataclass(frozen=True, slots=True)
class HeardText:
    """What the recognizer made of one utterance; ``rejected``: it decided nobody spoke (no turn text)."""

    text: str
    confidence: float
    engine: str = "sim"
    rejected: bool = False
    audio_ms: float = 0.0


class Hearing(Protocol):
    def hear(
        self,
        user: SimUser,
        said: str,
        rng: random.Random,
        vocabulary: Sequence[str],
        learned: Learned = NO_PROMPT,
    ) -> HeardText:
        """What the recognizer makes of ``said`` with ``vocabulary`` as its prompt, whose first phrases are
        the household's ``learned`` requests (an error model reads those; real audio hears the prompt)."""
        ...


class ModelHearing:
    """The speaker's ASR-error model (hand-set or measured): what it hears and with what confidence;
    nothing heard is a rejected transcript (no speech), as the recognizer reports it."""

    def hear(
        self,
        user: SimUser,
        said: str,
        rng: random.Random,
        vocabulary: Sequence[str],
        learned: Learned = NO_PROMPT,
    ) -> HeardText:
        text, _ = user.asr.hear(said, rng, learned)
        confidence = user.asr.confidence(said, text, rng)
        return HeardText(text, confidence, rejected=not text.strip() and bool(said.strip()))
