"""A room's quantity said as a name: "what's the office temperature", "tell me the bedroom temperature", "the
kitchen humidity". The tagger reads "office temperature" as a device name; where the home has no device
called that, a near name in another room answered ("Outside Temperature" for the office) or every device
of the room did ("the Office Desk Light is off"). :func:`as_area_question` gives the question in the words
the model reads for a room ("what is the temperature in the office"), for the parser to read again
(``NLUParser.analyse``). Pure."""

from __future__ import annotations

from collections.abc import Mapping

from edge.context.model import ContextSnapshot
from edge.lang import model_tokens, name_key

__all__ = ["QUANTITIES", "as_area_question"]

QUANTITIES = frozenset({"temperature", "temp", "humidity"})
"""The quantities a room is asked for by name."""
_ASKED = frozenset({"HassGetState", "HassClimateGetTemperature"})


def as_area_question(intent_name: str, slots: Mapping[str, str], snapshot: ContextSnapshot) -> str | None:
    """ "what is the <quantity> in the <area>" when ``slots``' name is "<area> <quantity>" and no device of
    the home is called that; None otherwise."""
    name = " ".join(model_tokens(slots.get("name", "")))
    words = name.split()
    if intent_name not in _ASKED or len(words) < 2 or words[-1] not in QUANTITIES:
        return None
    area = " ".join(words[:-1])
    if area not in {" ".join(model_tokens(a)) for a in snapshot.areas}:
        return None
    called = {name_key(n) for d in snapshot.devices.values() for n in (d.name, *d.aliases)}
    if name_key(name) in called:
        return None  # a sensor called "office temperature": the device named
    quantity = "temperature" if words[-1] == "temp" else words[-1]
    return f"what is the {quantity} in the {area}"
