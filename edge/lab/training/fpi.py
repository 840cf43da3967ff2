"""The failure-point forest the device ships (``edge/learning/fpi_tree.json``, read by
:func:`edge.learning.fpi.Tree.load`): fitted on simulated households whose turns, signals and labels come
from the device's own recorder, with the simulator's truth as the classes; the speakers' ears are the real
recognizer's measured confusions (``asr_model="calibrated"``). ``edge train --fpi`` writes it.

Features are the device's (:func:`edge.learning.fpi.featurize`), with the next turn the one the rephrase
detector linked and the session's turns just before and after within seconds, as
``edge.wiring.failure_points`` computes them; the forest only sees what the turn itself does not settle
(:func:`edge.learning.fpi.decisive`), as :func:`edge.learning.fpi.classify` uses it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from edge.config import Settings
from edge.lab.sim.arms import run_arm
from edge.lab.sim.household import SimLog
from edge.lab.sim.household_runtime import shared_parser
from edge.learning import fpi
from edge.learning.canonical import Lexicon
from edge.learning.fpi import (
    CLASSES,
    Forest,
    decisive,
    featurize,
    fit_forest,
    session_next,
    session_prev,
)
from edge.learning.fpi_repair import Analyser, RepairParser, registry_snapshot

__all__ = [
    "FPI_ASR_MODEL",
    "FPI_DAYS",
    "FPI_HOMES",
    "FPI_MODEL",
    "FPI_SEED",
    "fit_fpi_tree",
    "fpi_dataset",
    "train_fpi",
]

FPI_SEED, FPI_HOMES, FPI_DAYS = 7, 40, 28  # other seeds than the bench's homes (20250101, and + 1)
# the speakers' ears: the real recognizer's measured confusions, as often wrong as the device's recognizer
FPI_ASR_MODEL = "calibrated"
FPI_DEPTH, FPI_MIN_LEAF = 16, 10  # garbled requests come in many shapes: deep trees, leaves of 10 (measured)
FPI_MODEL = Path(fpi.__file__).with_name("fpi_tree.json")  # where Tree.load reads it


def fpi_dataset(logs: list[SimLog], parser: Analyser | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Features as the device computes them, labels from the simulator's truth: every turn that failed
    its goal or was rewritten (``correct``: a failure recovered downstream). ``parser``: the NLU the
    repaired words are parsed with (default: the simulated homes' own)."""
    xs: list[list[float]] = []
    ys: list[int] = []
    parser = parser or shared_parser(Settings())
    for log in logs:
        lex = Lexicon.from_devices(log.home.devices.values())
        nlu = RepairParser(parser, registry_snapshot(log.home.devices, log.home.area))
        by = log.signals_by_turn()
        index = {t.turn_id: t for t in log.turns}
        linked = {s.turn_id: s.related_turn_id for s in log.signals if s.related_turn_id}
        after, before = session_next(log.turns), session_prev(log.turns)
        for rec in (t for t in log.turns if not log.truth[t.turn_id].achieved or t.rewrite):
            label = log.truth[rec.turn_id].failed_stage or "correct"
            nxt = index.get(linked.get(rec.turn_id, ""))
            xs.append(
                featurize(
                    rec, by.get(rec.turn_id, ()), nxt, lex, after.get(rec.turn_id), nlu=nlu,
                    before=before.get(rec.turn_id),
                )
            )  # fmt: skip
            ys.append(CLASSES.index(label))
    return np.asarray(xs), np.asarray(ys, dtype=int)


def fit_fpi_tree(train: list[SimLog]) -> Forest:
    """The forest on what the turn itself does not settle."""
    x, y = fpi_dataset(train)
    keep = np.asarray([decisive(row) is None for row in x], dtype=bool)
    return fit_forest(x[keep], y[keep], depth=FPI_DEPTH, min_leaf=FPI_MIN_LEAF)


def train_fpi(
    out: Path = FPI_MODEL,
    *,
    seed: int = FPI_SEED,
    homes: int = FPI_HOMES,
    days: int = FPI_DAYS,
    asr_model: str = FPI_ASR_MODEL,
) -> Forest:
    """Simulate ``homes`` households for ``days`` days with learning off, fit the forest, write ``out``."""
    forest = fit_fpi_tree(run_arm(seed, homes, days, None, asr_model))
    out.parent.mkdir(parents=True, exist_ok=True)
    forest.save(out)
    return forest
