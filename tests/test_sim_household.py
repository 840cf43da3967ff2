"""The household simulator on the real runtime: the truth label of each failure stage (a scripted parser
stands in for the NLU model so each stage can be provoked on purpose; engine, resolver, planner, executor
and faults are the real ones), goals checked on device states, and a seeded run with the real NLU where a
speaker's consistent mishearing fails on the first days and is rewritten into a working request later."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Mapping
from pathlib import Path

import pytest

from edge.config import FeedbackSettings, Settings
from edge.context.model import ContextSnapshot, DeviceState
from edge.feedback.labels import label_turn
from edge.feedback.observations import ChangeSource
from edge.feedback.record import SignalKind
from edge.feedback.store import TurnStore
from edge.lab.sim.asr_errors import SpeakerASR
from edge.lab.sim.goals import SimGoal, goal_met
from edge.lab.sim.household import SimLog, simulate_home
from edge.lab.sim.household_home import SimHome, make_home
from edge.lab.sim.household_runtime import SimRuntime
from edge.lab.sim.users import SimUser
from edge.lang import fold
from edge.learning.canonical import Lexicon
from edge.learning.chains import DAY_S
from edge.learning.loop import Learner
from edge.nlu.types import Intent
from edge.turns.heard import Heard


class ScriptedParser:
    """What the NLU says for each text (normalized); anything else is not understood."""

    def __init__(self, table: Mapping[str, Intent | None]) -> None:
        self.table = {fold(k): v for k, v in table.items()}

    def parse(self, text: str, snapshot: ContextSnapshot) -> Intent | None:
        return self.table.get(fold(text))


@pytest.fixture
def home() -> SimHome:
    sim = make_home("t", random.Random(3), "small")
    sim.nicknames.clear()
    sim.faulty.clear()
    return sim


def _lights(home: SimHome) -> tuple[str, str]:
    lights = sorted(e for e in home.devices if e.startswith("light."))
    return lights[0], lights[1]


def _stage(
    home: SimHome, parser: ScriptedParser, folder: Path, goal: SimGoal, said: str, heard: str
) -> tuple[bool, str]:
    """One turn heard as ``heard`` (the user said ``said``) on a fresh runtime: goal met, failed stage."""

    async def main() -> tuple[bool, str]:
        async with await SimRuntime.open(home, folder, settings=Settings(), parser=parser) as rt:
            rt.set_faults(random.Random(0))
            snap, before = rt.snapshot(), rt.states()
            record = await rt.handle(Heard(heard, 10.0, 11.0, "s", 0.6, turn_id="t10"))
            ok = goal_met(goal, rt.sim.devices, before, rt.states())
            return ok, "" if ok else rt.failed_stage(goal, said, record, snap)

    folder.mkdir(parents=True)
    return asyncio.run(main())


def test_each_failure_stage_is_labelled_from_what_happened(home: SimHome, tmp_path: Path) -> None:
    a, b = _lights(home)
    name_a = home.devices[a].name
    on_a = Intent("HassTurnOn", {"name": name_a}, 0.95, targets=(a,), target_scores=(1.0,))
    parser = ScriptedParser({
        f"turn on the {name_a}": on_a,
        "turn on the kitten like": Intent("HassTurnOn", {"name": "kitten like"}, 0.9),
        "light me up": None,
        "darken it": Intent("HassTurnOff", {"name": name_a}, 0.9, targets=(a,)),
        "both lights on": Intent("HassTurnOn", {"domain": "light"}, 0.9, targets=(a, b)),
        "the other light on": Intent("HassTurnOn", {"name": "other"}, 0.9, targets=(b,)),
    })  # fmt: skip
    goal = SimGoal("on", a)
    said = f"turn on the {name_a}"
    runs = iter(range(100))

    def stage(said: str, heard: str) -> tuple[bool, str]:
        return _stage(home, parser, tmp_path / f"run{next(runs)}", goal, said, heard)

    assert stage(said, said) == (True, "")
    assert stage(said, "turn on the kitten like") == (False, "asr")
    assert stage("light me up", "light me up") == (False, "nlu")  # not understood
    assert stage("darken it", "darken it") == (False, "nlu")  # understood wrong
    assert stage("both lights on", "both lights on") == (False, "entity_resolution")
    assert stage("the other light on", "the other light on") == (False, "entity_resolution")
    home.faulty[a] = 1.0  # the device never answers
    assert stage(said, said) == (False, "result")


def test_words_said_but_nothing_heard_is_an_asr_failure_and_a_wake_alone_a_false_wake(
    home: SimHome, tmp_path: Path
) -> None:
    a, _b = _lights(home)

    async def main() -> None:
        async with await SimRuntime.open(
            home, tmp_path, settings=Settings(), parser=ScriptedParser({})
        ) as rt:
            snap = rt.snapshot()
            record = await rt.handle(Heard("", 5.0, 6.0, "s", 0.0, no_speech=True, turn_id="w"))
            assert rt.failed_stage(SimGoal("on", a), "turn on the light", record, snap) == "asr"
            assert rt.failed_stage(SimGoal("on", a), "", record, snap) == "false_wake"

    asyncio.run(main())


def test_goals_are_met_only_by_the_goal_state_and_nothing_else_moving(home: SimHome) -> None:
    a, b = _lights(home)
    devices = home.devices
    off = {a: DeviceState("off"), b: DeviceState("off")}
    on_a = {a: DeviceState("on", {"brightness": 102}), b: DeviceState("off")}
    both = {a: DeviceState("on", {"brightness": 102}), b: DeviceState("on")}
    assert goal_met(SimGoal("on", a), devices, off, on_a)
    assert not goal_met(SimGoal("on", a), devices, off, both)  # the other light came on too
    assert goal_met(SimGoal("set", a, "40"), devices, off, on_a)
    assert not goal_met(SimGoal("set", a, "80"), devices, off, on_a)


def _mishearing_household(seed: int) -> tuple[SimHome, list[SimUser]]:
    home = make_home("mis", random.Random(seed), "small")
    home.nicknames.clear()
    home.faulty.clear()
    kitchen = next((e for e, d in home.devices.items() if d.domain == "light"), "")
    name = home.devices[kitchen].name
    words = name.split()
    # "porch light" -> "torch like", nine times in ten: a confusion the resolver's fuzzy and phonetic match
    # cannot undo ("porch like" it resolves to the porch light on its own, so nothing would need learning)
    garbled = " ".join(["t" + words[0][1:], *words[1:-1], "like"])
    asr = SpeakerASR({name: garbled}, rate=0.9, noise=0.0)
    user = SimUser("mis-u0", asr, {"on": "turn on the {x}", "off": "turn off the {x}"}, patience=0.9)
    return home, [user]


def test_a_consistent_mishearing_fails_at_first_and_is_rewritten_into_a_working_request_later() -> None:
    """The real NLU and resolver, the real detectors and learner: no hand-made table."""
    home, users = _mishearing_household(5)
    learner = Learner()

    def learn(log: SimLog, now: float) -> object:
        learner.rebuild(
            log.turns, log.signals_by_turn(), now, Lexicon.from_devices(log.home.devices.values())
        )
        return learner.rewriter()

    log = simulate_home(
        5,
        "mis",
        12,
        learn,
        goals_per_day=(10, 14),
        home=home,
        users=users,  # type: ignore[arg-type]
    )
    garbled = next(iter(users[0].asr.confusions.values()))
    heard = [(t, log.truth[t.turn_id]) for t in log.turns if garbled in (t.asr_text or "")]
    early = [tr for t, tr in heard if t.t_start < 3 * DAY_S]
    late = [(t, tr) for t, tr in heard if t.t_start >= 8 * DAY_S]
    assert early and any(tr.failed_stage == "asr" for tr in early)  # the mishearing breaks the request
    fixed = [tr for t, tr in late if t.rewrite and tr.achieved]
    assert fixed, "the learner never repaired the mishearing"
    late_rate = sum(not tr.achieved for _t, tr in late) / len(late)
    early_rate = sum(not tr.achieved for tr in early) / len(early)
    assert late_rate < early_rate


def test_the_simulated_turns_signals_and_labels_are_the_recorders(tmp_path: Path) -> None:
    """Five days of a small home (long enough that a wrong answer is talked over at least once: the model
    makes few mistakes, and barge-ins follow only those): what the log holds is what the home's turn store
    holds, written by the feedback recorder (every turn settled with the labeller's label, barge-ins and
    undos by hand among the signals), not a list the simulator kept."""
    log = simulate_home(3, "tiny", 5, None, size="small", goals_per_day=(14, 18), store_dir=tmp_path)
    settings = FeedbackSettings()
    with TurnStore(tmp_path / "tiny.sqlite3") as store:
        stored = store.turns()
        assert [t.record.to_json() for t in stored] == [t.to_json() for t in log.turns]
        assert [s for t in stored for s in t.signals] == log.signals
        assert store.open_turns() == {}  # the last tick of each day settled every turn
        barge_ins, events = store.barge_ins(), store.device_events()
    assert barge_ins == log.barge_ins and events == log.events
    by_turn = log.signals_by_turn()
    for t in log.turns:
        assert t.label == label_turn(t, by_turn.get(t.turn_id, ()), 5 * DAY_S, settings).label.value
    kinds = {s.kind for s in log.signals}
    assert {SignalKind.REPHRASE, SignalKind.UNDO, SignalKind.BARGE_IN} <= kinds, kinds
    assert barge_ins and all(
        any(s.kind is SignalKind.BARGE_IN for s in by_turn[b.turn_id]) for b in barge_ins
    )
    by_hand = [e for e in events if e.source is ChangeSource.MANUAL]
    undone = [s for s in log.signals if s.kind is SignalKind.UNDO and s.evidence.get("by") == "manual"]
    assert by_hand and undone and all(e.home_id == "tiny" for e in events)
    assert {t.label for t in log.turns} <= {"success", "defect", "unknown"}
    assert any(log.truth[t.turn_id].failed_stage and t.label == "defect" for t in log.turns)
