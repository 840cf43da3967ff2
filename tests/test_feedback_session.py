"""Scripted sessions through the turn driver, the turn engine and the feedback recorder on a simulated
clock, all composed by ``edge.wiring.build_turns``.

The home and parser here are small behavioural fakes (the real ones live in other modules); the store,
recorder, detectors, dialogue, teaching and TTS synthesis are the real ones."""

from __future__ import annotations

import asyncio
import dataclasses
import re
import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from edge.actions.gate import Confirmation
from edge.config import Settings, load_settings
from edge.context.model import ContextSnapshot, Device, DeviceState, Satellite
from edge.dialog.tts import CommandPlayer, EspeakTTS, NoTTS, Speaker
from edge.events import PipelineEvent
from edge.feedback.observations import ChangeSource, DeviceEvent, StoredTurn
from edge.feedback.record import Asked, Dialog, Rewrite, SignalKind
from edge.feedback.store import TurnQuery
from edge.feedback.taught import MacroStep, TaughtStore
from edge.feedback.writer import AsyncTurnStore
from edge.lab.session.script import ScriptLine, run_session
from edge.nlu.catalogue import is_safety_critical
from edge.nlu.types import Intent
from edge.turns.driver import TurnDriver
from edge.turns.engine import TurnEngine
from edge.turns.heard import Heard
from edge.wiring import Turns, build_turns

DEVICES = {
    "light.kitchen": Device("light.kitchen", "Kitchen light", "light", "kitchen"),
    "light.hall": Device("light.hall", "Hall light", "light", "hall"),
    "light.living_room": Device("light.living_room", "Living room lights", "light", "living room"),
    "media_player.tv": Device("media_player.tv", "TV", "media_player", "living room"),
    "lock.front_door": Device("lock.front_door", "Front door", "lock", "hall"),
    "oven.kitchen": Device("oven.kitchen", "Oven", "oven", "kitchen", unit="°C"),
}


@dataclass
class FakePlan:
    commands: list[dict[str, Any]]
    needs_confirmation: bool = False
    answer: str | None = None
    confirmation: Confirmation | None = None

    def with_confirmation(self, confirmation: Confirmation) -> FakePlan:
        return dataclasses.replace(self, confirmation=confirmation)


@dataclass
class FakeResult:
    ok: bool
    error: str = ""


@dataclass
class FakeHome:
    """Devices with state; commands change state at once; manual toggles flip it."""

    states: dict[str, str] = field(
        default_factory=lambda: {
            "light.kitchen": "off", "light.hall": "off", "light.living_room": "on",
            "media_player.tv": "off", "lock.front_door": "unlocked", "oven.kitchen": "180",
        }
    )  # fmt: skip
    broken: set[str] = field(default_factory=set)
    t: float = 0.0
    version: int = 1
    events: list[DeviceEvent] = field(default_factory=list)
    executed: list[str] = field(default_factory=list)

    def snapshot(self) -> ContextSnapshot:
        return ContextSnapshot(
            self.version, Satellite(area="kitchen"), DEVICES,
            {e: DeviceState(s) for e, s in self.states.items()}, datetime(2024, 1, 1, 20, 0),
        )  # fmt: skip

    def plan(self, intent: Intent, snapshot: ContextSnapshot, *, confirmed: bool = False) -> FakePlan:
        want = {"HassTurnOn": "on", "HassTurnOff": "off", "MediaPlay": "playing"}
        locks = {"on": "locked", "off": "unlocked"}
        cmds = []
        for e in intent.targets:
            if intent.name in want:
                state = want[intent.name]
                state = locks[state] if e.startswith("lock.") else state
                action = {"locked": "lock", "unlocked": "unlock", "on": "turn_on", "off": "turn_off"}
                cmds.append({"entity_id": e, "action": action.get(state, "play"), "topic": f"home/{e}/set",
                             "payload": state, "state": state})  # fmt: skip
        return FakePlan(cmds)

    async def execute(self, plan: FakePlan) -> FakeResult:
        critical = [c for c in plan.commands if is_safety_critical(DEVICES[c["entity_id"]])]
        if critical and plan.confirmation is None:  # the real executors' gate, in brief
            return FakeResult(False, "needs-confirmation")
        for c in plan.commands:
            if c["entity_id"] in self.broken:
                return FakeResult(False, "device-timeout")
            old = self.states[c["entity_id"]]
            self.states[c["entity_id"]] = c["state"]
            self.version += 1
            self.executed.append(f"{c['entity_id']}={c['state']}")
            self.events.append(DeviceEvent(c["entity_id"], old, c["state"], self.t, ChangeSource.COMMAND))
        return FakeResult(True)

    def toggle(self, entity_id: str, t: float) -> DeviceEvent:
        old = self.states[entity_id]
        self.states[entity_id] = "off" if old == "on" else "on"
        self.version += 1
        event = DeviceEvent(entity_id, old, self.states[entity_id], t, ChangeSource.MANUAL)
        self.events.append(event)
        return event

    def drain_events(self) -> list[DeviceEvent]:
        out, self.events = self.events, []
        return out

    def advance(self, t: float) -> None:
        self.t = t


