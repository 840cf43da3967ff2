"""The sound layer (issue 18): a request the NLU cannot act on, repaired to the household's own successful
request nearest in sound. Pure matching with a behavioural NLU fake; the learner and the runtime's rewriter
over a real SQLite turn store."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from edge.config import LearningSettings, Settings
from edge.context.model import ContextSnapshot, Device, DeviceState, Satellite
from edge.feedback.record import Label, Rewrite, TurnRecord
from edge.feedback.store import TurnStore
from edge.learning.canonical import Lexicon
from edge.learning.loop import Learner, TableVersions
from edge.learning.retrieval_policy import RetrievalPolicy
from edge.learning.rewriter import LearnedRewriter
from edge.learning.sound import SoundIndex, keeps_known, plain_requests
from edge.learning.tables import RewriteTable
from edge.nlu.types import Intent
from edge.wiring import learned_rewriter, rebuild_tables, tables_dir

DAY = 86_400.0
DEVICES = (
    Device("light.kitchen", "kitchen light", "light", area="kitchen"),
    Device("light.hall", "hall light", "light", area="hall"),
    Device("light.office", "office lamp", "light", area="office"),
    Device("lock.front", "front door lock", "lock", area="hall"),
)
LEX = Lexicon.from_devices(DEVICES)
NAMES = LEX.names | LEX.areas
WORKED = (
    "kill the kitchen light",
    "turn on the kitchen light",
    "turn off the hall light",
    "set the office lamp to 30 percent",
)


def snapshot() -> ContextSnapshot:
    devices = {d.entity_id: d for d in DEVICES}
    states = {e: DeviceState("off") for e in devices}
    return ContextSnapshot(1, Satellite(area="kitchen"), devices, states, datetime(2024, 1, 5, 20, 0))


def _no_number(text: str) -> str:
    return re.sub(r"\d+", "N", text)


class FakeNLU:
    """Acts on the requests this home is known to handle (and numbers in them), on nothing else."""

    def __init__(self, acts_on: tuple[str, ...] = WORKED) -> None:
        self.acts_on = {_no_number(t) for t in acts_on}
        self.calls: list[str] = []

    def __call__(self, text: str, snapshot: ContextSnapshot) -> Intent | None:
        self.calls.append(text)
        if _no_number(text.lower()) not in self.acts_on:
            return None
        return Intent("HassTurnOn", {"name": "kitchen light"}, 0.95, text, ("light.kitchen",))


def index() -> SoundIndex:
    return SoundIndex.of((t, 1.0) for t in WORKED)


def test_the_nearest_request_in_sound_with_its_lead() -> None:
    got = index().nearest("kll the kitchen light")
    assert got is not None and got.text == "kill the kitchen light"
    assert got.similarity > 0.85 and got.margin > 0.1
    assert index().nearest("kill the kitchen light") is None  # it works here: nothing to repair
    assert SoundIndex().nearest("kll the kitchen light") is None
    # numbers are no part of the sound: the same request with another value is as near
    near = index().nearest("set the office lamb to 40 percent")
    assert near is not None and near.text == "set the office lamp to 30 percent"


def test_a_repair_keeps_every_name_action_and_number_heard() -> None:
    assert keeps_known("to guest off the hall light", "turn off the hall light", NAMES)
    assert keeps_known("turn on the kitten light", "turn on the kitchen light", NAMES)
    assert not keeps_known("to guest off the hall light", "turn on the hall light", NAMES)  # "off" lost
    assert not keeps_known("turn off the hall light", "turn off the kitchen light", NAMES)  # a name lost
    assert not keeps_known("turn the hall light", "turn on the hall light", NAMES)  # "on" out of nowhere
    assert not keeps_known("turn on the mid light", "turn on the kitchen light", NAMES)  # another name
    assert not keeps_known("set the lamp to 40", "set the lamp to 30", NAMES)  # a number lost
    assert not keeps_known("set the hall light to easy fans", "set the hall light to 50 percent", NAMES)
    assert not keeps_known("big light on", "light on", NAMES)  # a word dropped: a nickname, not a slip
    assert keeps_known("turn on the the kitchen light", "turn on the kitchen light", NAMES)


def test_only_plain_requests_are_targets() -> None:
    worked = [
        ("kill the kitchen light", 1.8),
        ("kill the hall light", 1.0),
        ("turn off the hall light", 1.0),
        ("turn off the office lamp", 1.0),
        ("ulock the font door", 1.0),  # garbled, and it happened to work once
        ("play some puk", 3.0),  # got through three times: still garbled
    ]
    kept = dict(plain_requests(worked, LEX.words))
    assert set(kept) == {
        "kill the kitchen light",
        "kill the hall light",
        "turn off the hall light",
        "turn off the office lamp",
    }


def rewriter(nlu: FakeNLU | None, sound_policy: RetrievalPolicy | None = None) -> LearnedRewriter:
    table = RewriteTable(requests=tuple((t, 2.0) for t in WORKED))
    settings = LearningSettings(holdout=0.0)
    return LearnedRewriter(settings, personal=table, nlu=nlu, retrieval=False, sound_policy=sound_policy)


def test_a_garbled_request_the_nlu_cannot_act_on_is_repaired_and_checked() -> None:
    nlu = FakeNLU()
    got = rewriter(nlu).rewrite("kll the kitchen light", snapshot(), 0.5)
    assert got is not None and (got.rewritten, got.layer) == ("kill the kitchen light", "sound")
    assert nlu.calls == ["kll the kitchen light", "kill the kitchen light"]  # heard, then the repair
    value = rewriter(nlu).rewrite("set the office lamb to 40 percent", snapshot(), 0.5)
    assert value is not None and value.rewritten == "set the office lamp to 40 percent"


def test_no_repair_without_the_nlu_or_when_it_acts_or_when_the_repair_does_not_act() -> None:
    assert rewriter(None).rewrite("kll the kitchen light", snapshot(), 0.5) is None
    acts = FakeNLU((*WORKED, "kll the kitchen light"))
    assert rewriter(acts).rewrite("kll the kitchen light", snapshot(), 0.5) is None  # the NLU acts on it
    never = FakeNLU(("kll the kitchen light",))  # acts on nothing the home said before
    never.acts_on = set()
    assert rewriter(never).rewrite("kll the kitchen light", snapshot(), 0.5) is None
    # far from anything the home says: nothing is near enough
    assert rewriter(FakeNLU()).rewrite("what is the weather like", snapshot(), 0.5) is None


def test_the_household_outcomes_block_a_repair_and_a_lock_is_never_reached() -> None:
    blocked = RetrievalPolicy(blocked=frozenset({("kll the kitchen light", "kill the kitchen light")}))
    assert rewriter(FakeNLU(), sound_policy=blocked).rewrite("kll the kitchen light", snapshot(), 0.5) is None
    high = RetrievalPolicy(threshold=0.99)
    assert rewriter(FakeNLU(), sound_policy=high).rewrite("kll the kitchen light", snapshot(), 0.5) is None
    locks = ("lock the front door lock", "unlock the front door lock")
    table = RewriteTable(requests=tuple((t, 2.0) for t in locks))
    rw = LearnedRewriter(LearningSettings(holdout=0.0), personal=table, nlu=FakeNLU(locks), retrieval=False)
    assert rw.rewrite("unlok the front door lok", snapshot(), 0.3) is None


class LockNLU(FakeNLU):
    """Reads ``locks`` as the front door lock, the rest as :class:`FakeNLU` does."""

    def __init__(self, acts_on: tuple[str, ...], locks: tuple[str, ...]) -> None:
        super().__init__(acts_on)
        self.locks = set(locks)

    def __call__(self, text: str, snapshot: ContextSnapshot) -> Intent | None:
        if text in self.locks:
            return Intent("HassTurnOff", {"name": "front door"}, 0.9, text, ("lock.front",))
        return super().__call__(text, snapshot)


def test_a_request_read_on_a_safety_device_is_neither_repaired_nor_a_repair() -> None:
    worked = ("kill the kitchen light", "ulock the font door")
    table = RewriteTable(requests=tuple((t, 2.0) for t in worked))

    def rw(nlu: FakeNLU) -> LearnedRewriter:
        return LearnedRewriter(LearningSettings(holdout=0.0), personal=table, nlu=nlu, retrieval=False)

    # the nearest to a garbled unlock is the garbled one that worked: the NLU reads it on the lock
    assert rw(LockNLU(worked, ("ulock the font door",))).rewrite("unllock frot door", snapshot(), 0.3) is None
    fixed = rw(FakeNLU(worked)).rewrite("kll the kitchen lite", snapshot(), 0.3)
    assert fixed is not None and fixed.rewritten == "kill the kitchen light"
    heard_as_lock = LockNLU(worked, ("kll the kitchen lite",))
    assert rw(heard_as_lock).rewrite("kll the kitchen lite", snapshot(), 0.3) is None  # left alone


def record(turn_id: str, t: float, text: str, ok: bool, rewrite: Rewrite | None = None) -> TurnRecord:
    return TurnRecord(
        turn_id=turn_id, session_id=f"s{turn_id}", home_id="h", t_start=t, t_end=t + 2,
        asr_text=rewrite.original if rewrite else text, rewrite=rewrite, text=text,
        intent="HassTurnOff" if ok else None, slots={"name": "kitchen light"} if ok else {},
        intent_confidence=0.9 if ok else 0.2, targets=("light.kitchen",) if ok else (),
        result_ok=True if ok else None, label=(Label.SUCCESS if ok else Label.DEFECT).value,
    )  # fmt: skip


def test_the_store_rebuild_carries_the_requests_to_the_runtime_rewriter(tmp_path: Path) -> None:
    db = tmp_path / "turns.sqlite3"
    said = "turn off the kitchen light"
    with TurnStore(db) as store, store.transaction():
        for day in range(3):
            store.add_turn(record(f"k{day}", day * DAY + 3600, said, True))
            store.add_turn(record(f"h{day}", day * DAY + 7200, "turn off the hall light", True))
    settings = Settings()
    rebuild_tables(settings, db, DEVICES)
    table = TableVersions(tables_dir(settings, db)).active()
    assert sorted(t for t, _w in table.requests) == ["turn off the hall light", said]
    assert RewriteTable.from_json(table.to_json()).requests == table.requests
    garbled = "to guest off the kitchen light"  # the edit policy refuses it to retrieval
    rw = learned_rewriter(settings, db, FakeNLU((said,)))
    assert rw is not None
    done = [r for i in range(30) if (r := rw.rewrite(garbled, snapshot(), 0.5, f"t{i}")) is not None]
    assert done and {(r.rewritten, r.layer) for r in done} == {(said, "sound")}
    deaf = learned_rewriter(settings, db)  # without the NLU: no sound layer, and no error
    assert deaf is not None and deaf.rewrite(garbled, snapshot(), 0.5) is None


def test_a_sound_repair_that_failed_here_is_not_made_again(tmp_path: Path) -> None:
    db = tmp_path / "turns.sqlite3"
    bad = Rewrite("kll the kitchen light", "kill the kitchen light", "sound", 0.9)
    with TurnStore(db) as store, store.transaction():
        for day in range(3):
            store.add_turn(record(f"k{day}", day * DAY + 3600, "kill the kitchen light", True))
        for k in range(2):  # rewritten by sound, and failed both times
            store.add_turn(record(f"b{k}", 3 * DAY + k * 900, "kill the kitchen light", False, bad))
    turns = [s.record for s in TurnStore(db).turns()]
    learner = Learner(nlu=FakeNLU(), retrieval=False)
    learner.rebuild(turns, {}, 4 * DAY, LEX)
    assert ("kll the kitchen light", "kill the kitchen light") in learner.sound_policy.blocked
    assert learner.rewriter().rewrite("kll the kitchen light", snapshot(), 0.5) is None
    assert Learner(nlu=FakeNLU(), sound=False).rewriter().nlu is None


def test_only_requests_that_worked_steadily_are_targets() -> None:
    turns = [record(f"k{d}", d * DAY + 3600, "kill the kitchen light", True) for d in range(3)]
    turns += [record(f"h{d}", d * DAY + 7200, "kill the hall light", True) for d in range(2)]
    turns += [record("g0", 3600.0 + 60, "kill the glow", True), record("g1", DAY + 60, "kill the glow", True)]
    turns += [record("g2", 2 * DAY + 60, "kill the glow", False)]  # wrong device one time in three
    turns += [record("o0", 2 * DAY + 120, "turn on the hall light", True)]  # once only
    learner = Learner(nlu=FakeNLU())
    learner.rebuild(turns, {}, 3 * DAY, LEX)
    assert sorted(t for t, _w in learner.table.requests) == ["kill the hall light", "kill the kitchen light"]
