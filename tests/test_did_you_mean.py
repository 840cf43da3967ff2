""" "Did you mean: ...?" (issue 18): a request not understood, near in sound to one of the household's own
steady requests, is offered back once; yes acts on exactly that request, no (or anything else) acts on
nothing and the pair is not offered again. Pure rules with a behavioural NLU fake; the learner over real
turn records; the real runtime (`edge session`, the NLU model, a real Mosquitto, a real SQLite turn log)."""

from __future__ import annotations

import asyncio
import json
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Collection
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from test_learning_sound import DEVICES, LEX, NAMES, WORKED, FakeNLU, LockNLU, record, snapshot
from test_safety_learned_path import Sniffer, script

from edge.config import LearningSettings, Settings
from edge.context.broker import MosquittoBroker
from edge.context.homes import load_home
from edge.context.model import ContextSnapshot, DeviceState
from edge.feedback.migrations import migrate
from edge.feedback.record import Asked, Dialog, Offer, OfferAnswer, TurnRecord
from edge.feedback.store import TurnStore
from edge.lab.sim.local import LocalHome
from edge.learning.askback import askable, changes_nothing, offer_policy, offers_answered
from edge.learning.household import RewritePair
from edge.learning.loop import Learner, TableVersions
from edge.learning.rewriter import LearnedRewriter
from edge.learning.tables import RewriteTable
from edge.learning.vetoed import VetoedRewriter
from edge.nlu.parser import NLUParser
from edge.nlu.types import Intent
from edge.turns.did_you_mean import means_yes
from edge.turns.heard import Heard
from edge.wiring import build_turns

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "devices" / "homes" / "demo.toml"
DAY = 86_400.0


def offerer(table: RewriteTable | None = None, nlu: FakeNLU | None = None, **kw: Any) -> LearnedRewriter:
    table = table if table is not None else RewriteTable(requests=tuple((t, 2.0) for t in WORKED))
    settings = LearningSettings(holdout=0.0, **kw)
    return LearnedRewriter(settings, personal=table, nlu=nlu or FakeNLU(), retrieval=False)


def test_what_may_be_offered_for_what_was_heard() -> None:
    assert askable("the kitchen light", "kill the kitchen light", NAMES)  # an action the recognizer dropped
    assert askable("to guest off the kitchen light", "turn off the kitchen light", NAMES)
    assert askable("turn on the kitten light", "turn on the kitchen light", NAMES)
    assert not askable("turn off the kitchen light", "turn on the kitchen light", NAMES)  # "off" heard
    assert not askable("set the office lamp to 40", "set the office lamp to 30 percent", NAMES)
    assert not askable("turn the big light off", "turn the light off", NAMES)  # a word dropped
    assert not askable("kill the big light", "kill the kitchen light", NAMES)  # a nickname is no mishearing


def test_a_yes_as_a_recognizer_hears_it() -> None:
    for said in ("yes", "Yes please.", "yeah", "yep", "yeh", "yaah", "yes pease", "yes the", "sure"):
        assert means_yes(said), said
    for said in ("no", "yes no", "yes turn off the light", "you", "yesterday's news", "yes off", ""):
        assert not means_yes(said), said


def test_an_offer_that_would_change_nothing_is_not_made() -> None:
    on = Intent("HassTurnOn", {}, 0.9, "turn on the kitchen light", ("light.kitchen",))
    snap = snapshot()  # every light off
    assert not changes_nothing(on, snap)
    lit = replace(snap, states={**snap.states, "light.kitchen": DeviceState("on")})
    assert changes_nothing(on, lit)
    assert not changes_nothing(replace(on, name="HassLightSet"), lit)  # only on/off and open/close


