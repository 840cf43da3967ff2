"""Shared fixtures: a real Mosquitto on a free loopback port, synthesized speech, shared data paths."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from edge.asr.factory import load_recognizer
from edge.audio.synth import tools_missing
from edge.config import Settings
from edge.context.broker import MosquittoBroker

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("EDGE_MODEL_DIR", str(ROOT / "models" / "cache"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
# the runtime's state (wake evidence, learned tables, keys) of every test and its child processes goes to a
# folder of the test run's own, never to the checkout's var/ (on a device: the household's)
os.environ.setdefault("EDGE_STATE_DIR", tempfile.mkdtemp(prefix="edge-test-state-"))


@pytest.fixture
def broker() -> Iterator[MosquittoBroker]:
    """A fresh Mosquitto for one test; ``broker.restart()`` keeps retained messages."""
    with MosquittoBroker() as b:
        yield b


@pytest.fixture(scope="session")
def shared_broker() -> Iterator[MosquittoBroker]:
    """One Mosquitto for tests that only need a broker to talk to (use unique topics)."""
    with MosquittoBroker() as b:
        yield b


@pytest.fixture(scope="session")
def speech_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("speech")


@pytest.fixture(scope="session")
def synth(speech_dir: Path) -> Callable[..., Path]:
    """Synthesize speech with espeak-ng into a 16 kHz mono WAV: ``synth("hey jarvis", voice="en-us")``."""
    if not shutil.which("espeak-ng"):
        pytest.skip("espeak-ng is not installed (sudo apt-get install espeak-ng)")

    def make(
        text: str,
        voice: str = "en-us",
        speed: int = 150,
        name: str | None = None,
        lead_silence_s: float = 0.3,
        tail_silence_s: float = 1.2,
    ) -> Path:
        stem = name or "".join(c if c.isalnum() else "_" for c in f"{voice}_{speed}_{text}")[:80]
        out = speech_dir / f"{stem}.wav"
        if out.exists():
            return out
        raw = speech_dir / f"{stem}.raw.wav"
        subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(raw), text], check=True)
        subprocess.run(
            [
                "sox",
                "-R",  # repeatable dither: the same fixture audio every run (a flaky light/lights decode)
                str(raw),
                "-r",
                "16000",
                "-c",
                "1",
                "-b",
                "16",
                str(out),
                "pad",
                str(lead_silence_s),
                str(tail_silence_s),
            ],
            check=True,
        )
        raw.unlink()
        return out

    return make


@pytest.fixture(scope="session")
def shared_data() -> Path:
    path = Path(os.environ.get("EDGE_SHARED_DATA", ROOT.parent / "shared" / "data"))
    if not path.is_dir():
        pytest.skip(f"development data not found at {path} (set EDGE_SHARED_DATA)")
    return path


@pytest.fixture(scope="session")
def whisper_recognizer() -> object:
    """The runtime's Whisper recognizer (default settings), loaded once; skips without espeak-ng/sox or
    the model."""
    if tools_missing():
        pytest.skip(f"{', '.join(tools_missing())} not installed")
    settings = Settings()
    if not (settings.model_dir() / settings.asr.model / "model.bin").is_file():
        pytest.skip(f"no {settings.asr.model} in {settings.model_dir()} (run `make models`)")
    return load_recognizer(settings)
