"""The turn record (everything about one turn, as stored) and the feedback signals that attach to it.

Every field of :class:`TurnRecord` is typed and has its own column in the ``turns`` table (schema 6,
``migrations.py``); there is no free-form part. The JSON form (:meth:`TurnRecord.to_json`, the export)
is documented in docs/feedback.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any

from edge.feedback.macro import MacroStep

__all__ = [
    "Asked",
    "Dialog",
    "FeedbackSignal",
    "Label",
    "Offer",
    "OfferAnswer",
    "Rewrite",
    "SignalKind",
    "Taught",
    "TurnRecord",
]


class SignalKind(StrEnum):
    BARGE_IN = "barge_in"
    REPHRASE = "rephrase"
    UNDO = "undo"
    RESULT_ERROR = "result_error"
    FALSE_WAKE = "false_wake"
    ABANDON = "abandon"
    EXPLICIT_NEGATIVE = "explicit_negative"
    EXPLICIT_POSITIVE = "explicit_positive"
    ASR_DISAGREE = "asr_disagree"  # the fast path and Whisper both heard the turn and heard different words


class Label(StrEnum):
    DEFECT = "defect"
    SUCCESS = "success"
    UNKNOWN = "unknown"


class Asked(StrEnum):
    """The question the turn's response asked (the next turn may answer it). ``NONE`` is falsy."""

    NONE = ""
    CONFIRM = "confirm"  # a safety confirmation: "Do you want me to unlock the front door?"
    TEACH = "teach"  # "Want to teach me?", or "What should I do for ...?"
    CHECK = "check"  # "Did I get that right?" after a request acted on with middling confidence
    WHICH = "which"  # "Which one: the front door lock or the back door lock?" (several devices fit)
    UNSURE = "unsure"  # "Do you want me to turn on or turn off the fan?" (below the operating point)
    DID_YOU_MEAN = "did_you_mean"  # "Did you mean: turn on the mood light?" (not understood; ``offer``)


class Dialog(StrEnum):
    """What the turn was, when it was not a request for the home: an answer to our question or a teaching
    command. ``NONE`` (a request) is falsy."""

    NONE = ""
    CONFIRM = "confirm"  # a yes or no to a safety confirmation
    CONFIRM_EXPIRED = "confirm_expired"  # a yes or no after the confirmation window closed
    TEACH = "teach"  # "when I say ...", or an answer to a teaching question
    FORGET = "forget"  # "forget movie time"
    PREFERENCE = "preference"  # "I like jazz", "use Fahrenheit"
    UNSURE = "unsure"  # a "no" to "Do you want me to turn on or turn off the fan?"
    DID_YOU_MEAN = "did_you_mean"  # a yes or no to "Did you mean: ...?" (``offer`` says which)


@dataclass(frozen=True, slots=True)
class Rewrite:
    """A learned rewrite applied to the turn: what was heard, what the NLU read instead, the layer that
    rewrote it ("personal", "retrieval" or "global") and its score."""

    original: str
    rewritten: str
    layer: str = ""
    score: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "original": self.original,
            "rewritten": self.rewritten,
            "layer": self.layer,
            "score": self.score,
        }

    @staticmethod
    def from_json(obj: Mapping[str, Any]) -> Rewrite:
        return Rewrite(
            str(obj.get("original", "")),
            str(obj.get("rewritten", "")),
            str(obj.get("layer", "")),
            float(obj.get("score", 0.0)),
        )


class OfferAnswer(StrEnum):
    """How "Did you mean: ...?" was answered. ``NONE``: not yet (the turn that asked)."""

    NONE = ""
    YES = "yes"  # acted on exactly the offered request
    NO = "no"  # refused: the turn ends not understood
    OTHER = "other"  # something else said: the offer counts as refused, the words are a new request


@dataclass(frozen=True, slots=True)
class Offer:
    """A "Did you mean: ...?" (issue 18): the request heard (canonical), the household's own request
    offered for it, its similarity in sound, and the answer (on the answer's turn; none on the asking
    turn). The learner stops offering a pair refused here (:mod:`edge.learning.askback`)."""

    heard: str
    offered: str
    score: float = 0.0
    answer: OfferAnswer = OfferAnswer.NONE

    def to_json(self) -> dict[str, Any]:
        answer = self.answer.value
        return {"heard": self.heard, "offered": self.offered, "score": self.score, "answer": answer}

    @staticmethod
    def from_json(obj: Mapping[str, Any]) -> Offer:
        answer = str(obj.get("answer", ""))
        return Offer(
            str(obj.get("heard", "")),
            str(obj.get("offered", "")),
            float(obj.get("score", 0.0)),
            OfferAnswer(answer) if answer in {a.value for a in OfferAnswer} else OfferAnswer.NONE,
        )


