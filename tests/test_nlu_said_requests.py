"""Requests whose whole utterance says what to do with a device of the home (issue 14, the ninth draws'
losses): a valve's or cover's position by name, a name that begins with a verb-like word said with on/off,
"open / close everything" among the covers; a decimal read again as its whole part; the number the tagger
left untagged. Pure functions on hand-built homes, then the parser with the real model."""

from __future__ import annotations

from edge.config import NLUSettings, Settings
from edge.context.model import ContextSnapshot, Device
from edge.nlu.parser import NLUParser
from edge.nlu.said_requests import said_request
from edge.nlu.snapshots import make_snapshot
from edge.nlu.value_slots import value_slots
from edge.nlu.whole_numbers import put_back, whole_numbers

_DEVICES = {
    d.entity_id: d
    for d in (
        Device("light.play_nook", "Play Nook", "light", area="den"),
        Device("light.den_ceiling", "Den Ceiling", "light", area="den"),
        Device("fan.den", "Den Fan", "fan", area="den"),
        Device("valve.water_main", "Water Main", "valve", area="utility"),
        Device("valve.hose", "Hose Valve", "valve", area="yard"),
        Device("cover.den_blinds", "Den Blinds", "cover", area="den", device_class="blind"),
        Device("cover.den_curtains", "Den Curtains", "cover", area="den", device_class="curtain"),
        Device("cover.garage", "Garage Door", "cover", area="garage", device_class="garage"),
        Device("light.garage", "Garage Light", "light", area="garage"),
        Device("lock.front", "Front Door", "lock", area="hall"),
        Device("light.hall_a", "Hall Lamp", "light", area="hall"),
        Device("light.hall_b", "Hall Lamp", "light", area="landing"),
        Device("light.start_a", "Start Lamp", "light", area="hall"),
        Device("switch.start_b", "Start Lamp", "switch", area="landing"),
    )
}


def _home(area: str = "den", states: dict[str, str] | None = None) -> ContextSnapshot:
    return make_snapshot(
        _DEVICES, area, {"cover.den_blinds": "open", "cover.den_curtains": "open"} | (states or {})
    )


def _said(text: str, snap: ContextSnapshot | None = None) -> tuple[str, dict[str, str], list[str]] | None:
    intent = said_request(text, snap or _home())
    return None if intent is None else (intent.name, dict(intent.slots), sorted(intent.targets))


def test_a_position_for_a_valve_or_cover_named_whole() -> None:
    assert _said("set water main to 40") == (
        "HassSetPosition",
        {"name": "Water Main", "domain": "valve", "position": "40"},
        ["valve.water_main"],
    )
    assert _said("Open the hose valve to 25 percent, please")[2] == ["valve.hose"]  # type: ignore[index]
    assert _said("increase water main position to 80")[1]["position"] == "80"  # type: ignore[index]
    assert _said("set den blinds to 30")[2] == ["cover.den_blinds"]  # type: ignore[index]
    # not a position, not a whole name, not a request
    assert _said("set water main to 140") is None
    assert _said("set the water to 40") is None
    assert _said("is the water main set to 40") is None
    assert _said("set water main to 40 and the hose valve to 10") is None


def test_a_name_that_begins_with_a_verb_said_with_on_or_off() -> None:
    assert _said("play nook light on") == (
        "HassTurnOn",
        {"name": "Play Nook", "domain": "light"},
        ["light.play_nook"],
    )
    assert _said("turn play nook off") == (
        "HassTurnOff",
        {"name": "Play Nook", "domain": "light"},
        ["light.play_nook"],
    )
    assert _said("switch off the play nook lamp") == (
        "HassTurnOff",
        {"name": "Play Nook", "domain": "light"},
        ["light.play_nook"],
    )
    assert _said("play nook fan on") is None  # the kind word says another kind of device than the one named
    assert _said("play nook music on") is None  # more than the name and on/off: not this shape
    assert _said("front door off") is None  # never a safety-critical device
    assert _said("start lamp on") is None  # the name fits two devices: the model's reading stands
    assert _said("den ceiling on") is None  # a name that opens with no command word: the model's reading
    assert _said("turn on the den fan") is None


