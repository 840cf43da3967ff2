"""Home loaders: our TOML homes and Home Assistant intent fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from edge.context.homes import load_device_types, load_home
from edge.context.model import Capability, Satellite
from edge.errors import ConfigError
from edge.nlu.catalogue import is_safety_critical

ROOT = Path(__file__).resolve().parent.parent


def test_demo_home_loads() -> None:
    home = load_home(ROOT / "devices" / "homes" / "demo.toml")
    kitchen = home.devices["light.kitchen"]
    assert kitchen.name == "kitchen light"
    assert kitchen.area == "kitchen" and kitchen.floor == "ground floor"
    assert Capability.BRIGHTNESS in kitchen.capabilities
    assert home.devices["media_player.living_room_tv"].device_class == "tv"
    assert Capability.SCREEN in home.devices["media_player.living_room_tv"].capabilities
    assert is_safety_critical(home.devices["lock.front_door"])
    assert is_safety_critical(home.devices["cover.garage_door"])
    assert not is_safety_critical(home.devices["cover.living_room_blinds"])
    assert home.devices["oven.kitchen"].domain == "oven"
    assert home.devices["climate.hallway"].area == "hallway"
    assert "lock.front_door" in home.z2m and "light.kitchen" not in home.z2m
    assert home.devices["lock.front_door"].schema == "z2m"
    assert {"kitchen", "living room", "bedroom", "office", "hallway", "garage"} <= set(home.areas)
    snap = home.snapshot(Satellite(area="kitchen"), version=3)
    assert snap.version == 3 and snap.satellite.area == "kitchen"
    assert snap.state_of("climate.hallway") == "heat"
    assert snap.states["oven.kitchen"].attributes["current_temperature"] == 21


def test_family_home_loads() -> None:
    home = load_home(ROOT / "devices" / "homes" / "family.toml")
    assert len(home.devices) >= 30
    assert len(home.areas) >= 8


def test_every_type_is_usable() -> None:
    types = load_device_types(ROOT / "devices" / "types.toml")
    wanted = {"dimmable_light", "colour_light", "oven", "thermostat", "tv", "speaker", "garage_door"}
    wanted |= {"door_lock", "blinds", "vacuum", "coffee_maker", "fan", "temperature_sensor", "plug"}
    assert wanted <= set(types)
    assert Capability.BREW in types["coffee_maker"].capabilities
    assert Capability.POSITION in types["blinds"].capabilities


def test_ha_fixture_loads(shared_data: Path) -> None:
    home = load_home(shared_data / "ha-intents" / "home_en_fixtures.yaml")
    assert home.devices["light.kitchen_ceiling"].area == "kitchen"
    assert home.devices["light.kitchen_ceiling"].floor == "first floor"
    assert is_safety_critical(home.devices["lock.front_door"])
    assert Capability.TEMPERATURE_READ in home.devices["climate.thermostat"].capabilities
    assert Capability.POSITION in home.devices["cover.bedroom"].capabilities
    assert home.states["binary_sensor.phone_battery"].state == "off"
    assert "upstairs" in home.floors and "guest room" in home.areas


def test_bad_home_files_say_what_is_wrong(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[[device]]\nentity_id = "light.x"\ntype = "laser"\n')
    (tmp_path / "types.toml").write_text((ROOT / "devices" / "types.toml").read_text())
    with pytest.raises(ConfigError, match="unknown type 'laser'"):
        load_home(bad)
    bad.write_text('[[device]]\nentity_id = "nodot"\ntype = "plug"\n')
    with pytest.raises(ConfigError, match=r"domain\.object_id"):
        load_home(bad)
    bad.write_text("not = [toml")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_home(bad)
    with pytest.raises(ConfigError, match="does not exist"):
        load_home(tmp_path / "missing.toml")
