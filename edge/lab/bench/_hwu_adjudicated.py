"""HWU64 ``iot`` dev rows whose label contradicts the catalogue, read one by one (issue 14).

The raw figure scores every row against :func:`edge.lab.training.hwu64.iot_expected`; the adjudicated
figure, printed beside it and never instead of it, scores the rows listed here against what the catalogue
says the words ask for. Each entry is the row's ``answerid`` (no row text is copied here: read it in
``../shared/data/hwu64/hwu64.csv``), the readings accepted (``None``: "not understood", the parser returns
no intent; a question reading counts only where it is listed by name) and why. Reviewed over all 317 dev
rows of the mapped ``iot`` intents; a row stays out when its label is merely debatable (a slang drink, a
sentence cut short, a mode name that may be a scene): only contradictions are listed. Never used for
training.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ADJUDICATED", "Adjudication"]


@dataclass(frozen=True, slots=True)
class Adjudication:
    accepted: tuple[str | None, ...]
    why: str


_NOTHING = (None,)
ADJUDICATED: dict[str, Adjudication] = {
    "7913": Adjudication(
        ("HassGetState", *_NOTHING),
        "a question about the coffee's state, labelled as brewing; questions never move a device",
    ),
    "6027": Adjudication(
        _NOTHING, "ordering a drink from a shop, labelled as brewing; the catalogue has no ordering"
    ),
    "10089": Adjudication(_NOTHING, "a question about how to use the coffee machine, labelled as brewing"),
    "10088": Adjudication(
        _NOTHING, "a request to explain how to use the coffee machine, labelled as brewing"
    ),
    "2570": Adjudication(_NOTHING, "names a sensor and asks for nothing, labelled as lights off"),
    "12806": Adjudication(
        ("LightDimmer", "HassLightSet"), "asks for the lights down to a middle level, labelled as lights off"
    ),
    "13682": Adjudication(
        ("HassTurnOn", "LightBrighter"), "asks for the lights on (at a trigger), labelled as brighter"
    ),
    "11161": Adjudication(("HassLightSet",), "asks for another colour, labelled as brighter"),
    "8193": Adjudication(("HassLightSet", "HassTurnOn"), "asks for coloured lights on, labelled as brighter"),
    "5299": Adjudication(("LightDimmer", "HassLightSet"), "asks for dimmer and a colour: both readings hold"),
}
"""The adjudicated rows, by HWU64 ``answerid``."""