NAMES = {
    "kitchen light": "light.kitchen", "hall light": "light.hall", "living room lights": "light.living_room",
    "tv": "media_player.tv", "front door": "lock.front_door", "oven": "oven.kitchen",
}  # fmt: skip


class FakeParser:
    """A few patterns, enough for the scripts below; unknown names come back unresolved."""

    def parse(self, text: str, snapshot: ContextSnapshot) -> Intent | None:
        s = re.sub(r"[^\w ]", "", text.lower()).replace("the ", "").strip()
        if s in {"undo that", "undo"}:
            return Intent("UndoLast", text=text)
        if m := re.match(r"(what is|whats) (\w+) temperature$", s):
            return Intent("HassClimateGetTemperature", {"name": m[2]}, 0.9, text, (NAMES[m[2]],))
        if m := re.match(r"play imagine dragons$", s):
            return Intent("MediaPlay", {"search_query": "imagine dragons"}, 0.9, text, ("media_player.tv",))
        if m := re.match(r"(lock|unlock) (.+)$", s):
            name = "HassTurnOn" if m[1] == "lock" else "HassTurnOff"
            return Intent(name, {"name": m[2]}, 0.9, text, (NAMES[m[2]],) if m[2] in NAMES else ())
        m = re.match(r"(?:turn|switch) (on|off) (.+)$", s) or re.match(r"(.+) (on|off)$", s)
        if m is None:
            return None
        state, name = (m[1], m[2]) if m[1] in {"on", "off"} else (m[2], m[1])
        target = NAMES.get(name)
        intent = "HassTurnOn" if state == "on" else "HassTurnOff"
        conf = 0.95 if target else 0.6
        return Intent(intent, {"name": name}, conf, text, (target,) if target else (), source="voice")


@dataclass(frozen=True)
class FakeRewrite:
    rewritten: str
    layer: str = "personal"
    score: float = 0.91


class TableRewriter:
    def __init__(self, table: dict[str, str]) -> None:
        self.table = table

    def rewrite(
        self, text: str, snapshot: ContextSnapshot, asr_confidence: float, turn_id: str = ""
    ) -> FakeRewrite | None:
        return FakeRewrite(self.table[text]) if text in self.table else None


@dataclass
class Rig:
    turns: Turns
    home: FakeHome
    events: list[PipelineEvent]

    @property
    def engine(self) -> TurnEngine:
        return self.turns.engine

    @property
    def driver(self) -> TurnDriver:
        return self.turns.driver

    @property
    def store(self) -> AsyncTurnStore:
        return self.turns.store

    @property
    def taught(self) -> TaughtStore:
        return self.turns.taught

    @property
    def responses(self) -> list[tuple[str, str]]:
        return [(e.turn_id, e.data["text"]) for e in self.events if e.type == "response"]


async def make_rig(db: Path, home: FakeHome | None = None, speaker: Speaker | None = None,
                   rewriter: TableRewriter | None = None,
                   settings: Settings | None = None) -> Rig:  # fmt: skip
    home = home or FakeHome()
    events: list[PipelineEvent] = []
    turns = await build_turns(
        settings or Settings(), home, db=db, parser=FakeParser(), rewriter=rewriter, speaker=speaker,
        emit=events.append,
    )  # fmt: skip
    return Rig(turns, home, events)


async def play(rig: Rig, script: Sequence[tuple[float, str, str]], session: str = "s1") -> list[StoredTurn]:
    lines = [ScriptLine(t, kind, value) for t, kind, value in script]
    await run_session(lines, rig.driver, session, home=rig.home)
    return await rig.store.turns(TurnQuery(session_id=session))


async def close(rig: Rig) -> None:
    await rig.turns.aclose()


def kinds(turn: StoredTurn) -> list[str]:
    return sorted(str(s.kind) for s in turn.signals)


