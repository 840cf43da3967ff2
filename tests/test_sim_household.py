"""The household simulator on the real runtime: the truth label of each failure stage (a scripted parser
stands in for the NLU model so each stage can be provoked on purpose; engine, resolver, planner, executor
and faults are the real ones), goals checked on device states, and a seeded run with the real NLU where a
speaker's consistent mishearing fails on the first days and is rewritten into a working request later."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Mapping

import pytest

from edge.config import Settings
from edge.context.model import ContextSnapshot, DeviceState
from edge.feedback.record import TurnRecord
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


def _run(rt: SimRuntime, heard: str, t: float = 10.0) -> tuple[TurnRecord, dict[str, DeviceState]]:
    before = rt.states()
    record = asyncio.run(rt.handle(Heard(heard, t, t + 1.0, "s", 0.6, turn_id=f"t{t:.0f}")))
    return record, before


def _stage(rt: SimRuntime, goal: SimGoal, said: str, heard: str) -> tuple[bool, str]:
    snap = rt.snapshot()
    record, before = _run(rt, heard)
    ok = goal_met(goal, rt.sim.devices, before, rt.states())
    return ok, "" if ok else rt.failed_stage(goal, said, record, snap)


def test_each_failure_stage_is_labelled_from_what_happened(home: SimHome) -> None:
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
    settings = Settings()
    goal = SimGoal("on", a)
    said = f"turn on the {name_a}"

    def fresh() -> SimRuntime:
        return SimRuntime(home, settings=settings, parser=parser)

    assert _stage(fresh(), goal, said, said) == (True, "")
    assert _stage(fresh(), goal, said, "turn on the kitten like") == (False, "asr")
    assert _stage(fresh(), goal, "light me up", "light me up") == (False, "nlu")  # not understood
    assert _stage(fresh(), goal, "darken it", "darken it") == (False, "nlu")  # understood wrong
    assert _stage(fresh(), goal, "both lights on", "both lights on") == (False, "entity_resolution")
    assert _stage(fresh(), goal, "the other light on", "the other light on") == (False, "entity_resolution")
    home.faulty[a] = 1.0  # the device never answers
    rt = fresh()
    rt.set_faults(random.Random(0))
    ok, stage = _stage(rt, goal, said, said)
    assert (ok, stage) == (False, "result")


def test_words_said_but_nothing_heard_is_an_asr_failure_and_a_wake_alone_a_false_wake(home: SimHome) -> None:
    a, _b = _lights(home)
    rt = SimRuntime(home, settings=Settings(), parser=ScriptedParser({}))
    snap = rt.snapshot()
    record = asyncio.run(rt.handle(Heard("", 5.0, 6.0, "s", 0.0, no_speech=True, turn_id="w")))
    assert rt.failed_stage(SimGoal("on", a), "turn on the light", record, snap) == "asr"
    assert rt.failed_stage(SimGoal("on", a), "", record, snap) == "false_wake"


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
