"""Audio input: format conversion, clear errors for bad files and devices, sources."""

from __future__ import annotations

import asyncio
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from edge.audio.io import (
    AudioFileReader,
    check_stream_format,
    iter_audio,
    probe_audio,
    read_audio,
    to_mono_16k,
)
from edge.audio.mic import MicrophoneSource, input_devices, pick_input_device
from edge.audio.resample import StreamResampler, resample_poly
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


@pytest.mark.parametrize(("rate", "channels"), [(48_000, 2), (44_100, 1), (16_000, 2), (8_000, 1)])
def test_streamed_file_equals_the_whole_file_for_any_block_size(
    tmp_path: Path, rate: int, channels: int
) -> None:
    rng = np.random.default_rng(rate)
    data = (0.3 * rng.standard_normal((rate * 2 + 123, channels))).astype(np.float32)
    path = tmp_path / "noise.wav"
    sf.write(path, data, rate, subtype="FLOAT")
    whole = to_mono_16k(data, rate)
    for block in (1_000, 4_096, 65_536):
        streamed = np.concatenate(list(iter_audio(path, block_frames=block)))
        assert streamed.dtype == np.int16 and len(streamed) == len(whole)
        assert np.max(np.abs(streamed.astype(np.int32) - whole.astype(np.int32))) <= 1  # float rounding only


def test_stream_resampler_has_no_clicks_at_block_edges() -> None:
    """A pure tone resampled in odd-sized blocks stays a pure tone: no step where two blocks meet."""
    rate = 44_100
    x = tone(rate, seconds=1.0, freq=300.0)
    stream = StreamResampler(160, 441)
    out = np.concatenate([*(stream.process(x[i : i + 777]) for i in range(0, len(x), 777)), stream.flush()])
    assert np.allclose(out, resample_poly(x, 160, 441), atol=1e-5)
    inner = out[400:-400]
    expected_step = 2 * np.pi * 300.0 / 16_000 * 0.5  # the largest sample-to-sample change of the tone
    assert np.max(np.abs(np.diff(inner))) <= expected_step * 1.02


def test_wav_source_frames_do_not_depend_on_the_read_block(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    data = (0.2 * rng.standard_normal((48_000 * 3 + 77, 2))).astype(np.float32)
    sf.write(tmp_path / "a.wav", data, 48_000, subtype="PCM_16")

    async def collect(block: int) -> list[tuple[float, bytes]]:
        source = WavSource(tmp_path / "a.wav", frame_ms=80, block_frames=block)
        return [(c.t_ms, c.samples.tobytes()) async for c in source]

    reference = asyncio.run(collect(65_536))
    assert len(reference) == -(-(3 * 16_000 + 26) // 1280)  # whole frames, the tail zero-padded
    for block in (1_000, 12_345):
        assert asyncio.run(collect(block)) == reference


def test_reading_a_long_file_keeps_memory_flat(tmp_path: Path) -> None:
    """Ten minutes of 48 kHz stereo (230 MB as float32, read whole) read with a peak of a few blocks."""
    path = tmp_path / "long.wav"
    rng = np.random.default_rng(5)
    with sf.SoundFile(path, "w", samplerate=48_000, channels=2, subtype="PCM_16") as f:
        for _ in range(60):
            f.write((0.1 * rng.standard_normal((480_000, 2))).astype(np.float32))
    tracemalloc.start()
    try:
        total = 0
        with AudioFileReader(path) as reader:
            for block in reader:
                total += len(block)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert total == 600 * 16_000
    assert peak < 16 * 2**20, f"peak {peak / 2**20:.1f} MB"


def test_probe_reads_the_header_and_first_block_only(tmp_path: Path) -> None:
    path = tmp_path / "a.flac"
    sf.write(path, np.stack([tone(48_000)] * 2, axis=1), 48_000, format="FLAC")
    info = probe_audio(path)
    assert (info.rate, info.channels, info.frames) == (48_000, 2, 48_000)
    truncated = tmp_path / "t.wav"
    sf.write(truncated, tone(16_000), 16_000, subtype="PCM_16")
    truncated.write_bytes(truncated.read_bytes()[:20_044])  # header + 10,000 of the 16,000 samples
    assert len(read_audio(truncated)) == 10_000  # a cut-off recording plays what it has
    with pytest.raises(AudioError, match="is a directory"):
        probe_audio(tmp_path)