def test_a_garbled_request_is_offered_the_households_nearest_request() -> None:
    got = offerer().offer("kll the kitchn light", snapshot())
    assert got == Offer("kll the kitchn light", "kill the kitchen light", got.score if got else 0.0)
    assert got is not None and got.score >= 0.6 and got.answer is OfferAnswer.NONE
    # the silent repair would not change a name heard; a question may ("Did you mean ... the hall light?")
    assert offerer().offer("turn of the hull light", snapshot()) is not None
    assert offerer().offer("what is the weather like", snapshot()) is None  # near nothing
    assert offerer(ask_back=False).offer("kll the kitchn light", snapshot()) is None  # learning.ask_back
    assert LearnedRewriter(LearningSettings(), personal=RewriteTable()).offer("kll", snapshot()) is None


def test_a_pair_refused_here_is_not_offered_again_and_a_lock_never_is() -> None:
    pair = ("kll the kitchn light", "kill the kitchen light")
    assert offerer().offer(pair[0], snapshot(), refused={pair}) is None
    table = RewriteTable(requests=tuple((t, 2.0) for t in WORKED), offers_refused=frozenset({pair}))
    assert offerer(table).offer(pair[0], snapshot()) is None
    assert RewriteTable.from_json(table.to_json()) == table
    strict = RewriteTable(requests=tuple((t, 2.0) for t in WORKED), offer_threshold=0.99)
    assert offerer(strict).offer(pair[0], snapshot()) is None
    # a request read on the lock is never offered, nor is a safety request asked about
    locks = ("unlock the front door lock",)
    worked = RewriteTable(requests=tuple((t, 2.0) for t in (*WORKED, *locks)))
    lock_nlu = LockNLU((*WORKED, *locks), locks)
    assert offerer(worked, lock_nlu).offer("unlok the front door lok", snapshot()) is None
    assert offerer(worked, lock_nlu).offer("anlock the front dor lock", snapshot()) is None
    # a pair the household vetoed on its page is not offered either
    vetoed = VetoedRewriter(offerer(), [RewritePair(*pair)])
    assert vetoed.offer(pair[0], snapshot()) is None
    assert vetoed.offer("turn of the hull light", snapshot()) is not None


def asked(turn_id: str, t: float, offer: Offer) -> TurnRecord:
    return replace(record(turn_id, t, offer.heard, False), asked=Asked.DID_YOU_MEAN, offer=offer)


def answered(turn_id: str, t: float, offer: Offer, answer: OfferAnswer) -> TurnRecord:
    said = {OfferAnswer.YES: "yes", OfferAnswer.NO: "no"}.get(answer, "play some jazz")
    base = replace(record(turn_id, t, said, answer is OfferAnswer.YES), asr_text=said)
    dialog = Dialog.NONE if answer is OfferAnswer.OTHER else Dialog.DID_YOU_MEAN
    return replace(base, dialog=dialog, offer=replace(offer, answer=answer))


def test_the_households_answers_set_the_refusals_and_the_floor() -> None:
    a = Offer("kll the kitchn light", "kill the kitchen light", 0.9)
    b = Offer("turn of the hull light", "turn off the hall light", 0.65)
    c = Offer("tern of the hall lite", "turn off the hall light", 0.7)
    turns = [asked("q0", 0.0, a), answered("a0", 3.0, a, OfferAnswer.YES)]
    turns += [asked("q1", 60.0, b), answered("a1", 63.0, b, OfferAnswer.NO)]
    turns += [asked("q2", 120.0, c), answered("a2", 123.0, c, OfferAnswer.OTHER)]
    got = offers_answered(turns)
    assert [o.answer for o in got] == [OfferAnswer.YES, OfferAnswer.NO, OfferAnswer.OTHER]
    policy = offer_policy(got)
    assert policy.refused == {(b.heard, b.offered), (c.heard, c.offered)}
    assert policy.allows(a.heard, a.offered, a.score) and not policy.allows(b.heard, b.offered, 0.95)
    # one yes in three is under half (with the prior): the floor rises just above the refused 0.65,
    # where one in two of the offers kept was accepted
    assert policy.threshold == pytest.approx(0.6501)
    assert offer_policy(got[:1]).threshold == 0.0  # accepted: the floor stays
    many_no = [
        replace(b, heard=f"{b.heard} {k}", score=0.62 + k / 100, answer=OfferAnswer.NO) for k in range(6)
    ]
    assert offer_policy(many_no).threshold > 0.67  # mostly refused: the floor rises above them


