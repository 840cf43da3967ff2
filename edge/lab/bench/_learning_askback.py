""" "Did you mean ...?" on the simulated households (issue 18; :mod:`edge.learning.askback`).

``askback_lines(logs)``: how many turns asked, how they were answered, how often the offer was what the
user meant (the simulator's truth), and what a yes acted on: a yes to an offer that was not meant is a
wrong act when it moved a device (0 by construction with truthful users; the sloppy user of
``--sloppy`` says yes to that share of wrong offers). ``edge bench learning`` prints it for the tables +
retrieval arm; ``python -m edge.lab.bench._learning_askback [--homes N] [--days N] [--sloppy P ...]`` runs the
arms that measure it: learning off, tables + retrieval with asking off (the sound layer as before), with
asking and truthful users, and with asking and sloppy users (same seeds as the bench).
"""

from __future__ import annotations

import argparse
import functools
import time
from collections.abc import Sequence

from edge.config import LearningSettings
from edge.feedback.record import Asked, OfferAnswer
from edge.lab.sim.arms import run_arm
from edge.lab.sim.household import SimLog
from edge.learning.loop import Learner

__all__ = ["askback_lines", "main"]

SEED = 20250101


def askback_lines(logs: Sequence[SimLog]) -> list[str]:
    """The figures of "Did you mean ...?" over ``logs``, as lines to print."""
    asked = meant = yes = no = other = unanswered = yes_meant = wrong_yes = wrong_acts = 0
    for log in logs:
        by_id = {t.turn_id: t for t in log.turns}
        for t in log.turns:
            if t.asked is not Asked.DID_YOU_MEAN:
                continue
            asked += 1
            right = log.offered.get(t.turn_id, False)
            meant += right
            answer = by_id.get(f"{t.turn_id}-d")
            said = answer.offer.answer if answer is not None and answer.offer is not None else None
            if said is OfferAnswer.YES:
                assert answer is not None
                yes += 1
                yes_meant += right
                wrong_yes += not right
                wrong_acts += not right and bool(answer.commands)
            elif said is OfferAnswer.NO:
                no += 1
            elif said is OfferAnswer.OTHER:
                other += 1
            else:
                unanswered += 1
    n = max(1, asked)
    return [
        f"did you mean: asked {asked}; the offer was what the user meant {meant} ({meant / n:.1%})",
        f"  answers: yes {yes} ({yes / n:.1%}), no {no}, something else {other}, none {unanswered}",
        f"  yes to an offer not meant {wrong_yes}; of those acted on a device (wrong acts) {wrong_acts}",
    ]


def _defects(logs: Sequence[SimLog]) -> float:
    truths = [t for log in logs for t in log.truth.values()]
    return sum(not t.achieved for t in truths) / max(1, len(truths))


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--homes", type=int, default=20)
    ap.add_argument("--days", type=int, default=28)
    ap.add_argument(
        "--sloppy", type=float, nargs="*", default=[0.1], help="shares of wrong offers said yes to"
    )
    ap.add_argument("--asr-model", default="calibrated")
    ap.add_argument("--seed", type=int, default=SEED, help="other homes than the bench's (its seed: default)")
    args = ap.parse_args(argv)
    homes, days, asr, seed = args.homes, args.days, args.asr_model, args.seed
    print(f"simulated households: {homes} homes x {days} days, seed {seed}, {asr} ASR-error model")
    t0 = time.perf_counter()
    off = _defects(run_arm(seed, homes, days, None, asr))
    print(f"{'arm':<44}{'defect rate':>12}{'vs off':>9}")
    print(f"{'learning off':<44}{off:>12.3f}")
    arms = [
        ("tables + retrieval, no asking", False, 0.0),
        ("tables + retrieval + did you mean", True, 0.0),
        *((f"  ... users say yes to {p:.0%} of wrong offers", True, p) for p in args.sloppy),
    ]
    for name, asking, sloppy in arms:
        settings = LearningSettings(ask_back=asking)
        logs = run_arm(seed, homes, days, functools.partial(Learner, settings), asr, sloppy=sloppy)
        rate = _defects(logs)
        print(f"{name:<44}{rate:>12.3f}{(rate - off) / max(off, 1e-9):>+9.1%}")
        for line in askback_lines(logs) if asking else ():
            print(f"    {line}")
    print(f"({time.perf_counter() - t0:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
