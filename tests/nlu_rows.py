"""Scoring a list of requests written for the NLU (tests/data/*.jsonl): each row a request in a home
(``home``: demo, catalogue = HA's test home, probe / flat / enthusiast / rooms =
tests/data/<name>_home.toml), the satellite's area and states, the intent wanted (or a list of intents, any
of them right; null: not understood) and the devices it acts on, and an optional slot value. Shared by the
tests of the lists written before their code."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from edge.actions.planner import which_one
from edge.context.homes import Home, load_home
from edge.nlu.parser import NLUParser
from edge.nlu.snapshots import make_snapshot

DATA = Path(__file__).parent / "data"
HOMES = {
    "demo": Path(__file__).parents[1] / "devices" / "homes" / "demo.toml",
    "catalogue": DATA / "catalogue_home.yaml",
    "probe": DATA / "probe_home.toml",
    "flat": DATA / "flat_home.toml",
    "enthusiast": DATA / "enthusiast_home.toml",
    "rooms": DATA / "rooms_home.toml",
    "white": DATA / "white_home.toml",
}


@cache
def home(name: str) -> Home:
    return load_home(HOMES[name])


def read_rows(name: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (DATA / name).read_text("utf-8").splitlines() if line.strip()]


def misses(parser: NLUParser, rows: list[dict[str, Any]]) -> list[str]:
    """The rows the parser gets wrong (intent, devices acted on, slot): "text (home, area) -> intent"."""
    out: list[str] = []
    for row in rows:
        found = home(row.get("home", "demo"))
        ctx: dict[str, Any] = row["context"]
        states = {str(k): str(v) for k, v in (ctx.get("states") or {}).items()}
        snap = make_snapshot(found.devices, ctx["area"], states, base=found.states, areas=found.areas)
        intent = parser.parse(row["text"], snap)
        if intent is not None:
            intent = which_one(intent, snap).intent  # the devices it would act on: "which one?" settled
        wanted = row["intent"] if isinstance(row["intent"], list) else [row["intent"]]
        if intent is None:
            ok = None in wanted  # not understood, as wanted
        else:
            ok = intent.name in wanted and sorted(intent.targets) == sorted(row["acts_on"])
        if ok and intent is not None and "slot" in row:
            ok = intent.slots.get(row["slot"][0]) == row["slot"][1]
        if not ok:
            out.append(f"{row['text']} ({row.get('home', 'demo')}, {ctx['area']}) -> {intent}")
    return out
