"""Which firmware profile a board gets, from its device-tree model string (``/proc/device-tree/model``).

The Raspberry Pi firmware writes strings such as "Raspberry Pi 4 Model B Rev 1.4", "Raspberry Pi Compute
Module 5 Rev 1.0", "Raspberry Pi 500 Rev 1.0", "Raspberry Pi 3 Model B Plus Rev 1.3", "Raspberry Pi Zero 2 W
Rev 1.0"; a mainline kernel's device tree names the board without the revision ("Raspberry Pi Compute Module
4 IO Board", "Raspberry Pi 3 Model B+"). Each board family is matched by its SoC generation, not by one
exact string: the Pi 500 and Compute Module 5 are a Pi 5, the Pi 400 and CM4/CM4S a Pi 4, the CM3/CM3+ a Pi 3.
A 512 MB board (Zero 2 W, 3 Model A+) gets ``zero2w``. A Pi this table does not know, or another ARM board,
gets the closest profile that is safe for its memory, with a note saying so (docs/appliance.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

__all__ = ["MODEL_FILE", "BoardMatch", "match_board", "memory_mb", "profile_for_memory"]

MODEL_FILE = Path("/proc/device-tree/model")
MEMINFO_FILE = Path("/proc/meminfo")

# (pattern on the lower-cased model string, profile, board family); the first that matches wins
_BOARDS: tuple[tuple[str, str, str], ...] = (
    (r"raspberry pi zero 2", "zero2w", "Zero 2 W"),
    (r"raspberry pi 3 model a", "zero2w", "3 Model A+ (512 MB)"),
    (r"raspberry pi (5\b|50\d\b|compute module 5)", "rpi5", "Pi 5 / 500 / CM5"),
    (r"raspberry pi (4\b|40\d\b|compute module 4)", "rpi4", "Pi 4 / 400 / CM4"),
    (r"raspberry pi (3\b|compute module 3)", "rpi3", "Pi 3 / 3+ / CM3 / CM3+"),
    # 32-bit boards below what the runtime supports (ARMv6/ARMv7, 512 MB-1 GB): the smallest profile
    (r"raspberry pi (2\b|zero\b|model [ab]\b|compute module\b(?! \d))", "zero2w", "Pi 1 / 2 / Zero / CM1"),
)
_UNSUPPORTED = "Pi 1 / 2 / Zero / CM1"
_DEV = "x86_64-dev"


@dataclass(frozen=True, slots=True)
class BoardMatch:
    """The profile for a board; ``note`` is a line for the log when the match is not a known board."""

    profile: str
    model: str = ""
    family: str = ""
    note: str = ""


def profile_for_memory(mb: int | None) -> str:
    """The largest Raspberry Pi profile whose memory budget is safe on a board with ``mb`` MB of RAM."""
    if mb is None or mb <= 640:
        return "zero2w"
    if mb <= 1536:
        return "rpi3"
    return "rpi4"


def memory_mb(meminfo: Path = MEMINFO_FILE) -> int | None:
    """Total RAM in MB from ``/proc/meminfo`` (None when it cannot be read)."""
    try:
        text = meminfo.read_text(errors="ignore")
    except OSError:
        return None
    found = re.search(r"^MemTotal:\s+(\d+)\s*kB", text, re.MULTILINE)
    return int(found.group(1)) // 1024 if found else None


def _read_model(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError:
        return ""
    return raw.replace(b"\x00", b"").decode("utf-8", errors="ignore").strip()


def match_board(
    model_file: Path = MODEL_FILE, meminfo: Path = MEMINFO_FILE, machine: str = "x86_64"
) -> BoardMatch:
    """The profile for this board. ``machine`` is ``platform.machine()``; the paths are injectable."""
    model = _read_model(model_file)
    low = " ".join(model.lower().split())
    for pattern, profile, family in _BOARDS:
        if re.search(pattern, low):
            note = ""
            if family == _UNSUPPORTED:
                note = (f"{model!r} is a 32-bit board the runtime does not support; using the smallest "
                        f"profile {profile!r} (a Pi 3, 4, 5 or Zero 2 W is needed)")  # fmt: skip
            return BoardMatch(profile, model, family, note)
    if machine in {"x86_64", "AMD64", "i686", "i386"} and "raspberry pi" not in low:
        return BoardMatch(_DEV, model, "development machine")
    mb = memory_mb(meminfo)
    profile = profile_for_memory(mb)
    what = f"unknown Raspberry Pi model {model!r}" if "raspberry pi" in low else f"board {model or machine!r}"
    memory = f"{mb} MB of memory" if mb is not None else "unknown memory"
    note = (f"{what}: using profile {profile!r}, the closest that is safe for its {memory}; "
            "choose one with --profile NAME or EDGE_PROFILE=NAME (rpi3, rpi4, rpi5, zero2w)")  # fmt: skip
    return BoardMatch(profile, model, "unknown", note)
