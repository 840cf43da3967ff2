"""A cover moved a little (`edge/nlu/cover_steps.py`: "lower the blinds a bit" is a step of its position,
not all the way down) and a cover said halfway (`edge/nlu/value_words.py`: "open the blinds halfway" is
position 50). Pure pieces, then the real NLU model on the demo home and HA's test home
(`tests/data/cover_steps.jsonl`)."""

from __future__ import annotations

import json
from pathlib import Path

from edge.config import Settings
from edge.context.homes import load_home
from edge.context.model import Capability, Device, DeviceState
from edge.nlu.cover_steps import STEP, stepped
from edge.nlu.parser import NLUParser
from edge.nlu.snapshots import make_snapshot
from edge.nlu.types import Intent
from edge.nlu.value_words import in_numbers

DATA = Path(__file__).parent / "data"
HOMES = {
    "demo": Path(__file__).parents[1] / "devices" / "homes" / "demo.toml",
    "catalogue": DATA / "catalogue_home.yaml",
}
BLINDS = Device(
    "cover.blinds",
    "blinds",
    "cover",
    area="den",
    capabilities=frozenset({Capability.OPEN_CLOSE, Capability.POSITION}),
)
PLAIN = Device("cover.awning", "awning", "cover", area="den", capabilities=frozenset({Capability.OPEN_CLOSE}))


def _intent(name: str, *targets: str) -> Intent:
    return Intent(name, {"domain": "cover"}, 0.99, "", targets)


def test_a_little_is_a_step_from_the_reported_position() -> None:
    snap = make_snapshot(
        {d.entity_id: d for d in (BLINDS, PLAIN)},
        "den",
        base={"cover.blinds": DeviceState("open", {"current_position": 60})},
    )
    down = stepped(_intent("HassTurnOff", "cover.blinds"), ["lower", "the", "blinds", "a", "bit"], snap)
    assert down is not None and down.name == "HassSetPosition" and down.slots["position"] == str(60 - STEP)
    up = stepped(_intent("HassTurnOn", "cover.blinds"), ["raise", "the", "blinds", "slightly"], snap)
    assert up is not None and up.slots["position"] == str(60 + STEP)
    assert stepped(_intent("HassTurnOff", "cover.blinds"), ["close", "the", "blinds"], snap) is None
    assert (
        stepped(_intent("HassTurnOff", "cover.awning"), ["close", "the", "awning", "a", "bit"], snap) is None
    )  # no position
    both = _intent("HassTurnOff", "cover.blinds", "cover.awning")
    assert stepped(both, ["close", "them", "a", "bit"], snap) is None


def test_halfway_is_an_amount_wherever_it_is_said() -> None:
    assert in_numbers(["open", "the", "blinds", "halfway"]) == "open the blinds to 50 percent"
    assert in_numbers(["open", "the", "blinds", "half", "way"]) == "open the blinds to 50 percent"
    assert in_numbers(["open", "the", "blinds", "to", "halfway"]) == "open the blinds to 50 percent"


def test_the_cover_steps_list() -> None:
    """Dev rows written with the code; the blind rows written before they were run, scored once (main 1 of
    6, this change 6 of 6)."""
    parser = NLUParser(Settings())
    homes = {name: load_home(path) for name, path in HOMES.items()}
    missed: list[str] = []
    for row in (
        json.loads(line) for line in (DATA / "cover_steps.jsonl").read_text("utf-8").splitlines() if line
    ):
        home = homes[row["home"]]
        ctx = row["context"]
        states = {str(k): str(v) for k, v in (ctx.get("states") or {}).items()}
        snap = make_snapshot(home.devices, ctx["area"], states, base=home.states, areas=home.areas)
        intent = parser.parse(row["text"], snap)
        ok = intent is not None and (intent.name, sorted(intent.targets)) == (
            row["intent"],
            sorted(row["acts_on"]),
        )
        if ok and intent is not None and "slot" in row:
            ok = intent.slots.get(row["slot"][0]) == row["slot"][1]
        if not ok:
            missed.append(f"{row['text']} -> {intent}")
    assert not missed, missed
