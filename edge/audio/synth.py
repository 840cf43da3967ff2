"""Synthesized test speech: espeak-ng for the voice, sox for 16 kHz mono 16-bit and silence padding."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from edge.errors import EdgeError, ErrorCode

__all__ = ["synthesize", "tools_missing"]


def tools_missing() -> list[str]:
    return [tool for tool in ("espeak-ng", "sox") if shutil.which(tool) is None]


def synthesize(
    text: str,
    out_path: Path | str,
    *,
    voice: str = "en-us",
    speed: int = 150,
    lead_silence_s: float = 1.0,
    tail_silence_s: float = 1.0,
) -> Path:
    """Speak ``text`` into ``out_path`` (16 kHz mono int16 WAV) with silence before and after. Blocking."""
    missing = tools_missing()
    if missing:
        raise EdgeError(
            f"cannot synthesize speech: {', '.join(missing)} not installed",
            code=ErrorCode.NOT_SUPPORTED,
            hint="sudo apt-get install espeak-ng sox",
        )
    if not text.strip():
        raise EdgeError("cannot synthesize empty text", code=ErrorCode.NOT_SUPPORTED, hint="give some words")
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="edge-synth-") as tmp:
        raw = Path(tmp) / "raw.wav"
        try:
            subprocess.run(
                ["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(raw), text],
                check=True,
                capture_output=True,
                timeout=60,
            )
            subprocess.run(
                [
                    # -R: sox's dither repeatable, so the same text gives the same samples every run
                    *("sox", "-R", str(raw), "-r", "16000", "-c", "1", "-b", "16", str(out)),
                    *("pad", f"{lead_silence_s}", f"{tail_silence_s}"),
                ],
                check=True,
                capture_output=True,
                timeout=60,
            )
        except subprocess.CalledProcessError as err:
            detail = err.stderr.decode(errors="replace").strip()[-300:]
            raise EdgeError(
                f"speech synthesis failed for voice {voice!r}: {detail}",
                code=ErrorCode.NOT_SUPPORTED,
                hint="list voices with `espeak-ng --voices`",
            ) from err
    return out
