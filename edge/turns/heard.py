"""One utterance as the turn engine receives it, and the record being built for it."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from edge.feedback.record import Asked, Dialog, Offer, Rewrite, Taught, TurnRecord
from edge.nlu.types import Intent, Provenance

__all__ = ["TYPED_ENGINE", "Draft", "Heard"]

TYPED_ENGINE = "text"  # a request typed or sent as text: no wake word or recognizer heard it


@dataclass(frozen=True, slots=True)
class Heard:
    """What ASR heard (or a typed/scripted request). Times are seconds on the turn clock."""

    text: str
    t_start: float
    t_end: float
    session_id: str
    confidence: float = 1.0
    nbest: tuple[str, ...] = ()
    engine: str = TYPED_ENGINE
    wake_word: str = ""
    wake_score: float = 0.0
    audio_ms: float = 0.0
    no_speech: bool = False
    turn_id: str = ""  # the pipeline's id for this turn; a new one is made when empty
    outside_grammar: bool = False  # a grammar-only recognizer heard speech none of the home's commands match


@dataclass(slots=True)
class Draft:
    """The mutable working copy of a turn; :meth:`finish` freezes it into a :class:`TurnRecord`."""

    heard: Heard
    home_id: str
    area: str
    turn_id: str = ""
    rewrite: Rewrite | None = None
    text: str = ""
    intent: str | None = None
    slots: dict[str, str] = field(default_factory=dict)
    intent_confidence: float = 0.0
    intent_margin: float = 0.0
    targets: tuple[str, ...] = ()
    target_scores: tuple[float, ...] = ()
    commands: list[dict[str, Any]] = field(default_factory=list)
    result_ok: bool | None = None
    result_error: str = ""
    response: str = ""
    timings_ms: dict[str, float] = field(default_factory=dict)
    context_version: int = 0
    no_speech: bool = False
    source: str = ""
    macro: str = ""
    prior_states: dict[str, str] = field(default_factory=dict)
    refused: str = ""
    asked: Asked = Asked.NONE
    dialog: Dialog = Dialog.NONE
    teach_phrase: str = ""
    taught: Taught | None = None
    teach_refused: tuple[str, ...] = ()
    offer: Offer | None = None
    clock: Callable[[], float] = time.perf_counter  # times the stages (seconds)
    _t0: float = 0.0

    def __post_init__(self) -> None:
        if not self.turn_id:
            self.turn_id = self.heard.turn_id or uuid.uuid4().hex[:16]
        self._t0 = self.clock()

    def lap(self, stage: str) -> None:
        """Record the time spent since the previous lap under ``stage``."""
        now = self.clock()
        self.timings_ms[stage] = round(self.timings_ms.get(stage, 0.0) + (now - self._t0) * 1000.0, 3)
        self._t0 = now

    def describe(self, intent: Intent, intents: tuple[Intent, ...]) -> None:
        """The turn is about ``intent`` ("Macro" when it ran several): slots, confidence, targets, source."""
        self.intent = intent.name if len(intents) == 1 else "Macro"
        self.slots = dict(intent.slots)
        self.intent_confidence, self.intent_margin = intent.confidence, intent.margin
        self.targets = tuple(t for i in intents for t in i.targets)
        self.target_scores = tuple(s for i in intents for s in i.target_scores)
        self.source = intent.source

    def rewrite_source(self) -> str:
        """The source of a request rewritten by something learned: the fleet's layer or the home's own."""
        layer = self.rewrite.layer if self.rewrite is not None else ""
        return Provenance.GLOBAL.value if layer == "global" else Provenance.REWRITE.value

    def finish(self, t_end: float) -> TurnRecord:
        h = self.heard
        return TurnRecord(
            turn_id=self.turn_id,
            session_id=h.session_id,
            home_id=self.home_id,
            t_start=h.t_start,
            t_end=t_end,
            wake_word=h.wake_word,
            wake_score=h.wake_score,
            audio_ms=h.audio_ms,
            asr_text=h.text,
            asr_confidence=h.confidence,
            asr_nbest=h.nbest,
            asr_engine=h.engine,
            rewrite=self.rewrite,
            text=self.text,
            intent=self.intent,
            slots=self.slots,
            intent_confidence=self.intent_confidence,
            intent_margin=self.intent_margin,
            targets=self.targets,
            target_scores=self.target_scores,
            commands=tuple(self.commands),
            result_ok=self.result_ok,
            result_error=self.result_error,
            response=self.response,
            timings_ms=self.timings_ms,
            context_version=self.context_version,
            area=self.area,
            no_speech=self.no_speech,
            source=self.source,
            macro=self.macro,
            prior_states=self.prior_states,
            refused=self.refused,
            asked=self.asked,
            dialog=self.dialog,
            teach_phrase=self.teach_phrase,
            taught=self.taught,
            teach_refused=self.teach_refused,
            offer=self.offer,
        )
