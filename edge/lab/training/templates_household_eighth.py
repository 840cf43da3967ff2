"""Household phrasing families, eighth pass: what stopped the seventh pass's model from shipping.

- An area said alone after "turn on / off" ("turn on the kitchen", "switch the living room off") is the
  area's lights, tagged as the area: the seventh pass's model read it confidently as the room's media player
  (a speaker or TV nobody named), because no family said an area alone, while many say an area in front of a
  media word ("the kitchen speaker").
- Films, shows and songs after "play" ("play finding nemo", "put on peppa pig", "play hotel california") are
  media, beside the game titles of the game negatives (``neg_games_titles``): the sixth pass's game titles
  had taught "play <a title never seen>" as a game, so an unseen film fell under the operating point. A film
  or show is labelled as the context families label a title (a film on a satellite with a screen, audio
  elsewhere: ``templates_context.play_title_label``), a song as music.
- A scene's or script's own name of more than one word, said whole before "scene" / "script" with nothing in
  front ("date night scene please", "the wind down script"), tagged as one name; several names share their
  last word ("date night", "game night"), so the last word alone is never the name. Beside them negatives
  that say "scene" / "script" of a film or a play, which turn nothing on.

Written from kinds of request, never from evaluation sentences (``heldout.drop_heldout`` removes any
generated example equal to one; the pools name no title or scene an evaluation set uses). Part of
``HOUSEHOLD_FAMILIES`` (``edge train``'s household data), appended after the seventh pass's families.
"""

from __future__ import annotations

from edge.lab.training.templates_base import Family, fixed
from edge.lab.training.templates_context import play_title_label

__all__ = ["EIGHTH_FAMILIES"]

F = Family
_END = "[(please|now|right now|for me|thanks|thank you)]"
_THE = "[(the|all the|the whole|the entire)]"
_PLAY = "(play|put on|start playing|stream|can you play|could you play|please play|let's play|lets play)"

EIGHTH_FAMILIES: dict[str, Family] = {
    "hh_area_alone_on": F(
        (
            f"[<pls>] (turn|switch) on {_THE} {{area}} {_END}",
            f"[<can>] (turn|switch) on {_THE} {{area}} {_END}",
            f"[<pls>] (turn|switch) {_THE} {{area}} on {_END}",
            f"[<can>] (light up|power up) {_THE} {{area}} {_END}",
            f"{_THE} {{area}} on {_END}",
        ),
        fixed("HassTurnOn", "light"),
        400,
    ),
    "hh_area_alone_off": F(
        (
            f"[<pls>] (turn|switch) off {_THE} {{area}} {_END}",
            f"[<can>] (turn|switch) off {_THE} {{area}} {_END}",
            f"[<pls>] (turn|switch) {_THE} {{area}} off {_END}",
            f"[<can>] (shut off|power down) {_THE} {{area}} {_END}",
            f"{_THE} {{area}} off {_END}",
        ),
        fixed("HassTurnOff", "light"),
        400,
    ),
    "hh_play_film_show": F(
        (
            f"{_PLAY} {{media_title:search_query}} {_END}",
            "[<can>] play {media_title:search_query} [<inarea>] " + _END,
            "[(let's|can we|can you)] (have|put) {media_title:search_query} on [<inarea>] " + _END,
        ),
        play_title_label,
        900,
    ),
    "hh_play_song": F(
        (
            f"{_PLAY} {{song_title:search_query}} {_END}",
            "[<can>] play [the song] {song_title:search_query} [<inarea>] " + _END,
            "(i want to|i'd like to|let's) (hear|listen to) {song_title:search_query}",
            "play {song_title:search_query} on the {media_name:name}",
        ),
        fixed("HassMediaSearchAndPlay", "media_player", "music"),
        500,
    ),
    "hh_scene_said_whole": F(
        (
            f"[the] {{scene_whole:name}} scene {_END}",
            "[the] {scene_whole:name} (scene|lighting|mood) (please|now|on)",
            f"scene {{scene_whole:name}} {_END}",
            "[<can>] (activate|start|turn on|switch to|go to|put on|set) [the] {scene_whole:name} scene "
            + _END,
            f"[the] {{script_whole:name}} (script|routine) {_END}",
            f"[<can>] (run|start|execute|trigger) [the] {{script_whole:name}} [(script|routine)] {_END}",
        ),
        fixed("HassTurnOn", "*"),
        500,
    ),
    "neg_scene_script_words": F(
        (
            "(what a|that was a|that's a) (great|lovely|funny|sad|scary|beautiful) scene",
            "(i (love|liked|loved|hated)|did you see) the (last|final|first|opening|fight|kitchen) scene",
            "(who wrote|who directed|how long is) the (script|screenplay) [of the (film|movie|play)]",
            "(help me|can you help me) (write|learn|read) (a|my|the) (script|lines) [for the play]",
            "(what happens in|tell me about) the (next|last) scene [of the (play|film|book)]",
            "(the|this) scene (was|is) (too long|so funny|amazing|boring)",
        ),
        fixed("OutOfDomain"),
        200,
    ),
}
"""Appended after the seventh pass's families (``templates_household.HOUSEHOLD_FAMILIES``)."""
