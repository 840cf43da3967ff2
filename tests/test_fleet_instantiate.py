"""The device side of released pairs: generic fleet pairs bound to the receiving home's own devices."""

from __future__ import annotations

import dataclasses
import logging
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from edge.config import LearningSettings, Settings
from edge.context.model import ContextSnapshot, Device, DeviceState, Satellite
from edge.learning.globaltable import GlobalTable as LearningTable
from edge.learning.rewriter import LearnedRewriter
from edge.sync.global_layer import GlobalLayerInstaller, InstallOutcome
from edge.sync.instantiate import BoundRewriter, RegistryGlobalLayer, TemplatePair, bind_table, instantiate
from edge.sync.release import GlobalEntry, GlobalTable, public_key_hex, sign_table
from edge.sync.scrub import HomeDevice, scrub_pair
from edge.wiring import learned_rewriter

DEVICES = (
    Device("light.bed_1", "reading lamp", "light", area="bedroom", aliases=("bedside light",)),
    Device("light.kitchen", "kitchen light", "light", area="kitchen"),
    Device("fan.office", "office fan", "fan", area="office"),
    Device("lock.front_door", "front door", "lock", area="hallway"),
)
ENTRIES: list[dict[str, Any]] = [
    {"original": "kill the {light}", "rewritten": "turn off the {light}", "homes": 61, "score": 1.0},
    {"original": "dim the {light} to {num}", "rewritten": "set the {light} to {num} percent", "homes": 40,
     "score": 1.0},
    {"original": "switch on {light} in {bedroom} please", "rewritten": "turn on {light} in {bedroom}",
     "homes": 30, "score": 1.0},
    {"original": "set {fan} to {num:20-29}", "rewritten": "set the {fan} speed to {num:20-29}", "homes": 25,
     "score": 1.0},
    {"original": "kill the {lock}", "rewritten": "lock the {lock}", "homes": 90, "score": 1.0},
    {"original": "turn on the lamp", "rewritten": "turn on the {light}", "homes": 50, "score": 1.0},
    {"original": "turn off the kitchen lite", "rewritten": "turn off the kitchen light", "homes": 22,
     "score": 1.0},
]  # fmt: skip
TABLE = {"version": 7, "entries": ENTRIES}


def snapshot(*extra: Device) -> ContextSnapshot:
    devices = {d.entity_id: d for d in (*DEVICES, *extra)}
    states = {e: DeviceState("on") for e in devices}
    return ContextSnapshot(1, Satellite(area="kitchen"), devices, states, datetime(2025, 3, 3, 20, 0))


def concrete() -> dict[str, str]:
    pairs = [TemplatePair(e["original"], e["rewritten"], e["homes"], e["score"]) for e in ENTRIES]
    return {p.original: p.rewritten for p in instantiate(pairs, DEVICES)}


def test_each_slot_is_bound_to_every_fitting_device_of_the_home() -> None:
    got = concrete()
    assert got["kill the reading lamp"] == "turn off the reading lamp"
    assert got["kill the kitchen light"] == "turn off the kitchen light"
    assert got["dim the kitchen light to 40"] == "set the kitchen light to 40 percent"  # same number
    assert got["dim the reading lamp to 7"] == "set the reading lamp to 7 percent"
    assert got["switch on reading lamp"] == "turn on reading lamp"  # "{light} in {bedroom}": that light only
    assert "switch on kitchen light" not in got
    assert got["set office fan to 25"] == "set the office fan speed to 25"  # a bucket binds its decade
    assert "set office fan to 31" not in got
    assert got["turn off the kitchen lite"] == "turn off the kitchen light"  # no slot: used as it is


def test_safety_devices_and_unbindable_pairs_are_never_instantiated() -> None:
    got = concrete()
    assert not any("front door" in text for pair in got.items() for text in pair)
    assert "kill the office fan" not in got  # a light slot does not take a fan
    assert "turn on the lamp" not in got  # the slot is on one side only: which light is meant?


def test_chains_and_loops_keep_the_better_supported_direction() -> None:
    pairs = [
        TemplatePair("turn the {light} on", "turn on the {light}", 80, 1.0),
        TemplatePair("turn on the {light}", "turn the {light} on", 25, 1.0),
        TemplatePair("light up the {light}", "turn the {light} on", 30, 1.0),
    ]
    got = {p.original: p.rewritten for p in instantiate(pairs, DEVICES)}
    assert got["turn the kitchen light on"] == "turn on the kitchen light"
    assert "turn on the kitchen light" not in got  # the reverse would loop
    assert "light up the kitchen light" not in got  # its target is rewritten again: not a chain


def test_the_learning_table_needs_the_binding_to_match_anything() -> None:
    raw = LearningTable.from_json(TABLE)
    assert raw.lookup("kill the kitchen light") is None  # placeholders never match a real request
    bound = bind_table(TABLE, DEVICES)
    entry = bound.lookup("kill the kitchen light")
    assert entry is not None and entry.rewritten == "turn off the kitchen light" and entry.homes == 61


def test_the_rewriter_applies_a_bound_pair_to_aliases_and_new_devices() -> None:
    inner = LearnedRewriter(LearningSettings(holdout=0.0), retrieval=False)
    rewriter = BoundRewriter(inner, RegistryGlobalLayer(TABLE))
    result = rewriter.rewrite("Kill the bedside light", snapshot(), 0.9)  # an alias of the reading lamp
    assert result is not None and result.layer == "global"
    assert result.rewritten == "turn off the reading lamp"
    assert rewriter.rewrite("kill the desk lamp", snapshot(), 0.9) is None
    desk = Device("light.desk", "desk lamp", "light", area="office")
    added = rewriter.rewrite("kill the desk lamp", snapshot(desk), 0.9)  # the registry grew: bound again
    assert added is not None and added.rewritten == "turn off the desk lamp"
    assert rewriter.rewrite("kill the front door", snapshot(), 0.9) is None


