"""Where the defects are after learning (issue 18; a measurement, not a bench).

Runs the control arm (learning off) and the tables + retrieval arm of ``edge bench learning`` on the same
seeded homes (the calibrated ASR-error model by default), keeps each night's table, and sorts every
defective turn of both arms by the simulator's truth: a false wake, a dialogue answer that failed, or a
request turn by day 0 or later, misheard (heard other words than said, canonical forms) or heard right
(then by its failed stage), and whether a later attempt of the same goal met it ("done later": the
household got there by other words) or none did. For the learning arm's request turns of days 1+ whose goal
was met later, why no learned layer fixed them (rewritten and still failed, safety, words never heard
before in the home, a rule candidate refused and by which rule, none). docs/learning.md, "Where the
defects are after learning", holds its figures.

``python -m edge.lab.bench._learning_defects [--homes 20] [--days 28] [--seed 20250101]``
"""

from __future__ import annotations

import argparse
import collections
from collections.abc import Sequence
from dataclasses import dataclass, field

from edge.config import Settings
from edge.lab.sim.arms import SIZES
from edge.lab.sim.household import SimLog, SimTruth, simulate_home
from edge.lab.sim.household_runtime import shared_parser
from edge.learning.canonical import Lexicon, canonicalize
from edge.learning.chains import DAY_S
from edge.learning.loop import Learner
from edge.learning.rewriter import LearnedRewriter
from edge.learning.safety import mentions_safety
from edge.learning.tables import RewriteTable

__all__ = ["Arm", "categories", "main", "run"]


@dataclass(slots=True)
class Arm:
    """One arm's homes, and each home's table by day (the one its rewriter used that day)."""

    logs: list[SimLog] = field(default_factory=list)
    tables: list[dict[int, RewriteTable]] = field(default_factory=list)


def run(seed: int, homes: int, days: int, learning: bool, asr_model: str = "calibrated") -> Arm:
    arm = Arm()
    for h in range(homes):
        kept: dict[int, RewriteTable] = {}
        learn = None
        if learning:
            learner = Learner()
            learner.nlu = shared_parser(Settings()).parse

            def learn(log: SimLog, now: float, learner: Learner = learner,
                      kept: dict[int, RewriteTable] = kept) -> LearnedRewriter:  # fmt: skip
                learner.rebuild(
                    log.turns, log.signals_by_turn(), now, Lexicon.from_devices(log.home.devices.values())
                )
                kept[round(now / DAY_S)] = learner.table
                return learner.rewriter()

        log = simulate_home(seed, f"home{h:02d}", days, learn, size=SIZES[h % 3], asr_model=asr_model)
        arm.logs.append(log)
        arm.tables.append(kept)
    return arm


def _why(table: RewriteTable | None, heard: str, layer: str, seen: int, lex: Lexicon) -> str:
    if layer:
        return f"rewritten ({layer}), still failed"
    if mentions_safety(heard, lex):
        return "safety (never rewritten)"
    if seen == 0:
        return "words never heard before in the home"
    if table is not None and table.lookup(heard) is not None:
        return "a rule, held out"
    rejected = [r.rule for r in (table.rejected if table else ()) if r.original == heard]
    return f"a candidate refused: {rejected[0]}" if rejected else "heard before, no rule candidate"


def categories(log: SimLog, tables: dict[int, RewriteTable] | None) -> tuple[list[str], list[str]]:
    """Each defective turn's category, and (with ``tables``) why the learner left each request turn of
    days 1+ whose goal was met later."""
    lex = Lexicon.from_devices(log.home.devices.values())
    recs = {t.turn_id: t for t in log.turns}
    done: dict[str, bool] = collections.defaultdict(bool)
    for tr in log.truth.values():
        done[tr.goal_id] |= tr.achieved and tr.attempt >= 0
    seen: collections.Counter[str] = collections.Counter()
    out: list[str] = []
    whys: list[str] = []

    def start(tr: SimTruth) -> float:
        rec = recs.get(tr.turn_id)
        return rec.t_start if rec is not None else 0.0

    for tr in sorted(log.truth.values(), key=start):
        rec = recs.get(tr.turn_id)
        heard = canonicalize(
            rec.rewrite.original if rec and rec.rewrite else rec.asr_text if rec else "", lex
        )
        if not tr.achieved:
            if tr.attempt == -1:
                out.append("false wake")
            elif tr.attempt == -2:
                out.append("a dialogue answer that failed")
            else:
                day = int(start(tr) // DAY_S)
                said = canonicalize(log.said.get(tr.turn_id, ""), lex)
                how = "misheard" if heard != said else f"heard right, {tr.failed_stage}"
                later = "done later" if done[tr.goal_id] else "never done"
                out.append(f"{'day 0, ' if day == 0 else ''}{how}, {later}")
                if tables is not None and day >= 1 and done[tr.goal_id]:
                    layer = rec.rewrite.layer if rec and rec.rewrite else ""
                    whys.append(_why(tables.get(day), heard, layer, seen[heard], lex))
        seen[heard] += 1
    return out, whys


def _count(arm: Arm, learning: bool) -> tuple[int, collections.Counter[str], collections.Counter[str]]:
    cats: collections.Counter[str] = collections.Counter()
    whys: collections.Counter[str] = collections.Counter()
    total = 0
    for log, tables in zip(arm.logs, arm.tables, strict=True):
        total += len(log.truth)
        c, w = categories(log, tables if learning else None)
        cats.update(c)
        whys.update(w)
    return total, cats, whys


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    ap.add_argument("--homes", type=int, default=20)
    ap.add_argument("--days", type=int, default=28)
    ap.add_argument("--seed", type=int, default=20250101)
    ap.add_argument("--asr-model", default="calibrated")
    args = ap.parse_args(argv)
    off_total, off, _ = _count(run(args.seed, args.homes, args.days, False, args.asr_model), False)
    on_total, on, whys = _count(run(args.seed, args.homes, args.days, True, args.asr_model), True)
    print(f"defective turns, {args.homes} homes x {args.days} days, seed {args.seed}, {args.asr_model}")
    print(f"{'category':<52}{'learning off':>13}{'tables + retrieval':>20}")
    for k in sorted(set(off) | set(on), key=lambda k: -off[k]):
        print(f"{k:<52}{off[k]:>13}{on[k]:>20}")
    n_off, n_on = sum(off.values()), sum(on.values())
    print(f"{'all defective / all turns':<52}{n_off / off_total:>13.3f}{n_on / on_total:>20.3f}")
    print("tables + retrieval, request turns of days 1+ whose goal was met later: why no layer fixed them")
    for k, v in whys.most_common():
        print(f"  {k:<50}{v:>6}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