def test_open_or_close_everything_means_the_covers_here() -> None:
    assert _said("close everything") == (
        "HassTurnOff",
        {"domain": "cover"},
        ["cover.den_blinds", "cover.den_curtains"],
    )
    assert _said("close it all", _home(states={"cover.den_curtains": "closed"}))[2] == ["cover.den_blinds"]  # type: ignore[index]
    opened = _said(
        "open everything", _home(states={"cover.den_blinds": "closed", "cover.den_curtains": "closed"})
    )
    assert opened == ("HassTurnOn", {"domain": "cover"}, ["cover.den_blinds", "cover.den_curtains"])
    # the garage door is no cover of this rule (the gate's), and a room with nothing to open keeps the model's
    assert _said("close everything", _home("garage", {"cover.garage": "open"})) is None
    assert _said("close everything", _home("hall")) is None
    assert (
        _said(
            "close everything", _home(states={"cover.den_blinds": "closed", "cover.den_curtains": "closed"})
        )
        is None
    )
    assert _said("turn off everything") is None  # not an opening verb: the reference rules' as before


def test_a_decimal_is_read_again_as_its_whole_part() -> None:
    assert whole_numbers(["set", "temperature", "to", "20.5"]) == ("set temperature to 20", {"20": "20.5"})
    assert whole_numbers(["set", "temperature", "to", "20"]) is None  # no decimal
    assert whole_numbers(["set", "20", "to", "20.5"]) is None  # "20" could not be put back
    assert whole_numbers(["from", "20.5", "to", "20.7"]) is None  # two decimals, one whole part
    assert put_back({"temperature": "20", "name": "zone 20 heater"}, {"20": "20.5"})["temperature"] == "20.5"


def test_the_one_untagged_number_is_the_slot_the_intent_takes() -> None:
    assert (
        value_slots("HassClimateSetTemperature", {}, ["set", "temperature", "to", "20.5"])["temperature"]
        == "20.5"
    )
    assert (
        value_slots("HassSetPosition", {"name": "water main"}, ["set", "water", "main", "to", "40"])[
            "position"
        ]
        == "40"
    )
    # two numbers, or the number already someone's: nothing is guessed
    assert "temperature" not in value_slots("HassClimateSetTemperature", {}, ["set", "zone", "2", "to", "21"])
    assert "volume_level" not in value_slots(
        "HassSetVolume", {"name": "speaker 2"}, ["set", "speaker", "2", "louder"]
    )
    # a light takes a number only as a brightness in percent (not a colour temperature in kelvin)
    lit = value_slots("HassLightSet", {"name": "lamp"}, ["set", "lamp", "to", "100", "percent"])
    assert lit["brightness"] == "100"
    assert "brightness" not in value_slots(
        "HassLightSet", {"name": "lamp"}, ["set", "lamp", "to", "2700", "kelvin"]
    )


def test_the_parser_reads_the_whole_utterance_only_when_the_model_does_not_act() -> None:
    # the operating point above every confidence: the model never acts, the whole-utterance readings do
    strict = NLUParser(Settings(nlu=NLUSettings(act_below=1.01)))
    snap = _home()
    assert (
        strict._analyse("play nook light on", snap).intent is None
    )  # the premise: the model alone does not act
    result = strict.analyse("play nook light on", snap)
    assert result.intent is not None and result.intent.name == "HassTurnOn"
    assert result.intent.targets == ("light.play_nook",)
    assert result.intent.text == "play nook light on"
    closed = strict.analyse("close everything", snap).intent
    assert closed is not None and sorted(closed.targets) == ["cover.den_blinds", "cover.den_curtains"]
    assert strict.analyse("turn on the lights", snap).intent is None  # no whole-utterance shape: nothing


def test_put_on_a_device_named_whole_turns_it_on() -> None:
    devices = {
        d.entity_id: d
        for d in (
            Device("switch.kettle", "Kettle", "switch", area="kitchen"),
            Device("media_player.den_tv", "Den TV", "media_player", area="den", aliases=("telly",)),
            Device("lock.front", "Front Door", "lock", area="hall"),
        )
    }
    snap = make_snapshot(devices, "kitchen", {})
    assert _said("put on the kettle", snap) == (
        "HassTurnOn",
        {"name": "Kettle", "domain": "switch"},
        ["switch.kettle"],
    )
    assert _said("put the telly on please", snap)[2] == ["media_player.den_tv"]  # type: ignore[index]
    assert _said("can you put on the tv", snap)[2] == ["media_player.den_tv"]  # type: ignore[index]
    assert _said("put on the front door", snap) is None  # never a safety-critical device
    assert _said("put on the radio", snap) is None  # no device of that name: the model's reading
    assert _said("put on some kettle music", snap) is None  # more than the name
    # with the real model: "put on the kettle" read as a media search for "the kettle" is vetoed, then this
    result = NLUParser(Settings()).analyse("put on the kettle", snap)
    assert result.intent is not None and result.intent.name == "HassTurnOn"
    assert result.intent.targets == ("switch.kettle",)