def test_a_scrubbed_pair_from_one_home_is_applied_in_another(tmp_path: Path) -> None:
    sender = [HomeDevice(("Alice's lamp",), "light", "Bedroom")]
    scrubbed = scrub_pair("kill the big light", "turn off alice's lamp", sender)
    assert scrubbed is None  # a nickname the registry does not know: the pair is about this home's names
    scrubbed = scrub_pair("kill alice's lamp", "turn off alice's lamp", sender)
    assert scrubbed == ("kill {light}", "turn off {light}")
    key = Ed25519PrivateKey.generate()
    table = GlobalTable(
        version=1,
        created="2025-03-10T00:00:00+00:00",
        entries=(GlobalEntry(scrubbed[0], scrubbed[1], 57, 1.0),),
        period="2025-W10",
    )
    path = tmp_path / "learning" / "global.json"
    installer = GlobalLayerInstaller(path, public_key_hex(key))
    assert installer.offer(sign_table(table, key)).outcome == InstallOutcome.ACCEPTED
    base = Settings()
    settings = dataclasses.replace(
        base,
        learning=dataclasses.replace(base.learning, global_table=str(path), holdout=0.0),
        sync=dataclasses.replace(base.sync, public_key=public_key_hex(key)),
    )
    rewriter = learned_rewriter(settings, tmp_path / "turns.sqlite3")  # what the runtime runs
    assert rewriter is not None
    result = rewriter.rewrite("kill kitchen light", snapshot(), 0.9)
    assert result is not None and (result.rewritten, result.layer) == ("turn off kitchen light", "global")


def test_without_a_registry_only_pairs_without_slots_are_used() -> None:
    bound = RegistryGlobalLayer(TABLE).for_devices(())  # e.g. a rebuild that was given no devices
    assert set(bound.entries) == {"turn off the kitchen lite"}


def test_a_table_edited_on_disk_is_not_used_after_a_restart_until_sync_restores_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    key = Ed25519PrivateKey.generate()
    table = GlobalTable(
        version=3,
        created="2025-03-10T00:00:00+00:00",
        entries=(GlobalEntry("kill {light}", "turn off {light}", 57, 1.0),),
        period="2025-W10",
    )
    path = tmp_path / "learning" / "global.json"
    assert GlobalLayerInstaller(path, public_key_hex(key)).offer(sign_table(table, key)).outcome == (
        InstallOutcome.ACCEPTED
    )
    base = Settings()
    settings = dataclasses.replace(
        base,
        learning=dataclasses.replace(base.learning, global_table=str(path), holdout=0.0),
        sync=dataclasses.replace(base.sync, public_key=public_key_hex(key)),
    )

    def layer_rewrite() -> str | None:  # a restart: the runtime builds its rewriter from the files
        rewriter = learned_rewriter(settings, tmp_path / "turns.sqlite3")
        assert rewriter is not None
        result = rewriter.rewrite("kill kitchen light", snapshot(), 0.9)
        return None if result is None else result.rewritten

    assert layer_rewrite() == "turn off kitchen light"
    # someone edits the installed table: the same pair now turns the light on instead
    path.write_text(path.read_text().replace("turn off", "turn on"))
    caplog.set_level(logging.WARNING, logger="edge.sync.installed")
    assert layer_rewrite() is None and layer_rewrite() is None  # not used, on every load
    said = [r.getMessage() for r in caplog.records]
    assert len(said) == 1 and "differs from its signed release" in said[0]  # said once
    without_key = dataclasses.replace(settings, sync=base.sync)
    assert learned_rewriter(without_key, None) is not None  # learning still runs, just no global layer
    assert RegistryGlobalLayer.load(path, public_key="") is None
    other = public_key_hex(Ed25519PrivateKey.generate())
    assert RegistryGlobalLayer.load(path, public_key=other) is None  # signed by another key
    # edge sync (the installer) puts the signed table back; the next load uses it again
    assert GlobalLayerInstaller(path, public_key_hex(key)).version == 3
    assert layer_rewrite() == "turn off kitchen light"


def test_a_signed_release_that_undoes_or_unlocks_is_dropped_on_load(tmp_path: Path) -> None:
    key = Ed25519PrivateKey.generate()  # a compromised aggregator signs what it likes
    entries = (
        GlobalEntry("night night", "undo that", 29, 1.0),
        GlobalEntry("let me in", "unlock the {lock}", 29, 1.0),
        GlobalEntry("garage please", "open the {door}", 29, 1.0),
        GlobalEntry("kill {light}", "turn off {light}", 29, 1.0),
    )
    table = GlobalTable(version=1, created="2025-03-10T00:00:00+00:00", entries=entries, period="2025-W10")
    path = tmp_path / "global.json"
    GlobalLayerInstaller(path, public_key_hex(key)).offer(sign_table(table, key))
    layer = RegistryGlobalLayer.load(path, public_key=public_key_hex(key))
    assert layer is not None
    door = Device("cover.front_door", "front door", "cover", area="hall", device_class="door")
    bound = layer.for_devices([*snapshot().devices.values(), door])
    assert bound.entries and all(
        not any(w in e.rewritten for w in ("undo", "unlock", "open")) for e in bound.entries.values()
    )
    assert "night night" not in bound.entries
