"""Audio input: format conversion, clear errors for bad files and devices, sources."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from edge.audio.io import check_stream_format, read_audio, to_mono_16k
from edge.audio.mic import MicrophoneSource, input_devices, pick_input_device
from edge.audio.sources import ArraySource, WavSource
from edge.audio.synth import synthesize
from edge.config import AudioSettings
from edge.errors import AudioError, EdgeError, ErrorCode


def tone(rate: int, seconds: float = 1.0, freq: float = 440.0) -> np.ndarray:
    t = np.arange(int(rate * seconds)) / rate
    return (0.5 * np.sin(2 * np.pi * freq * t)).astype(np.float32)


@pytest.mark.parametrize(
    ("rate", "channels", "subtype", "fmt"),
    [
        (8_000, 1, "PCM_16", "WAV"),
        (44_100, 2, "PCM_16", "WAV"),
        (48_000, 1, "PCM_24", "WAV"),
        (22_050, 1, "PCM_U8", "WAV"),  # 8-bit unsigned
        (32_000, 2, "FLOAT", "WAV"),
        (48_000, 2, "PCM_16", "FLAC"),
    ],
)
def test_any_format_becomes_16k_mono_int16(
    tmp_path: Path, rate: int, channels: int, subtype: str, fmt: str
) -> None:
    data = np.stack([tone(rate)] * channels, axis=1)
    path = tmp_path / f"in.{fmt.lower()}"
    sf.write(path, data, rate, subtype=subtype, format=fmt)
    out = read_audio(path)
    assert out.dtype == np.int16 and out.ndim == 1
    assert abs(len(out) - 16_000) <= 1
    rms = np.sqrt(np.mean((out[1000:-1000].astype(np.float64) / 32768) ** 2))
    assert rms == pytest.approx(0.5 / np.sqrt(2), rel=0.05)  # level kept through mixing and resampling


def test_stereo_is_mixed_not_left_only() -> None:
    left = tone(16_000)
    out = to_mono_16k(np.stack([left, np.zeros_like(left)], axis=1), 16_000)
    assert np.max(np.abs(out)) == pytest.approx(0.25 * 32768, rel=0.01)


def test_unreadable_and_empty_files_give_clear_errors(tmp_path: Path) -> None:
    junk = tmp_path / "junk.wav"
    junk.write_bytes(b"this is not audio at all" * 10)
    with pytest.raises(AudioError) as err:
        read_audio(junk)
    assert err.value.code is ErrorCode.AUDIO_UNREADABLE and "cannot read" in str(err.value) and err.value.hint
    empty = tmp_path / "empty.wav"
    sf.write(empty, np.zeros((0, 1), dtype=np.int16), 16_000)
    with pytest.raises(AudioError, match="no audio samples"):
        read_audio(empty)
    with pytest.raises(AudioError, match="does not exist"):
        read_audio(tmp_path / "missing.wav")


def test_absurd_formats_are_refused() -> None:
    with pytest.raises(AudioError, match="sample rate") as err:
        to_mono_16k(np.zeros(100, np.float32), 1_000)
    assert err.value.code is ErrorCode.AUDIO_FORMAT
    with pytest.raises(AudioError, match="channels"):
        to_mono_16k(np.zeros((100, 64), np.float32), 16_000)


def test_raw_stream_at_the_wrong_rate_is_refused() -> None:
    check_stream_format(16_000, 1, "int16")
    with pytest.raises(AudioError, match="44100 Hz") as err:
        check_stream_format(44_100)
    assert err.value.code is ErrorCode.AUDIO_FORMAT and "16000" in err.value.hint


def test_no_input_device_is_a_clear_error() -> None:
    with pytest.raises(AudioError) as err:
        pick_input_device(AudioSettings(), [])
    assert err.value.code is ErrorCode.NO_INPUT_DEVICE
    assert "no input device" in str(err.value) and "edge replay" in str(err.value)
    devices = [{"index": 3, "name": "USB Audio Device"}, {"index": 5, "name": "pulse"}]
    assert pick_input_device(AudioSettings(device_hints=("pulse", "usb")), devices) == 5
    assert pick_input_device(AudioSettings(device="usb"), devices) == 3
    with pytest.raises(AudioError, match="matches no input device"):
        pick_input_device(AudioSettings(device="respeaker"), devices)


def test_microphone_source_on_this_machine() -> None:
    """Either a device opens, or (no sound card here) a NO_INPUT_DEVICE error: never a raw traceback."""
    if input_devices():
        pytest.skip("this machine has an input device; the no-device path is covered above")

    async def first_frame() -> None:
        async for _ in MicrophoneSource(AudioSettings()):
            break

    with pytest.raises(AudioError) as err:
        asyncio.run(first_frame())
    assert err.value.code is ErrorCode.NO_INPUT_DEVICE


def test_sources_frame_the_audio(tmp_path: Path) -> None:
    samples = (np.arange(16_000 + 100) % 1000).astype(np.int16)
    sf.write(tmp_path / "a.wav", samples, 16_000, subtype="PCM_16")

    async def collect(source: ArraySource) -> list[tuple[float, int]]:
        return [(c.t_ms, len(c.samples)) async for c in source]

    frames = asyncio.run(collect(WavSource(tmp_path / "a.wav", frame_ms=80)))
    assert frames == [(80.0 * i, 1280) for i in range(13)]
    paced = asyncio.run(collect(ArraySource(samples[:3200], frame_ms=100, realtime=True)))
    assert paced == [(0.0, 1600), (100.0, 1600)]


def test_synthesize_makes_a_16k_wav(tmp_path: Path, synth: Callable[..., Path]) -> None:
    out = synthesize("hello there", tmp_path / "hello.wav", lead_silence_s=0.5, tail_silence_s=0.5)
    info = sf.info(out)
    assert (info.samplerate, info.channels, info.subtype) == (16_000, 1, "PCM_16")
    assert info.duration > 1.2
    with pytest.raises(EdgeError, match="empty text"):
        synthesize("  ", tmp_path / "x.wav")
