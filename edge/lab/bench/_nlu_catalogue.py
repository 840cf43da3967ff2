"""Home Assistant's whole catalogue as people say it (issue 14): ``edge bench nlu --only catalogue``.

The rows (``tests/data/catalogue_dev.jsonl`` and the blind ``catalogue_blind.jsonl``) are hand-written
requests in the shape of Home Assistant's intent tests (``sentence``, ``intent``, ``slots`` as HA's tests give
them, ``context.area`` the satellite's area; a row with only ``comment`` is a header), over every intent of
``edge intents --json``, weighted to the intents HA's dev half of its tests lacks. They are said in their own
home, ``tests/data/catalogue_home.yaml`` (HA's fixture shape, HA's test-home names plus a lawn mower, a
second fan, speakers, scenes and scripts), so the part runs without ``../shared``.

Scored as the device reads them: the parse (:meth:`NLUParser.analyse`), then what the services carry out for
an intent that needs no device (:func:`edge.services.service.carried_out`: a timer's verb, the list named)
and the planner's reading of a device request (:func:`edge.actions.planner.current`: a relative volume step
signed from the words; the devices it commands when the parse resolved none, as the vacuum sent to an area).
Intent accuracy and intent + slots: every slot HA expects that is spoken (the ``ha`` part's
:data:`COMPARED_SLOTS` plus the catalogue's own: ``message``, ``fan_mode``, ``percentage``, ``volume_step``,
``start_*``) equal after normalising, a ``name`` or ``area`` also met by the devices the request resolved to
(:func:`slots_match`). Per intent, and hassil with the installed ``home-assistant-intents`` on the same rows
in the same home beside it. The dev part lists its misses; the blind part gives counts only.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from edge.actions.planner import current, plan
from edge.config import project_root
from edge.context.homes import Home, load_home
from edge.lab.bench._nlu_calibration import (
    COMPARED_SLOTS,
    NOTHING,
    Analyse,
    HaPredict,
    Resolved,
    ha_snapshot,
    hassil_predict,
    slots_match,
)
from edge.lang import model_tokens
from edge.services.service import carried_out

__all__ = [
    "CATALOGUE_BLIND",
    "CATALOGUE_DEV",
    "CATALOGUE_HOME",
    "CATALOGUE_SLOTS",
    "catalogue_report",
    "edge_predict",
    "read_rows",
    "row_right",
    "score",
]

CATALOGUE_DEV = project_root() / "tests" / "data" / "catalogue_dev.jsonl"
CATALOGUE_BLIND = project_root() / "tests" / "data" / "catalogue_blind.jsonl"
CATALOGUE_HOME = project_root() / "tests" / "data" / "catalogue_home.yaml"
OUT_OF_DOMAIN = "OutOfDomain"
CATALOGUE_SLOTS = frozenset(
    {"message", "fan_mode", "percentage", "volume_step", "start_hours", "start_minutes", "start_seconds"}
)
"""The catalogue's spoken slots the ``ha`` part does not compare (its dev half has no such intents)."""


def read_rows(path: Path) -> list[dict[str, Any]]:
    """The rows of a catalogue file; a header row (only ``comment``) is skipped, a malformed line is an error
    naming the file and line."""
    rows: list[dict[str, Any]] = []
    for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as err:
            raise ValueError(f"{path}:{number}: not JSON ({err.msg}); one JSON object per line") from err
        if "comment" in row and "sentence" not in row:
            continue
        if not isinstance(row.get("sentence"), str) or not isinstance(row.get("intent"), str):
            raise ValueError(f"{path}:{number}: a row needs 'sentence' and 'intent' strings")
        rows.append(row)
    return rows


def _same(want: Any, got: str) -> bool:
    try:
        return float(want) == float(got)
    except (TypeError, ValueError):
        return " ".join(model_tokens(str(want))) == " ".join(model_tokens(str(got)))


def _same_step(want: Any, got: str) -> bool:
    """A relative volume step: HA's "up" / "down" or a number, against the device's signed step."""
    if str(want) in {"up", "down"} and got not in {"up", "down"}:
        try:
            return (float(got) > 0) == (str(want) == "up")
        except ValueError:
            return False
    return _same(want, got.lstrip("+"))