def test_rephrase_after_misunderstanding_is_linked(tmp_path: Path) -> None:
    async def main() -> None:
        rig = await make_rig(tmp_path / "t.db")
        turns = await play(rig, [(0, "say", "play maj and dragons"), (6, "say", "play imagine dragons")])
        first, second = turns
        assert first.record.intent is None and first.record.response == "Sorry, I didn't understand that."
        reph = [s for s in first.signals if s.kind is SignalKind.REPHRASE]
        assert len(reph) == 1 and reph[0].related_turn_id == second.record.turn_id
        assert reph[0].strength >= 0.6 and reph[0].evidence["strong"] is True
        assert first.record.label == "defect" and second.record.label == "success"
        assert rig.home.states["media_player.tv"] == "playing"
        await close(rig)

    asyncio.run(main())


def test_two_different_commands_are_not_linked(tmp_path: Path) -> None:
    async def main() -> None:
        rig = await make_rig(tmp_path / "t.db")
        turns = await play(rig, [(0, "say", "kitchen light on"), (4, "say", "hall light on")])
        assert [kinds(t) for t in turns] == [[], []]
        assert [t.record.label for t in turns] == ["success", "success"]
        assert turns[0].record.response == "Turned on the kitchen light."
        assert turns[0].record.commands[0]["entity_id"] == "light.kitchen"
        assert turns[0].record.prior_states == {"light.kitchen": "off"}
        await close(rig)

    asyncio.run(main())


def test_manual_toggle_within_window_marks_undo(tmp_path: Path) -> None:
    async def main() -> None:
        rig = await make_rig(tmp_path / "t.db")
        turns = await play(rig, [(0, "say", "turn on the kitchen light"), (20, "toggle", "light.kitchen")])
        (turn,) = turns
        assert kinds(turn) == ["undo"]
        assert turn.signals[0].evidence == {
            "by": "manual",
            "entity_id": "light.kitchen",
            "old": "on",
            "new": "off",
        }
        assert turn.record.label == "defect"
        late = await play(rig, [(500, "say", "turn on the hall light"), (700, "toggle", "light.hall")], "s2")
        assert kinds(late[0]) == [] and late[0].record.label == "success"
        await close(rig)

    asyncio.run(main())


def test_wake_with_silence_is_a_false_wake(tmp_path: Path) -> None:
    async def main() -> None:
        rig = await make_rig(tmp_path / "t.db")
        (turn,) = await play(rig, [(0, "wake", "")])
        assert kinds(turn) == ["false_wake"]
        assert turn.record.label == "defect" and turn.record.failure_point == "false_wake"
        assert turn.record.no_speech is True and turn.record.response == ""
        await close(rig)

    asyncio.run(main())


@pytest.mark.skipif(not shutil.which("espeak-ng"), reason="espeak-ng is not installed")
def test_barge_in_stops_the_spoken_response_and_is_recorded(tmp_path: Path) -> None:
    async def main() -> None:
        speaker = Speaker(EspeakTTS())
        rig = await make_rig(tmp_path / "t.db", speaker=speaker)
        home = rig.home
        home.broken.add("light.kitchen")  # a long error response to talk over
        turns = await play(rig, [(0, "say", "turn on the kitchen light"), (1.0, "barge_in", "")])
        (turn,) = turns
        assert turn.record.response == "I couldn't reach the kitchen light."
        barge = [s for s in turn.signals if s.kind is SignalKind.BARGE_IN]
        assert len(barge) == 1 and barge[0].strength == 1.0 and barge[0].evidence["early"] is True
        assert speaker.speaking(1.1) is None  # stopped
        assert "result_error" in kinds(turn) and turn.record.label == "defect"
        assert any(e.type == "barge_in" for e in rig.events)
        await close(rig)

    asyncio.run(main())


@pytest.mark.skipif(not shutil.which("espeak-ng"), reason="espeak-ng is not installed")
def test_barge_in_kills_a_playing_process(tmp_path: Path) -> None:
    async def main() -> None:
        # a real child process standing in for aplay (there is no sound card here); it would run 60 s
        player = CommandPlayer((sys.executable, "-c", "import time, sys; time.sleep(60)"))
        speaker = Speaker(EspeakTTS(), player)
        said = await speaker.say("The oven is at 180 degrees.", t=0.0)
        assert said.duration_s > 0.5 and speaker.speaking(0.1) is said
        cut = await asyncio.wait_for(speaker.interrupt(0.2), timeout=10)
        assert cut is said and speaker.speaking(0.3) is None
        await speaker.aclose()

    asyncio.run(main())


