"""What the parser decided about one utterance (:class:`ParseResult`), and the checks the parser's second
readings make on a result: whether it sets nothing (:func:`sets_nothing`, for amounts said in words), and
whether a reading without "again" may stand (:func:`said_again_to_a_device`). Pure."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from edge.nlu.catalogue import OUT_OF_DOMAIN, by_name
from edge.nlu.types import Intent
from edge.nlu.value_words import RELATIVE, SETTERS

__all__ = ["OPEN_ENDED", "ParseResult", "said_again_to_a_device", "sets_nothing"]


@dataclass(frozen=True, slots=True)
class ParseResult:
    """Everything the parser decided, including why an intent was withheld."""

    text: str
    intent: Intent | None
    label: str  # the model's top intent, even when rejected
    confidence: float
    needs_confirmation: bool
    # below the operating point (``nlu.act_below``): ``intent`` is None and these are the two readings the
    # device asks between ("Do you want me to turn on or turn off the fan?"); empty: not understood
    unsure: tuple[Intent, ...] = ()

    @property
    def abstained(self) -> bool:
        """A request the model read as moving a device, below the operating point: not acted on."""
        return self.intent is None and self.label != OUT_OF_DOMAIN and bool(by_name(self.label))

    def to_json(self) -> dict[str, Any]:
        if self.intent is None:
            return {
                "text": self.text,
                "intent": None,
                "slots": {},
                "targets": [],
                "confidence": round(self.confidence, 4),
                **({"readings": [r.to_json() for r in self.unsure]} if self.unsure else {}),
            }
        return {"text": self.text, **self.intent.to_json(), "confirm": self.needs_confirmation}


OPEN_ENDED = frozenset({"HassMediaSearchAndPlay"})
"""Intents whose slot is any words said: never read from an utterance the model put out of its domain."""


def said_again_to_a_device(name: str) -> bool:
    """Whether an utterance the model put out of its domain for its "again" may be read as ``name``: only a
    request that moves a device ("switch it off again"), never a search for the words said ("i want to hear
    what you have said again": a request to the assistant) nor a dialogue answer ("would you do it again")."""
    spec = by_name(name)
    return spec is not None and spec.moves_device and name not in OPEN_ENDED


def sets_nothing(result: ParseResult) -> bool:
    """Whether ``result`` acts on nothing, is a request to set an amount that holds none, moves one by a
    step (where an exact amount was said, "to half volume", it sets it), or opens or closes a cover all the
    way ("open the blinds halfway": where an amount was said, its position)."""
    intent = result.intent
    if intent is None or intent.name in RELATIVE:
        return True
    if intent.name in {"HassTurnOn", "HassTurnOff"} and intent.targets:
        return all(t.split(".", 1)[0] in {"cover", "valve"} for t in intent.targets)  # HA domains
    return intent.name in SETTERS and not intent.slots.get(SETTERS[intent.name], "")
