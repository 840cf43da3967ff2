"""A light's white colour temperature end to end (kelvin in the action layer, mireds or kelvin on each
wire): the conversions, each wire's payload and read-back, the deciders, the expected state and the undo,
the words of ``edge/nlu/white_words.py``, the simulated home, and the real model on the requests of
``tests/data/white_words.jsonl`` (written before their code; the rows marked blind were looked at once)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from nlu_rows import home, misses, read_rows

from edge.actions.deciders import DECIDERS, WHITE_RGB
from edge.actions.effects import apply_action, state_matches
from edge.actions.mqtt_executor import MqttExecutor
from edge.actions.planner import make_command, plan
from edge.actions.undo import restore_actions
from edge.config import MQTTSettings, SatelliteSettings, Settings
from edge.context.broker import MosquittoBroker
from edge.context.color_temp import DEFAULT_KELVIN, kelvin_of, kelvin_range, to_kelvin, wire_value
from edge.context.ha_discovery import parse_ha_config
from edge.context.model import Capability, ContextSnapshot, Device, DeviceState
from edge.context.mqtt import MqttSession, SessionSettings
from edge.context.store import ContextStore
from edge.context.wire import decode_command, encode_command
from edge.context.z2m import parse_z2m_devices
from edge.lab.sim.devices import DeviceSimulator
from edge.lab.sim.local import LocalHome
from edge.lang import model_tokens
from edge.nlu.parse_result import ParseResult
from edge.nlu.parser import NLUParser
from edge.nlu.snapshots import make_snapshot
from edge.nlu.types import Intent
from edge.nlu.white_words import WHITE_KELVIN, white_reading, white_word

C = Capability
WHITE_CAPS = frozenset({C.ON_OFF, C.BRIGHTNESS, C.COLOR_TEMP})
TRADFRI = {"min_mireds": 250.0, "max_mireds": 454.0}  # an IKEA white spectrum bulb: 4000-2200 K


def _light(schema: str, caps: frozenset[Capability] = WHITE_CAPS, **extra: object) -> Device:
    return Device("light.bulb", "bedroom bulb", "light", area="bedroom", capabilities=caps,
                  command_topic="home/bulb/set", state_topic="home/bulb", schema=schema,
                  extra=dict(extra))  # fmt: skip


def test_kelvin_and_mireds_convert_within_the_bulbs_range() -> None:
    plain = _light("ha-json")
    assert wire_value(plain, 2700) == 370 and wire_value(plain, 6500) == 154  # 1e6 / K, rounded
    assert kelvin_range(plain) == DEFAULT_KELVIN and wire_value(plain, 1000) == 500  # HA's 2000 K floor
    bulb = _light("z2m", **TRADFRI)
    assert wire_value(bulb, 6500) == 250 and wire_value(bulb, 2000) == 454  # clamped to 250-454 mireds
    kelvin = _light("ha-json", color_temp_kelvin=True, min_kelvin=2200, max_kelvin=4000)
    assert wire_value(kelvin, 2700) == 2700 and wire_value(kelvin, 6500) == 4000
    reported = kelvin_range(plain, {"min_mireds": 153, "max_mireds": 500})  # HA's state attributes
    assert round(reported[0]) == 2000 and round(reported[1]) == 6536
    assert to_kelvin(370) == 1_000_000 / 370 and to_kelvin(2700) == 2700 and to_kelvin(True) is None
    assert kelvin_of({"color_temp": 250}) == 4000 and kelvin_of({"brightness": 3}) is None


def test_each_wire_sends_the_colour_temperature_and_reads_it_back() -> None:
    z2m = _light("z2m", **TRADFRI)
    assert encode_command(z2m, "set_color_temp", 2700) == ("home/bulb/set", '{"state":"ON","color_temp":370}')
    assert decode_command(z2m, b'{"color_temp":250}') == [("set_color_temp", 4000)]
    ha_json = _light("ha-json", color_temp_kelvin=True)
    assert encode_command(ha_json, "set_color_temp", 2700)[1] == '{"state":"ON","color_temp":2700}'
    read = decode_command(_light("ha-json"), b'{"state":"ON","color_temp":370}')
    assert read[-1] == ("set_color_temp", 2703)
    basic = _light("ha-basic", color_temp_command_topic="cmnd/bulb/CT")
    assert encode_command(basic, "set_color_temp", 4000) == ("cmnd/bulb/CT", "250")
    templated = _light("ha-basic", color_temp_command_topic="bulb/ct",
                       templates={"color_temp_command_template": '{"ct": {{ value }}}'})  # fmt: skip
    assert encode_command(templated, "set_color_temp", 5000) == ("bulb/ct", '{"ct": 200}')


def test_discovery_keeps_the_range_and_the_unit() -> None:
    config = {"name": "Lamp", "uniq_id": "lamp1", "schema": "json", "cmd_t": "l/set", "stat_t": "l",
              "sup_clrm": ["color_temp"], "clr_temp_k": True, "min_k": 2200, "max_k": 4000}  # fmt: skip
    [found] = parse_ha_config("homeassistant/light/lamp1/config", json.dumps(config).encode())
    assert found.device is not None and C.COLOR_TEMP in found.device.capabilities
    assert encode_command(found.device, "set_color_temp", 6500)[1] == '{"state":"ON","color_temp":4000}'
    expose = {"type": "light", "features": [
        {"name": "state", "property": "state", "type": "binary", "value_on": "ON", "value_off": "OFF"},
        {"name": "color_temp", "property": "color_temp", "type": "numeric", "value_min": 250,
         "value_max": 454}]}  # fmt: skip
    entry = {"friendly_name": "hall bulb", "ieee_address": "0x1", "type": "Router",
             "definition": {"model": "LED1545G12", "vendor": "IKEA", "exposes": [expose]}}  # fmt: skip
    [bulb] = parse_z2m_devices(json.dumps([entry]).encode())
    assert (bulb.extra["min_mireds"], bulb.extra["max_mireds"]) == (250.0, 454.0)
    assert encode_command(bulb, "set_color_temp", 6500)[1] == '{"state":"ON","color_temp":250}'


def _decide(device: Device, word: str, **attrs: object) -> object:
    return DECIDERS["HassLightSet"](device, DeviceState("on", dict(attrs)), {"color": word})


def test_a_white_word_sets_a_white_bulb_approximates_on_rgb_and_says_why_not() -> None:
    white = _light("z2m", **TRADFRI)
    assert _decide(white, "warm white", color_temp=250) == ("set_color_temp", 2700)
    assert _decide(white, "daylight") == ("set_color_temp", 4000)  # its coolest
    rgb = _light("ha-json", frozenset({C.ON_OFF, C.BRIGHTNESS, C.COLOR}))
    assert _decide(rgb, "candlelight") == ("set_color", list(WHITE_RGB[2200]))
    assert _decide(rgb, "warm white") == ("set_color", [255, 180, 107])  # today's approximation, kept
    assert set(WHITE_KELVIN.values()) <= set(WHITE_RGB)
    plain = _light("ha-json", frozenset({C.ON_OFF, C.BRIGHTNESS}))
    assert _decide(plain, "daylight") == "the bedroom bulb has no white to change"
    assert _decide(plain, "red") == ("set_color", [255, 0, 0])  # the planner says it can't set a colour


def test_warmer_and_cooler_step_500_kelvin_from_the_reading() -> None:
    white = _light("z2m", **TRADFRI)
    assert _decide(white, "cooler", color_temp=370) == ("set_color_temp", 3203)
    assert _decide(white, "warmer", color_temp=300) == ("set_color_temp", 2833)
    assert _decide(white, "warmer", color_temp=400) == ("set_color_temp", 2203)  # down to its warmest
    assert _decide(white, "warmer", color_temp=454) == "the bedroom bulb is already as warm as it goes"
    assert _decide(white, "whiter") == ("set_color_temp", round((2202.6 + 4000) / 2 + 500))  # no reading
    rgb = _light("ha-json", frozenset({C.ON_OFF, C.COLOR}))
    assert _decide(rgb, "warmer") == "the bedroom bulb has no white to change"


def test_the_expected_state_and_the_undo_of_a_white() -> None:
    bulb = _light("z2m", **TRADFRI)
    before = DeviceState("on", {"brightness": 255, "color_temp": 370})
    command = make_command(bulb, before, "set_color_temp", 6500)
    assert command.payload == '{"state":"ON","color_temp":250}'
    assert (command.expected_state, dict(command.expected_attributes)) == ("on", {"color_temp": 250})
    after = apply_action(bulb, before, "set_color_temp", 6500)
    assert state_matches(after, "on", {"color_temp": 250})
    assert not state_matches(before, "on", {"color_temp": 250})
    assert restore_actions(bulb, before, after) == [("set_color_temp", 2703)]
    assert encode_command(bulb, "set_color_temp", 2703)[1] == '{"state":"ON","color_temp":370}'
    off = DeviceState("off", {"color_temp": 370})
    assert restore_actions(bulb, off, after) == [("turn_off", None)]  # never lit again to be re-tinted


THERMOSTAT = Device("climate.hall", "thermostat", "climate", area="hall",
                    capabilities=frozenset({C.TEMPERATURE_SET}))  # fmt: skip
LAMP = Device("light.lamp", "reading lamp", "light", area="lounge", capabilities=WHITE_CAPS)
STRIP = Device("light.strip", "tv strip", "light", area="lounge", capabilities=frozenset({C.ON_OFF, C.COLOR}))
HALL = Device("light.hall", "hall light", "light", area="hall", capabilities=WHITE_CAPS)


def _snap(area: str) -> ContextSnapshot:
    return make_snapshot({d.entity_id: d for d in (THERMOSTAT, LAMP, STRIP, HALL)}, area)


def _read(text: str, area: str, model: Intent | None = None) -> Intent | None:
    result = ParseResult(text, model, model.name if model else "HassTurnOn", 0.9, False)
    return white_reading(result, model_tokens(text), _snap(area)).intent


def test_the_words_are_a_lights_only_when_a_light_is_meant() -> None:
    assert white_word(model_tokens("set the lamp to warm white")) == "warm white"
    assert white_word(model_tokens("make it warmer")) == "warmer"
    assert white_word(model_tokens("lamp to cool")) == "cool" and not white_word(model_tokens("keep it cool"))
    lights = _read("make the lights warmer", "lounge")
    assert lights is not None and lights.name == "HassLightSet"
    assert lights.targets == ("light.lamp", "light.strip")
    assert lights.slots["color"] == "warmer"
    named = _read("the hall light to daylight", "lounge")
    assert named is not None and named.targets == ("light.hall",) and named.slots["color"] == "daylight"
    climate = Intent("ClimateWarmer", {"domain": "climate"}, 0.9, "make it warmer in here", ("climate.hall",))
    assert _read("make it warmer in here", "hall", climate) == climate  # no light said: the thermostat
    assert _read("make the heating warmer", "lounge") is None  # a thermostat's word
    strip = _read("set the tv strip to daylight", "hall")  # a light named whole, in another room
    assert strip is not None and strip.targets == ("light.strip",) and strip.slots["name"] == "tv strip"
    named_after = Intent(
        "HassTurnOn", {"name": "cool white lamp"}, 0.9, "turn on the cool white lamp", ("light.cw",)
    )
    cool = Device("light.cw", "cool white lamp", "light", area="hall", capabilities=WHITE_CAPS)
    snap = make_snapshot({d.entity_id: d for d in (LAMP, cool)}, "hall")
    result = ParseResult("turn on the cool white lamp", named_after, "HassTurnOn", 0.9, False)
    assert white_reading(result, model_tokens(result.text), snap).intent == named_after  # the name's words
    assert _read("make the lights warmer and brighter", "lounge") is None  # two requests: each its own
    brighter = Intent("LightBrighter", {"domain": "light"}, 0.8, "warmer light please", ("light.hall",))
    kept = _read("warmer light please", "lounge", brighter)
    assert kept is not None and kept.name == "HassLightSet" and kept.targets == ("light.hall",)


def test_the_simulated_home_carries_the_white() -> None:
    local = LocalHome(home("white"))
    local.toggle("light.office", 0.0, to="on")  # switched on by hand at its 2700 K
    snap = local.snapshot()
    intent = Intent("HassLightSet", {"color": "daylight"}, 1.0, "", ("light.office",))
    planned = plan(intent, snap)
    assert [(c.action, c.value) for c in planned.commands] == [("set_color_temp", 4000)]
    result = asyncio.run(local.execute(planned))
    assert result.ok and local.states["light.office"].attributes["color_temp"] == 250
    undo = plan(Intent("UndoLast"), local.snapshot(), journal=local.journal)
    assert [(c.action, c.value) for c in undo.commands] == [("set_color_temp", 2703)]


def test_the_simulated_devices_obey_a_white_over_mosquitto(broker: MosquittoBroker) -> None:
    """``make run``'s simulator: an HA JSON bulb and a Zigbee2MQTT one set, confirmed and undone."""

    async def main() -> None:
        mqtt = MQTTSettings(port=broker.port, reconnect_min_s=0.1, reconnect_max_s=0.5, command_timeout_s=5.0)
        settings = Settings(mqtt=mqtt, satellite=SatelliteSettings(site_id="test", area="bedroom"))
        found = home("white")
        sim_settings = SessionSettings(port=broker.port, reconnect_min_s=0.1, client_id="sim")
        async with (
            MqttSession(sim_settings) as sim_session,
            MqttSession(SessionSettings.from_mqtt(mqtt, "test")) as runtime,
        ):
            sim = DeviceSimulator(found, sim_session, seed=1)
            store = ContextStore(settings, found)
            tasks = [asyncio.create_task(sim.run()), asyncio.create_task(store.run(runtime))]
            try:
                async with asyncio.timeout(15):
                    while not all(store.state(e) for e in found.devices):  # noqa: ASYNC110
                        await asyncio.sleep(0.05)
                executor = MqttExecutor(runtime, store, timeout_s=5.0)
                for eid, word in (("light.office", "daylight"), ("light.bedroom_ceiling", "warmer")):
                    on = await executor.execute(
                        plan(Intent("HassTurnOn", {}, 1.0, "", (eid,)), store.snapshot())
                    )
                    white = plan(Intent("HassLightSet", {"color": word}, 1.0, "", (eid,)), store.snapshot())
                    result = await executor.execute(white)
                    assert on.ok and result.ok, (eid, result)
                snap = store.snapshot()
                assert snap.states["light.office"].attributes["color_temp"] == 250  # 6500 K: its coolest
                assert snap.states["light.bedroom_ceiling"].attributes["color_temp"] == 454  # 2703 - 500 K
                undo = plan(Intent("UndoLast"), store.snapshot(), journal=executor.journal)
                assert (await executor.execute(undo)).ok
                assert store.snapshot().states["light.bedroom_ceiling"].attributes["color_temp"] == 370
            finally:
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)

    asyncio.run(main())


def test_the_white_words_requests() -> None:
    """Written before the code ran on them, scored once: dev main 3 -> 10 of 10, blind 1 -> 5 of 5 (main's
    "passes" sent nothing a white bulb takes: "can't set color", "I don't know the colour cool white")."""
    rows = read_rows("white_words.jsonl")
    assert len(rows) == 15 and Path(__file__).parent.joinpath("data", "white_home.toml").is_file()
    assert misses(NLUParser(Settings()), rows) == []
