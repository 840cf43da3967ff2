"""Which player says the responses out loud: ``feedback.player``.

``"auto"`` plays with ``aplay`` (ALSA) or else sox's ``play`` when the machine has a sound card that plays
(``/proc/asound/pcm`` lists a playback device); without one the responses are only synthesized, and their
duration still tells barge-in detection how long they would have lasted. ``"none"`` never plays; anything
else is a command that takes a WAV path as its last argument (``"paplay"``, ``"aplay -q -D plughw:1,0"``).
"""

from __future__ import annotations

import logging
import shlex
import shutil
from pathlib import Path

from edge.dialog.tts import CommandPlayer, Player
from edge.errors import ConfigError

__all__ = ["has_playback_device", "make_player"]

log = logging.getLogger(__name__)

_AUTO: tuple[tuple[str, ...], ...] = (("aplay", "-q"), ("play", "-q"))


def has_playback_device(asound: Path = Path("/proc/asound")) -> bool:
    """Whether ALSA lists a device that plays (``/proc/asound/pcm``: ``00-00: ... : playback 1``)."""
    try:
        text = (asound / "pcm").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return any("playback" in line for line in text.splitlines())


def make_player(setting: str, asound: Path = Path("/proc/asound")) -> Player | None:
    """The player ``setting`` names (see the module docstring); None: synthesize only."""
    choice = setting.strip()
    if choice == "none":
        return None
    if choice and choice != "auto":
        argv = tuple(shlex.split(choice))
        if shutil.which(argv[0]) is None:
            raise ConfigError(
                f"feedback.player: {argv[0]!r} is not installed",
                hint='install it, or set feedback.player = "auto" (aplay or sox play) or "none"',
            )
        return CommandPlayer(argv)
    if not has_playback_device(asound):
        log.info("no sound card that plays (%s/pcm): responses are synthesized, not played", asound)
        return None
    for argv in _AUTO:
        if shutil.which(argv[0]) is not None:
            return CommandPlayer(argv)
    log.warning(
        "a sound card is there but neither aplay nor sox's play is installed: responses are not played"
    )
    return None
