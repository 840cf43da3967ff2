"""Why learning leaves misheard requests defective (issue 18; a measurement, not a bench).

Runs one arm of ``edge bench learning`` (tables + retrieval, the calibrated ASR model by default), keeps
each night's rewriter, and sorts the defective request turns after the first night: misheard or not, whether
the home had already acted right on the same goal (same intent and device) earlier, how the NLU read the
heard words (not understood, name not resolved, acted), and why no learned layer repaired them (no rule,
not at risk, retrieval: no hit / refused by the edit policy / under threshold or margin, safety). For the
turns the NLU could not act on, it also asks how often the home's own earlier successful request nearest in
sound (metaphone keys) was the same goal: what a sound repair could reach, and how precisely.

``python -m edge.lab.bench._learning_misses [--homes 20] [--days 28] [--asr-model calibrated] [--nearest]``
"""

from __future__ import annotations

import argparse
import collections
import json
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import cast

from edge.config import Settings
from edge.context.model import ContextSnapshot
from edge.lab.sim.arms import SIZES
from edge.lab.sim.household import SimLog, simulate_home
from edge.lab.sim.household_runtime import shared_parser
from edge.learning.canonical import Lexicon, canonicalize
from edge.learning.chains import DAY_S
from edge.learning.edits import repairs_only
from edge.learning.loop import Learner
from edge.learning.rewriter import (
    MARGIN,
    SOUND_MARGIN,
    SOUND_THRESHOLD,
    LearnedRewriter,
    carry_numbers,
)
from edge.learning.safety import mentions_safety
from edge.learning.sound import SoundIndex, keeps_known

__all__ = ["main"]


def _run(
    seed: int, homes: int, days: int, asr_model: str, make: Callable[[], Learner]
) -> list[tuple[SimLog, dict[int, LearnedRewriter]]]:
    out = []
    for h in range(homes):
        learner = make()
        kept: dict[int, LearnedRewriter] = {}

        learner.nlu = shared_parser(Settings()).parse

        def learn(
            log: SimLog, now: float, learner: Learner = learner, kept: dict[int, LearnedRewriter] = kept
        ) -> LearnedRewriter:
            lexicon = Lexicon.from_devices(log.home.devices.values())
            learner.rebuild(log.turns, log.signals_by_turn(), now, lexicon)
            kept[round(now / DAY_S)] = rw = learner.rewriter()
            return rw

        log = simulate_home(seed, f"home{h:02d}", days, learn, size=SIZES[h % 3], asr_model=asr_model)
        out.append((log, kept))
        print(f"  home{h:02d}: {len(log.turns)} turns", flush=True)
    return out


def _why(rw: LearnedRewriter, heard: str, confidence: float, log: SimLog) -> str:
    """Why ``rw`` left ``heard`` as it was (the rewriter's own steps, in its order)."""
    snapshot = _snapshot(log)
    index = rw.index_for(snapshot)
    canonical = canonicalize(heard, rw._lexicon)
    if mentions_safety(canonical, rw._lexicon):
        return "safety"
    if rw.personal.lookup(canonical) is not None:
        return "personal rule (holdout)"
    if not rw.at_risk(canonical, snapshot, confidence, index):
        return "not at risk (a known request)"
    hits = index.search(canonical, k=12)
    known = rw._lexicon.words | (index.vocabulary - rw.unreliable)
    ok = [h for h in hits if repairs_only(canonical, carry_numbers(canonical, h.candidate.text), known)]
    why = (
        "retrieval: no hit"
        if not hits
        else "retrieval: edit policy refused every hit"
        if not ok
        else f"retrieval: under threshold or margin {MARGIN}"
    )
    return why if rw.nlu is None else f"{why}; {_why_not_sound(rw, canonical)}"


def _why_not_sound(rw: LearnedRewriter, canonical: str) -> str:
    """The sound layer's refusal (its NLU checks aside: they need the live snapshot)."""
    names = rw._lexicon.names | rw._lexicon.areas
    nearest = rw._sound.nearest(canonical)
    if nearest is None:
        return "sound: nothing to compare"
    if not keeps_known(canonical, carry_numbers(canonical, nearest.text), names):
        return "sound: the nearest changes a name/action/number"
    if nearest.margin < SOUND_MARGIN:
        return "sound: no clear nearest (margin)"
    if nearest.similarity < max(SOUND_THRESHOLD, rw.sound_policy.threshold):
        return "sound: not near enough"
    return "sound: blocked, the NLU, or holdout"


