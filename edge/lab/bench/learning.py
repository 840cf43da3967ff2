"""``edge bench learning``: self-learning on simulated households (seeded; same seeds for every arm).

Arms: learning off; personal tables only; tables + retrieval rewriter. Reports defect rates (overall and on
rewritten traffic), win/loss of applied rewrites per layer, rewrite precision and coverage, rephrase
detection P/R (the feedback detector against simulator truth, confounders included), failure-point
isolation per class, mean recall and macro-F1 (a forest fitted on training homes and the committed one,
measured on held-out homes, next turns linked by the detector as on the device; the fitting is
:mod:`edge.lab.training.fpi`'s), and the time to rebuild the tables from a year-sized
log (50,000 turns) of one home: the median of several runs, next to a fixed reference workload timed in the
same run (the machine may be shared and noisy; the ratio is the figure that travels).

Rewritten traffic is compared turn for turn with the control arm: a treatment first turn counts only when
the control arm's first turn of the same goal asked for the same thing and was heard as the same words (the
arms drift apart: a goal's on/off depends on the device's state, which learning changes).

Every simulated turn goes through the device's feedback recorder on a turn store; the learner reads the
store each night (:mod:`edge.lab.sim.household`).
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import gc
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from edge.config import Settings
from edge.feedback.record import FeedbackSignal, SignalKind, TurnRecord
from edge.lab.bench._learning_askback import askback_lines
from edge.lab.bench._learning_audio import audio_section
from edge.lab.sim.arms import nightly, run_arm
from edge.lab.sim.household import SimLog, SimTruth, simulate_home
from edge.lab.training.fpi import fit_fpi_tree, fpi_dataset
from edge.learning.canonical import Lexicon
from edge.learning.fpi import CLASSES, Forest, Tree, classify
from edge.learning.loop import Learner
from edge.learning.tables import RewriteTable

__all__ = [
    "LayerStats",
    "fpi_figures",
    "paired",
    "reference_workload",
    "run",
    "year_log",
]

LAYERS = ("personal", "span", "global", "retrieval", "sound", "did_you_mean")


def _defect_rate(logs: list[SimLog]) -> float:
    truths = [t for log in logs for t in log.truth.values()]
    return sum(not t.achieved for t in truths) / max(1, len(truths))


@dataclass(frozen=True, slots=True)
class LayerStats:
    """Rewritten first turns against their like-for-like control turns."""

    rewritten: int = 0
    before: float = 0.0  # defect rate of the control turns
    after: float = 0.0  # defect rate of the rewritten turns
    wins: int = 0  # rewritten turn achieved the goal, the control turn did not
    losses: int = 0  # the control turn achieved it, the rewritten turn did not

    @classmethod
    def of(cls, pairs: list[tuple[SimTruth, SimTruth]]) -> LayerStats:
        n = max(1, len(pairs))
        return cls(
            len(pairs),
            sum(not c.achieved for c, _ in pairs) / n,
            sum(not t.achieved for _, t in pairs) / n,
            sum(t.achieved and not c.achieved for c, t in pairs),
            sum(c.achieved and not t.achieved for c, t in pairs),
        )

    @property
    def precision(self) -> float:
        return 1.0 - self.after if self.rewritten else 0.0

    def win_loss(self) -> str:
        if not self.losses:
            return f"{self.wins}/0 (no losses)"
        return f"{self.wins}/{self.losses} = {self.wins / self.losses:.1f}"


def _first_turns(logs: list[SimLog]) -> dict[str, tuple[SimTruth, str]]:
    """goal id -> (truth of the first attempt, the words heard before any rewrite)."""
    out: dict[str, tuple[SimTruth, str]] = {}
    for log in logs:
        heard = {t.turn_id: t.rewrite.original if t.rewrite else t.asr_text for t in log.turns}
        for tr in log.truth.values():
            if tr.attempt == 0:
                out[tr.goal_id] = (tr, heard[tr.turn_id])
    return out


def paired(control: list[SimLog], treat: list[SimLog]) -> tuple[dict[str, LayerStats], int, float]:
    """Per layer (and "all"): stats of the rewritten first turns; the rewritten first turns left out for
    want of a like-for-like control turn; coverage (fixable control failures the treatment fixed)."""
    first_c, first_t = _first_turns(control), _first_turns(treat)
    same: dict[str, tuple[SimTruth, SimTruth]] = {}
    for g, (t, heard) in first_t.items():
        c, c_heard = first_c.get(g, (None, ""))
        if c is not None and (c.intent, c.target, c_heard) == (t.intent, t.target, heard):
            same[g] = (c, t)
    pairs = [(c, t) for c, t in same.values() if t.rewritten]
    stats = {"all": LayerStats.of(pairs)}
    for layer in LAYERS:
        stats[layer] = LayerStats.of([(c, t) for c, t in pairs if t.rewritten == layer])
    unmatched = sum(1 for g, (t, _) in first_t.items() if t.rewritten and g not in same)
    fixable = [
        (c, t)
        for c, t in same.values()
        if not c.achieved and c.failed_stage in {"asr", "nlu", "entity_resolution"}
    ]
    covered = sum(1 for _, t in fixable if t.rewritten and t.achieved)
    return stats, unmatched, covered / max(1, len(fixable))


def _rephrase_pr(logs: list[SimLog]) -> tuple[float, float]:
    truth = {(t.rephrase_of, t.turn_id) for log in logs for t in log.truth.values() if t.rephrase_of}
    found = {
        (s.turn_id, s.related_turn_id) for log in logs for s in log.signals if s.kind == SignalKind.REPHRASE
    }
    tp = len(truth & found)
    return tp / max(1, len(found)), tp / max(1, len(truth))


FpiFigures = tuple[dict[str, tuple[float, float, int]], float, float]


def fpi_figures(forest: Tree | Forest | None, test: list[SimLog]) -> FpiFigures:
    """Per class (precision, recall, n) of ``forest`` (None: the labelling functions) on ``test``, mean
    recall ("macro accuracy") and macro-F1."""
    xt, yt = fpi_dataset(test)
    pred = np.asarray([CLASSES.index(classify(row, forest)) for row in xt], dtype=int)
    out: dict[str, tuple[float, float, int]] = {}
    recalls: list[float] = []
    f1s: list[float] = []
    for k, name in enumerate(CLASSES):
        n = int((yt == k).sum())
        if n == 0:
            continue
        tp = int(((pred == k) & (yt == k)).sum())
        prec, rec = tp / max(1, int((pred == k).sum())), tp / n
        out[name] = (prec, rec, n)
        recalls.append(rec)
        f1s.append(2 * prec * rec / (prec + rec) if prec + rec else 0.0)
    return out, _mean(recalls), _mean(f1s)


def _mean(values: list[float]) -> float:
    return float(np.mean(values)) if values else 0.0


def _quality(seed: int, homes: int, days: int, asr_model: str = "calibrated") -> None:
    print(f"simulated households: {homes} homes x {days} days, seed {seed}, {asr_model} ASR-error model")
    off = run_arm(seed, homes, days, None, asr_model)
    tables = run_arm(seed, homes, days, lambda: Learner(retrieval=False), asr_model)
    both = run_arm(seed, homes, days, Learner, asr_model)
    alone = run_arm(seed, homes, days, lambda: Learner(personal=False), asr_model)  # retrieval on its own
    base = _defect_rate(off)
    print(f"{'arm':<26}{'defect rate':>12}{'vs off':>9}")
    arms = (("learning off", off), ("personal tables only", tables), ("tables + retrieval", both))
    for name, logs in (*arms, ("retrieval only", alone)):
        rate = _defect_rate(logs)
        print(f"{name:<26}{rate:>12.3f}{(rate - base) / max(base, 1e-9):>+9.1%}")
    print("rewritten first turns, each against the control arm's first turn of the same goal heard the same:")
    for name, logs in (
        ("personal tables only", tables),
        ("tables + retrieval", both),
        ("retrieval only", alone),
    ):
        stats, unmatched, coverage = paired(off, logs)
        print(f"{name}: coverage {coverage:.3f}; {unmatched} rewritten first turns had no such control turn")
        layers = [layer for layer in LAYERS if stats[layer].rewritten]
        for label in ["all", *layers] if len(layers) > 1 else ["all"]:
            s = stats[label]
            drop = 1 - s.after / max(s.before, 1e-9)
            print(
                f"  {label:<10} rewritten {s.rewritten:>5}, defect {s.before:.3f} -> {s.after:.3f} "
                f"({-drop:+.1%}), win/loss {s.win_loss()}, precision {s.precision:.3f}"
            )
    for line in askback_lines(both):  # "Did you mean ...?" (edge.learning.askback), truthful users
        print(f"tables + retrieval: {line}" if line.startswith("did") else line)
    prec, rec = _rephrase_pr(off)
    print(f"rephrase detection (detector vs truth, with confounders): precision {prec:.3f} recall {rec:.3f}")
    _fpi_section(seed, homes, days, asr_model, off)


def _fpi_section(seed: int, homes: int, days: int, asr_model: str, off: list[SimLog]) -> None:
    """Failure points on the control arm's homes (``off``): the forest fitted on other homes, and the
    committed one. ``edge bench learning --only fpi`` runs this section alone."""
    # twice as many other homes, as the committed forest is fitted (40): each home has its own nicknames
    # and confusions, and a pattern a few training homes rarely show is guessed
    train = run_arm(seed + 1, 2 * homes, days, None, asr_model)
    per_class, macro, f1 = fpi_figures(fit_fpi_tree(train), off)
    print("failure-point isolation (forest fitted on other homes, next turn as linked by the detector):")
    for name, (p_, r_, n) in per_class.items():
        print(f"  {name:<18} precision {p_:.3f} recall {r_:.3f} (n={n})")
    print(f"  macro accuracy (mean per-class recall) {macro:.3f}, macro-F1 {f1:.3f}")
    _, macro, f1 = fpi_figures(Tree.load(), off)
    print(f"  the committed forest (edge train --fpi) on the same homes: macro accuracy {macro:.3f}, "
          f"macro-F1 {f1:.3f}")  # fmt: skip


def year_log(
    seed: int, target_turns: int, learning: bool
) -> tuple[list[TurnRecord], dict[str, list[FeedbackSignal]], Lexicon, RewriteTable]:
    """A year-sized log of one large home: 30 simulated days repeated (each copy 30 days later) up to
    ``target_turns``. With ``learning`` the 30 days ran with the learner on, so the log holds rewritten turns,
    and the table the learner ended with comes back to be the live one, as on the device the next night."""
    learner = Learner()
    learn = nightly(learner) if learning else None
    base = simulate_home(seed, "year", 30, learn, size="large", goals_per_day=(40, 60))
    turns: list[TurnRecord] = []
    k = 0
    while len(turns) < target_turns:
        shift = k * 30 * 86_400.0
        turns += [
            dataclasses.replace(
                t,
                turn_id=f"{t.turn_id}-{k}",
                session_id=f"{t.session_id}-{k}",
                t_start=t.t_start + shift,
                t_end=t.t_end + shift,
            )
            for t in base.turns
        ]
        k += 1
    turns = turns[:target_turns]
    signals: dict[str, list[FeedbackSignal]] = {}
    base_sig = base.signals_by_turn()
    for t in turns:
        orig, _, rep = t.turn_id.rpartition("-")
        signals[t.turn_id] = [
            dataclasses.replace(
                s,
                turn_id=t.turn_id,
                related_turn_id=f"{s.related_turn_id}-{rep}" if s.related_turn_id else "",
            )
            for s in base_sig.get(orig, [])
        ]
    return turns, signals, Lexicon.from_devices(base.home.devices.values()), learner.table


def reference_workload() -> None:
    """A fixed CPU workload shaped like a rebuild (dicts and strings, a small numpy solve), timed in the
    same run so the rebuild time can be read as a ratio on a shared machine."""
    rng = random.Random(0)
    words = [f"w{rng.randrange(400)}" for _ in range(300_000)]
    counts: dict[str, int] = {}
    for i in range(len(words) - 2):
        key = " ".join(words[i : i + 3])
        counts[key] = counts.get(key, 0) + 1
    a = np.random.default_rng(0).random((200, 200)) + 200 * np.eye(200)
    np.linalg.solve(a, np.eye(200))


def _timed(fn: Callable[[], object]) -> float:
    gc.collect()
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def _rebuild(
    turns: list[TurnRecord], signals: dict[str, list[FeedbackSignal]], lex: Lexicon, table: RewriteTable
) -> None:
    Learner(table=table).rebuild(turns, signals, turns[-1].t_end, lex)


def _rebuild_figures(seed: int, target_turns: int, runs: int) -> None:
    """Each case's log alone in memory (as on the device), its runs interleaved with the reference's so a
    noisy neighbour slows both alike."""
    cases = {
        "fresh learner, log without rewrites": False,
        "nightly: live table, log with rewrites": True,
    }
    times: dict[str, list[float]] = {"reference": []}
    n = live = 0
    for name, learning in cases.items():
        turns, signals, lex, table = year_log(seed, target_turns, learning)
        n, live = len(turns), max(live, len(table))
        times[name] = []
        for _ in range(runs):
            times["reference"].append(_timed(reference_workload))
            times[name].append(_timed(functools.partial(_rebuild, turns, signals, lex, table)))
        del turns, signals
    ref = statistics.median(times["reference"])
    print(f"rebuild tables from {n} turns of one home (median of {runs} runs; target <= 10 s):")
    for name, ts in times.items():
        med = statistics.median(ts)
        label = "reference workload (fixed, same run)" if name == "reference" else name
        ratio = "" if name == "reference" else f"  = {med / ref:.2f} x reference"
        print(f"  {label:<40}{med:>6.2f} s  (runs {min(ts):.2f}-{max(ts):.2f} s){ratio}")
    print(
        f"  (the nightly case checks {live} live rules; 1.00 x reference = {ref:.2f} s on this machine now)"
    )


def run(settings: Settings, args: argparse.Namespace) -> int:
    quick = bool(getattr(args, "quick", False))
    runs = max(1, int(getattr(args, "runs", 0) or 3))
    homes, days = (4, 10) if quick else (20, 28)
    audio_homes = int(getattr(args, "audio", -1))
    if audio_homes < 0:
        audio_homes = 1 if quick else 2
    seed = 20250101
    asr_model = str(getattr(args, "asr_model", "") or "calibrated")
    only = {p.strip() for p in str(getattr(args, "only", "") or "").split(",") if p.strip()}
    if only - {"fpi", "fpi-blind"}:
        print(
            "bench learning: --only takes fpi (the failure-point section) or fpi-blind (the same forests on "
            f"homes of seed + 2, to look at once), not {','.join(sorted(only))}"
        )
        return 2
    if only:
        # fpi-blind: the homes no model was chosen on (seed + 2); the forest still fits on seed + 1
        test_seed = seed + 2 if "fpi-blind" in only else seed
        arm = f"learning off, {homes} homes x {days} days, seed {test_seed}, {asr_model}"
        print(f"failure points only: {arm}")
        _fpi_section(seed, homes, days, asr_model, run_arm(test_seed, homes, days, None, asr_model))
        return 0
    _quality(seed, homes, days, asr_model)  # its logs are freed before the timing (no GC work on them)
    if audio_homes:
        audio_days = int(getattr(args, "audio_days", 0) or (2 if quick else 6))
        audio_section(settings, seed, audio_homes, audio_days, asr_model)
    _rebuild_figures(seed, 5_000 if quick else 50_000, runs)
    return 0
