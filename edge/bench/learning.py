"""``edge bench learning``: self-learning on simulated households (seeded; same seeds for every arm).

Arms: learning off; personal tables only; tables + retrieval rewriter. Reports defect rates (overall and on
rewritten traffic, paired by goal), win/loss of applied rewrites, rewrite precision and coverage, rephrase
detection P/R (the feedback detector against simulator truth, confounders included), failure-point
isolation per class and macro accuracy (tree fitted on training homes, measured on held-out homes), and the
time to rebuild the tables from a year-sized log (50,000 turns) of one home.
"""

from __future__ import annotations

import argparse
import dataclasses
import time
from collections.abc import Callable

import numpy as np

from edge.config import Settings
from edge.feedback.record import SignalKind, TurnRecord
from edge.learning.canonical import Lexicon
from edge.learning.fpi import CLASSES, featurize, fit_tree
from edge.learning.loop import Learner
from edge.sim.household import RewriterLike, SimLog, simulate_home

__all__ = ["fpi_dataset", "run", "run_arm"]

Arm = Callable[[], Learner] | None


def run_arm(seed: int, homes: int, days: int, make: Arm) -> list[SimLog]:
    logs = []
    for h in range(homes):
        learner = make() if make is not None else None

        def learn(log: SimLog, now: float, learner: Learner | None = learner) -> RewriterLike | None:
            assert learner is not None
            learner.rebuild(
                log.turns, log.signals_by_turn(), now, Lexicon.from_devices(log.home.devices.values())
            )
            return learner.rewriter()  # type: ignore[return-value]

        size = ("small", "medium", "large")[h % 3]
        logs.append(
            simulate_home(seed, f"home{h:02d}", days, learn if learner is not None else None, size=size)
        )
    return logs


def _defect_rate(logs: list[SimLog]) -> float:
    truths = [t for log in logs for t in log.truth.values()]
    return sum(not t.achieved for t in truths) / max(1, len(truths))


def _paired(control: list[SimLog], treat: list[SimLog]) -> dict[str, float]:
    first_c = {t.goal_id: t for log in control for t in log.truth.values() if t.attempt == 0}
    first_t = [t for log in treat for t in log.truth.values() if t.attempt == 0]
    rewritten = [t for t in first_t if t.rewritten and t.goal_id in first_c]
    wins = sum(t.achieved and not first_c[t.goal_id].achieved for t in rewritten)
    losses = sum(not t.achieved and first_c[t.goal_id].achieved for t in rewritten)
    before = sum(not first_c[t.goal_id].achieved for t in rewritten) / max(1, len(rewritten))
    after = sum(not t.achieved for t in rewritten) / max(1, len(rewritten))
    fixable = [
        c
        for c in first_c.values()
        if not c.achieved and c.failed_stage in {"asr", "nlu", "entity_resolution"}
    ]
    by_goal = {t.goal_id: t for t in first_t}
    covered = sum(
        1 for c in fixable if (t := by_goal.get(c.goal_id)) is not None and t.rewritten and t.achieved
    )
    return {
        "rewritten_turns": len(rewritten),
        "defect_rewritten_before": before,
        "defect_rewritten_after": after,
        "wins": wins,
        "losses": losses,
        "precision": sum(t.achieved for t in rewritten) / max(1, len(rewritten)),
        "coverage": covered / max(1, len(fixable)),
    }


def _rephrase_pr(logs: list[SimLog]) -> tuple[float, float]:
    truth = {(t.rephrase_of, t.turn_id) for log in logs for t in log.truth.values() if t.rephrase_of}
    found = {
        (s.turn_id, s.related_turn_id) for log in logs for s in log.signals if s.kind == SignalKind.REPHRASE
    }
    tp = len(truth & found)
    return tp / max(1, len(found)), tp / max(1, len(truth))


