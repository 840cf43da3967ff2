"""One composition root and one turn-driving loop: ``edge.wiring.build_turns`` is the only place a turn
engine is made, and the driver feeds the engine and the recorder in one order (device events the home saw
before an utterance, the turn, the events it caused; barge-ins; events before each tick)."""

from __future__ import annotations

import ast
import asyncio
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from edge.config import Settings
from edge.context.model import ContextSnapshot
from edge.dialog.tts import Speaker
from edge.events import Transcript, WakeDetected
from edge.feedback.observations import BargeIn, ChangeSource, DeviceEvent
from edge.feedback.record import TurnRecord
from edge.lab.sim.local import LocalHome
from edge.nlu.types import Intent
from edge.turns.driver import TurnDriver
from edge.turns.handler import EngineTurnHandler
from edge.turns.heard import Heard
from edge.wiring import build_turns

ROOT = Path(__file__).resolve().parent.parent
EDGE = ROOT / "edge"
DEMO = ROOT / "devices" / "homes" / "demo.toml"


def _engine_calls(path: Path) -> list[int]:
    """Lines of ``path`` that call ``TurnEngine(...)`` (by name or as an attribute)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and (
            (isinstance(node.func, ast.Name) and node.func.id == "TurnEngine")
            or (isinstance(node.func, ast.Attribute) and node.func.attr == "TurnEngine")
        )
    ]


def test_the_builder_is_the_only_place_a_turn_engine_is_made() -> None:
    calls = {
        str(p.relative_to(ROOT)): lines for p in sorted(EDGE.rglob("*.py")) if (lines := _engine_calls(p))
    }
    assert calls.keys() == {"edge/wiring.py"}, calls
    assert len(calls["edge/wiring.py"]) == 1
    # and no other spelling slips past the syntax tree (a call through another name, a string to exec)
    greps = {
        str(p.relative_to(ROOT))
        for p in EDGE.rglob("*.py")
        if re.search(r"\bTurnEngine\s*\(", re.sub(r"class TurnEngine\b", "", p.read_text(encoding="utf-8")))
    }
    assert greps == {"edge/wiring.py"}, greps


class KitchenParser:
    """'turn on/off the kitchen light' and nothing else."""

    def parse(self, text: str, snapshot: ContextSnapshot) -> Intent | None:
        m = re.fullmatch(r"turn (on|off) the kitchen light", text.lower().strip())
        if m is None:
            return None
        name = "HassTurnOn" if m[1] == "on" else "HassTurnOff"
        return Intent(name, {"name": "kitchen light"}, 0.95, text, ("light.kitchen",), target_scores=(1.0,))


class LongTTS:
    """Every response lasts 5 s (no sound is made)."""

    name = "long"

    async def synthesize(self, text: str, out: Path) -> float:
        return 5.0


@dataclass
class CallLog:
    """A recorder that writes down what reaches it, in order."""

    calls: list[tuple[str, ...]] = field(default_factory=list)

    async def on_turn(self, record: TurnRecord) -> None:
        self.calls.append(("turn", record.turn_id))

    async def on_device_event(self, event: DeviceEvent) -> None:
        self.calls.append(("event", event.entity_id, str(event.source), event.new))

    async def on_barge_in(self, event: BargeIn) -> None:
        self.calls.append(("barge_in", event.turn_id))

    async def tick(self, now: float) -> None:
        self.calls.append(("tick", str(now)))


def test_the_driver_feeds_the_recorder_in_order(tmp_path: Path) -> None:
    async def main() -> None:
        home = LocalHome.from_file(DEMO, home_id="h")
        settings = Settings()
        turns = await build_turns(
            settings, home, db=tmp_path / "t.db", home_id="h", parser=KitchenParser(), rewriter=None,
            speaker=Speaker(LongTTS(), workdir=tmp_path),
        )  # fmt: skip
        log = CallLog()
        driver = TurnDriver(turns.engine, log, home)
        async with turns:
            home.toggle("light.bedroom", 1.0, "on")  # by hand, before anyone speaks
            record = await driver.hear(Heard("turn on the kitchen light", 2.0, 2.5, "s", turn_id="t1"))
            assert record.result_ok is True
            assert log.calls == [
                ("event", "light.bedroom", "manual", "on"),
                ("turn", "t1"),
                ("event", "light.kitchen", "command", "on"),
            ]
            log.calls.clear()
            assert await driver.barge_in(3.0) == BargeIn("t1", 3.0, 2.5, 5.0)  # the response plays 5 s
            assert await driver.barge_in(4.0) is None  # nothing is being said any more: nothing recorded
            home.toggle("light.kitchen", 9.0, "off")  # put back by hand
            await driver.tick(10.0)
            assert log.calls == [
                ("barge_in", "t1"),
                ("event", "light.kitchen", "manual", "off"),
                ("tick", "10.0"),
            ]

    asyncio.run(main())


def test_the_builder_leaves_rewriter_and_speaker_to_the_settings(tmp_path: Path) -> None:
    async def main() -> None:
        base = Settings()
        quiet = replace(
            base,
            learning=replace(base.learning, enabled=False),
            satellite=replace(base.satellite, has_speaker=False),
        )
        home = LocalHome.from_file(DEMO)
        async with await build_turns(quiet, home, db=tmp_path / "a.db", parser=KitchenParser()) as turns:
            assert turns.engine.rewriter is None and turns.speaker is None and turns.engine.home is home
            assert turns.driver.recorder is turns.recorder and turns.recorder.store is turns.store
        learning = replace(base, learning=replace(base.learning, tables_dir=str(tmp_path / "tables")))
        async with await build_turns(learning, home, db=tmp_path / "b.db", parser=KitchenParser()) as turns:
            assert turns.engine.rewriter is not None and turns.speaker is not None
            # the recorder writes the turn store the bundle holds
            await turns.driver.hear(Heard("turn off the kitchen light", 1.0, 1.5, "s", turn_id="t2"))
            stored = await turns.store.turn("t2")
            assert stored is not None and stored.record.intent == "HassTurnOff"
            assert stored.record.home_id == "home"

    asyncio.run(main())


def test_a_home_reports_its_toggles_by_hand_once(tmp_path: Path) -> None:
    home = LocalHome.from_file(DEMO, home_id="h")
    event = home.toggle("light.bedroom", 5.0, "on")
    assert event == DeviceEvent("light.bedroom", "off", "on", 5.0, ChangeSource.MANUAL, "h")
    assert home.drain_events() == [event]
    assert home.drain_events() == []


class HeardLog:
    """A driver stand-in for the handler: what it was asked to hear, in order."""

    def __init__(self) -> None:
        self.heard: list[Heard] = []
        self.barge_ins: list[float] = []

    async def hear(self, heard: Heard, emit: object = None) -> None:
        self.heard.append(heard)

    async def barge_in(self, t: float) -> None:
        self.barge_ins.append(t)


def _run_ahead(ordered: bool) -> list[Heard]:
    """A replay faster than real time: the second wake is seen (t=11) before the first turn's transcript is
    ready (t=12), as the listener runs ahead of ASR."""
    log = HeardLog()
    clock = iter([10.0, 11.0, 12.0, 13.0])
    handler = EngineTurnHandler(log, lambda: next(clock), ordered=ordered)  # type: ignore[arg-type]
    wake = WakeDetected("hey_jarvis", 0.9, 0.0, "hey_jarvis")

    async def go() -> None:
        await handler.on_wake(wake, "t1")
        await handler.on_wake(wake, "t2")
        await handler.on_transcript(
            Transcript("unlock the front door", 0.9, "whisper", 1200.0), "t1", _no_emit
        )
        await handler.on_transcript(Transcript("yes", 0.9, "whisper", 400.0), "t2", _no_emit)

    asyncio.run(go())
    return log.heard


async def _no_emit(event: object) -> None:
    return None


def test_a_replayed_file_hears_each_turn_after_the_previous_one_was_answered() -> None:
    question, answer = _run_ahead(ordered=True)
    assert (question.t_start, question.t_end) == (10.0, 12.0)
    assert answer.t_start >= question.t_end  # the "yes" follows the question, as it does in the file
    assert answer.t_end >= answer.t_start


def test_on_a_live_microphone_a_wake_before_the_question_stays_before_it() -> None:
    question, answer = _run_ahead(ordered=False)
    assert question.t_end == 12.0
    assert answer.t_start == 11.0  # spoken before the question was asked: it can never confirm it
