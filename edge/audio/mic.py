"""The microphone source: a sounddevice InputStream whose driver thread hands frames to the event loop."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from typing import Any

import numpy as np

from edge.audio.frames import frame_samples
from edge.bus import Channel, ChannelClosed, Overflow
from edge.config import AudioSettings
from edge.errors import AudioError, ErrorCode
from edge.events import SAMPLE_RATE, AudioChunk

__all__ = ["MicrophoneSource", "input_devices", "pick_input_device"]

NO_DEVICE_HINT = "no input device: replay WAVs with `edge replay FILE`, or plug in a USB mic"


def _no_device(detail: str) -> AudioError:
    return AudioError(f"no usable microphone ({detail})", code=ErrorCode.NO_INPUT_DEVICE, hint=NO_DEVICE_HINT)


def input_devices() -> list[dict[str, Any]]:
    """Every device with input channels, as sounddevice describes it (index, name, channels, rate)."""
    try:
        import sounddevice as sd  # noqa: PLC0415 - lazy: PortAudio loads only when a microphone is used
    except OSError as err:  # libportaudio2 missing
        raise _no_device(f"PortAudio is not available: {err}") from err
    try:
        devices = sd.query_devices()
    except sd.PortAudioError as err:
        raise _no_device(str(err)) from err
    return [dict(d) for d in devices if int(d.get("max_input_channels", 0)) > 0]


def pick_input_device(settings: AudioSettings, devices: Sequence[dict[str, Any]]) -> int:
    """Device index from ``audio.device`` (index or name substring), then ``device_hints``, then the first."""
    if not devices:
        raise _no_device("the system lists no input devices")
    wanted = settings.device.strip()
    if wanted:
        if wanted.isdigit():
            for d in devices:
                if int(d["index"]) == int(wanted):
                    return int(d["index"])
        for d in devices:
            if wanted.lower() in str(d["name"]).lower():
                return int(d["index"])
        names = ", ".join(f"{d['index']}: {d['name']}" for d in devices)
        raise AudioError(
            f"audio.device {wanted!r} matches no input device",
            code=ErrorCode.NO_INPUT_DEVICE,
            hint=f"choose one of: {names}",
        )
    for hint in settings.device_hints:
        for d in devices:
            if hint.lower() in str(d["name"]).lower():
                return int(d["index"])
    return int(devices[0]["index"])


class MicrophoneSource:
    """Live 16 kHz mono int16 frames from a sound card; frames are dropped (oldest first) if the loop lags."""

    live = True

    def __init__(self, settings: AudioSettings) -> None:
        self.settings = settings
        self.frame_ms = settings.frame_ms
        self.channel: Channel[AudioChunk] = Channel("microphone", settings.queue_frames, Overflow.DROP_OLDEST)
        self.device_index: int | None = None

    def open_device(self) -> int:
        self.device_index = pick_input_device(self.settings, input_devices())
        return self.device_index

    async def __aiter__(self) -> AsyncIterator[AudioChunk]:
        import sounddevice as sd  # noqa: PLC0415 - lazy: PortAudio loads only when a microphone is used

        device = await asyncio.to_thread(self.open_device)
        loop = asyncio.get_running_loop()
        blocksize = frame_samples(self.frame_ms)
        clock = {"samples": 0}

        def deliver(chunk: AudioChunk) -> None:
            if not self.channel.closed:
                self.channel.put_nowait(chunk)

        def callback(indata: Any, frames: int, _time: Any, _status: Any) -> None:
            # driver thread: copy, stamp with the sample clock, hand over to the loop
            samples = np.asarray(indata[:, 0], dtype=np.int16).copy()
            t_ms = 1000.0 * clock["samples"] / SAMPLE_RATE
            clock["samples"] += frames
            loop.call_soon_threadsafe(deliver, AudioChunk(samples, t_ms))

        try:
            stream = sd.InputStream(
                samplerate=SAMPLE_RATE,
                channels=1,
                dtype="int16",
                blocksize=blocksize,
                device=device,
                callback=callback,
            )
            stream.start()
        except sd.PortAudioError as err:
            raise _no_device(f"cannot open input device {device}: {err}") from err
        try:
            while True:
                try:
                    yield await self.channel.get()
                except ChannelClosed:
                    return
        finally:
            self.channel.close()
            await asyncio.to_thread(stream.close)

    def stats(self) -> tuple[int, int]:
        s = self.channel.stats()
        return s.put, s.dropped