def fpi_dataset(logs: list[SimLog]) -> tuple[np.ndarray, np.ndarray]:
    xs: list[list[float]] = []
    ys: list[int] = []
    for log in logs:
        lex = Lexicon.from_devices(log.home.devices.values())
        by = log.signals_by_turn()
        nxt: dict[str, TurnRecord] = {}
        index = {t.turn_id: t for t in log.turns}
        for tr in log.truth.values():
            if tr.rephrase_of and tr.rephrase_of in index:
                nxt[tr.rephrase_of] = index[tr.turn_id]
        for rec in log.turns:
            tr = log.truth[rec.turn_id]
            if tr.achieved and not rec.rewrite:
                continue
            label = tr.failed_stage or "correct"
            xs.append(featurize(rec, by.get(rec.turn_id, ()), nxt.get(rec.turn_id), lex))
            ys.append(CLASSES.index(label))
    return np.asarray(xs), np.asarray(ys, dtype=int)


def _fpi(train: list[SimLog], test: list[SimLog]) -> tuple[dict[str, tuple[float, float, int]], float]:
    x, y = fpi_dataset(train)
    tree = fit_tree(x, y, depth=6)
    xt, yt = fpi_dataset(test)
    pred = np.asarray([CLASSES.index(tree.predict(row)) for row in xt], dtype=int)
    out: dict[str, tuple[float, float, int]] = {}
    recalls = []
    for k, name in enumerate(CLASSES):
        n = int((yt == k).sum())
        if n == 0:
            continue
        tp = int(((pred == k) & (yt == k)).sum())
        prec, rec = tp / max(1, int((pred == k).sum())), tp / n
        out[name] = (prec, rec, n)
        recalls.append(rec)
    return out, float(np.mean(recalls)) if recalls else 0.0


def _rebuild_time(seed: int, target_turns: int) -> tuple[int, float]:
    base = simulate_home(seed, "year", 30, None, size="large", goals_per_day=(40, 60))
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
    signals: dict[str, list] = {}  # type: ignore[type-arg]
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
    lex = Lexicon.from_devices(base.home.devices.values())
    t0 = time.perf_counter()
    Learner().rebuild(turns, signals, turns[-1].t_end, lex)
    return len(turns), time.perf_counter() - t0


def run(settings: Settings, args: argparse.Namespace) -> int:
    quick = bool(getattr(args, "quick", False))
    homes, days = (4, 10) if quick else (20, 28)
    seed = 20250101
    print(f"simulated households: {homes} homes x {days} days, seed {seed}")
    off = run_arm(seed, homes, days, None)
    tables = run_arm(seed, homes, days, lambda: Learner(retrieval=False))
    both = run_arm(seed, homes, days, Learner)
    base = _defect_rate(off)
    print(f"{'arm':<26}{'defect rate':>12}{'vs off':>9}")
    for name, logs in (("learning off", off), ("personal tables only", tables), ("tables + retrieval", both)):
        rate = _defect_rate(logs)
        print(f"{name:<26}{rate:>12.3f}{(rate - base) / max(base, 1e-9):>+9.1%}")
    for name, logs in (("personal tables only", tables), ("tables + retrieval", both)):
        p = _paired(off, logs)
        wl = p["wins"] / p["losses"] if p["losses"] else float("inf")
        drop = 1 - p["defect_rewritten_after"] / max(p["defect_rewritten_before"], 1e-9)
        print(
            f"{name}: rewritten first turns {int(p['rewritten_turns'])}, defect on rewritten traffic "
            f"{p['defect_rewritten_before']:.3f} -> {p['defect_rewritten_after']:.3f} ({-drop:+.1%}), "
            f"win/loss {int(p['wins'])}/{int(p['losses'])} = {wl:.1f}, precision {p['precision']:.3f}, "
            f"coverage {p['coverage']:.3f}"
        )
    prec, rec = _rephrase_pr(off)
    print(f"rephrase detection (detector vs truth, with confounders): precision {prec:.3f} recall {rec:.3f}")
    train = run_arm(seed + 1, max(2, homes // 2), days, None)
    per_class, macro = _fpi(train, off)
    print("failure-point isolation (tree fitted on other homes):")
    for name, (p_, r_, n) in per_class.items():
        print(f"  {name:<18} precision {p_:.3f} recall {r_:.3f} (n={n})")
    print(f"  macro accuracy (mean per-class recall) {macro:.3f}")
    n, secs = _rebuild_time(seed, 5_000 if quick else 50_000)
    print(f"rebuild tables from {n} turns of one home: {secs:.2f} s")
    return 0
