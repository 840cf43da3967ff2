"""Memory the live runtime gives back at no cost to a turn's speed: the voice's onnxruntime arena shrunk after
each sentence, glibc's free heap returned once the models are loaded, and fewer glibc arenas
(docs/appliance.md, "Memory in use").

Where the default stack's memory went (x86_64-dev, issue 17): an onnxruntime session's arena keeps the largest
activations it ever needed (piper's longest sentence so far: ~100 MB, kept after the answer is spoken, so the
next transcription's ~110 MB came on top of it; openWakeWord's warm-up batch: see edge/wake/oww.py), loading
leaves tens of MB free in glibc's heaps, and glibc gives every thread that allocates an arena of its own (8
per core). Unlike ``profile.lean_memory`` (no arenas at all, large buffers in their own mappings: slower per
frame), these keep the fast allocators:

- :class:`ShrinkingSession`: a session whose every run ends by shrinking its arena to what is in use
  (onnxruntime's ``memory.enable_memory_arena_shrinkage`` run option): piper's activations are freed once a
  sentence is made and Whisper reuses them. Its cost: the next sentence's pages are faulted in again (~15 ms
  CPU for a response's first sentence on x86, about a tenth).
- :func:`trim_heap`: glibc ``malloc_trim`` once the models are loaded (before the budget check), and after
  each piper answer (edge/dialog/piper.py: its clauses' activations are below glibc's mmap threshold and
  stayed in its heaps, under the next turns). Not right after a transcription: the trim's few ms would sit
  between the transcript and the command.
- :func:`large_buffers_mapped`: while Whisper decodes, buffers of 8 MB or more (CTranslate2's int8 GEMMs',
  its attention's) get their own mappings, unmapped as they are freed, instead of glibc's heaps, which kept
  those under its 32 MB threshold for good (in use ~20 MB higher on the full stack).
- :func:`configure_heap`: ``profile.malloc_arenas`` caps glibc's arenas (threads share them), and
  ``profile.trim_memory`` switches the three above on.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import threading
from collections.abc import Iterator
from typing import Any

from edge.asr.memory import lean_memory

__all__ = [
    "ShrinkingSession",
    "configure_heap",
    "large_buffers_mapped",
    "trim_enabled",
    "trim_heap",
]

SHRINK = "memory.enable_memory_arena_shrinkage"
CPU_ARENA = "cpu:0"
M_ARENA_MAX = -8
M_MMAP_THRESHOLD = -3
HEAP_MMAP_BYTES = 32 << 20  # glibc's dynamic threshold's ceiling (64-bit): where it settles once models load

_state: dict[str, bool] = {"trim": False}
_mapped = {"users": 0}
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
    return bool(_state["trim"])


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


@contextlib.contextmanager
def large_buffers_mapped(threshold: int) -> Iterator[bool]:
    """With ``profile.trim_memory``: while the block runs, every malloc of ``threshold`` bytes or more gets
    its own mapping, given back to the system when it is freed (glibc's mmap threshold; afterwards
    :data:`HEAP_MMAP_BYTES`, fixed: where glibc's own dynamic threshold settles once the models have loaded).
    Yields False where nothing changes: the trim off, lean memory (its own 128 KB threshold holds), no
    glibc. Blocks may overlap (threads): the threshold is lowered by the first and restored by the last."""
    libc = _c() if _state["trim"] and not lean_memory() else None
    if libc is None:
        yield False
        return
    with _lock:
        _mapped["users"] += 1
        if _mapped["users"] == 1:
            libc.mallopt(M_MMAP_THRESHOLD, threshold)
    try:
        yield True
    finally:
        with _lock:
            _mapped["users"] -= 1
            if _mapped["users"] == 0:
                libc.mallopt(M_MMAP_THRESHOLD, HEAP_MMAP_BYTES)


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