def test_the_learner_carries_the_refusals_to_the_devices_rewriter(tmp_path: Path) -> None:
    offer = Offer("kll the kitchn light", "kill the kitchen light", 0.8)
    turns = [record(f"k{d}", d * DAY + 3600, "kill the kitchen light", True) for d in range(3)]
    turns += [record(f"h{d}", d * DAY + 7200, "kill the hall light", True) for d in range(3)]
    worked = len(turns)
    turns += [asked("q", 3 * DAY, offer), answered("a", 3 * DAY + 4, offer, OfferAnswer.NO)]
    db = tmp_path / "turns.sqlite3"
    with TurnStore(db) as store, store.transaction():
        for t in turns:
            store.add_turn(t)
    stored = [s.record for s in TurnStore(db).turns()]
    assert [t.offer for t in stored if t.offer] == [offer, replace(offer, answer=OfferAnswer.NO)]
    before = Learner(nlu=FakeNLU(), retrieval=False)
    before.rebuild(stored[:worked], {}, 4 * DAY, LEX)
    found = before.rewriter().offer(offer.heard, snapshot())
    assert found is not None and found.offered == offer.offered
    learner = Learner(nlu=FakeNLU(), retrieval=False)
    learner.rebuild(stored, {}, 4 * DAY, LEX)
    assert (offer.heard, offer.offered) in learner.table.offers_refused
    assert learner.rewriter().offer(offer.heard, snapshot()) is None
    assert {d.entity_id for d in DEVICES} >= {"light.kitchen"}


