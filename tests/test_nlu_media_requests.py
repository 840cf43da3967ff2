"""Requests for media by name that the model does not act on ("play miles davis", issue 14): the shapes
read at the runtime, what is kept out (games, instruments, clothing, idioms, questions, the home's own
names, a home that cannot search), the model's own media reading vetoed for what is not media; then the
parser with the real model on a hand-built home and on the demo home."""

from __future__ import annotations

from pathlib import Path

from edge.config import Settings, project_root
from edge.context.homes import load_home
from edge.context.model import Capability, ContextSnapshot, Device
from edge.lab.bench._nlu_context import case_problems, load_homes, read_cases
from edge.nlu.catalogue import OUT_OF_DOMAIN
from edge.nlu.media_requests import MEDIA, media_request
from edge.nlu.not_media import not_media
from edge.nlu.parser import NLUParser
from edge.nlu.snapshots import make_snapshot

_SEARCH = frozenset({Capability.ON_OFF, Capability.MEDIA_PLAYBACK, Capability.MEDIA_SEARCH})
_DEVICES = {
    d.entity_id: d
    for d in (
        Device("media_player.den_speaker", "Den Speaker", "media_player", area="den", capabilities=_SEARCH),
        Device("media_player.porch_radio", "Porch Radio", "media_player", area="porch", capabilities=_SEARCH),
        Device("switch.kettle", "Kettle", "switch", area="kitchen"),
        Device("light.den", "Den Lamp", "light", area="den"),
    )
}


def _home(area: str = "den", devices: dict[str, Device] | None = None) -> ContextSnapshot:
    return make_snapshot(devices or _DEVICES, area, {}, areas=("kitchen",))


def _read(
    text: str, snap: ContextSnapshot | None = None, label: str = OUT_OF_DOMAIN, confidence: float = 0.6
) -> tuple[dict[str, str], list[str]] | None:
    intent = media_request(text, snap or _home(), label, confidence)
    if intent is None:
        return None
    assert intent.name == MEDIA
    return dict(intent.slots), sorted(intent.targets)


def test_the_shapes_people_ask_for_media_by_name() -> None:
    here = ["media_player.den_speaker"]
    for text in (
        "play miles davis",
        "play some miles davis",
        "put on miles davis",
        "Put on some Miles Davis, please",
        "i want to hear miles davis",
        "I'd like to listen to miles davis",
        "listen to miles davis",
        "let me hear miles davis",
        "can you play miles davis",
        "no, play miles davis",
    ):
        read = _read(text)
        assert read is not None, text
        assert read[0]["search_query"] == "miles davis", text
        assert read == (
            {"search_query": "miles davis", "media_class": "music", "domain": "media_player"},
            here,
        )
    # a place said: the area's player or the player named; the query stops before it
    assert _read("play miles davis on the porch radio") == (
        {
            "search_query": "miles davis",
            "media_class": "music",
            "domain": "media_player",
            "name": "Porch Radio",
        },
        ["media_player.porch_radio"],
    )
    assert _read("play norah jones in the porch")[1] == ["media_player.porch_radio"]  # type: ignore[index]
    # a kind word after an article says what it is; the name alone is the query
    assert _read("play the album kind of blue")[0]["search_query"] == "kind of blue"  # type: ignore[index]
    podcast = _read("play the podcast hardcore history")
    assert podcast is not None and podcast[0]["media_class"] == "podcast"
    assert podcast[0]["search_query"] == "hardcore history"
    assert _read("play radio paradise")[0]["search_query"] == "radio paradise"  # type: ignore[index]
    # "X by Y" and "on the Y" that is no place of the home stay in the query (a title)
    assert _read("play harvest moon by neil young")[0]["search_query"] == "harvest moon by neil young"  # type: ignore[index]
    assert _read("play sitting on the dock of the bay")[0]["search_query"] == "sitting on the dock of the bay"  # type: ignore[index]


