"""``edge bench services``: what the device does with the requests that need no device.

Home Assistant's English test sentences (dev half, ``../shared/data/ha-intents/tests_en_dev.jsonl``;
evaluation only) whose intent needs no device, through the real turn engine (``build_turns``, the NLU
model, the demo home, a fresh SQLite store) in file order, one turn every 5 s on the timers' clock. A row
is carried out when the turn's record names the intent Home Assistant expects (what the services did, the
timer verb included) and the device answered it (not "Done." with nothing done, not "did not understand").
"""

from __future__ import annotations

import asyncio
import json
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from edge.config import Settings
from edge.context.model import Satellite
from edge.lab.sim.local import LocalHome
from edge.resources import demo_home
from edge.services import SERVICE_INTENTS
from edge.turns.heard import Heard
from edge.wiring import build_turns

__all__ = ["run"]


async def _measure(settings: Settings, rows: list[dict[str, Any]]) -> dict[str, Any]:
    home = LocalHome.from_file(demo_home(), home_id="bench")
    home.satellite = Satellite(area="kitchen")
    clock = [0.0]
    per: defaultdict[str, Counter[str]] = defaultdict(Counter)
    missed: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        turns = await build_turns(
            settings, home, db=Path(tmp) / "t.db", home_id="bench", rewriter=None, speaker=None,
            clock=lambda: clock[0],
        )  # fmt: skip
        async with turns:
            for i, row in enumerate(rows):
                clock[0] = i * 5.0
                heard = Heard(row["sentence"], clock[0], clock[0] + 0.5, "bench", turn_id=f"t{i}")
                record = await turns.driver.hear(heard)
                answered = record.response not in {"", "Done.", "OK."} or row["intent"] == "HassNevermind"
                ok = record.intent == row["intent"] and answered and record.intent is not None
                per[row["intent"]]["rows"] += 1
                per[row["intent"]]["carried_out"] += ok
                if not ok:
                    missed.append(
                        {"text": row["sentence"], "expected": row["intent"], "did": record.intent,
                         "said": record.response}
                    )  # fmt: skip
    rows_n = sum(c["rows"] for c in per.values())
    done = sum(c["carried_out"] for c in per.values())
    return {
        "rows": rows_n,
        "carried_out": done,
        "rate": round(done / rows_n, 3) if rows_n else 0.0,
        "by_intent": {k: f"{v['carried_out']}/{v['rows']}" for k, v in sorted(per.items())},
        "missed": missed,
    }


def run(settings: Settings, args: Any) -> int:
    shared = settings.shared_data()
    path = shared / "ha-intents" / "tests_en_dev.jsonl" if shared else None
    if path is None or not path.is_file():
        print("Home Assistant's test sentences (../shared/data/ha-intents) not found: nothing to measure")
        return 0
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [r for r in rows if r.get("intent") in SERVICE_INTENTS]
    started = time.perf_counter()
    report = asyncio.run(_measure(settings, rows))
    report["seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps(report, indent=2))
    return 0
