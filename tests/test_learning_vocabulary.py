"""The recognizer's prompt from the household's own requests (issue 18, ``edge.learning.vocabulary``): what
goes in and in what order, how the runtime's vocabulary uses it, and how the table versions carry and
undo it (a real SQLite turn store, ``edge learn --rollback``)."""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Sequence
from pathlib import Path

import pytest

from edge.asr.whisper import vocabulary_prompt
from edge.cli import main
from edge.config import LearningSettings, Settings
from edge.context.model import Device
from edge.feedback.record import Label, Rewrite, TurnRecord
from edge.feedback.store import TurnStore
from edge.lab.sim.arms import nightly
from edge.lab.sim.hearing import HeardText
from edge.lab.sim.household import RewriterLike, SimLog, simulate_home
from edge.lab.sim.prompt_effect import NO_PROMPT, Learned
from edge.lab.sim.users import SimUser
from edge.learning.canonical import Lexicon
from edge.learning.chains import ChainTurn
from edge.learning.loop import Learner, TableVersions
from edge.learning.tables import RewriteTable
from edge.learning.vocabulary import (
    household_prompt,
    own_words,
    prompt_vocabulary,
    recognizer_vocabulary,
)
from edge.wiring import learned_prompt, rebuild_tables, tables_dir

DAY = 86_400.0
DEVICES = (
    Device("light.kitchen", "kitchen light", "light", "kitchen"),
    Device("light.hall", "hall light", "light", "hall"),
    Device("lock.front", "front door", "lock", "hall"),
)
LEX = Lexicon.from_devices(DEVICES)


def chain(turn_id: str, t: float, original: str, defect: bool = False, rewritten: str = "") -> ChainTurn:
    return ChainTurn(turn_id, "s", "h", t, original, rewritten, defect)


def test_successful_requests_most_used_first_as_the_recognizer_spelled_them() -> None:
    turns = [chain(f"k{d}", d * DAY, "turn off the kitchen light") for d in range(3)]
    turns += [chain("h0", 0.0, "dim the hall light to 30")]
    heard = {"k0": "Turn off the kitchen light.", "h0": "Dim the hall light to 30%."}
    assert household_prompt(turns, heard, 3 * DAY, lexicon=LEX) == (
        "turn off the kitchen light",
        "dim the hall light to 30",
    )
    assert household_prompt(turns, heard, 3 * DAY) == ()  # no word of the home known, none said twice


def test_recent_uses_count_more_than_old_ones() -> None:
    old = [chain(f"o{k}", 0.0, "play coldplay") for k in range(3)]
    new = [chain(f"n{k}", 90 * DAY, "play coldplay in the kitchen") for k in range(2)]
    both = ("play coldplay in the kitchen", "play coldplay")  # 2 x 1 > 3 x 1/8
    assert household_prompt(old + new, {}, 90 * DAY, lexicon=LEX) == both
    assert household_prompt(old + new, {}, 0.0, lexicon=LEX) == both[::-1]  # all as recent: 3 > 2
    assert household_prompt(old, {}, 0.0, lexicon=LEX) == ()  # "coldplay": no word of the home, one request


def test_never_a_failed_request_an_answer_a_safety_request_or_a_garble() -> None:
    turns = [
        chain("f", 0.0, "turn of the kitten light", defect=True),  # failed: never in the prompt
        chain("y", 0.0, "yes please"),  # an answer, not a request
        chain("k1", 0.0, "kll the hall light"),  # got through once, failed once: a mishearing
        chain("k2", 60.0, "kll the hall light", defect=True),
        chain("u", 0.0, "unlock the front door"),  # Whisper must never be led there
        chain("d", 0.0, "lock the back door"),  # a safety action
        chain("g", 0.0, "turn on the very right"),  # a garble that got through: not the home's words
        chain("ok", 0.0, "turn on the hall light"),
        chain("ok2", 0.0, "turn off the kitchen light"),
    ]
    assert household_prompt(turns, {}, DAY, lexicon=LEX) == (
        "turn off the kitchen light",
        "turn on the hall light",
    )


def test_a_rewritten_request_counts_as_its_target_what_the_household_meant() -> None:
    turns = [chain("r", 0.0, "turn of the kitten light", rewritten="turn off the kitchen light")]
    heard = {"r": "Turn of the kitten light."}
    assert household_prompt(turns, heard, DAY, lexicon=LEX) == ("turn off the kitchen light",)


NICK_DEVICES = (*DEVICES, Device("light.reading", "reading lamp", "light", "study"))
NICK_LEX = Lexicon.from_devices(NICK_DEVICES)
NAMES = NICK_LEX.names | NICK_LEX.areas


