"""Music turned off is stopped, not muted: "turn the music off", "switch off the radio" with something
playing was read as ``HassMediaPlayerMute`` (the model has seen "turn the sound off" as mute). When the words
say what plays (music, a song, the radio, a podcast) and "off" or "stop", and nothing of sound or silence
("mute", "sound", "volume", "quiet", "silence"), the request pauses it (``HassMediaPause``, as Home
Assistant's "stop the music"). Pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from edge.nlu.types import Intent

__all__ = ["music_off"]

_PLAYED = frozenset({"music", "song", "songs", "radio", "podcast", "audiobook", "playlist", "album", "track"})
_OFF = frozenset({"off", "stop"})
_SOUND = frozenset({"mute", "sound", "volume", "quiet", "silence", "silent", "unmute", "noise"})


def music_off(intent: Intent, tokens: Sequence[str]) -> Intent | None:
    """``intent`` read as a pause when it muted music said to be turned off; None otherwise."""
    words = set(tokens)
    if intent.name != "HassMediaPlayerMute" or not (words & _PLAYED and words & _OFF) or words & _SOUND:
        return None
    return replace(intent, name="HassMediaPause")
