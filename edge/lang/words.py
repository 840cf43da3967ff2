"""Command words: the words of home commands, one list per job (the jobs need different words on purpose).

- :data:`ASR_BIAS_PHRASES`: a few command phrases handed to ASR with the home's names, to bias recognition
  toward commands (short: Whisper's prompt and Vosk's grammar are small).
- :data:`REQUEST_OPENERS`: first words of a command or question; an unknown request that starts with one
  is a request the NLU failed to parse, not a name to offer teaching for.
- :data:`SHAREABLE_COMMAND_WORDS`: the command part of the closed vocabulary that may leave the home in a
  fleet rewrite pair (:mod:`edge.sync.vocabulary` adds device types, rooms and colours).
"""

from __future__ import annotations

__all__ = ["ASR_BIAS_PHRASES", "REQUEST_OPENERS", "SHAREABLE_COMMAND_WORDS"]

ASR_BIAS_PHRASES: tuple[str, ...] = (
    "turn on", "turn off", "switch", "set", "dim", "brighten", "play", "pause", "stop", "lock", "unlock",
    "open", "close", "what's the temperature", "volume", "degrees", "percent",
)  # fmt: skip

REQUEST_OPENERS = frozenset(
    {"play", "turn", "switch", "set", "open", "close", "what", "whats", "how", "is", "are", "when", "who"}
    | {"make", "dim", "lock", "unlock", "start", "stop", "pause", "resume", "put", "show", "tell", "can"}
)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


SHAREABLE_COMMAND_WORDS = _words(
    """
    a all and any are at back be bit brew brighter brightness by can cancel celsius clean close colour color
    cooler current darker dark degree degrees dim dimmer do dock down everything fahrenheit for from full go
    half hear heat high home hot how i in is it its keep less let light lights like lock loud louder low lower
    make max me min minute minutes more mute my next no not now of off on open or out pause percent play
    please preheat previous quiet quieter raise resume return rewind right say second seconds set shut skip
    some start state status stop switch than that the them there these this those time timer to too turn
    undo unlock unmute up volume want warm warmer was what whats when where which will with yes you your
    hour hours one two three four five six seven eight nine ten twenty thirty forty fifty hundred
    again also both each every just only very much little lot
    cold cool hotter colder temperature weather date today tonight tomorrow morning evening night
    music song songs track album playlist radio podcast movie show episode channel news
    coffee espresso cappuccino latte tea
    activate deactivate enable disable power powered kill cut flip toggle hit crank boost bump drop increase
    decrease reduce adjust change brighten darken bright get going put bring kick fire shine could would
    should need give okay ok thanks thank
    """
)
