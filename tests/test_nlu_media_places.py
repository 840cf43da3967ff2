"""Where media plays (session 34, on tests/data/enthusiast_home.toml): "play the beatles everywhere" searched
"the beatles everywhere" on the kitchen's speaker only, now "the beatles" on every speaker of the home; "turn
up the volume in the living room" turned up the idle TV beside the playing Sonos, now the player playing
there (every one of the room's when none plays)."""

from __future__ import annotations

from functools import cache

from nlu_rows import home

from edge.actions.planner import which_one
from edge.config import Settings
from edge.context.model import ContextSnapshot
from edge.nlu.parser import NLUParser
from edge.nlu.snapshots import make_snapshot

SPEAKERS = ("media_player.echo_dot", "media_player.emmas_speaker", "media_player.sonos_one")


@cache
def _parser() -> NLUParser:
    return NLUParser(Settings())


def _home(states: dict[str, str]) -> ContextSnapshot:
    found = home("enthusiast")
    return make_snapshot(found.devices, "kitchen", states, base=found.states, areas=found.areas)


def test_played_everywhere_is_every_speaker_and_never_part_of_the_search() -> None:
    snap = _home({})
    for text in ("play the beatles everywhere", "play the beatles in every room"):
        intent = _parser().parse(text, snap)
        assert intent is not None and intent.slots["search_query"] == "the beatles", text
        assert which_one(intent, snap).intent.targets == SPEAKERS, text
    alone = _parser().parse("play the beatles", snap)
    assert alone is not None and which_one(alone, snap).intent.targets == ("media_player.echo_dot",)


def test_the_volume_of_a_room_is_its_playing_players() -> None:
    text = "turn up the volume in the living room"
    playing = _parser().parse(text, _home({"media_player.sonos_one": "playing:music"}))
    assert playing is not None and playing.targets == ("media_player.sonos_one",)
    idle = _parser().parse(text, _home({}))
    assert idle is not None and set(idle.targets) == {"media_player.living_room_tv", "media_player.sonos_one"}