@dataclass(frozen=True, slots=True)
class Taught:
    """What a turn taught: the phrase as the user said it and the steps learned for it (the ones left out
    are in :attr:`TurnRecord.teach_refused`)."""

    phrase: str
    steps: tuple[MacroStep, ...]

    def to_json(self) -> dict[str, Any]:
        return {"phrase": self.phrase, "steps": [s.to_json() for s in self.steps]}

    @staticmethod
    def from_json(obj: Mapping[str, Any]) -> Taught:
        return Taught(str(obj["phrase"]), tuple(MacroStep.from_json(s) for s in obj.get("steps") or ()))


@dataclass(frozen=True, slots=True)
class FeedbackSignal:
    """A signal about turn ``turn_id``; ``strength`` in [0, 1]; ``evidence`` says what decided it."""

    turn_id: str
    kind: SignalKind
    t: float  # seconds (session or wall clock) when the signal was observed
    strength: float = 1.0
    evidence: Mapping[str, Any] = field(default_factory=dict)
    related_turn_id: str = ""  # e.g. the rephrasing turn


@dataclass(frozen=True, slots=True)
class TurnRecord:
    """One turn, as stored. Times ``t_start``/``t_end`` are seconds (wall clock, or the simulated clock)."""

    turn_id: str
    session_id: str
    home_id: str
    t_start: float
    t_end: float
    wake_word: str = ""
    wake_score: float = 0.0
    audio_ms: float = 0.0
    asr_text: str = ""
    asr_confidence: float = 0.0
    asr_nbest: tuple[str, ...] = ()
    asr_engine: str = ""
    rewrite: Rewrite | None = None
    text: str = ""  # what the NLU read (after any rewrite)
    intent: str | None = None
    slots: Mapping[str, str] = field(default_factory=dict)
    intent_confidence: float = 0.0
    intent_margin: float = 0.0
    targets: tuple[str, ...] = ()
    target_scores: tuple[float, ...] = ()
    commands: tuple[Mapping[str, Any], ...] = ()
    result_ok: bool | None = None
    result_error: str = ""
    response: str = ""
    timings_ms: Mapping[str, float] = field(default_factory=dict)
    context_version: int = 0
    area: str = ""
    label: str = Label.UNKNOWN.value
    failure_point: str = ""
    # what the turn engine knew about the turn beyond the request (schema 5; before, keys of ``extra``)
    no_speech: bool = False  # a wake with nothing said (or nothing but silence/noise)
    source: str = ""  # the provenance of the request acted on (``Intent.source``: "text", "rewrite", ...)
    macro: str = ""  # the taught phrase the request ran
    prior_states: Mapping[str, str] = field(default_factory=dict)  # entity_id -> state before our command
    refused: str = ""  # why the safety gate refused the request (the text said)
    asked: Asked = Asked.NONE
    dialog: Dialog = Dialog.NONE
    teach_phrase: str = ""  # with ``asked`` teach: the phrase we offered to learn
    taught: Taught | None = None  # the phrase this turn taught
    teach_refused: tuple[str, ...] = ()  # actions left out of a taught phrase (they could reach a lock)
    offer: Offer | None = None  # "Did you mean: ...?" asked (``asked``) or answered (``dialog``) (schema 6)

    def __post_init__(self) -> None:
        # closed sets: a value outside them is a programming error, said at once rather than stored
        object.__setattr__(self, "asked", Asked(self.asked))
        object.__setattr__(self, "dialog", Dialog(self.dialog))

    def to_json(self) -> dict[str, Any]:
        """The JSON form (docs/feedback.md, "Export"): every field, in declaration order."""
        return {f.name: _json(getattr(self, f.name)) for f in fields(self)}


def _json(value: Any) -> Any:
    if isinstance(value, Rewrite | Taught | Offer):
        return value.to_json()
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, tuple | list):
        return [_json(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _json(v) for k, v in value.items()}
    return value
