"""The household simulator: homes, users with goals, consistent ASR confusions, NLU/entity/device faults and
realistic behaviour after a failure; every turn carries ground truth. Feedback signals come from the real
detectors (:mod:`edge.feedback.signals`) and labels from the real labeller, so the learner sees only what
the device would see. Same seed -> same goals and first utterances in the control and treatment arms.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from edge.config import FeedbackSettings
from edge.context.model import ContextSnapshot, DeviceState, Satellite
from edge.feedback.labels import label_turn
from edge.feedback.observations import ChangeSource, DeviceEvent
from edge.feedback.record import FeedbackSignal, TurnRecord
from edge.feedback.signals import detect_all
from edge.learning.chains import DAY_S
from edge.sim.household_home import Outcome, SimHome, make_home, run_text
from edge.sim.users import SimGoal, SimUser, make_user

__all__ = ["RewriterLike", "SimLog", "SimTruth", "simulate_home"]


class RewriterLike:  # structural: anything with .rewrite(text, snapshot, confidence, turn_id)
    def rewrite(
        self, text: str, snapshot: ContextSnapshot, asr_confidence: float, turn_id: str = ""
    ) -> object:
        raise NotImplementedError


@dataclass(frozen=True, slots=True)
class SimTruth:
    turn_id: str
    goal_id: str
    intent: str
    target: str
    failed_stage: str  # "" | false_wake | asr | nlu | entity_resolution | result
    achieved: bool
    attempt: int
    rephrase_of: str = ""  # the previous attempt of the same goal
    rewritten: str = ""  # layer of an applied rewrite


@dataclass(slots=True)
class SimLog:
    home: SimHome
    turns: list[TurnRecord] = field(default_factory=list)
    truth: dict[str, SimTruth] = field(default_factory=dict)
    signals: list[FeedbackSignal] = field(default_factory=list)
    events: list[DeviceEvent] = field(default_factory=list)

    def signals_by_turn(self) -> dict[str, list[FeedbackSignal]]:
        out: dict[str, list[FeedbackSignal]] = {}
        for s in self.signals:
            out.setdefault(s.turn_id, []).append(s)
        return out


Learn = Callable[[SimLog, float], "RewriterLike | None"]


def _snapshot(home: SimHome, t: float) -> ContextSnapshot:
    return ContextSnapshot(
        version=1,
        satellite=Satellite(area=""),
        devices=home.devices,
        states={e: DeviceState(s) for e, s in home.states.items()},
        time=datetime(2025, 1, 1),
    )


def _achieved(goal: SimGoal, out: Outcome) -> bool:
    if out.result_ok is not True or out.intent != goal.intent:
        return False
    if goal.action == "play":
        return out.slots.get("search_query") == goal.value
    return out.targets == (goal.entity_id,) or (goal.entity_id in out.targets and len(out.targets) <= 2)


def _stage(goal: SimGoal, said: str, heard: str, out: Outcome, home: SimHome) -> str:
    if heard != said:
        saved = dict(home.states)
        faults, home.faulty = home.faulty, {}
        clean = run_text(said, home, random.Random(0))
        home.states, home.faulty = saved, faults
        if _achieved(goal, clean):
            return "asr"
    if out.stage_failed:
        return out.stage_failed
    return "nlu" if out.intent != goal.intent else "entity_resolution"


def simulate_home(
    seed: int,
    home_id: str,
    days: int,
    learn: Learn | None = None,
    *,
    size: str = "medium",
    goals_per_day: tuple[int, int] = (8, 18),
    feedback: FeedbackSettings | None = None,
) -> SimLog:
    """Run ``days`` simulated days of one home; ``learn(log, now)`` runs each night and returns the
    rewriter for the next day (None: no learning)."""
    fb = feedback or FeedbackSettings()
    hrng = random.Random(f"{seed}:{home_id}:home")
    home = make_home(home_id, hrng, size)
    users = [make_user(f"{home_id}-u{k}", home, hrng) for k in range(hrng.choice((1, 2, 2, 3)))]
    log = SimLog(home)
    rewriter: RewriterLike | None = None
    for day in range(days):
        drng = random.Random(f"{seed}:{home_id}:{day}")
        n_goals = drng.randint(*goals_per_day)
        starts = sorted(day * DAY_S + drng.uniform(7 * 3600, 22 * 3600) for _ in range(n_goals))
        day_turns: list[TurnRecord] = []
        t_free = day * DAY_S
        for g, start in enumerate(starts):
            grng = random.Random(f"{seed}:{home_id}:{day}:{g}")
            user = users[grng.randrange(len(users))]
            t = max(start, t_free + 2.0)
            session = f"{home_id}-d{day}-s{g}"
            chained = grng.random() < 0.15  # a quick second, different command: a rephrase confounder
            for sub in range(2 if chained else 1):
                goal = user.goal(home, grng)
                t = _play_goal(
                    log,
                    day_turns,
                    home,
                    user,
                    goal,
                    goal_id=f"{session}-g{sub}",
                    session=session,
                    t=t,
                    grng=grng,
                    rewriter=rewriter,
                )
            t_free = t
        log.turns.extend(day_turns)
        now = (day + 1) * DAY_S
        day_events = [e for e in log.events if day * DAY_S <= e.t < now]
        new = detect_all(day_turns, day_events, (), now, fb)
        log.signals.extend(new)
        by_turn = log.signals_by_turn()
        for i in range(len(log.turns) - len(day_turns), len(log.turns)):
            rec = log.turns[i]
            decision = label_turn(rec, by_turn.get(rec.turn_id, ()), now, fb)
            log.turns[i] = dataclasses.replace(rec, label=decision.label.value)
        if learn is not None:
            rewriter = learn(log, now)
    return log


def _play_goal(
    log: SimLog,
    day_turns: list[TurnRecord],
    home: SimHome,
    user: SimUser,
    goal: SimGoal,
    *,
    goal_id: str,
    session: str,
    t: float,
    grng: random.Random,
    rewriter: RewriterLike | None,
) -> float:
    if grng.random() < 0.03:  # a false wake before the request
        tid = f"{goal_id}-fw"
        day_turns.append(
            TurnRecord(
                tid,
                session,
                home.home_id,
                t,
                t + 1.5,
                wake_word="hey_jarvis",
                wake_score=grng.uniform(0.5, 0.7),
                extra={"no_speech": True},
            )
        )
        log.truth[tid] = SimTruth(tid, goal_id, "", "", "false_wake", False, -1)
        t += grng.uniform(20, 120)
    prev = ""
    for attempt in range(4):
        rrng = random.Random(f"{goal_id}:{t:.3f}:{attempt}:{grng.random()}")
        said = user.say(goal, home, attempt, grng)
        heard, misheard = user.asr.hear(said, grng)
        conf = grng.uniform(0.4, 0.8) if misheard else grng.uniform(0.65, 0.98)
        tid = f"{goal_id}-a{attempt}"
        snap = _snapshot(home, t)
        result = rewriter.rewrite(heard, snap, conf, tid) if rewriter is not None else None
        text = str(getattr(result, "rewritten", "")) or heard
        prior = {e: home.states.get(e, "off") for e in home.devices}
        out = run_text(text, home, rrng)
        ok = _achieved(goal, out)
        t_end = t + grng.uniform(1.5, 3.0)
        extra: dict[str, object] = {"prior_states": {e: prior[e] for e in out.targets}}
        rewrite = None
        if result is not None:
            rewrite = {
                "original": heard,
                "rewritten": text,
                "layer": str(getattr(result, "layer", "")),
                "score": float(getattr(result, "score", 0.0)),
            }
        day_turns.append(
            TurnRecord(
                tid,
                session,
                home.home_id,
                t,
                t_end,
                wake_word="hey_jarvis",
                wake_score=grng.uniform(0.7, 0.99),
                asr_text=heard,
                asr_confidence=conf,
                asr_nbest=(heard,),
                asr_engine="sim",
                rewrite=rewrite,
                text=text,
                intent=out.intent,
                slots=out.slots,
                intent_confidence=out.intent_confidence,
                intent_margin=out.intent_confidence / 2,
                targets=out.targets,
                target_scores=out.target_scores,
                commands=out.commands,
                result_ok=out.result_ok,
                result_error=out.result_error,
                response=out.response,
                area="",
                extra=extra,
            )
        )
        stage = "" if ok else _stage(goal, said, heard, out, home)
        log.truth[tid] = SimTruth(
            tid,
            goal_id,
            goal.intent,
            goal.entity_id,
            stage,
            ok,
            attempt,
            prev,
            str(rewrite["layer"]) if rewrite else "",
        )
        prev = tid
        if ok:
            return t_end
        if out.result_ok and out.targets and grng.random() < 0.7:  # the wrong thing happened: put it back
            for e in out.targets:
                log.events.append(
                    DeviceEvent(
                        e,
                        home.states[e],
                        prior[e],
                        t_end + grng.uniform(3, 15),
                        ChangeSource.MANUAL,
                        home.home_id,
                    )
                )
                home.states[e] = prior[e]
        if grng.random() > user.patience * (0.85**attempt):
            return t_end + 100.0  # gave up
        t = t_end + grng.uniform(2.0, 12.0)
    return t
