"""Planner, safety policy, undo journal and the in-process simulated home (pure, no broker)."""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path

import pytest

from edge.actions.commands import Plan
from edge.actions.gate import Confirmation
from edge.actions.planner import plan
from edge.actions.undo import UndoEntry, UndoJournal
from edge.context.homes import load_home
from edge.context.model import DeviceState, Satellite
from edge.errors import EdgeError, ErrorCode
from edge.lab.sim.device_model import Fault
from edge.lab.sim.local import LocalHome
from edge.nlu.types import Intent

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "devices" / "homes" / "demo.toml"


@pytest.fixture
def home() -> LocalHome:
    return LocalHome(load_home(DEMO), Satellite(area="kitchen"))


def run(home: LocalHome, p: Plan) -> tuple[bool, str]:
    result = asyncio.run(home.execute(p))
    return result.ok, result.error


def test_turn_on_by_name(home: LocalHome) -> None:
    p = plan(Intent("HassTurnOn", {"name": "kitchen light"}), home.snapshot())
    assert p.ok and len(p.commands) == 1
    c = p.commands[0]
    assert (c.entity_id, c.action, c.expected_state) == ("light.kitchen", "turn_on", "on")
    assert c.topic == "home/light/kitchen/set" and c.payload == '{"state":"ON"}'
    assert run(home, p) == (True, "")
    assert home.snapshot().state_of("light.kitchen") == "on"


def test_z2m_brightness_payload(home: LocalHome) -> None:
    p = plan(Intent("HassLightSet", {"name": "bedroom light", "brightness": "50%"}), home.snapshot())
    c = p.commands[0]
    assert c.topic == "zigbee2mqtt/bedroom/set"
    assert c.payload == '{"state":"ON","brightness":127}'
    assert c.expected_attributes["brightness"] == 128


def test_relative_brightness_and_volume(home: LocalHome) -> None:
    snap = home.snapshot()
    up = plan(Intent("LightBrighter", {"name": "living room ceiling light"}), snap).commands[0]
    assert up.action == "set_brightness" and up.value == pytest.approx(180 * 100 / 255 + 25, abs=0.1)
    vol = plan(Intent("HassSetVolumeRelative", {"name": "kitchen speaker", "volume_step": "up"}), snap)
    assert vol.commands[0].value == pytest.approx(0.5)
    rel = plan(Intent("HassSetVolume", {"name": "kitchen speaker", "volume_level": "-20"}), snap).commands[0]
    assert rel.value == pytest.approx(0.2)


def test_capability_checks(home: LocalHome) -> None:
    snap = home.snapshot()
    p = plan(Intent("HassLightSet", {"name": "kitchen light", "color": "red"}), snap)
    assert p.error is ErrorCode.NOT_SUPPORTED and "can't set color" in p.message
    assert plan(Intent("HassSetPosition", {"name": "garage door", "position": "50"}), snap).error is (
        ErrorCode.NOT_SUPPORTED
    )
    with pytest.raises(EdgeError) as err:
        plan(Intent("HassTurnOn", {"name": "jacuzzi"}), snap).raise_for_error()
    assert err.value.code is ErrorCode.NO_SUCH_DEVICE


def test_domain_specific_turn_on(home: LocalHome) -> None:
    snap = home.snapshot()
    assert plan(Intent("HassTurnOff", {"name": "blinds"}), snap).commands[0].action == "close"
    assert plan(Intent("HassTurnOn", {"name": "vacuum"}), snap).commands[0].action == "start"
    oven_on = Intent("HassClimateSetTemperature", {"temperature": "200 degrees"}, targets=("oven.kitchen",))
    oven = plan(oven_on, snap).commands[0]
    assert (oven.entity_id, oven.action, oven.value, oven.expected_state) == (
        "oven.kitchen",
        "set_temperature",
        200.0,
        "on",
    )


def test_queries_answer_without_commands(home: LocalHome) -> None:
    p = plan(Intent("HassClimateGetTemperature", {}), home.snapshot())
    assert p.commands == () and p.answer and "19.5" in p.answer
    assert "off" in (plan(Intent("HassGetState", {"name": "oven"}), home.snapshot()).answer or "")


