"""The safety gate as pure logic: classification by device and by command topic, the rule per provenance,
whole-utterance yes, and the confirmation token (exact commands, window, age, single use)."""

from __future__ import annotations

import logging

import pytest

from edge.actions.gate import (
    CommandKey,
    Confirmation,
    GateSettings,
    SafetyGate,
    VerdictKind,
    command_key,
    review,
    topic_problem,
)
from edge.actions.safety import describe_commands
from edge.context.model import Device
from edge.dialog.confirm import confirmation_for, is_no, is_yes
from edge.errors import ErrorCode
from edge.nlu.types import Intent, Provenance

LOCK = Device("lock.front_door", "Front door", "lock", command_topic="home/lock/front/set")
GARAGE = Device(
    "cover.garage", "Garage door", "cover", device_class="garage", command_topic="home/cover/garage/set"
)
GATE = Device("valve.gate", "Gate", "valve", device_class="gate", command_topic="home/gate/set")
ALARM = Device("alarm_control_panel.home", "Alarm", "alarm_control_panel", command_topic="home/alarm/set")
BLIND = Device("cover.blind", "Blind", "cover", device_class="blind", command_topic="home/blind/set")
GAS = Device("valve.gas_main", "Gas main", "valve", device_class="gas", command_topic="home/gas/set")
WATER = Device("valve.garden", "Garden tap", "valve", device_class="water", command_topic="home/tap/set")
LIGHT = Device("light.kitchen", "Kitchen light", "light", command_topic="home/light/kitchen/set")
PORCH = Device("light.porch", "Porch light", "light", command_topic="home/lock/front/set")
SIDE = Device(
    "lock.side", "Side door", "lock", command_topic="z2m/side/set", extra={"set_position_topic": "z2m/side/x"}
)
HOME = {d.entity_id: d for d in (LOCK, GARAGE, GATE, ALARM, BLIND, LIGHT, SIDE, GAS, WATER)}

UNLOCK: CommandKey = ("lock.front_door", "unlock", "home/lock/front/set", "UNLOCK")
LOCK_IT: CommandKey = ("lock.front_door", "lock", "home/lock/front/set", "LOCK")
OPEN_GARAGE: CommandKey = ("cover.garage", "open", "home/cover/garage/set", "OPEN")
KITCHEN_ON: CommandKey = ("light.kitchen", "turn_on", "home/light/kitchen/set", "ON")


OPEN_GATE: CommandKey = ("valve.gate", "open", "home/gate/set", "OPEN")
DISARM: CommandKey = ("alarm_control_panel.home", "turn_off", "home/alarm/set", "DISARM")
OPEN_GAS: CommandKey = ("valve.gas_main", "open", "home/gas/set", "OPEN")


@pytest.mark.parametrize("key", [UNLOCK, LOCK_IT, OPEN_GARAGE, OPEN_GATE, DISARM, OPEN_GAS])
def test_every_action_on_a_critical_device_asks_when_direct_and_is_refused_when_learned(
    key: CommandKey,
) -> None:
    assert review([key], Provenance.DIRECT, HOME).kind is VerdictKind.CONFIRM
    for learned in (p for p in Provenance if p.learned):
        verdict = review([key], learned, HOME)
        assert verdict.refused and verdict.critical == (key,) and not verdict.hijack


def test_ordinary_devices_pass_whatever_the_provenance() -> None:
    blind = ("cover.blind", "open", "home/blind/set", "OPEN")
    tap = ("valve.garden", "open", "home/tap/set", "OPEN")
    for provenance in Provenance:
        assert review([KITCHEN_ON, blind, tap], provenance, HOME).allowed


def test_a_light_on_a_locks_topic_is_a_hijack_whatever_the_spelling() -> None:
    home = {**HOME, PORCH.entity_id: PORCH}
    for topic in ("home/lock/front/set", " Home/Lock/Front/Set ", "home//lock/front/set/"):
        verdict = review([("light.porch", "turn_on", topic, "ON")], Provenance.DIRECT, home)
        assert verdict.refused and verdict.hijack, topic
    # a per-feature command topic of a lock counts as the lock's too
    hijack = review([("light.kitchen", "turn_on", "z2m/side/x", "ON")], Provenance.DIRECT, HOME)
    assert hijack.refused and hijack.hijack


def test_mixed_plan_is_judged_by_its_worst_command() -> None:
    assert review([KITCHEN_ON, UNLOCK], Provenance.DIRECT, HOME).kind is VerdictKind.CONFIRM
    assert review([KITCHEN_ON, UNLOCK], Provenance.MACRO, HOME).refused


@pytest.mark.parametrize("topic", ["", "  ", "home/#", "home/+/set", "a\x00b", "$SYS/broker", "a\nb"])
def test_topics_that_are_no_publish_topics_are_refused(topic: str) -> None:
    assert topic_problem(topic)
    assert review([("light.kitchen", "turn_on", topic, "ON")], Provenance.DIRECT, HOME).refused


def test_unknown_devices_are_refused() -> None:
    verdict = review([("light.ghost", "turn_on", "home/ghost/set", "ON")], Provenance.DIRECT, HOME)
    assert verdict.refused and "not a device of this home" in verdict.reason


