"""Who says the responses out loud (``feedback.player``): the sound-card check, the choice, and a real
response handed to the configured command as a WAV file (espeak-ng synthesizes it)."""

from __future__ import annotations

import asyncio
import shutil
import wave
from pathlib import Path

import pytest

from edge.config import load_settings
from edge.dialog.playback import has_playback_device, make_player
from edge.dialog.tts import CommandPlayer, EspeakTTS, Speaker
from edge.errors import ConfigError
from edge.wiring import make_speaker

PCM_WITH_PLAYBACK = "00-00: ALC892 Analog : ALC892 Analog : playback 1 : capture 1\n"
PCM_CAPTURE_ONLY = "00-00: USB Audio : USB Audio : capture 1\n"


def _asound(root: Path, pcm: str) -> Path:
    root.mkdir(parents=True)
    (root / "pcm").write_text(pcm, encoding="utf-8")
    return root


def test_a_sound_card_that_plays_is_told_from_one_that_only_records(tmp_path: Path) -> None:
    assert has_playback_device(_asound(tmp_path / "plays", PCM_WITH_PLAYBACK))
    assert not has_playback_device(_asound(tmp_path / "records", PCM_CAPTURE_ONLY))
    assert not has_playback_device(tmp_path / "no-asound-here")


def test_auto_plays_only_where_a_card_plays_and_none_never(tmp_path: Path) -> None:
    assert make_player("auto", _asound(tmp_path / "records", PCM_CAPTURE_ONLY)) is None
    assert make_player("auto", tmp_path / "no-asound-here") is None
    assert make_player("none", _asound(tmp_path / "plays", PCM_WITH_PLAYBACK)) is None


@pytest.mark.skipif(
    shutil.which("aplay") is None and shutil.which("play") is None, reason="neither aplay nor sox"
)
def test_auto_picks_an_installed_player_when_a_card_plays(tmp_path: Path) -> None:
    player = make_player("auto", _asound(tmp_path / "plays", PCM_WITH_PLAYBACK))
    assert isinstance(player, CommandPlayer)
    assert player.argv[0] in {"aplay", "play"} and shutil.which(player.argv[0]) is not None


def test_a_player_that_is_not_installed_is_a_clear_error_at_start() -> None:
    with pytest.raises(ConfigError, match=r"no-such-player-xyz.*not installed"):
        make_player("no-such-player-xyz -q")


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng not installed")
def test_the_configured_command_gets_the_spoken_response_as_a_wav(tmp_path: Path) -> None:
    heard = tmp_path / "heard.wav"
    player = make_player(f"sh -c 'cp \"$0\" {heard}'")
    assert isinstance(player, CommandPlayer)

    async def main() -> float:
        speaker = Speaker(EspeakTTS(), player, workdir=tmp_path)
        said = await speaker.say("The kitchen light is on.", 0.0)
        assert speaker._task is not None
        await asyncio.wait_for(speaker._task, 10)
        return said.duration_s

    duration = asyncio.run(main())
    with wave.open(str(heard), "rb") as w:
        played = w.getnframes() / w.getframerate()
    assert duration > 0.5 and abs(played - duration) < 0.05


def test_only_the_devices_own_run_plays() -> None:
    settings = load_settings(overrides=["feedback.player=sh -c true", "feedback.tts=espeak-ng"])

    async def main() -> None:
        silent, loud = make_speaker(settings), make_speaker(settings, play=True)
        try:
            assert silent is not None and silent.player is None
            assert loud is not None and isinstance(loud.player, CommandPlayer)
            assert loud.player.argv[:2] == ("sh", "-c")
        finally:
            for speaker in (silent, loud):
                if speaker is not None:
                    await speaker.aclose()

    asyncio.run(main())