def test_own_words_are_the_households_words_for_a_thing_not_a_mishearing() -> None:
    assert own_words("turn on the bubble lamp", "turn on the reading lamp", NAMES) == ("bubble",)
    assert own_words("put the glow on", "turn on the reading lamp", NAMES) == ("glow",)  # phrasing aside
    assert own_words("turn on the kitten light", "turn on the kitchen light", NAMES) == ()  # sounds alike
    assert own_words("turn on the reading lump", "turn on the reading lamp", NAMES) == ()
    assert own_words("turn off tape the kitchen light", "turn off the kitchen light", NAMES) == ()  # no name
    assert own_words("turn on the bubble lamp", "play coldplay", NAMES) == ()  # not a name's place
    assert own_words("bubble to 40", "set the reading lamp to 50 percent", NAMES) == ()  # a value changed


def test_a_rule_source_saying_the_households_own_word_counts_as_said_when_heard_alike_twice() -> None:
    nick = [
        chain(f"n{d}", d * DAY, "turn on the bubble lamp", rewritten="turn on the reading lamp")
        for d in range(3)
    ]
    heard = {f"n{d}": "Turn on the bubble lamp." for d in range(3)}
    misheard = [
        chain(f"m{d}", d * DAY, "turn on the kitten light", rewritten="turn on the kitchen light")
        for d in range(3)
    ]
    once = [chain("o", 0.0, "turn off the wobble lamp", rewritten="turn off the reading lamp")]
    turns = [*nick, *misheard, *once]
    assert household_prompt(turns, heard, 3 * DAY, lexicon=NICK_LEX) == (
        "turn on the bubble lamp",  # the household's word, heard alike on 3 days
        "turn on the kitchen light",  # a mishearing: its target, as before
        "turn off the reading lamp",  # heard so on one day only: its target
    )
    assert household_prompt(turns, heard, 3 * DAY, lexicon=NICK_LEX, own_names=False) == (
        "turn on the kitchen light",
        "turn on the reading lamp",
        "turn off the reading lamp",
    )
    # a failed try of it counts against it, as for any request
    failed = [chain(f"f{d}", d * DAY + 60.0, "turn on the bubble lamp", defect=True) for d in range(3)]
    assert "turn on the bubble lamp" not in household_prompt(turns + failed, heard, 3 * DAY, lexicon=NICK_LEX)


def test_a_safety_name_never_enters_the_prompt_as_a_households_word() -> None:
    for said in ("open the big gate", "turn off the castle"):  # a nickname of the front door
        turns = [chain(f"n{d}", d * DAY, said, rewritten="unlock the front door") for d in range(3)]
        assert own_words(said, "unlock the front door", NAMES)  # sounds nothing like it
        assert household_prompt(turns, {}, 3 * DAY, lexicon=NICK_LEX) == ()


def test_the_learned_part_keeps_within_its_word_budget() -> None:
    turns = [chain("a", 0.0, "turn on the hall light"), chain("a2", 0.0, "turn on the hall light")]
    turns += [
        chain("b", 0.0, "set the kitchen light to 40 percent"),
        chain("c", 0.0, "turn off the hall light"),
    ]
    # 5 words, then 7 do not fit in 8, then 2 do: the budget is filled, never exceeded
    assert household_prompt(turns, {}, DAY, lexicon=LEX, max_words=8) == ("turn on the hall light",)
    assert household_prompt(turns, {}, DAY, max_words=0) == ()
    with pytest.raises(ValueError, match="max_words"):
        household_prompt(turns, {}, DAY, max_words=-1)


def test_the_recognizer_hears_the_household_first_then_the_fixed_list() -> None:
    learned = ("turn off the kitchen light", "play coldplay")
    fixed = ["turn on", "turn off", "kitchen light", "hall light", "play coldplay"]
    on = Settings()
    assert recognizer_vocabulary(on, learned, fixed) == [*learned, *fixed[:4]]
    off = dataclasses.replace(on, learning=LearningSettings(prompt=False))
    assert recognizer_vocabulary(off, learned, fixed) == fixed
    no_learning = dataclasses.replace(on, learning=LearningSettings(enabled=False))
    assert recognizer_vocabulary(no_learning, learned, fixed) == fixed
    no_prompt = dataclasses.replace(on, asr=dataclasses.replace(on.asr, use_domain_vocabulary=False))
    assert recognizer_vocabulary(no_prompt, learned, fixed) == []
    vosk = dataclasses.replace(
        on, asr=dataclasses.replace(on.asr, engine="vosk")
    )  # its grammar: the fixed list
    assert recognizer_vocabulary(vosk, learned, fixed) == fixed
    assert prompt_vocabulary(["  a b ", ""], ["a b", "c"]) == ["a b", "c"]
    # Whisper's prompt keeps the household's requests when the home's names overflow its budget
    many = [f"device number {k}" for k in range(80)]
    text = vocabulary_prompt(recognizer_vocabulary(on, learned, many))
    assert text is not None and text.startswith("turn off the kitchen light, play coldplay, device number 0")
    assert "device number 79" not in text


