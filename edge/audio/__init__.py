"""Audio in: file reading and resampling, sources, pre-roll, voice activity and endpointing."""

from __future__ import annotations

from edge.audio.endpoint import Decision, EndpointConfig, Endpointer, EndpointState
from edge.audio.frames import Reframer, frame_samples
from edge.audio.io import (
    AudioFileReader,
    check_stream_format,
    iter_audio,
    probe_audio,
    read_audio,
    resample,
    to_mono_16k,
)
from edge.audio.mic import MicrophoneSource, input_devices, pick_input_device
from edge.audio.preroll import PreRoll
from edge.audio.sources import ArraySource, AudioSource, WavSource
from edge.audio.vad import EnergyVAD, SileroVAD, VoiceActivityDetector, VoiceFrame, load_vad

__all__ = [
    "ArraySource",
    "AudioFileReader",
    "AudioSource",
    "Decision",
    "EndpointConfig",
    "EndpointState",
    "Endpointer",
    "EnergyVAD",
    "MicrophoneSource",
    "PreRoll",
    "Reframer",
    "SileroVAD",
    "VoiceActivityDetector",
    "VoiceFrame",
    "WavSource",
    "check_stream_format",
    "frame_samples",
    "input_devices",
    "iter_audio",
    "load_vad",
    "pick_input_device",
    "probe_audio",
    "read_audio",
    "resample",
    "to_mono_16k",
]
