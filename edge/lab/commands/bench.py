"""``edge bench NAME``: run one benchmark module from :mod:`edge.lab.bench` and print its figures."""

from __future__ import annotations

import argparse
import importlib
import pkgutil
from typing import Any

from edge.commands._util import settings_from_args
from edge.errors import ConfigError
from edge.lab import bench

__all__ = ["register"]


def _names() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules(bench.__path__) if not m.name.startswith("_"))


def _run(args: argparse.Namespace) -> int:
    if args.name not in _names():
        raise ConfigError(f"no benchmark {args.name!r}", hint=f"choose one of: {', '.join(_names())}")
    module = importlib.import_module(f"edge.lab.bench.{args.name}")
    code: int = module.run(settings_from_args(args), args)
    return code


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("bench", parents=[common], help="run a benchmark (runtime, nlu, learning, fleet)")
    p.add_argument("name", help="benchmark name (a module of edge.lab.bench)")
    p.add_argument("--runs", type=int, default=0, help="repetitions (0: the benchmark's default)")
    p.add_argument("--quick", action="store_true", help="a smaller, faster run")
    p.add_argument(
        "--audio", type=int, default=-1, metavar="HOMES",
        help="learning: homes heard through synthesized speech and a real recognizer (-1: default, 0: none)",
    )  # fmt: skip
    p.add_argument(
        "--only", default="", metavar="PARTS",
        help="nlu: parts to run, comma-separated (hwu, barista, own, context, ha, questions, latency); "
        "learning: fpi (the failure-point section alone), fpi-blind (its forests on 20 homes of seed + 2)",
    )  # fmt: skip
    # bench rephrase (issue 18 item 2)
    p.add_argument(
        "--blind", default=None, metavar="PATH",
        help="rephrase: a blind dialogue set to report apart, counts only (default: "
        "tests/data/rephrase_dialogues_blind3.psv when present; \"\": none)",
    )  # fmt: skip
    # bench learning / asr_confusions (issue 18, the calibrated simulator)
    p.add_argument("--write", action="store_true", help="asr_confusions: write edge/lab/sim/confusions.json")
    p.add_argument(
        "--asr-model", default="calibrated", choices=("calibrated", "handset"),
        help="learning: the simulated speakers' ASR-error model (measured confusions or hand-set rates)",
    )  # fmt: skip
    p.add_argument("--audio-days", type=int, default=0, help="learning: days of the audio homes (0: default)")
    # bench latency (issue 17)
    p.add_argument("--json", action="store_true", help="latency: print the whole report as JSON")
    p.set_defaults(func=_run)
