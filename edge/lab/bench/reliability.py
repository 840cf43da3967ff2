"""``edge bench reliability``: the safety and reliability targets of docs/safety.md, measured.

Each part lives in its own ``edge.lab.bench._reliability_<part>`` module with a ``measure(quick=...)``
function returning :class:`Figure`s; this module runs them in order and prints one line per figure. Parts
that need a program missing here (mosquitto) say so and are skipped. Nothing is asserted: the tests in
``tests/test_safety_*`` and ``tests/test_reliability_*`` do that; this prints what the targets ask for.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import time
from collections.abc import Callable, Sequence

from edge.config import Settings
from edge.lab.bench._reliability_common import Figure

__all__ = ["PARTS", "run"]

PARTS: tuple[str, ...] = ("safety", "fleet", "broker", "crash", "replay")


def _measure(part: str) -> Callable[..., Sequence[Figure]] | None:
    try:
        module = importlib.import_module(f"edge.lab.bench._reliability_{part}")
    except ModuleNotFoundError:
        return None
    measure: Callable[..., Sequence[Figure]] = module.measure
    return measure


def run(settings: Settings, args: argparse.Namespace) -> int:
    del settings
    quick = bool(getattr(args, "quick", False))
    print(f"bench reliability{' (quick)' if quick else ''}")
    # the attacks and fuzzing make the runtime log every refusal and bad message once: that is the point,
    # and not what this prints (run the tests, or the parts, with logging on to see them)
    logging.getLogger("edge").setLevel(logging.ERROR)
    for part in PARTS:
        measure = _measure(part)
        if measure is None:
            print(f"  {part}: not built")
            continue
        started = time.monotonic()
        figures = measure(quick=quick)
        for figure in figures:
            print(f"  {part}: {figure.line()}")
        print(f"  {part}: ({time.monotonic() - started:.1f} s)")
    return 0