def record(turn_id: str, t: float, text: str, ok: bool, rewrite: Rewrite | None = None) -> TurnRecord:
    return TurnRecord(
        turn_id=turn_id, session_id=f"s{turn_id}", home_id="h", t_start=t, t_end=t + 2,
        asr_text=rewrite.original if rewrite else text.capitalize() + ".", rewrite=rewrite, text=text,
        intent="HassTurnOff" if ok else None, slots={"name": "kitchen light"} if ok else {},
        intent_confidence=0.9 if ok else 0.2, targets=("light.kitchen",) if ok else (),
        result_ok=True if ok else None, label=(Label.SUCCESS if ok else Label.DEFECT).value,
    )  # fmt: skip


def test_the_learner_writes_the_prompt_into_its_table_unless_told_not_to() -> None:
    turns = [record(f"k{d}", d * DAY + 3600, "turn off the kitchen light", True) for d in range(2)]
    turns += [record("x", DAY + 7200, "turn off the kitten light", False)]
    learner = Learner()
    learner.rebuild(turns, {}, 2 * DAY, LEX)
    assert learner.table.prompt == ("turn off the kitchen light",)
    assert RewriteTable.from_json(learner.table.to_json()).prompt == learner.table.prompt
    quiet = Learner(LearningSettings(prompt=False))
    quiet.rebuild(turns, {}, 2 * DAY, LEX)
    assert quiet.table.prompt == ()


def test_the_runtime_reads_the_active_tables_prompt_and_a_rollback_undoes_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "turns.sqlite3"
    settings = Settings()
    with TurnStore(db) as store, store.transaction():
        for day in range(2):
            store.add_turn(record(f"k{day}", day * DAY + 3600, "turn off the kitchen light", True))
    assert learned_prompt(settings, db) == ()  # nothing learned yet: the fixed prompt
    rebuild_tables(settings, db, DEVICES)
    assert learned_prompt(settings, db) == ("turn off the kitchen light",)
    with TurnStore(db) as store, store.transaction():
        for day in range(2, 5):
            store.add_turn(record(f"h{day}", day * DAY + 3600, "turn on the hall light", True))
    rebuild_tables(settings, db, DEVICES)
    assert learned_prompt(settings, db) == ("turn on the hall light", "turn off the kitchen light")
    off = dataclasses.replace(settings, learning=LearningSettings(prompt=False))
    assert learned_prompt(off, db) == ()
    assert main(["learn", "--db", str(db), "--list", "--profile", "x86_64-dev"]) == 0
    assert (
        "recognizer's prompt: 'turn on the hall light', 'turn off the kitchen light'"
        in capsys.readouterr().out
    )
    assert main(["learn", "--db", str(db), "--rollback", "--profile", "x86_64-dev"]) == 0
    assert learned_prompt(settings, db) == ("turn off the kitchen light",)


def test_an_unreadable_table_leaves_the_fixed_prompt(tmp_path: Path) -> None:
    db = tmp_path / "turns.sqlite3"
    folder = tables_dir(Settings(), db)
    TableVersions(folder).save(RewriteTable(prompt=("turn on the hall light",)))
    assert learned_prompt(Settings(), db) == ("turn on the hall light",)
    (folder / "table-000001.json").write_text("{not json")
    assert learned_prompt(Settings(), db) == ()


class PromptEars:
    """Hears every word right and keeps the prompt the runtime gave for each day's requests."""

    def __init__(self) -> None:
        self.prompts: list[tuple[str, ...]] = []
        self.learned: list[Learned] = []

    def hear(
        self,
        user: SimUser,
        said: str,
        rng: random.Random,
        vocabulary: Sequence[str],
        learned: Learned = NO_PROMPT,
    ) -> HeardText:
        self.prompts.append(tuple(vocabulary))
        self.learned.append(learned)
        return HeardText(said, 0.9)


def test_the_real_audio_arm_hears_with_the_learned_prompt_only_when_learning() -> None:
    ears, learner = PromptEars(), Learner()
    base, nights = nightly(learner), []

    def learn(log: SimLog, now: float) -> RewriterLike | None:
        rewriter = base(log, now)
        nights.append(learner.table.prompt)
        return rewriter

    simulate_home(3, "prompt-home", 3, learn, size="small", goals_per_day=(6, 8), hearing=ears)
    fixed = ears.prompts[0]  # the first day: nothing learned yet
    assert fixed and "turn on" in fixed
    learned = nights[-2]  # the last day was heard with the night before's table
    assert learned and ears.prompts[-1] == tuple(prompt_vocabulary(learned, fixed))
    assert ears.prompts[-1][: len(learned)] == learned
    # an error model is told the same requests (it hears them through their measured effect)
    assert ears.learned[0] == NO_PROMPT and ears.learned[-1] == Learned.of_texts(learned)
    off = PromptEars()
    simulate_home(3, "prompt-home", 3, None, size="small", goals_per_day=(6, 8), hearing=off)
    assert set(off.prompts) == {fixed} and set(off.learned) == {NO_PROMPT}