def _snapshot(log: SimLog) -> ContextSnapshot:
    """The home's registry as the rewriter's index reads it (its states play no part without a parser)."""
    return cast(ContextSnapshot, SimpleNamespace(devices=dict(log.home.devices), states={}))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--homes", type=int, default=20)
    ap.add_argument("--days", type=int, default=28)
    ap.add_argument("--seed", type=int, default=20250101)
    ap.add_argument("--asr-model", default="calibrated")
    ap.add_argument("--arm", default="sound", choices=("sound", "nosound"))
    args = ap.parse_args()
    Settings()
    sound = args.arm == "sound"
    dump = Path(f"/tmp/learn18/notacted-{args.arm}.jsonl").open("w")  # noqa: SIM115 - closed at exit
    runs = _run(args.seed, args.homes, args.days, args.asr_model, lambda: Learner(sound=sound))
    counts: collections.Counter[str] = collections.Counter()
    reasons: collections.Counter[str] = collections.Counter()
    nearest: collections.Counter[str] = collections.Counter()
    for log, kept in runs:
        recs = {t.turn_id: t for t in log.turns}
        done: dict[tuple[str, str], list[float]] = {}
        worked: list[tuple[float, str, str, str]] = []  # t, text, intent, target
        order = sorted(log.truth.values(), key=lambda x: recs[x.turn_id].t_start if x.turn_id in recs else 0)
        for tr in order:
            rec = recs.get(tr.turn_id)
            if rec is None or tr.attempt < 0:
                continue
            day = int(rec.t_start // DAY_S)
            if tr.achieved:
                done.setdefault((tr.intent, tr.target), []).append(rec.t_start)
                if rec.intent is not None and rec.text:
                    worked.append((rec.t_start, rec.text, tr.intent, tr.target))
                continue
            if day < 1:
                continue
            counts["defective request turns"] += 1
            lex = Lexicon.from_devices(log.home.devices.values())
            heard = rec.rewrite.original if rec.rewrite else rec.asr_text
            said = log.said.get(tr.turn_id, "")
            misheard = canonicalize(heard, lex) != canonicalize(said, lex)
            if not misheard:
                counts[f"heard right, failed at {tr.failed_stage}"] += 1
                continue
            counts["misheard"] += 1
            if not done.get((tr.intent, tr.target)):
                counts["misheard, goal never met before"] += 1
                continue
            counts["misheard, goal met before (own request)"] += 1
            counts[f"  of which failed at {tr.failed_stage}"] += 1
            if rec.intent is None:
                nlu = "not understood"
            elif rec.slots.get("name") and not rec.targets:
                nlu = "name not resolved"
            else:
                nlu = "acted (wrongly)"
            counts[f"  of which {nlu}"] += 1
            if rec.rewrite is not None:
                reasons[f"{nlu} | rewritten ({rec.rewrite.layer}), still failed"] += 1
                continue
            rw = kept.get(day)
            why = "no learner yet" if rw is None else _why(rw, heard, rec.asr_confidence, log)
            reasons[f"{nlu} | {why}"] += 1
            if nlu != "acted (wrongly)":
                row = {
                    "home": log.home.home_id,
                    "heard": canonicalize(heard, lex),
                    "said": canonicalize(said, lex),
                    "goal": [tr.intent, tr.target],
                    "stage": tr.failed_stage,
                    "known": sorted(lex.names | lex.areas),
                    "worked": [[canonicalize(w[1], lex), w[2], w[3]] for w in worked],
                }
                dump.write(json.dumps(row) + "\n")
            if nlu != "acted (wrongly)" and worked:
                idx = SoundIndex.of([(w[1], 1.0) for w in worked])
                best = idx.nearest(canonicalize(heard, lex))
                if best is None:
                    nearest["no nearest"] += 1
                else:
                    goal = {w[1]: (w[2], w[3]) for w in worked}.get(best.text)
                    same = goal == (tr.intent, tr.target)
                    bucket = f"{min(9, int(best.similarity * 10)) / 10:.1f}"
                    nearest[f"sim>={bucket} {'same goal' if same else 'OTHER goal'}"] += 1
    print(f"defective request turns after the first night (tables + retrieval, sound {sound}):")
    for k, v in counts.most_common():
        print(f"  {k:<48}{v:>6}")
    print("misheard, goal met before: how the NLU read it | why no layer repaired it")
    for k, v in reasons.most_common():
        print(f"  {k:<70}{v:>6}")
    print("not acted on: the home's nearest earlier successful request in sound")
    for k, v in sorted(nearest.items()):
        print(f"  {k:<48}{v:>6}")


if __name__ == "__main__":
    main()
