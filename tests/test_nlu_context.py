"""The issue's context cases on the real committed ONNX model: same words, two homes, two meanings."""

from __future__ import annotations

import pytest

from edge.config import Settings
from edge.context.model import ContextSnapshot
from edge.lang import model_tokens
from edge.nlu.context_features import CONTEXT_FEATURES, context_vector
from edge.nlu.parser import NLUParser
from edge.nlu.snapshots import demo_devices, make_snapshot
from edge.nlu.types import Intent

DEVICES = demo_devices()
KITCHEN_LIGHTS = ("light.kitchen", "light.kitchen_ceiling")  # the demo home's kitchen has two


@pytest.fixture(scope="module")
def parser() -> NLUParser:
    return NLUParser(Settings())


def snap(area: str = "kitchen", screen: bool = False, **states: str) -> ContextSnapshot:
    return make_snapshot(
        DEVICES, area=area, states={k.replace("__", "."): v for k, v in states.items()}, screen=screen
    )


def parse(parser: NLUParser, text: str, snapshot: ContextSnapshot) -> Intent:
    intent = parser.parse(text, snapshot)
    assert intent is not None, f"{text!r} gave nothing"
    return intent


def test_temperature_means_the_oven_while_it_is_on(parser: NLUParser) -> None:
    on = parse(parser, "what's the temperature", snap(oven__kitchen="on"))
    off = parse(parser, "what's the temperature", snap())
    assert (on.name, on.targets) == ("HassClimateGetTemperature", ("oven.kitchen",))
    assert (off.name, off.targets) == ("HassClimateGetTemperature", ("climate.hallway",))


def test_play_a_title_is_a_movie_on_a_screen_and_an_audiobook_without(parser: NLUParser) -> None:
    screen = parse(parser, "play the hunger games", snap(area="living room", screen=True))
    speaker = parse(parser, "play the hunger games", snap(area="kitchen", screen=False))
    assert screen.name == speaker.name == "HassMediaSearchAndPlay"
    assert screen.slots["search_query"] == speaker.slots["search_query"] == "the hunger games"
    assert (screen.slots["media_class"], screen.targets) == ("movie", ("media_player.living_room_tv",))
    assert (speaker.slots["media_class"], speaker.targets) == ("audiobook", ("media_player.kitchen_speaker",))


@pytest.mark.parametrize(("area", "lights"), [("kitchen", KITCHEN_LIGHTS), ("bedroom", ("light.bedroom",))])
def test_turn_on_the_light_uses_the_satellites_area(
    parser: NLUParser, area: str, lights: tuple[str, ...]
) -> None:
    intent = parse(parser, "turn on the light", snap(area=area))
    assert (intent.name, intent.targets) == ("HassTurnOn", lights)


def test_turn_it_off_turns_off_the_lights_here(parser: NLUParser) -> None:
    intent = parse(parser, "turn it off", snap(area="bedroom", light__bedroom="on"))
    assert (intent.name, intent.targets) == ("HassTurnOff", ("light.bedroom",))


@pytest.mark.parametrize("player", ["media_player.kitchen_speaker", "media_player.living_room_tv"])
def test_pause_targets_whatever_is_playing(parser: NLUParser, player: str) -> None:
    intent = parse(parser, "pause", snap(area="bedroom", **{player.replace(".", "__"): "playing"}))
    assert (intent.name, intent.targets) == ("HassMediaPause", (player,))


def test_turn_it_up_is_volume_while_music_plays(parser: NLUParser) -> None:
    music = parse(
        parser, "turn it up", snap(light__kitchen="on", media_player__kitchen_speaker="playing:music")
    )
    lights = parse(parser, "turn it up", snap(light__kitchen="on"))
    heat = parse(parser, "turn it up", snap(area="hallway"))
    assert (music.name, music.targets) == ("HassSetVolumeRelative", ("media_player.kitchen_speaker",))
    # "it" is the light that is on (docs/nlu.md "Context"), not the kitchen light that is off
    assert (lights.name, lights.targets) == ("LightBrighter", ("light.kitchen",))
    assert (heat.name, heat.targets) == ("ClimateWarmer", ("climate.hallway",))


@pytest.mark.parametrize("text", ["what's the capital of France", "tell me a joke", "", "um"])
def test_out_of_domain_gives_nothing(parser: NLUParser, text: str) -> None:
    assert parser.parse(text, snap(oven__kitchen="on", media_player__kitchen_speaker="playing")) is None


def test_the_context_vector_is_a_model_input(parser: NLUParser) -> None:
    """The model's own output moves with the context input (no rule after the model)."""
    tokens = model_tokens("what's the temperature")
    on = context_vector(snap(oven__kitchen="on"))
    off = context_vector(snap())
    assert on.shape == (len(CONTEXT_FEATURES),)
    p_on = parser.model.run(tokens, on).focus_probs
    p_off = parser.model.run(tokens, off).focus_probs
    oven = parser.model.focus.index("oven")  # the same intent; the oven is what it is about
    assert p_on[oven] > 0.5 > p_off[oven]


def test_named_device_and_values(parser: NLUParser) -> None:
    intent = parse(parser, "Hey Jarvis, set the kitchen light to 40%.", snap(area="bedroom"))
    assert intent.name == "HassLightSet"
    assert intent.slots.get("brightness") == "40"
    assert "light.kitchen" in intent.targets


@pytest.mark.parametrize(
    "text",
    [
        "let's play a game of chess",
        "what time is it in london",
        "shuffle my playlist",
        "what song is this",
        "cancel my dentist appointment tomorrow",
        "turn off my morning alarm",
    ],
)
def test_requests_that_share_words_with_commands_move_nothing(parser: NLUParser, text: str) -> None:
    assert parser.parse(text, snap(area="living room", media_player__living_room_tv="playing")) is None


def test_a_to_do_list_request_is_the_list_intent_and_moves_nothing(parser: NLUParser) -> None:
    """Lists are Home Assistant's (HassListRemoveItem), no longer out of domain: still never a device."""
    intent = parse(parser, "take eggs off the grocery list", snap(media_player__living_room_tv="playing"))
    assert (intent.name, intent.slots.get("item"), intent.targets) == ("HassListRemoveItem", "eggs", ())


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("turn on the vacuum", "HassVacuumStart"),
        ("please switch the hoover on", "HassVacuumStart"),
        ("could you turn the coffee machine on", "CoffeeBrew"),
        ("i'd like softer lighting in the bedroom", "LightDimmer"),
        ("bedroom darker please", "LightDimmer"),
        ("raise the brightness of the lamps", "LightBrighter"),
        ("set the lights to a relaxing mood", "HassLightSet"),
        ("add bananas to my shopping list", "HassShoppingListAddItem"),
    ],
)
def test_device_paraphrases(parser: NLUParser, text: str, name: str) -> None:
    assert parse(parser, text, snap(area="kitchen")).name == name
