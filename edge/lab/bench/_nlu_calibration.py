"""Issue 14's measurements on shared data: Home Assistant's English tests (dev half) for ambient-edge and for
hassil with the installed ``home-assistant-intents``, and how well the NLU's confidence is calibrated.

- HA tests, dev half (``ha-intents/tests_en_dev.jsonl``, in HA's test home ``home_en_fixtures.yaml``, the
  satellite in the row's context area): intent accuracy, and intent + slots: the intent right and every
  spoken slot HA expects (:data:`COMPARED_SLOTS`; ``name: all`` left out) equal after normalising (numbers
  as numbers). HA's derived slots (domain, device_class, state) are not compared: they come from its lists.
  For ambient-edge a ``name`` also counts when a resolved target carries that name.
- Calibration: the NLU's confidence (top intent probability, also when it is below ``nlu.reject_below``)
  against whether the top intent is right, on the HA tests dev half, HWU64's held-out ``iot`` rows and its
  held-out other rows (gold: the training mapping, ``OutOfDomain`` for scenarios the catalogue does not
  serve). Expected calibration error over 10 equal-width bins, and a risk-coverage table: for a threshold
  t, the share of rows the device would act on (top intent not ``OutOfDomain`` and confidence >= t) and
  the share of those whose intent is wrong.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from edge.context.homes import Home, load_home
from edge.context.model import ContextSnapshot, Satellite
from edge.dialog.unsure import unsure_question
from edge.lab.training.ha_data import load_en
from edge.lab.training.hwu64 import IOT_MAP, SERVED_SCENARIOS, HwuRow, iot_expected, read_hwu64, served_label
from edge.lang import model_tokens
from edge.nlu.catalogue import by_name
from edge.nlu.parser import ParseResult
from edge.nlu.snapshots import demo_devices, make_snapshot

__all__ = [
    "COMPARED_SLOTS",
    "NOTHING",
    "THRESHOLDS",
    "Resolved",
    "abstain_report",
    "calibration_report",
    "expected_calibration_error",
    "format_risk_coverage",
    "ha_snapshot",
    "ha_tests_report",
    "hassil_predict",
    "risk_coverage",
    "slots_match",
]

OUT_OF_DOMAIN = "OutOfDomain"
COMPARED_SLOTS = frozenset(
    {"name", "area", "floor", "temperature", "brightness", "position", "volume_level", "search_query",
     "item", "color", "hours", "minutes", "seconds"}
)  # fmt: skip
THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
Analyse = Callable[[str, ContextSnapshot], ParseResult]


# (intent or None, slots, names of the devices it resolved to)
@dataclass(frozen=True, slots=True)
class Resolved:
    """What a parse reached in the home: the names and the areas of its targets (empty for hassil)."""

    names: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()


NOTHING = Resolved()
HaPredict = Callable[[str, str], tuple[str | None, dict[str, str], Resolved]]
Point = tuple[float, bool, bool]  # confidence, top intent right, would act (top intent not OutOfDomain)


def _norm(value: str) -> str:
    return " ".join(model_tokens(str(value)))


def _same(want: str, got: str) -> bool:
    try:
        return float(want) == float(got)
    except ValueError:
        return _norm(want) == _norm(got)


def slots_match(want: Mapping[str, Any], got: Mapping[str, str], reached: Resolved = NOTHING) -> bool:
    """Every compared slot HA expects is there with the same value. With ``reached`` (the device's meaning,
    not only its tags): a name may also be a target's name, and an area the one area every target is in
    ("turn the lights on" in the living room: HA fills ``area`` from the satellite, the device reaches the
    living room's lights; "the living room lamp" tagged as a name still reaches the living room)."""
    for key, value in want.items():
        accepted = [str(v) for v in value] if isinstance(value, list) else [str(value)]  # HA's alternatives
        if key not in COMPARED_SLOTS or (key == "name" and "all" in accepted):
            continue
        if any(_same(v, got.get(key, "")) for v in accepted):
            continue
        if key == "name" and any(_same(v, n) for v in accepted for n in reached.names):
            continue
        if key == "area" and _reached_area(accepted, want.get("domain"), reached):
            continue
        return False
    return True


def _reached_area(accepted: list[str], domain: Any, reached: Resolved) -> bool:
    """Every target is in the area HA expects, and of the domain it expects when it names one (the kitchen
    lights are no answer to "kitchen fans on")."""
    if not reached.areas or not any(all(_same(v, a) for a in reached.areas) for v in accepted):
        return False
    return not domain or all(d == str(domain) for d in reached.domains)


def _ha_home(shared: Path) -> Home | None:
    path = shared / "ha-intents" / "home_en_fixtures.yaml"
    return load_home(path) if path.is_file() else None


def _ha_rows(shared: Path) -> list[dict[str, Any]]:
    path = shared / "ha-intents" / "tests_en_dev.jsonl"
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def _row_area(row: Mapping[str, Any]) -> str:
    return str((row.get("context") or {}).get("area", ""))


def ha_snapshot(home: Home, area: str) -> ContextSnapshot:
    return ContextSnapshot(
        version=1,
        satellite=Satellite(area=area.lower()),
        devices=home.devices,
        states=home.states,
        time=datetime(2025, 1, 1, 19, 0),
        areas=tuple(home.areas),
    )


def _edge_predict(analyse: Analyse, home: Home) -> tuple[HaPredict, list[Point]]:
    points: list[Point] = []

    def predict(text: str, area: str) -> tuple[str | None, dict[str, str], Resolved]:
        result = analyse(text, ha_snapshot(home, area))
        points.append((result.confidence, False, result.label != OUT_OF_DOMAIN))
        intent = result.intent
        if intent is None:
            return None, {}, NOTHING
        devices = [home.devices[t] for t in intent.targets if t in home.devices]
        reached = Resolved(
            tuple(d.name for d in devices), tuple(d.area for d in devices), tuple(d.domain for d in devices)
        )
        return intent.name, dict(intent.slots), reached

    return predict, points


@functools.cache
def hassil_intents() -> Any | None:
    """Home Assistant's English intents parsed for hassil, once per run (both benches' matchers use them);
    None without hassil or the home-assistant-intents package."""
    try:
        from hassil import Intents  # noqa: PLC0415 - lazy: hassil is a development extra
    except ImportError:
        return None
    en = load_en()
    return None if en is None else Intents.from_dict(en)


def hassil_predict(home: Home) -> HaPredict | None:
    intents = hassil_intents()
    if intents is None:
        return None
    from hassil import recognize  # noqa: PLC0415 - lazy: hassil is a development extra
    from hassil.intents import TextSlotList  # noqa: PLC0415 - lazy: hassil is a development extra

    names = [
        (d.name, d.name, {"domain": d.domain, **({"device_class": d.device_class} if d.device_class else {})})
        for d in home.devices.values()
    ]
    lists: dict[str, Any] = {
        "name": TextSlotList.from_tuples(names, allow_template=False),
        "area": TextSlotList.from_strings([a.title() for a in home.areas], allow_template=False),
        "floor": TextSlotList.from_strings([f.title() for f in home.floors], allow_template=False),
    }

    def predict(text: str, area: str) -> tuple[str | None, dict[str, str], Resolved]:
        context = {"area": area} if area else None
        try:
            result = recognize(text, intents, slot_lists=lists, intent_context=context)
        except Exception:  # hassil raises on lists we do not provide (zones, timers' commands)
            return None, {}, NOTHING
        if result is None:
            return None, {}, NOTHING
        slots = {k: str(v.value if isinstance(v.value, str | int | float) else v.text).strip()
                 for k, v in result.entities.items()}  # fmt: skip
        return result.intent.name, slots, NOTHING

    return predict


def _score_ha(rows: list[dict[str, Any]], predict: HaPredict) -> tuple[dict[str, Any], list[bool]]:
    right: list[bool] = []
    slot_ok = tagged = 0
    by_file: dict[str, list[int]] = {}  # source file -> [rows, intent right, intent and slots right]
    misses: list[dict[str, Any]] = []
    for row in rows:
        name, slots, reached = predict(str(row["sentence"]), _row_area(row))
        ok = name == row["intent"]
        both = ok and slots_match(row["slots"], slots, reached)
        tagged += ok and slots_match(row["slots"], slots)
        right.append(ok)
        slot_ok += both
        counts = by_file.setdefault(Path(str(row.get("source_file", "?"))).stem, [0, 0, 0])
        counts[0], counts[1], counts[2] = counts[0] + 1, counts[1] + ok, counts[2] + both
        if not both:
            misses.append({"sentence": row["sentence"], "want": row["intent"], "got": name,
                           "want_slots": row["slots"], "got_slots": slots})  # fmt: skip
    n = max(1, len(rows))
    return {
        "rows": len(rows),
        "intent": round(sum(right) / n, 3),
        "intent_slots": round(slot_ok / n, 3),
        "intent_slots_as_tagged": round(tagged / n, 3),
        "by_file": {
            f: {"rows": c[0], "intent": round(c[1] / c[0], 3), "intent_slots": round(c[2] / c[0], 3)}
            for f, c in sorted(by_file.items())
        },
        "misses": misses,
    }, right


def ha_tests_report(analyse: Analyse, shared: Path) -> tuple[dict[str, Any], list[Point]]:
    """HA tests dev half: ambient-edge and hassil; the calibration points of ambient-edge's parses."""
    home, rows = _ha_home(shared), _ha_rows(shared)
    if home is None or not rows:
        return {"skipped": "ha-intents/tests_en_dev.jsonl or home_en_fixtures.yaml not found"}, []
    predict, raw = _edge_predict(analyse, home)
    ours, right = _score_ha(rows, predict)
    points = [(c, ok, acts) for (c, _r, acts), ok in zip(raw, right, strict=True)]
    hassil = hassil_predict(home)
    report: dict[str, Any] = {"ambient_edge": ours}
    if hassil:
        theirs = _score_ha(rows, hassil)[0]
        report["hassil"] = {k: v for k, v in theirs.items() if k not in {"by_file", "misses"}}
    else:
        report["hassil"] = "hassil/home-assistant-intents not installed"
    return report, points


def _hwu_gold(row: HwuRow) -> str | None:
    if row.scenario == "iot":
        return iot_expected(row) if row.intent in IOT_MAP else None
    if row.scenario in SERVED_SCENARIOS:
        served = served_label(row)
        return served[0][0] if served is not None else None
    return "HassGetWeather" if row.scenario == "weather" else OUT_OF_DOMAIN


def _hwu_points(analyse: Analyse, rows: list[HwuRow], snapshot: ContextSnapshot, iot: bool) -> list[Point]:
    points: list[Point] = []
    for row in rows:
        if not row.held_out or (row.scenario == "iot") != iot or (gold := _hwu_gold(row)) is None:
            continue
        result = analyse(row.text, snapshot)
        points.append((result.confidence, result.label == gold, result.label != OUT_OF_DOMAIN))
    return points


def expected_calibration_error(points: list[Point], bins: int = 10) -> float:
    """Sum over equal-width confidence bins of |accuracy - mean confidence| weighted by the bin's share."""
    if not points:
        return 0.0
    total = 0.0
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        inside = [(c, ok) for c, ok, _a in points if lo <= c < hi or (b == bins - 1 and c == 1.0)]
        if inside:
            accuracy = sum(ok for _c, ok in inside) / len(inside)
            confidence = sum(c for c, _ok in inside) / len(inside)
            total += len(inside) / len(points) * abs(accuracy - confidence)
    return total


def risk_coverage(points: list[Point], thresholds: tuple[float, ...] = THRESHOLDS) -> list[dict[str, float]]:
    """Per threshold: the share of rows acted on and the share of wrong intents among them."""
    table = []
    for t in thresholds:
        acted = [ok for c, ok, acts in points if acts and c >= t]
        table.append(
            {
                "threshold": t,
                "coverage": round(len(acted) / max(1, len(points)), 3),
                "error_rate": round(1 - sum(acted) / len(acted), 3) if acted else 0.0,
            }
        )
    return table


def calibration_report(analyse: Analyse, shared: Path, quick: bool = False) -> dict[str, Any]:
    """HA tests (dev half) vs hassil, and ECE + risk-coverage per set and over all of them."""
    ha, ha_points = ha_tests_report(analyse, shared)
    sets: dict[str, list[Point]] = {"ha_tests_dev": ha_points}
    if (shared / "hwu64" / "hwu64.csv").is_file():
        rows = read_hwu64(shared)[:: 4 if quick else 1]
        snapshot = make_snapshot(demo_devices(), area="living room")
        sets["hwu64_iot_dev"] = _hwu_points(analyse, rows, snapshot, iot=True)
        sets["hwu64_other_dev"] = _hwu_points(analyse, rows, snapshot, iot=False)
    sets["all"] = [p for v in list(sets.values()) for p in v]
    calibration = {
        name: {
            "rows": len(points),
            "ece_10_bins": round(expected_calibration_error(points), 3),
            "risk_coverage": risk_coverage(points),
        }
        for name, points in sets.items()
        if points
    }
    return {"ha_tests_dev": ha, "calibration": calibration}


def format_risk_coverage(report: Mapping[str, Any]) -> str:
    """The calibration section as a few printed lines (one row per set, one column per threshold)."""
    lines = ["calibration: ECE (10 bins); per threshold t: coverage / error rate among rows acted on"]
    lines.append(f"{'set':18} {'rows':>5} {'ECE':>6}  " + "  ".join(f"t={t:<9}" for t in THRESHOLDS))
    for name, c in (report.get("calibration") or {}).items():
        cells = "  ".join(f"{r['coverage']:.2f}/{r['error_rate']:.3f}" for r in c["risk_coverage"])
        lines.append(f"{name:18} {c['rows']:>5} {c['ece_10_bins']:>6.3f}  {cells}")
    return "\n".join(lines)


def abstain_report(
    analyse: Analyse,
    shared: Path,
    served: Callable[[HwuRow], bool],
    reject_below: float,
    quick: bool = False,
) -> dict[str, Any]:
    """The operating point on HWU64 (``nlu.act_below``), for the held-out (dev) half it was chosen on and
    the training half: false actions on the rows not for a device (chit-chat, questions, out-of-domain:
    a parse that moves a device it found; "set the time" read as a scene the home lacks moves nothing), and
    the ``iot`` requests that end in a question (the two readings asked between) or in "not understood"
    instead of acting (not those below ``reject_below``, which nothing acts on at any operating point).
    ``served``: a non-iot row whose mapped label moves a device ("play some jazz": a media command is the
    product's answer), left out."""
    if not (shared / "hwu64" / "hwu64.csv").is_file():
        return {"skipped": "hwu64/hwu64.csv not found"}

    rows = read_hwu64(shared)[:: 4 if quick else 1]
    snapshot = make_snapshot(demo_devices(), area="living room")
    report: dict[str, Any] = {}
    for half, held_out in (("dev", True), ("train", False)):
        acted = others = iot = asked = not_understood = 0
        for row in rows:
            if row.held_out != held_out or (row.scenario == "iot" and row.intent not in IOT_MAP):
                continue
            if row.scenario != "iot" and served(row):
                continue
            result = analyse(row.text, snapshot)
            spec = by_name(result.intent.name) if result.intent is not None else None
            if row.scenario != "iot":
                others += 1
                acted += bool(spec and spec.moves_device and result.intent and result.intent.targets)
                continue
            iot += 1
            if result.abstained and result.confidence >= reject_below:
                question = unsure_question(result.unsure, snapshot) if result.unsure else None
                asked += question is not None
                not_understood += question is None
        report[half] = {
            "rows_not_for_a_device": others,
            "false_action_rate": round(acted / max(1, others), 4),
            "iot_rows": iot,
            "iot_asked_rate": round(asked / max(1, iot), 4),
            "iot_not_understood_rate": round(not_understood / max(1, iot), 4),
        }
    return report
