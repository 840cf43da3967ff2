"""Would the words said have worked: the heard words repaired toward the home's vocabulary and parsed by the
real NLU on the home's registry (:mod:`edge.learning.fpi_repair`), as failure-point features."""

from __future__ import annotations

from edge.config import Settings
from edge.context.model import ContextSnapshot
from edge.feedback.record import TurnRecord
from edge.learning.canonical import Lexicon
from edge.learning.fpi import CARRIER_WORDS, FEATURES, featurize
from edge.learning.fpi_repair import REPAIR_FEATURES, RepairParser, registry_snapshot, repair, repair_features
from edge.nlu.parse_result import ParseResult
from edge.nlu.parser import NLUParser
from edge.nlu.snapshots import demo_devices
from edge.wiring import repair_nlu

DEVICES = demo_devices()
LEX = Lexicon.from_devices(DEVICES.values())


def _turn(heard: str, **kw: object) -> TurnRecord:
    base: dict[str, object] = {
        "turn_id": "t1",
        "session_id": "s",
        "home_id": "h",
        "t_start": 0.0,
        "t_end": 2.0,
        "asr_text": heard,
        "text": heard,
        "asr_confidence": 0.6,
    }
    base.update(kw)
    return TurnRecord(**base)  # type: ignore[arg-type]


def test_a_misheard_name_is_repaired_to_the_registry_name_it_sounds_like() -> None:
    fixed = repair("turn on the bedroom like", LEX, CARRIER_WORDS)
    assert fixed.text == "turn on the bedroom light" and fixed.words == 2 and fixed.alike > 0.7
    assert repair("kll the office lamp", LEX, CARRIER_WORDS).text == "kill the office lamp"
    # known words and numbers stay as heard; nothing unknown, nothing repaired
    same = repair("set the bedroom light to 40 percent", LEX, CARRIER_WORDS)
    assert same.text == "set the bedroom light to 40 percent" and same.words == 0 and same.alike == 0.0
    # a word like nothing the home says is left as it was
    assert repair("turn on the xyzzyq", LEX, CARRIER_WORDS).text == "turn on the xyzzyq"


def test_a_repair_that_parses_and_acts_against_a_garble_that_does_not() -> None:
    nlu = RepairParser(NLUParser(Settings()), registry_snapshot(DEVICES))
    misheard = dict(
        zip(
            REPAIR_FEATURES,
            repair_features(_turn("turn on the bedroom like"), LEX, CARRIER_WORDS, nlu),
            strict=True,
        )
    )
    assert misheard["rep_parsed"] == 1.0 and misheard["rep_acts"] == 1.0 and misheard["rep_differs"] == 1.0
    assert misheard["rep_conf"] > 0.5 and misheard["rep_words"] == 2.0
    garble = dict(
        zip(
            REPAIR_FEATURES,
            repair_features(_turn("what a lovely evening outside"), LEX, CARRIER_WORDS, nlu),
            strict=True,
        )
    )
    # repaired toward the home's words ("want a level living said"), it still asks for nothing
    assert garble["rep_parsed"] == 1.0 and garble["rep_acts"] == 0.0 and garble["rep_conf"] == 0.0
    # each repaired text is parsed once
    repair_features(_turn("turn on the bedroom like"), LEX, CARRIER_WORDS, nlu)
    assert list(nlu._cache) == ["turn on the bedroom light", "want a level living said"]


def test_without_a_repair_the_turn_s_own_reading_stands_in() -> None:
    turn = _turn(
        "turn on the bedroom light",
        intent="HassTurnOn",
        intent_confidence=0.93,
        intent_margin=0.8,
        targets=("light.bedroom",),
    )
    nlu = RepairParser(NLUParser(Settings()), registry_snapshot(DEVICES))
    x = dict(zip(FEATURES, featurize(turn, (), None, LEX, nlu=nlu), strict=True))
    assert [x[f] for f in REPAIR_FEATURES] == [0.0, 0.0, 0.0, 0.93, 0.8, 1.0, 0.0]
    assert not nlu._cache  # nothing to repair: nothing parsed
    # no NLU at hand: the same features from the turn alone
    assert featurize(turn, (), None, LEX) == featurize(turn, (), None, LEX, nlu=nlu)


def test_the_runtime_rebuild_uses_its_own_parser_not_a_second_model() -> None:
    """`edge run`'s idle rebuild hands the engine's parser to the failure points (no second NLU model in
    memory); `edge learn`, a process of its own, loads one (`wiring.repair_nlu`)."""

    class Counting:
        def __init__(self) -> None:
            self.calls = 0

        def analyse(self, text: str, snapshot: ContextSnapshot) -> ParseResult:
            self.calls += 1
            return ParseResult(text, None, "OutOfDomain", 0.0, False)

    own = Counting()
    nlu = repair_nlu(Settings(), tuple(demo_devices().values()), own)
    assert nlu is not None and nlu.parser is own
    nlu.analyse("turn on the kitchen light")
    nlu.analyse("turn on the kitchen light")  # parsed once per text
    assert own.calls == 1
    assert repair_nlu(Settings(), (), own) is None  # no registry: no repair