def row_right(row: Mapping[str, Any], name: str | None, slots: Mapping[str, str], reached: Resolved) -> bool:
    """The intent right and every spoken slot the row expects there (:data:`COMPARED_SLOTS` as the ``ha``
    part compares them, with the devices reached; :data:`CATALOGUE_SLOTS` by value)."""
    if name != row["intent"]:
        return False
    want: Mapping[str, Any] = row.get("slots") or {}
    for key in CATALOGUE_SLOTS & want.keys():
        if not (_same_step if key == "volume_step" else _same)(want[key], slots.get(key, "")):
            return False
    return slots_match({k: v for k, v in want.items() if k in COMPARED_SLOTS}, slots, reached)


def edge_predict(analyse: Analyse, home: Home) -> HaPredict:
    """ambient-edge on a row: the parse in ``home`` with the satellite in the area, then what the services
    carry out; ``Resolved`` holds the names, areas and domains of the devices it resolved to."""

    def predict(text: str, area: str) -> tuple[str | None, dict[str, str], Resolved]:
        snapshot = ha_snapshot(home, area)
        intent = analyse(text, snapshot).intent
        if intent is None:
            return None, {}, NOTHING
        intent = current(carried_out(intent))  # the planner's reading: a relative volume step signed
        targets = intent.targets or tuple(c.entity_id for c in plan(intent, snapshot).commands)
        devices = [home.devices[t] for t in targets if t in home.devices]
        reached = Resolved(
            tuple(d.name for d in devices), tuple(d.area for d in devices), tuple(d.domain for d in devices)
        )
        return intent.name, dict(intent.slots), reached

    return predict


def score(rows: list[dict[str, Any]], predict: HaPredict, misses: bool) -> dict[str, Any]:
    """Intent and intent + slots over ``rows``, per intent; with ``misses`` the rows missed."""
    per: dict[str, list[int]] = {}  # intent -> [rows, intent right, intent and slots right]
    missed: list[dict[str, Any]] = []
    for row in rows:
        area = str((row.get("context") or {}).get("area", ""))
        name, slots, reached = predict(row["sentence"], area)
        name = name or OUT_OF_DOMAIN  # nothing for the home: what an out-of-domain row expects
        ok = name == row["intent"]
        both = row_right(row, name, slots, reached)
        counts = per.setdefault(row["intent"], [0, 0, 0])
        counts[0], counts[1], counts[2] = counts[0] + 1, counts[1] + ok, counts[2] + both
        if misses and not both:
            missed.append({"sentence": row["sentence"], "area": area, "want": row["intent"], "got": name,
                           "want_slots": row.get("slots") or {}, "got_slots": slots,
                           "reached": list(reached.names)})  # fmt: skip
    n = max(1, len(rows))
    report: dict[str, Any] = {
        "rows": len(rows),
        "intent": round(sum(c[1] for c in per.values()) / n, 3),
        "intent_slots": round(sum(c[2] for c in per.values()) / n, 3),
        "by_intent": {k: f"{c[1]}/{c[2]}/{c[0]}" for k, c in sorted(per.items())},
    }
    if misses:
        report["misses"] = missed
    return report


def catalogue_report(
    analyse: Analyse,
    paths: Mapping[str, Path] | None = None,
    home_path: Path = CATALOGUE_HOME,
    hassil: Callable[[Home], HaPredict | None] = hassil_predict,
) -> dict[str, Any]:
    """The catalogue set's parts (``dev`` with its misses, ``blind`` counts only), ambient-edge beside
    hassil; ``by_intent`` is "intent right / intent and slots right / rows"."""
    home = load_home(home_path)
    matcher = hassil(home)
    report: dict[str, Any] = {
        "home": str(home_path),
        "by_intent_reads": "intent right/intent+slots right/rows",
    }
    for part, path in (paths or {"dev": CATALOGUE_DEV, "blind": CATALOGUE_BLIND}).items():
        rows = read_rows(path)
        report[part] = {"ambient_edge": score(rows, edge_predict(analyse, home), misses=part == "dev")}
        report[part]["hassil"] = (
            score(rows, matcher, misses=False) if matcher else "hassil/home-assistant-intents not installed"
        )
    return report
