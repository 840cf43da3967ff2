"""Keep the process's peak memory low while models load and run (glibc malloc and onnxruntime settings).

Loading Whisper converts a 75 MB float16 file to int8 through float32 buffers (about 170 MB, freed right
after), and every inference allocates and frees tens of MB of activations. glibc raises its mmap threshold
after each such free (up to 32 MB), so later buffers of that size come from heaps it rarely gives back,
and every thread gets its own arena. A fixed threshold keeps large buffers in their own mappings, returned
to the system when freed; the cost is a page fault per fresh page of those buffers, not of the small ones.

That cost is real: measured on x86 it doubles wake-word compute and adds about 40% to end-of-speech ->
transcript latency. So lean memory is a mode for file processing (``edge replay``, where nobody waits on
each frame), switched on by :func:`enable_lean_memory` before any model loads; the live runtime keeps the
fast allocator defaults.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import importlib
import sys
import threading
import types
from collections.abc import Iterator
from typing import Any

__all__ = [
    "defer_import",
    "enable_lean_memory",
    "lean_memory",
    "lean_onnx_sessions",
    "lean_options",
    "release_large_buffers",
]

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
M_ARENA_MAX = -8
MMAP_THRESHOLD_BYTES = 128 << 10  # glibc's initial value, kept: buffers of 128 KB+ get their own mapping
TRIM_THRESHOLD_BYTES = 32 << 20  # give back heap tops over 32 MB
ARENA_MAX = 2

_lock = threading.Lock()
_done = False
_lean = False


def enable_lean_memory() -> bool:
    """Lean memory for this process: malloc tuned now, onnxruntime sessions without arenas from now on.

    Call before models load and before threads start. False where glibc malloc is not available (the
    onnxruntime part still applies).
    """
    global _lean
    _lean = True
    return release_large_buffers()


def lean_memory() -> bool:
    return _lean


def release_large_buffers() -> bool:
    """Tune glibc malloc once per process (no effect and False elsewhere, e.g. musl or macOS)."""
    global _done
    with _lock:
        if _done:
            return True
        name = ctypes.util.find_library("c")
        try:
            libc = ctypes.CDLL(name)
            mallopt = libc.mallopt
        except (OSError, AttributeError, TypeError):
            return False
        mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
        mallopt.restype = ctypes.c_int
        ok = bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES))
        ok = bool(mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES)) and ok
        ok = bool(mallopt(M_ARENA_MAX, ARENA_MAX)) and ok  # arenas of threads started later
        _done = ok
        return ok


def lean_options(options: Any) -> Any:
    """onnxruntime ``SessionOptions`` without the per-session memory arena and memory pattern.

    The arena keeps the largest activations a session ever needed (openWakeWord's 4-second warm-up batch
    grows it by tens of MB). Only in lean memory mode (:func:`enable_lean_memory`): otherwise unchanged.
    """
    if not _lean:
        return options
    options.enable_cpu_mem_arena = False
    options.enable_mem_pattern = False
    return options


@contextlib.contextmanager
def lean_onnx_sessions() -> Iterator[None]:
    """Sessions created inside (by a library that builds its own, like openWakeWord) get ``lean_options``.

    Patches ``onnxruntime.InferenceSession`` for the duration, only in lean memory mode; the lock keeps two
    loaders from nesting.
    """
    if not _lean:
        yield
        return
    import onnxruntime as ort  # noqa: PLC0415 - lazy: onnxruntime loads only when a model is loaded

    original = ort.InferenceSession

    def lean_session(path: Any, sess_options: Any = None, *args: Any, **kwargs: Any) -> Any:
        options = lean_options(sess_options if sess_options is not None else ort.SessionOptions())
        return original(path, options, *args, **kwargs)

    with _patch_lock:
        ort.InferenceSession = lean_session
        try:
            yield
        finally:
            ort.InferenceSession = original


_patch_lock = threading.Lock()


class _DeferredModule(types.ModuleType):
    """Stands in for a module until one of its attributes is used, then imports and becomes the real one."""

    def __getattr__(self, attribute: str) -> Any:
        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
        real = importlib.import_module(self.__name__)
        return getattr(real, attribute)


def defer_import(name: str, unless_imported: str) -> None:
    """Let a library's top-level ``import name`` cost nothing until the module is used: for dependencies
    pulled in only for features the runtime never calls (downloads, file decoding). No-op once ``name``
    or the importing library ``unless_imported`` is already loaded."""
    if name not in sys.modules and unless_imported not in sys.modules:
        sys.modules[name] = _DeferredModule(name)