# -- the real runtime: edge session on a real Mosquitto, the NLU model, the SQLite turn log -----------------
def session(tmp_path: Path, broker: MosquittoBroker, lines: list[tuple[float, str]]) -> list[dict[str, Any]]:
    db = tmp_path / "turns.sqlite3"
    out = subprocess.run(
        [sys.executable, "-m", "edge", "session", script(tmp_path / "s.jsonl", lines), "--home", str(DEMO),
         "--db", str(db), "--broker", f"127.0.0.1:{broker.port}", "--session", "s"],
        capture_output=True, text=True, timeout=240, check=False,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr[-3000:]
    return [json.loads(x)["turn"] for x in out.stdout.splitlines() if x.startswith('{"turn"')]


@pytest.mark.skipif(shutil.which("mosquitto") is None, reason="mosquitto is not installed")
def test_did_you_mean_on_the_runtime_path(broker: MosquittoBroker, tmp_path: Path) -> None:
    requests = (("turn on the office lamp", 3.0), ("turn off the bedroom light", 3.0))
    TableVersions(tmp_path / "var" / "learning").save(RewriteTable(version=1, requests=requests))
    # not understood by the NLU model, and no silent repair: the nearest request adds an action ("on")
    garbled = "turn the offer slam"
    # then a name the NLU reads and cannot resolve ("offal lamp"), which is asked about too. Both lines are
    # read so by main's model and by the household draws (docs/nlu.md, "The household retrain, ninth"):
    # "turn the orifice lamb" is a named request with an unresolved "orifice" for one draw and two readings
    # for another; "turn the orifice lamp" resolves to the office lamp once "orifice lamp" is tagged whole
    # (the household data's whole names); "turn on the offal lamp" is repaired silently (nearer in words)
    lines = [(0.0, garbled), (3.0, "no"), (10.0, garbled), (20.0, "turn the offal lamp on"), (23.0, "yes")]
    topic = load_home(DEMO).devices["light.office_lamp"].command_topic
    sniffer = Sniffer(broker.port)
    try:
        turns = session(tmp_path, broker, lines)
    finally:
        sniffer.close()
    ask, no, again, ask2, yes = turns
    assert ask["asked"] == "did_you_mean" and ask["intent"] is None and not ask["commands"]
    assert ask["response"] == "Did you mean: turn on the office lamp?"
    offered = {"heard": garbled, "offered": "turn on the office lamp", "answer": ""}
    assert {k: v for k, v in ask["offer"].items() if k != "score"} == offered
    assert no["dialog"] == "did_you_mean" and no["offer"]["answer"] == "no" and not no["commands"]
    assert again["asked"] == "" and again["offer"] is None and not again["commands"]  # refused: not again
    assert ask2["asked"] == "did_you_mean" and ask2["offer"]["offered"] == "turn on the office lamp"
    assert yes["dialog"] == "did_you_mean" and yes["offer"]["answer"] == "yes"
    assert yes["rewrite"]["layer"] == "did_you_mean" and yes["source"] == "rewrite"
    assert yes["intent"] == "HassTurnOn" and yes["targets"] == ["light.office_lamp"] and yes["result_ok"]
    # one command, after the yes, on the office lamp; nothing after the no
    assert [json.loads(p).get("state") for p in sniffer.on(topic)] == ["ON"]
    stored = [s.record for s in TurnStore(tmp_path / "turns.sqlite3").turns()]
    assert [t.offer.answer.value for t in stored if t.offer] == ["", "no", "", "yes"]


def test_a_store_of_schema_5_opens_and_reads_the_same(tmp_path: Path) -> None:
    db = tmp_path / "v5.sqlite3"
    conn = sqlite3.connect(db, isolation_level=None)
    assert migrate(conn, target=5) == 5
    conn.execute(
        "INSERT INTO turns (turn_id, session_id, home_id, t_start, t_end, asr_text, text, asked)"
        " VALUES ('t1', 's', 'h', 1.0, 2.0, 'kll the kitchn light', 'kll the kitchn light', 'teach')"
    )
    conn.close()
    (turn,) = [s.record for s in TurnStore(db).turns()]
    assert (turn.turn_id, turn.asr_text, turn.asked, turn.offer) == (
        "t1",
        "kll the kitchn light",
        Asked.TEACH,
        None,
    )
    check = sqlite3.connect(db)
    assert check.execute("PRAGMA user_version").fetchone()[0] == 6
    check.close()


class OffersAnything:
    """A rewriter that offers ``offered`` for whatever was heard (the gate must hold whatever it offers)."""

    def __init__(self, offered: str) -> None:
        self.offered = offered

    def rewrite(self, text: str, snapshot: ContextSnapshot, asr_confidence: float, turn_id: str = "") -> None:
        return None

    def offer(
        self, text: str, snapshot: ContextSnapshot, refused: Collection[tuple[str, str]] = ()
    ) -> Offer | None:
        pair = (text, self.offered)
        return None if pair in refused else Offer(text, self.offered, 0.9)


async def _hear(
    home: LocalHome, db: Path, rewriter: OffersAnything, lines: list[tuple[str, float]]
) -> list[TurnRecord]:
    async with await build_turns(
        Settings(), home, db=db, home_id="h", parser=NLUParser(Settings()), rewriter=rewriter, speaker=None
    ) as turns:
        return [
            await turns.driver.hear(Heard(text, t, t + 0.5, "s", turn_id=f"t{i}"))
            for i, (text, t) in enumerate(lines)
        ]


def test_a_yes_never_reaches_a_lock_whatever_is_offered(tmp_path: Path) -> None:
    home = LocalHome.from_file(DEMO, home_id="h")
    lines = [("turn the orifice lamb", 0.0), ("yes", 3.0)]
    ask, yes = asyncio.run(
        _hear(home, tmp_path / "a.db", OffersAnything("unlock the front door lock"), lines)
    )
    assert ask.asked is Asked.DID_YOU_MEAN and yes.offer is not None and yes.offer.answer is OfferAnswer.YES
    assert yes.result_error == "safety-refused" and not yes.commands
    assert home.snapshot().states["lock.front_door"].state == "locked"
    lamp = LocalHome.from_file(DEMO, home_id="h")
    ask, yes = asyncio.run(_hear(lamp, tmp_path / "b.db", OffersAnything("turn on the office lamp"), lines))
    assert yes.source == "rewrite" and yes.targets == ("light.office_lamp",) and yes.result_ok
    assert lamp.snapshot().states["light.office_lamp"].state == "on"