def test_provenance_of_sources() -> None:
    assert [Intent("X", source=s).provenance for s in ("voice", "text", "domain")] == [Provenance.DIRECT] * 3
    assert (
        Intent("X", source="global").provenance is Provenance.GLOBAL and Intent("X", source="macro").learned
    )
    assert Provenance.strongest([Provenance.DIRECT, Provenance.REWRITE]) is Provenance.REWRITE
    assert Provenance.strongest([Provenance.DIRECT]) is Provenance.DIRECT
    # a source nobody declared fails closed: learned, so it can never reach a lock
    assert Intent("X", source="retry").provenance is Provenance.UNKNOWN and Intent("X", source="").learned


@pytest.mark.parametrize("said", ["yes", "Yes.", "yes please", "yeah", "yep", "sure", "okay", "OK", "do it",
                                  "go ahead", "confirm", "yes do it", "Yes, please!"])  # fmt: skip
def test_whole_yes(said: str) -> None:
    assert is_yes(said) and not is_no(said)


@pytest.mark.parametrize("said", ["sure is cold in here", "okay google what is the weather",
                                  "right, turn on the kitchen light", "yes turn on the kitchen light",
                                  "yesterday", "okay unlock the back door", "no"])  # fmt: skip
def test_not_a_yes(said: str) -> None:
    assert not is_yes(said)


def test_no_cancels_only_as_a_whole() -> None:
    assert is_no("no") and is_no("No, thanks.") and is_no("cancel") and is_no("don't")
    assert not is_no("no turn on the kitchen light")


def test_confirmation_only_for_a_yes_within_the_window() -> None:
    s = GateSettings(confirm_window_s=15.0)
    assert confirmation_for([UNLOCK], "yes", 10.0, 20.0, s) is not None
    assert confirmation_for([UNLOCK], "yes", 10.0, 26.0, s) is None
    assert confirmation_for([UNLOCK], "sure is cold in here", 10.0, 12.0, s) is None


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_executor_gate_token_exact_fresh_single_use(caplog: pytest.LogCaptureFixture) -> None:
    clock = Clock()
    gate = SafetyGate(GateSettings(max_token_age_s=30.0, remember_nonces=2), clock=clock)
    direct = Provenance.DIRECT
    no_token = gate.admit([UNLOCK], direct, HOME, None)
    assert (no_token.ok, no_token.error) == (False, ErrorCode.NEEDS_CONFIRMATION)
    token = Confirmation.issue([UNLOCK], 0.0, 2.0, clock=clock)
    wrong = gate.admit([OPEN_GARAGE], direct, HOME, token)  # a yes about the lock opens nothing else
    assert not wrong.ok and "other commands" in wrong.message
    more = gate.admit([UNLOCK, KITCHEN_ON], direct, HOME, token)
    assert not more.ok
    assert gate.admit([UNLOCK], direct, HOME, token).ok
    assert not gate.admit([UNLOCK], direct, HOME, token).ok  # single use
    late = Confirmation.issue([UNLOCK], 0.0, 20.0, clock=clock)  # answered after the window
    assert not gate.admit([UNLOCK], direct, HOME, late).ok
    old = Confirmation.issue([UNLOCK], 0.0, 1.0, clock=clock)
    clock.now += 31
    assert "too old" in gate.admit([UNLOCK], direct, HOME, old).message
    learned = gate.admit([UNLOCK], Provenance.GLOBAL, HOME, Confirmation.issue([UNLOCK], 0, 1, clock=clock))
    assert (learned.ok, learned.error) == (False, ErrorCode.SAFETY_REFUSED)
    assert gate.admit([KITCHEN_ON], Provenance.GLOBAL, HOME, None).ok
    home = {**HOME, PORCH.entity_id: PORCH}
    porch = ("light.porch", "turn_on", "home/lock/front/set", "ON")
    with caplog.at_level(logging.WARNING, logger="edge.actions.gate"):
        for _ in range(3):
            assert gate.admit([porch], direct, home, None).error is ErrorCode.SAFETY_REFUSED
    hijack_logs = [r for r in caplog.records if "light.porch" in r.getMessage()]
    assert len(hijack_logs) == 1 and "home/lock/front/set" in hijack_logs[0].getMessage()


def test_used_nonces_are_bounded() -> None:
    gate = SafetyGate(GateSettings(remember_nonces=2))
    for _ in range(5):
        assert gate.admit([UNLOCK], Provenance.DIRECT, HOME, Confirmation.issue([UNLOCK], 0, 1)).ok
    assert len(gate._used) == 2


def test_question_names_every_device() -> None:
    said = describe_commands([UNLOCK, OPEN_GARAGE, KITCHEN_ON], HOME)
    assert said == "unlock the front door, open the garage door and turn on the kitchen light"
    alarm = describe_commands([("alarm_control_panel.home", "turn_off", "home/alarm/set", "DISARM")], HOME)
    assert alarm == "disarm the alarm"
    assert command_key({"entity_id": "a.b", "topic": "t"}) == ("a.b", "", "t", "")
