"""``edge wake [--status] [--learn] [--revert] [--db PATH]``: what the wake word learned of its household.

``--status`` (the default) shows each word's learned threshold (every move with its reason) and verifier,
and how many windows the evidence log holds; ``--learn`` relearns now from the turn store (what the idle
learner does); ``--revert`` goes back to the configured thresholds, drops the verifiers and the kept
windows (the moves stay logged). ``--set wake.learn=false`` turns learning and collection off.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from edge.commands._util import settings_from_args
from edge.learning.wake_learn import describe, update_wake
from edge.wake.adapt import WakeThreshold
from edge.wake.store import HEARD, LearnedWord, WakeEvidenceLog, WakeState, wake_dir

__all__ = ["register"]


def _run(args: argparse.Namespace) -> int:
    settings = settings_from_args(args)
    folder = wake_dir(settings)
    if args.revert:
        state = WakeState.load(folder)
        now = time.time()
        words = dict.fromkeys(settings.wake.words, settings.wake.threshold) | {
            w: s.threshold.base for w, s in state.words.items()
        }
        reverted = {
            w: LearnedWord(
                (state.words[w].threshold if w in state.words else WakeThreshold(w, base)).revert(now)
            )
            for w, base in words.items()
        }
        folder.mkdir(parents=True, exist_ok=True)
        WakeState(reverted).save(folder)
        for stale in (*folder.glob("verifier-*.npz"), folder / HEARD):
            stale.unlink(missing_ok=True)
        print(f"wake word back to its configured threshold; verifiers and kept windows removed ({folder})")
        print(describe(WakeState(reverted)))
        return 0
    if args.learn:
        _, summary = update_wake(settings, Path(args.db) if args.db else None)
        print(summary)
        return 0
    state = WakeState.load(folder)
    on = "on" if settings.wake.learn else "off (wake.learn=false)"
    print(f"wake-word learning is {on}; state in {folder}")
    print(describe(state))
    for word, learned in sorted(state.words.items()):
        for m in learned.threshold.moves:
            when = time.strftime("%Y-%m-%d %H:%M", time.localtime(m.t))
            print(f"  {word} {when}: {m.old:.3f} -> {m.new:.3f} ({m.reason}; {m.near_misses} near misses, "
                  f"{m.false_wakes} false wakes)")  # fmt: skip
    print(f"{len(WakeEvidenceLog(folder).read())} heard windows kept")
    return 0


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "wake", parents=[common], help="show, relearn or revert what the wake word learned of the household"
    )
    mode = p.add_mutually_exclusive_group()
    mode.add_argument(
        "--status", action="store_true", help="show the learned thresholds and verifiers (default)"
    )
    mode.add_argument(
        "--learn", action="store_true", help="relearn now from the turn store and heard windows"
    )
    mode.add_argument("--revert", action="store_true", help="back to the configured threshold, no verifier")
    p.add_argument("--db", help="turn store (default: feedback.db_path)")
    p.set_defaults(func=_run)
