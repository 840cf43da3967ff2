"""The household simulator: homes, users with goals, consistent ASR confusions, and realistic behaviour
after a failure, run through the product's real runtime (:class:`edge.lab.sim.household_runtime.SimRuntime`:
turn engine, NLU model, entity resolution, planner, executor with faulty devices, composed by
:func:`edge.wiring.build_turns` as on the device). Every turn carries ground truth (what the user wanted,
whether the devices got there, the first stage that failed for good). Turns, device events (commanded and
by hand) and barge-ins go through the turn driver to the real feedback recorder on a real turn store (one
SQLite file per simulated home), with ticks as simulated time passes: the signals and labels are the
device's own, and each night the learner reads what the store holds. Same seed -> same homes, users,
goals and first utterances in the control and treatment arms.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol

from edge.app import asr_vocabulary
from edge.config import FeedbackSettings, Settings
from edge.context.model import ContextSnapshot
from edge.errors import ConfigError
from edge.feedback.observations import BargeIn, DeviceEvent
from edge.feedback.record import FeedbackSignal, TurnRecord
from edge.lab.sim import confusions, prompt_effect
from edge.lab.sim.confusions_model import CalibratedASR, name_phrases
from edge.lab.sim.goals import SimGoal, goal_met, moved
from edge.lab.sim.hearing import Hearing, ModelHearing
from edge.lab.sim.household_home import SimHome, make_home
from edge.lab.sim.household_runtime import SimRuntime, response_s, shared_parser
from edge.lab.sim.prompt_effect import NO_PROMPT, Learned
from edge.lab.sim.users import SimUser, make_user
from edge.learning.chains import DAY_S
from edge.learning.rewriter import LearnedRewriter
from edge.learning.vocabulary import learned_prompt_heard, recognizer_vocabulary
from edge.turns.heard import Heard
from edge.turns.protocols import Parser

__all__ = ["ASR_MODELS", "RewriterLike", "SimLog", "SimTruth", "simulate_home"]

WAKE = "hey_jarvis"
ASR_MODELS = ("handset", "calibrated")  # the speakers' ASR-error model: hand-set rates, or measured


class RewriterLike(Protocol):
    """Anything with ``.rewrite(text, snapshot, confidence, turn_id)`` (the learner's rewriter)."""

    def rewrite(
        self, text: str, snapshot: ContextSnapshot, asr_confidence: float, turn_id: str = ""
    ) -> object: ...


@dataclass(frozen=True, slots=True)
class SimTruth:
    turn_id: str
    goal_id: str
    intent: str
    target: str
    failed_stage: str  # "" | false_wake | asr | nlu | entity_resolution | result
    achieved: bool
    attempt: int  # 0.. request attempts; -1 a false wake; -2 an answer to the assistant's question
    rephrase_of: str = ""  # the previous attempt of the same goal
    rewritten: str = ""  # layer of an applied rewrite


@dataclass(slots=True)
class SimLog:
    """One simulated home: ``turns``, ``signals``, ``events`` and ``barge_ins`` are what its turn store
    holds (as of the last night, and at the end of the run); ``truth`` and ``said`` are the simulator's."""

    home: SimHome
    turns: list[TurnRecord] = field(default_factory=list)
    truth: dict[str, SimTruth] = field(default_factory=dict)
    signals: list[FeedbackSignal] = field(default_factory=list)
    events: list[DeviceEvent] = field(default_factory=list)
    barge_ins: list[BargeIn] = field(default_factory=list)
    said: dict[str, str] = field(default_factory=dict)  # turn_id -> the words the user actually said
    # "Did you mean ...?": the asking turn -> the offer was what the user meant (the answer: "<turn_id>-d")
    offered: dict[str, bool] = field(default_factory=dict)

    def signals_by_turn(self) -> dict[str, list[FeedbackSignal]]:
        out: dict[str, list[FeedbackSignal]] = {}
        for s in self.signals:
            out.setdefault(s.turn_id, []).append(s)
        return out


Learn = Callable[[SimLog, float], "RewriterLike | None"]


def _speech_s(text: str) -> float:
    return 0.3 + 0.33 * len(text.split())


@dataclass(frozen=True, slots=True)
class _Pursuit:
    """One goal being pursued: who wants it, its id, its session and its own random stream."""

    user: SimUser
    goal: SimGoal
    goal_id: str
    session: str
    rng: random.Random


@dataclass(slots=True)
class _Household:
    log: SimLog
    runtime: SimRuntime
    hearing: Hearing
    vocabulary: list[str]
    learned: Learned = NO_PROMPT  # the household's requests at the head of the recognizer's prompt

    async def turn(self, p: _Pursuit, said: str, tid: str, t: float) -> TurnRecord:
        heard = self.hearing.hear(p.user, said, p.rng, self.vocabulary, self.learned)
        text = "" if heard.rejected else heard.text  # a rejected transcript is no speech, as in the runtime
        record = await self.runtime.handle(
            Heard(text, t, t + _speech_s(said), p.session, heard.confidence, (text,) if text else (),
                  heard.engine, WAKE, p.rng.uniform(0.7, 0.99), heard.audio_ms, no_speech=heard.rejected,
                  turn_id=tid)
        )  # fmt: skip
        self.log.said[tid] = said
        return record

    def truth(self, p: _Pursuit, tid: str, stage: str, ok: bool, attempt: int, **kw: str) -> None:
        g = p.goal
        self.log.truth[tid] = SimTruth(tid, p.goal_id, g.intent, g.entity_id, stage, ok, attempt, **kw)


def simulate_home(
    seed: int,
    home_id: str,
    days: int,
    learn: Learn | None = None,
    *,
    size: str = "medium",
    goals_per_day: tuple[int, int] = (8, 18),
    feedback: FeedbackSettings | None = None,
    settings: Settings | None = None,
    parser: Parser | None = None,
    hearing: Hearing | None = None,
    home: SimHome | None = None,
    users: Sequence[SimUser] | None = None,
    store_dir: Path | None = None,
    asr_model: str = "handset",
    sloppy: float = 0.0,
) -> SimLog:
    """Run ``days`` simulated days of one home through the real runtime; ``learn(log, now)`` runs each
    night on what the turn store holds and returns the rewriter for the next day (None: no learning).
    ``hearing`` turns what users say into ASR text (default: each speaker's ASR-error model). ``home`` and
    ``users`` script a household instead of drawing one from the seed. The turn store is
    ``<store_dir>/<home_id>.sqlite3`` (default: a temporary folder, removed at the end). ``asr_model``
    "calibrated" gives each drawn user ears from the real recognizer's measured confusions
    (:mod:`edge.lab.sim.confusions_model`; its own random stream, so the home, users and goals are the
    same as with "handset"). ``sloppy``: each drawn user's chance to say yes to "Did you mean ...?" when it
    offers something else than they meant (0: they answer truthfully)."""
    base = settings or Settings()
    parser = parser or shared_parser(base)
    cfg = base if feedback is None else replace(base, feedback=feedback)
    hrng = random.Random(f"{seed}:{home_id}:home")
    drawn = make_home(home_id, hrng, size)
    people = [make_user(f"{home_id}-u{k}", drawn, hrng) for k in range(hrng.choice((1, 2, 2, 3)))]
    if asr_model not in ASR_MODELS:
        raise ConfigError(
            f"unknown simulator ASR model {asr_model!r}", hint=f"use one of {', '.join(ASR_MODELS)}"
        )
    if asr_model == "calibrated":
        measured, names, effect = confusions.load(), name_phrases(drawn), prompt_effect.load()
        people = [
            replace(
                u,
                asr=CalibratedASR.sample(random.Random(f"{seed}:{u.user_id}:ears"), measured, names, effect),
            )
            for u in people
        ]
    if sloppy:
        people = [replace(u, sloppy=sloppy) for u in people]
    home = home or drawn
    users = list(users or people)
    log = SimLog(home)
    runtime_seed = hrng.randrange(2**31)
    with _folder(store_dir) as folder:
        asyncio.run(
            _simulate(
                log, users, folder, settings=cfg, parser=parser, hearing=hearing, learn=learn,
                seed=seed, runtime_seed=runtime_seed, days=days, per_day=goals_per_day,
            )
        )  # fmt: skip
    return log


@contextlib.contextmanager
def _folder(store_dir: Path | None) -> Iterator[Path]:
    """``store_dir``, or a temporary folder in memory where there is one (``/dev/shm``): the store's
    commits then cost no disk flush."""
    if store_dir is not None:
        store_dir.mkdir(parents=True, exist_ok=True)
        yield store_dir
        return
    shm = Path("/dev/shm")
    where = shm if shm.is_dir() else None
    with tempfile.TemporaryDirectory(prefix="edge-sim-", dir=where) as tmp:
        yield Path(tmp)


async def _simulate(
    log: SimLog,
    users: list[SimUser],
    folder: Path,
    *,
    settings: Settings,
    parser: Parser,
    hearing: Hearing | None,
    learn: Learn | None,
    seed: int,
    runtime_seed: int,
    days: int,
    per_day: tuple[int, int],
) -> None:
    home = log.home
    async with await SimRuntime.open(home, folder, settings=settings, parser=parser, seed=runtime_seed) as rt:
        fixed: list[str] = []
        if hearing is not None:  # the recognizer's prompt, as the runtime builds it
            fixed = asr_vocabulary(rt.snapshot())
        sim = _Household(log, rt, hearing or ModelHearing(), fixed)
        for day in range(days):
            await _day(sim, users, seed=seed, home_id=home.home_id, day=day, per_day=per_day)
            now = (day + 1) * DAY_S
            await rt.tick(now)  # every feedback window of the day has closed: every turn is settled
            # the day's part of the store (earlier days' turns are settled: the store holds them as read)
            stored = await rt.stored(since=day * DAY_S)
            log.turns += stored.turns
            log.signals += stored.signals
            log.events += stored.events
            log.barge_ins += stored.barge_ins
            if learn is not None:
                rewriter = await asyncio.to_thread(learn, log, now)
                rt.use_rewriter(rewriter)
                # the device's prompt: tonight's household requests, then the fixed list (an error model
                # hears the requests through their measured effect, real audio through the recognizer)
                learned = rewriter.personal.prompt if isinstance(rewriter, LearnedRewriter) else ()
                if hearing is not None:
                    sim.vocabulary = recognizer_vocabulary(settings, learned, fixed)
                heard = learned_prompt_heard(settings) and bool(learned)
                sim.learned = Learned.of_texts(learned) if heard else NO_PROMPT


async def _day(
    sim: _Household, users: list[SimUser], *, seed: int, home_id: str, day: int, per_day: tuple[int, int]
) -> None:
    drng = random.Random(f"{seed}:{home_id}:{day}")
    n_goals = drng.randint(*per_day)
    starts = sorted(day * DAY_S + drng.uniform(7 * 3600, 22 * 3600) for _ in range(n_goals))
    t_free = day * DAY_S
    for g, start in enumerate(starts):
        grng = random.Random(f"{seed}:{home_id}:{day}:{g}")
        user = users[grng.randrange(len(users))]
        t = max(start, t_free + 2.0)
        session = f"{home_id}-d{day}-s{g}"
        chained = grng.random() < 0.15  # a quick second, different command: a rephrase confounder
        for sub in range(2 if chained else 1):
            goal = user.goal(sim.log.home, grng)
            t = await _play_goal(sim, _Pursuit(user, goal, f"{session}-g{sub}", session, grng), t)
        t_free = t


async def _play_goal(sim: _Household, p: _Pursuit, t: float) -> float:
    rt, home, rng, goal = sim.runtime, sim.log.home, p.rng, p.goal
    await rt.tick(t)  # time passed since the last goal (abandonment, labels settled)
    if rng.random() < 0.03:  # a false wake before the request
        tid = f"{p.goal_id}-fw"
        noise = p.user.asr.noise_confidence(random.Random(f"{tid}:noise"))  # its own stream
        await rt.handle(
            Heard("", t, t + 1.5, p.session, noise, (), "sim", WAKE, rng.uniform(0.5, 0.7), no_speech=True,
                  turn_id=tid)
        )  # fmt: skip
        sim.log.truth[tid] = SimTruth(tid, p.goal_id, "", "", "false_wake", False, -1)
        t += rng.uniform(20, 120)
    prev = ""
    wrong_moved = False
    for attempt in range(4):
        rt.set_faults(rng)
        said = p.user.say(goal, home, attempt, rng)
        if wrong_moved and rng.random() < 0.15:
            said = f"no {said}"  # a correction, as people say it
        tid = f"{p.goal_id}-a{attempt}"
        before, snap = rt.states(), rt.snapshot()
        rec = await sim.turn(p, said, tid, t)
        t_end = rec.t_end + response_s(rec.response)
        layer = rec.rewrite.layer if rec.rewrite is not None else ""
        if rec.asked == "confirm":  # a safety confirmation: yes when it is about the goal
            answer = "yes" if goal.entity_id in rec.targets else "no"
            ans = await sim.turn(p, answer, f"{tid}-c", t_end + rng.uniform(0.5, 2.0))
            t_end = ans.t_end + response_s(ans.response)
            ok = goal_met(goal, home.devices, before, rt.states())
            stage = "" if ok else rt.failed_stage(goal, said, rec, snap)
            sim.truth(p, f"{tid}-c", stage, ok, -2)
        elif rec.asked == "did_you_mean" and rec.offer is not None:  # yes when it is what they meant
            ans, t_end = await _offer_answer(sim, p, rec.offer.offered, tid, snap=snap, t=t_end)
            ok = goal_met(goal, home.devices, before, rt.states())
            stage = "" if ok else rt.failed_stage(goal, said, rec, snap)
            sim.truth(p, f"{tid}-d", stage, ok, -2)
            layer = ans.rewrite.layer if ans.rewrite is not None else ""
        else:
            ok = goal_met(goal, home.devices, before, rt.states())
            stage = "" if ok else rt.failed_stage(goal, said, rec, snap)
        sim.truth(p, tid, stage, ok, attempt, rephrase_of=prev, rewritten=layer)
        prev = tid
        if ok:
            return t_end
        after = rt.states()
        changed = moved(before, after)
        wrong_moved = bool(changed)
        if rec.asked == "teach":
            t_end = await _teach_answer(sim, p, tid, t_end)
        elif (
            rec.response and rec.asked != "did_you_mean" and rng.random() < p.user.barge
        ):  # talks over the wrong answer
            cut = rec.t_end + rng.uniform(0.3, 1.5)
            await rt.barge_in(cut)  # recorded when the response was still playing
            t_end = cut
        if changed and rng.random() < 0.7:  # the wrong thing happened: put it back by hand
            t_end += rng.uniform(3, 15)
            for e in changed:
                await rt.by_hand(e, before[e].state, t_end)
        if rng.random() > p.user.patience * (0.85**attempt):
            return t_end + 100.0  # gave up
        t = t_end + rng.uniform(1.5, 8.0)
    return t


async def _teach_answer(sim: _Household, p: _Pursuit, tid: str, t: float) -> float:
    """'I don't know what X is. Want to teach me?': teach it ("yes, " and the full request with the app's
    name), decline, or ignore the offer and go on: the engine handles a plain request after the offer as a
    request, so that next attempt is an ordinary rephrase of the goal, not an answer."""
    r = p.rng.random()
    if r >= p.user.teach + (1 - p.user.teach) / 2:
        return t  # ignored
    yes = p.rng.choice(("yes", "yes", "sure", "yeah"))
    words = f"{yes} {p.user.say(p.goal, sim.log.home, 3, p.rng)}" if r < p.user.teach else "no"
    rec = await sim.turn(p, words, f"{tid}-t", t + p.rng.uniform(0.5, 2.0))
    ok = words == "no" or rec.taught is not None  # a dialogue answer: did it do what was meant?
    sim.truth(p, f"{tid}-t", "" if ok else "nlu", ok, -2)
    return rec.t_end + response_s(rec.response)


async def _offer_answer(
    sim: _Household, p: _Pursuit, offered: str, tid: str, *, snap: ContextSnapshot, t: float
) -> tuple[TurnRecord, float]:
    """ "Did you mean: {offered}?": yes when ``offered``, heard exactly, would have met the goal; else no,
    or, for a sloppy user (``SimUser.sloppy``, its own random stream), yes anyway. Returns the answer's
    turn and when its response ends."""
    meant = sim.runtime.would_meet(p.goal, offered, snap)
    sim.log.offered[tid] = meant
    yes = meant or random.Random(f"{tid}:sloppy").random() < p.user.sloppy
    words = p.rng.choice(("yes", "yes", "yeah", "yes please")) if yes else p.rng.choice(("no", "no", "nope"))
    ans = await sim.turn(p, words, f"{tid}-d", t + p.rng.uniform(0.5, 2.0))
    return ans, ans.t_end + response_s(ans.response)
