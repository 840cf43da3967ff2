"""A coffee machine on a smart plug (`switch.coffee_machine`, named so): "make me a coffee" turns it on,
"make me a latte" says what it cannot make, a brewing machine still brews (`actions.deciders._brew`,
`nlu.targets`: HA homes put the coffee machine on a plug more often than they have a brewing appliance)."""

from __future__ import annotations

from edge.actions.planner import plan
from edge.config import Settings
from edge.context.model import Capability, Device
from edge.nlu.parser import NLUParser
from edge.nlu.snapshots import demo_devices, make_snapshot

PLUG = Device(
    "switch.coffee_machine",
    "coffee machine",
    "switch",
    area="kitchen",
    capabilities=frozenset({Capability.ON_OFF}),
    command_topic="home/switch/coffee_machine/set",
    state_topic="home/switch/coffee_machine/state",
)


def test_a_plain_coffee_turns_the_plug_on_and_a_latte_is_refused() -> None:
    parser = NLUParser(Settings())
    snap = make_snapshot({PLUG.entity_id: PLUG}, "kitchen")
    coffee = parser.parse("make me a coffee", snap)
    assert coffee is not None and coffee.name == "CoffeeBrew" and coffee.targets == (PLUG.entity_id,)
    made = plan(coffee, snap)
    assert [(c.entity_id, c.action) for c in made.commands] == [(PLUG.entity_id, "turn_on")]
    latte = parser.parse("make me a latte", snap)
    assert latte is not None
    refused = plan(latte, snap)
    assert not refused.commands and "can only be turned on" in (refused.answer or refused.message or "")


def test_a_machine_that_brews_still_brews() -> None:
    snap = make_snapshot(demo_devices(), "kitchen")
    coffee = NLUParser(Settings()).parse("make me a coffee", snap)
    assert coffee is not None
    made = plan(coffee, snap)
    assert [(c.entity_id, c.action) for c in made.commands] == [("coffee_maker.kitchen", "brew")]
