"""Memory the live runtime gives back without slowing down: onnxruntime arenas shrunk after their peaks,
glibc's free heap returned after each use, and fewer glibc arenas (docs/appliance.md, "Memory in use").

Where the default stack's memory went (x86_64-dev, issue 17): an onnxruntime session's arena keeps the largest
activations it ever needed (openWakeWord's 4-second warm-up batch: ~26 MB; piper's longest sentence so far:
~100 MB, kept after the response is spoken), and glibc keeps what Whisper's encoder freed (tens of MB) in its
heaps, one heap per thread that ever allocated. Unlike ``profile.lean_memory`` (no arenas at all, a page fault
for every fresh page of every large buffer: slower per frame), these keep the fast allocators and only give
memory back at moments nobody waits on:

- :class:`ShrinkingSession`: a session whose every run ends by shrinking its arena (onnxruntime's
  ``memory.enable_memory_arena_shrinkage`` run option; piper: each sentence's activations are freed once it is
  made).
- :func:`trim_heap`: glibc ``malloc_trim`` (after loading, after a transcription), when
  ``profile.trim_memory`` is on (:func:`configure_heap`).
- :func:`configure_heap`: ``profile.malloc_arenas`` caps glibc's arenas (threads share them).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import threading
from typing import Any

__all__ = [
    "ShrinkingSession",
    "configure_heap",
    "trim_enabled",
    "trim_heap",
]

SHRINK = "memory.enable_memory_arena_shrinkage"
CPU_ARENA = "cpu:0"
M_ARENA_MAX = -8

_state = {"trim": False}
_libc: list[Any] = []
_lock = threading.Lock()


def _c() -> Any | None:
    """glibc, or None where there is none (musl, macOS)."""
    with _lock:
        if not _libc:
            try:
                libc = ctypes.CDLL(ctypes.util.find_library("c"))
                libc.malloc_trim.argtypes = [ctypes.c_size_t]
                libc.mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
            except (OSError, AttributeError, TypeError):
                libc = None
            _libc.append(libc)
        return _libc[0]


def configure_heap(arenas: int, trim: bool) -> bool:
    """The runtime's heap settings, once, before models load and threads start: at most ``arenas`` glibc
    arenas (0: glibc's default, 8 per core) and, with ``trim``, :func:`trim_heap` from now on. False where
    glibc is not available (nothing changes)."""
    _state["trim"] = trim
    libc = _c()
    if libc is None:
        return False
    if arenas > 0:
        return bool(libc.mallopt(M_ARENA_MAX, arenas))
    return True


def trim_enabled() -> bool:
    return _state["trim"]


def trim_heap(force: bool = False) -> bool:
    """Give glibc's free heap pages back to the system (``malloc_trim``; a few ms): only when
    ``profile.trim_memory`` is on (or ``force``). False when nothing ran."""
    if not (_state["trim"] or force):
        return False
    libc = _c()
    if libc is None:
        return False
    libc.malloc_trim(0)
    return True


def _shrink_options() -> Any:
    import onnxruntime as ort  # noqa: PLC0415 - lazy: onnxruntime loads only when a model is loaded

    options = ort.RunOptions()
    options.add_run_config_entry(SHRINK, CPU_ARENA)
    return options


class ShrinkingSession:
    """An onnxruntime session whose runs end by shrinking its arena to what is in use (the rest of its
    interface is the session's own): for models whose activations are large and uneven, like a voice's."""

    def __init__(self, session: Any) -> None:
        self._session = session
        self._options = _shrink_options()

    def run(self, output_names: Any, input_feed: Any, run_options: Any = None) -> Any:
        if run_options is None:
            run_options = self._options
        else:
            run_options.add_run_config_entry(SHRINK, CPU_ARENA)
        return self._session.run(output_names, input_feed, run_options)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._session, name)
