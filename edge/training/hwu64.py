"""HWU64 (Liu et al. 2019, CC BY 4.0) from ``../shared/data/hwu64``: reading, the split and the mapping.

Split: a row is held out for evaluation when ``crc32(answerid)`` is odd (about half); training only ever
sees the even half. Mapping of scenario ``iot`` to the catalogue (``IOT_MAP``); slots ``house_place`` ->
``area``, ``device_type`` -> ``name``, ``color_type`` -> ``color``, ``coffee_type`` -> ``drink``. Non-iot rows
are out-of-domain negatives, except the scenarios our catalogue serves itself (``SERVED_SCENARIOS``:
media playback and volume, time and date, lists, which are left out of training) and ``weather``
(-> ``HassGetWeather``).
"""

from __future__ import annotations

import csv
import random
import re
import zlib
from dataclasses import dataclass
from pathlib import Path

from edge.nlu.grammar import Sample
from edge.training.examples import Example, constant, from_sample

__all__ = ["IOT_MAP", "SERVED_SCENARIOS", "SLOT_MAP", "HwuRow", "hwu_examples", "read_hwu64"]

IOT_MAP: dict[str, tuple[str, str]] = {
    "hue_lighton": ("HassTurnOn", "light"),
    "hue_lightoff": ("HassTurnOff", "light"),
    "hue_lightdim": ("LightDimmer", "light"),
    "hue_lightup": ("LightBrighter", "light"),
    "hue_lightchange": ("HassLightSet", "light"),
    "wemo_on": ("HassTurnOn", "switch"),
    "wemo_off": ("HassTurnOff", "switch"),
    "cleaning": ("HassVacuumStart", "vacuum"),
    "coffee": ("CoffeeBrew", "coffee_maker"),
}
SLOT_MAP = {"house_place": "area", "device_type": "name", "color_type": "color", "coffee_type": "drink"}
SERVED_SCENARIOS = frozenset({"audio", "play", "music", "datetime", "lists"})
_ANNOTATION = re.compile(r"\[\s*([a-z_]+)\s*:\s*([^\]]+?)\s*\]")


@dataclass(frozen=True, slots=True)
class HwuRow:
    answer_id: str
    scenario: str
    intent: str
    text: str
    slots: tuple[tuple[str, str], ...]  # (hwu slot, value)
    held_out: bool

    @property
    def sample(self) -> Sample:
        """The text with spans for the mapped slots."""
        spans: list[tuple[int, int, str, str]] = []
        pieces: list[str] = []
        pos = 0
        length = 0
        for m in _ANNOTATION.finditer(self._annotation):
            before = self._annotation[pos : m.start()]
            pieces.append(before)
            length += len(before)
            value = m.group(2)
            if m.group(1) in SLOT_MAP:
                spans.append((length, length + len(value), SLOT_MAP[m.group(1)], value))
            pieces.append(value)
            length += len(value)
            pos = m.end()
        pieces.append(self._annotation[pos:])
        return Sample("".join(pieces), tuple(spans))

    _annotation: str = ""


def read_hwu64(shared: Path) -> list[HwuRow]:
    path = shared / "hwu64" / "hwu64.csv"
    rows: list[HwuRow] = []
    with path.open(newline="", encoding="utf-8") as fh:
        for rec in csv.DictReader(fh, delimiter=";"):
            annotation = rec["answer_annotation"]
            slots = tuple((m.group(1), m.group(2)) for m in _ANNOTATION.finditer(annotation))
            held = zlib.crc32(rec["answerid"].encode()) % 2 == 1
            rows.append(
                HwuRow(
                    rec["answerid"],
                    rec["scenario"],
                    rec["intent"],
                    rec["answer_from_anno"],
                    slots,
                    held,
                    annotation,
                )
            )
    return rows


def hwu_examples(rows: list[HwuRow], rng: random.Random, copies: int = 2) -> list[Example]:
    """Training examples from the training half only."""
    out: list[Example] = []
    for row in rows:
        if row.held_out or row.scenario in SERVED_SCENARIOS:
            continue
        if row.scenario == "iot":
            if row.intent not in IOT_MAP:
                continue
            intent, focus = IOT_MAP[row.intent]
        elif row.scenario == "weather":
            intent, focus = "HassGetWeather", ""
        else:
            intent, focus = "OutOfDomain", ""
        label = (intent, focus, "")
        for _ in range(copies if row.scenario == "iot" else 1):
            ex = from_sample(row.sample, constant(label), rng, source="hwu64")
            if ex is not None:
                out.append(ex)
    return out
