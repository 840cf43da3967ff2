"""Word pools of the household data's ninth pass (``templates_household_ninth``): scene and script names whose
first word is a media word ("movie marathon", "tv mode", "music evening") or a device word ("reading lamp",
"fan breeze"). Written for this project from general knowledge (Apache-2.0), never from evaluation
sentences: none is a name an evaluation set uses (the catalogue home's "Movie Night", "Party Mode", "Stealth
Mode", "Good Night"), none is in the eighth pass's pools, and none is in a held-out HWU64 sentence (tests
check each).
"""

from __future__ import annotations

__all__ = ["DEVICE_SCENE_NAMES", "MEDIA_SCENE_NAMES", "MEDIA_SCRIPT_NAMES"]

MEDIA_SCENE_NAMES = (
    "movie marathon", "movie club", "movie evening", "movie afternoon", "tv time", "tv evening",
    "tv mode", "tv dinner", "tv night", "music lounge", "music time", "music evening", "music night",
    "radio morning", "radio night", "podcast time", "cartoon morning", "netflix night", "dvd night",
    "gaming night", "gaming mode", "console time", "stereo night", "record night", "vinyl evening",
    "concert mode", "disco night", "karaoke party", "projector night", "video night", "cinema mode",
    "film club", "film marathon", "show time", "series night", "football night", "match day",
    "music and dinner", "jazz evening", "playlist party", "audiobook time",
)  # fmt: skip
"""Scene names that begin with a media word, said with or without "scene": several end in a word that
other scenes share ("night", "time", "mode", "evening"), so the last word alone is never the name."""

DEVICE_SCENE_NAMES = (
    "reading corner light", "lamp glow", "lights low", "light show", "fan breeze", "blinds down",
    "curtains closed", "string lights glow", "heater boost", "speaker party", "screen off", "plug saver",
    "lamp and candles",
)  # fmt: skip
"""Scene names that begin with (or are made of) a device word, said only before "scene": without it, "turn
on the reading lamp" is a light's name."""

MEDIA_SCRIPT_NAMES = (
    "music off", "tv bedtime", "movie prep", "radio wake up", "podcast walk", "tv shutdown",
    "music wake up", "radio news", "cartoon break", "movie wrap up", "stereo warm up", "video call setup",
    "music for dinner", "tv for the kids",
)  # fmt: skip
"""Script names that begin with a media word."""