def test_taught_phrase_works_next_turn_and_survives_restart(tmp_path: Path) -> None:
    db = tmp_path / "t.db"

    async def first() -> None:
        rig = await make_rig(db)
        teach = "When I say movie time, turn off the living room lights and turn on the TV"
        turns = await play(rig, [(0, "say", teach), (5, "say", "movie time")])
        assert turns[0].record.response.startswith("Got it. When you say movie time")
        assert turns[1].record.macro == "movie time"
        assert rig.home.states["light.living_room"] == "off" and rig.home.states["media_player.tv"] == "on"
        assert turns[1].record.source == "macro"
        await close(rig)

    async def second() -> None:
        rig = await make_rig(db)  # a new engine on the same file
        (turn,) = await play(rig, [(0, "say", "movie time")], "s2")
        assert rig.home.executed == ["light.living_room=off", "media_player.tv=on"]
        assert turn.record.intent == "Macro" and turn.record.result_ok is True
        assert [m.phrase for m in rig.taught.macros()] == ["movie time"]
        await close(rig)

    asyncio.run(first())
    asyncio.run(second())


def test_teachable_moment_then_forget(tmp_path: Path) -> None:
    async def main() -> None:
        rig = await make_rig(tmp_path / "t.db")
        turns = await play(
            rig,
            [
                (0, "say", "activate study mode"),
                (4, "say", "turn off the kitchen light and turn on the hall light"),
                (10, "say", "study mode"),
                (20, "say", "forget study mode"),
                (25, "say", "study mode"),
            ],
        )
        said = [t.record.response for t in turns]
        assert said[0] == "I don't know what study mode is. Want to teach me?"
        assert said[1].startswith("Got it. When you say study mode")
        assert turns[2].record.macro == "study mode" and rig.home.states["light.hall"] == "on"
        assert said[3] == "OK, I forgot study mode."
        assert said[4] == "I don't know what study mode is. Want to teach me?"
        # the teaching answer is not a rephrase; the request after the dialogue is, of the one it was about
        assert kinds(turns[1]) == []
        reph = [s for s in turns[0].signals if s.kind is SignalKind.REPHRASE]
        assert [s.related_turn_id for s in reph] == [turns[2].record.turn_id]
        await close(rig)

    asyncio.run(main())


def test_teaching_offer_yes_then_steps_and_an_ignored_offer(tmp_path: Path) -> None:
    async def main() -> None:
        rig = await make_rig(tmp_path / "t.db")
        turns = await play(
            rig,
            [
                (0, "say", "activate study mode"),
                (3, "say", "yes"),
                (6, "say", "turn on the kitchen light"),
                (20, "say", "study mode"),
                # the offer ignored: the request said again is a request (and a rephrase), not a lesson
                (100, "say", "turn on the reading nook"),
                (104, "say", "turn on the hall light"),
                (200, "say", "reading nook"),
            ],
        )
        said = [t.record.response for t in turns]
        assert said[1] == "OK. What should I do for study mode?"
        assert said[2].startswith("Got it. When you say study mode")
        assert turns[3].record.macro == "study mode"
        assert said[4] == "I don't know what reading nook is. Want to teach me?"
        assert turns[5].record.targets == ("light.hall",) and turns[5].record.dialog is Dialog.NONE
        assert SignalKind.REPHRASE in kinds(turns[4])
        assert said[6] == "I don't know what reading nook is. Want to teach me?"  # nothing was taught
        await close(rig)

    asyncio.run(main())


def test_a_lock_is_never_taught_and_an_old_macro_with_one_is_refused(tmp_path: Path) -> None:
    async def main() -> None:
        rig = await make_rig(tmp_path / "t.db")
        teach = "when I say good night, turn off the kitchen light and lock the front door"
        turns = await play(rig, [(0, "say", teach), (5, "say", "good night")])
        said = turns[0].record.response
        assert said.startswith("Got it. When you say good night, I'll turn off the kitchen light.")
        assert "I left out lock the front door" in said
        assert turns[0].record.teach_refused == ("lock the front door",)
        assert turns[1].record.macro == "good night" and turns[1].record.asked is Asked.NONE
        assert rig.home.executed == ["light.kitchen=off"]
        only_unsafe = await play(rig, [(100, "say", "when I say bye undo that")], "s2")
        assert only_unsafe[0].record.response.startswith("I didn't learn bye: locks, garage doors")
        assert rig.taught.macro("bye") is None
        # a phrase stored before this rule (straight into the store) still never reaches the lock
        lock = Intent("HassTurnOn", {"name": "front door"}, targets=("lock.front_door",))
        rig.taught.add_macro("lock up", [MacroStep.from_intent(lock)])
        old = await play(rig, [(200, "say", "lock up"), (203, "say", "yes")], "s3")
        assert old[0].record.response == "I only lock the front door when you ask me yourself."
        assert old[0].record.result_error == "safety-refused" and old[0].record.asked is Asked.NONE
        assert rig.home.states["lock.front_door"] == "unlocked"
        await close(rig)

    asyncio.run(main())