def test_safety_voice_unlock_and_lock_both_ask(home: LocalHome) -> None:
    snap = home.snapshot()
    unlock = plan(Intent("HassTurnOff", {"name": "front door"}, source="voice"), snap)
    assert unlock.needs_confirmation and "unlock the front door lock" in unlock.prompt
    assert run(home, unlock) == (False, "needs-confirmation")
    assert home.snapshot().state_of("lock.front_door") == "locked"
    lock = plan(Intent("HassTurnOn", {"name": "front door"}, source="voice"), snap)
    assert lock.needs_confirmation and lock.prompt == "Do you want me to lock the front door lock?"
    garage = plan(Intent("HassTurnOn", {"name": "garage door"}, source="voice"), snap)
    assert garage.needs_confirmation
    # the planner's flag is advice: without the spoken confirmation itself the executor sends nothing
    told_confirmed = plan(Intent("HassTurnOff", {"name": "front door"}, source="voice"), snap, confirmed=True)
    assert run(home, told_confirmed) == (False, "needs-confirmation")
    yes = told_confirmed.with_confirmation(Confirmation.issue(told_confirmed.keys, 10.0, 12.0))
    assert run(home, yes) == (True, "")
    assert home.snapshot().state_of("lock.front_door") == "unlocked"
    assert run(home, yes) == (False, "needs-confirmation")  # single use


def test_learned_request_never_touches_a_lock_even_confirmed(home: LocalHome) -> None:
    snap = home.snapshot()
    for source in ("rewrite", "global", "macro", "alias", "preference"):
        for name in ("HassTurnOff", "HassTurnOn"):
            p = plan(Intent(name, {"name": "front door"}, source=source), snap)
            assert p.outcome == "refused" and p.error is ErrorCode.SAFETY_REFUSED, (source, name)
            assert "when you ask me yourself" in p.message
            assert run(home, p)[1] == "safety-refused"
            token = Confirmation.issue(p.keys, 0.0, 1.0)
            forced = dataclasses.replace(p, error=None, outcome="ok", confirmation=token)
            assert run(home, forced)[1] == "safety-refused"  # the executor's own gate, not the plan
    assert home.snapshot().state_of("lock.front_door") == "locked"


def test_undo_restores_previous_state(home: LocalHome) -> None:
    assert run(
        home,
        home.plan(
            Intent("HassLightSet", {"name": "living room ceiling light", "brightness": "20"}), home.snapshot()
        ),
    )[0]
    assert home.snapshot().states["light.living_room_ceiling"].attributes["brightness"] == 51
    assert run(home, home.plan(Intent("HassTurnOn", {"name": "oven"}), home.snapshot()))[0]
    assert run(home, home.plan(Intent("UndoLast"), home.snapshot()))[0]
    assert home.snapshot().state_of("oven.kitchen") == "off"
    assert run(home, home.plan(Intent("UndoLast"), home.snapshot()))[0]
    assert home.snapshot().states["light.living_room_ceiling"].attributes["brightness"] == 180
    nothing = home.plan(Intent("UndoLast"), home.snapshot())
    assert nothing.commands == () and nothing.answer == "There is nothing to undo."


def test_undo_journal_is_bounded() -> None:
    journal = UndoJournal(capacity=3)
    for i in range(10):
        journal.record(UndoEntry("HassTurnOn", {"light.x": DeviceState(str(i))}))
    assert len(journal) == 3
    last = journal.pop()
    assert last is not None and last.previous["light.x"].state == "9"


def test_local_faults_and_manual_toggles(home: LocalHome) -> None:
    home.set_fault("light.kitchen", Fault.NO_RESPONSE)
    ok, error = run(home, plan(Intent("HassTurnOn", {"name": "kitchen light"}), home.snapshot()))
    assert (ok, error) == (False, "device-timeout")
    home.set_fault("light.kitchen", Fault.WRONG_STATE)
    assert (
        run(home, plan(Intent("HassTurnOn", {"name": "kitchen light"}), home.snapshot()))[1] == "device-error"
    )
    event = home.toggle("light.kitchen", t=12.0)
    assert (event.old, event.new, event.t) == ("off", "on", 12.0)
    assert home.snapshot().state_of("light.kitchen") == "on"


def test_local_home_from_file_and_events() -> None:
    home = LocalHome.from_file(DEMO)
    v0 = home.snapshot().version
    run(home, home.plan(Intent("HassTurnOn", {"name": "kitchen light"}), home.snapshot()))
    assert home.snapshot().version > v0
    events = home.drain_events()
    assert [(e.entity_id, e.new, str(e.source)) for e in events] == [("light.kitchen", "on", "command")]
    assert home.drain_events() == []
