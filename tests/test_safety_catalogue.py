"""The catalogue decides what is safety-critical, and every reader asks it: the gate, learning (the lexicon
of safety names, the retrieval index), the fleet (release filter, binding a released pair) and teaching."""

from __future__ import annotations

import pytest

from edge.actions.gate import VerdictKind, review
from edge.context.model import Capability, Device
from edge.learning.canonical import Lexicon
from edge.learning.globaltable import refused_for_learning
from edge.learning.index import registry_requests
from edge.nlu.catalogue import CATALOGUE, SAFETY_CRITICAL_KINDS, DeviceKind, is_safety_critical
from edge.nlu.types import Provenance
from edge.sync.instantiate import TemplatePair, instantiate
from edge.sync.scrub import HomeDevice, device_type

HARMLESS = [
    DeviceKind("cover", "blind"),
    DeviceKind("cover"),
    DeviceKind("valve", "water"),
    DeviceKind("valve"),
    DeviceKind("light", "door"),  # a door light is a light: the class counts only for covers and valves
    DeviceKind("switch", "outlet"),
]
READERS = ("gate", "lexicon", "retrieval", "fleet binding")


def device(kind: DeviceKind) -> Device:
    """A device of ``kind`` whose name says nothing about safety (only its kind can make it critical)."""
    return Device(
        f"{kind.domain}.main",
        "the main",
        kind.domain,
        device_class=kind.device_class,
        capabilities=frozenset({Capability.ON_OFF}),
        command_topic=f"home/{kind.domain}/main/set",
    )


def readers_say_critical(dev: Device) -> dict[str, bool]:
    key = (dev.entity_id, "turn_on", dev.command_topic, "ON")
    slot = "{" + device_type(HomeDevice.from_entity(dev.entity_id)) + "}"  # {cover}, {light}, {device}...
    pair = TemplatePair(f"kill the {slot}", f"turn off the {slot}", homes=5, score=1.0)
    return {
        "gate": review([key], Provenance.DIRECT, {dev.entity_id: dev}).kind is VerdictKind.CONFIRM,
        "lexicon": "the main" in Lexicon.from_devices([dev]).safety_names,
        "retrieval": not registry_requests([dev]),
        "fleet binding": not instantiate([pair], [dev]),
    }


@pytest.mark.parametrize("kind", sorted(SAFETY_CRITICAL_KINDS, key=str), ids=str)
def test_every_reader_treats_a_critical_kind_as_critical(kind: DeviceKind) -> None:
    dev = device(kind)
    assert is_safety_critical(dev) and is_safety_critical(kind)
    assert readers_say_critical(dev) == dict.fromkeys(READERS, True)


@pytest.mark.parametrize("kind", HARMLESS, ids=str)
def test_every_reader_lets_a_harmless_kind_through(kind: DeviceKind) -> None:
    dev = device(kind)
    assert not is_safety_critical(dev)
    assert readers_say_critical(dev) == dict.fromkeys(READERS, False)


def test_the_fleet_never_releases_a_slot_of_a_critical_kind() -> None:
    assert refused_for_learning("kill the {alarm_control_panel}", "turn off the {alarm_control_panel}")
    assert refused_for_learning("shut the {lock:2}", "lock the {lock:2}")
    assert not refused_for_learning("kill the {light}", "turn off the {light}")


def test_no_catalogue_intent_carries_a_safety_level_of_its_own() -> None:
    """Safety is by device kind: the old per-intent field (read by nothing that could fire) is gone."""
    assert all(not hasattr(spec, "safety") for spec in CATALOGUE)