def test_what_one_plays_or_puts_on_that_is_not_media_is_no_reading() -> None:
    for text in (
        "play a game",
        "play chess",
        "play rock paper scissors",
        "play dead",
        "play fair",
        "play the victim",
        "play with the dog",
        "play tennis with me",
        "play chess against the computer",
        "i want to hear the weather",
        "play board games",
        "play the piano",
        "put on my shoes",
        "put on your thinking cap",
        "put on some weight",
        "listen to me",
        "let me hear your opinion",
        "i want to hear a joke",
        "put on the kettle",  # a device of the home
        "play the den lamp",
    ):
        assert _read(text) is None, text
    # music that ends like an instrument or clothing, said without an article, is media
    assert not not_media("jazz piano", _home())
    assert not not_media("blue suede shoes", _home())
    assert not not_media("grateful dead", _home())
    assert not_media("the guitar", _home())
    assert not not_media("the office on the tv", _home())  # a title said with its player, not "the tv"


def test_questions_other_intents_and_homes_that_cannot_search() -> None:
    assert _read("do you play the guitar") is None
    assert _read("who played miles davis") is None
    assert (
        _read("play miles davis", label="HassTurnOn", confidence=0.6) is None
    )  # the model read another intent
    assert _read("play miles davis", confidence=0.95) is None  # the model is sure it is nothing for the home
    assert _read("play miles davis", label=MEDIA, confidence=0.6) is not None
    # a media reading the model was sure of is its own: nothing is read again from the words
    assert media_request("play miles davis", _home(), MEDIA, 0.9, sure=0.7) is None
    lights_only = {"light.den": _DEVICES["light.den"]}
    assert _read("play miles davis", _home(devices=lights_only)) is None
    mute = Device("media_player.den_tv", "Den TV", "media_player", area="den", capabilities=frozenset())
    assert _read("play miles davis", _home(devices={mute.entity_id: mute})) is None
    assert _read("tell me about miles davis") is None  # not a shape of asking to hear it


def _demo(area: str) -> ContextSnapshot:
    home = load_home(project_root() / "devices" / "homes" / "demo.toml")
    return make_snapshot(home.devices, area, {}, base=home.states, areas=tuple(home.areas))


def test_the_parser_plays_unseen_names_and_keeps_games_out() -> None:
    parser = NLUParser(Settings())
    kitchen = _demo("kitchen")
    # the premise: the model alone does not act on these
    assert parser._analyse("play miles davis", kitchen).intent is None
    for text in (
        "play miles davis",
        "put on miles davis",
        "i want to hear miles davis",
        "play some fleetwood mac",
    ):
        result = parser.analyse(text, kitchen)
        assert result.intent is not None and result.intent.name == MEDIA, text
        assert result.intent.targets == ("media_player.kitchen_speaker",), text
        assert not result.needs_confirmation
    assert parser.analyse("play miles davis", kitchen).intent.slots["search_query"] == "miles davis"  # type: ignore[union-attr]
    for text in ("play a game", "play chess", "play rock paper scissors", "do you play the guitar"):
        assert parser.analyse(text, kitchen).intent is None, text
    # the model's own media reading of what is not media is vetoed (it read "the piano" as a search)
    assert parser._analyse("can you play the piano", kitchen).intent is None
    # a request the model acts on is unchanged
    coldplay = parser.analyse("play some coldplay", kitchen).intent
    assert coldplay is not None and coldplay.slots["search_query"] == "coldplay"
    assert coldplay.confidence > 0.9


def test_the_lists_are_well_formed() -> None:
    homes = load_homes(None)
    for name in ("media_requests_dev.jsonl", "media_requests_blind.jsonl"):
        cases = read_cases(Path(project_root() / "tests" / "data" / name))
        assert len(cases) >= 40
        assert not [p for c in cases for p in case_problems(c, homes)]
        assert sum(c.expect == "none" for c in cases) >= 15