def test_a_lock_asks_and_only_a_whole_yes_in_time_confirms(tmp_path: Path) -> None:
    async def main() -> None:
        rig = await make_rig(tmp_path / "t.db")
        turns = await play(rig, [(0, "say", "lock the front door"), (3, "say", "sure is cold in here"),
                                 (10, "say", "lock the front door"), (40, "say", "yes"),
                                 (60, "say", "lock the front door"), (62, "say", "no"),
                                 (70, "say", "lock the front door"), (72, "say", "yes please")])  # fmt: skip
        said = [t.record.response for t in turns]
        assert said[0] == "Do you want me to lock the front door?"
        assert turns[1].record.dialog is Dialog.NONE  # not a yes: a new request
        assert said[3] == "I stopped waiting for an answer to that. Please ask again."
        assert said[5] == "OK, I won't."
        assert turns[7].record.dialog is Dialog.CONFIRM and turns[7].record.result_ok is True
        assert rig.home.executed == ["lock.front_door=locked"]
        await close(rig)

    asyncio.run(main())


def test_the_confirmation_window_is_a_setting(tmp_path: Path) -> None:
    async def main() -> None:
        settings = load_settings("x86_64-dev", None, ["safety.confirm_window_s=60"])
        rig = await make_rig(tmp_path / "t.db", settings=settings)
        turns = await play(rig, [(0, "say", "lock the front door"), (40, "say", "yes")])
        assert turns[1].record.dialog is Dialog.CONFIRM and turns[1].record.result_ok is True
        assert rig.home.executed == ["lock.front_door=locked"]
        await close(rig)

    asyncio.run(main())


def test_preferences_change_answers(tmp_path: Path) -> None:
    async def main() -> None:
        rig = await make_rig(tmp_path / "t.db")
        turns = await play(
            rig,
            [(0, "say", "what's the oven temperature"), (5, "say", "I prefer Fahrenheit"),
             (10, "say", "what's the oven temperature")],
        )  # fmt: skip
        assert turns[0].record.response == "The oven is at 180 degrees."
        assert turns[1].record.response == "OK, I'll use Fahrenheit."
        assert turns[2].record.response == "The oven is at 356 degrees Fahrenheit."
        assert rig.taught.preferences() == {"temperature_unit": "fahrenheit"}
        await close(rig)

    asyncio.run(main())


def test_rewrite_is_recorded_and_emitted(tmp_path: Path) -> None:
    async def main() -> None:
        rewriter = TableRewriter({"kitchen lite on": "kitchen light on"})
        rig = await make_rig(tmp_path / "t.db", rewriter=rewriter)
        record = await rig.driver.hear(Heard("kitchen lite on", 0.0, 0.5, "s1", confidence=0.4))
        assert record.rewrite == Rewrite("kitchen lite on", "kitchen light on", "personal", 0.91)
        assert rig.events[0].data == record.rewrite.to_json()  # the rewrite event says the same
        assert record.text == "kitchen light on" and record.source == "rewrite"
        assert [e.type for e in rig.events] == ["rewrite", "intent", "action", "result", "response"]
        assert rig.responses == [(record.turn_id, "Turned on the kitchen light.")]
        assert {"rewrite", "nlu", "plan", "execute", "respond"} <= set(record.timings_ms)
        assert record.context_version == 1
        await close(rig)

    asyncio.run(main())


def test_no_speech_and_device_timeout_responses(tmp_path: Path) -> None:
    async def main() -> None:
        home = FakeHome(broken={"light.hall"})
        rig = await make_rig(tmp_path / "t.db", home=home, speaker=Speaker(NoTTS()))
        rec = await rig.driver.hear(Heard("turn on the hall light", 0.0, 0.5, "s"))
        assert rec.result_ok is False and rec.result_error == "device-timeout"
        rec = await rig.driver.hear(Heard("turn on the garden lamp", 5.0, 5.5, "s"))
        assert rec.response == "I don't know a device called garden lamp."
        await close(rig)

    asyncio.run(main())
