"""Wake-word detection: the :class:`WakeDetector` protocol and the openWakeWord adapter."""

from __future__ import annotations

from edge.wake.base import Refractory, WakeDetector
from edge.wake.oww import FRAME_SAMPLES, OpenWakeWordDetector, alias_litert, load_wake_detector

__all__ = [
    "FRAME_SAMPLES",
    "OpenWakeWordDetector",
    "Refractory",
    "WakeDetector",
    "alias_litert",
    "load_wake_detector",
]
