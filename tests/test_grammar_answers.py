"""Answers to the runtime's questions on a grammar-only satellite (zero2w, ``asr.engine = "grammar"``): the
waiting question's phrases (``edge.turns.expect``) heard as their own pocketsphinx search
(``edge.asr.answers``) on real espeak-ng speech, and the real runtime on a real Mosquitto with the
simulated demo home: a lock command asks, "yes" is heard and the lock acts; "no" cancels; an answer after
the confirmation window acts on nothing.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile
from test_core_event_stream import DEMO_HOME, Subscriber, demo_home_served
from turn_events import turns_of

from edge.app import RuntimeOptions, run
from edge.asr import grammar_only
from edge.asr.answers import ANSWER_ENGINE, answer_jsgf
from edge.asr.factory import load_recognizer, load_streaming
from edge.asr.fastpath.grammar import home_inputs
from edge.asr.grammar_only import (
    LOW_SCORE,
    SAFETY_TEMPLATES,
    GrammarOnlyRecognizer,
    judged,
    transcribe_turn,
    with_safety_templates,
)
from edge.audio.io import read_audio
from edge.config import load_settings
from edge.context.broker import MosquittoBroker
from edge.dialog.confirm import is_no, is_yes
from edge.events import Transcript
from edge.lab.grammar_calibrate import choose, figures, same_words
from edge.nlu.snapshots import demo_devices, make_snapshot
from edge.turns.engine import CONFIRM_EXPIRED, TurnEngine
from edge.turns.expect import NO_ANSWERS, YES_ANSWERS, expected_answers
from edge.turns.pending import Pending

pytest.importorskip("pocketsphinx")
SITE = "zero-pi"
YES_NO = (YES_ANSWERS, NO_ANSWERS)
ANSWERS_SAID = (
    ("yes please", YES_ANSWERS),
    ("go ahead", YES_ANSWERS),
    ("never mind", NO_ANSWERS),
    ("no thanks", NO_ANSWERS),
)


def test_every_answer_phrase_means_what_the_dialogue_reads() -> None:
    assert all(is_yes(p) for p in YES_ANSWERS) and all(is_no(p) for p in NO_ANSWERS)
    assert "cancel" in NO_ANSWERS


def test_the_waiting_question_names_its_answers() -> None:
    snap = make_snapshot(demo_devices())
    assert expected_answers(None, snap) == ()
    assert expected_answers(Pending("confirm", 0.0), snap) == YES_NO
    assert expected_answers(Pending("teach", 0.0), snap) == YES_NO
    assert expected_answers(Pending("teach_steps", 0.0), snap) == ()  # answered by a command
    which = expected_answers(Pending("which", 0.0, candidates=("lock.front_door", "cover.garage_door")), snap)
    assert len(which) == 4 and which[-1] == NO_ANSWERS and "both" in which[-2]  # every one offered
    assert {"front door lock", "the front door", "hallway", "the first one"} <= set(which[0])
    assert {"garage door", "the last one", "the second one"} <= set(which[1])


def test_answer_phrases_with_unknown_words_are_left_out() -> None:
    jsgf, kept = answer_jsgf(["yes", "zzqx please", "don't", "no"], {"yes", "no", "please"})
    assert kept == ("yes", "no") and "( yes ) | ( no )" in jsgf
    assert answer_jsgf(["blorp"], {"yes"})[1] == ()


@pytest.fixture(scope="module")
def recognizer() -> GrammarOnlyRecognizer:
    rec = load_recognizer(load_settings("zero2w"))
    assert isinstance(rec, GrammarOnlyRecognizer)
    stream = load_streaming(load_settings("zero2w"), rec)
    assert stream is rec.stream
    return rec


def test_yes_and_no_are_heard_as_answers_and_never_as_each_other(
    recognizer: GrammarOnlyRecognizer, synth: Callable[..., Path]
) -> None:
    """Short answers are hard for a small acoustic model: about half of them are heard (docs/appliance.md);
    one not heard is asked again by the person, one heard with the other meaning would be a wrong action."""
    heard_right = 0
    for voice in ("en-us", "en-us+f3"):
        for said, group in ANSWERS_SAID:
            samples = read_audio(synth(said, voice=voice))
            heard = transcribe_turn(recognizer, samples, (), None, answers=YES_NO)
            if heard.engine == ANSWER_ENGINE:
                assert not heard.rejected and heard.text in group, (said, voice, heard)
                heard_right += 1
    assert heard_right >= 4
    # no question waiting: the same audio goes to the command grammar, which has no "yes"
    heard = transcribe_turn(recognizer, read_audio(synth("yes please")), (), None)
    assert heard.engine != ANSWER_ENGINE and heard.rejected


def test_other_speech_is_not_taken_for_an_answer(
    recognizer: GrammarOnlyRecognizer, synth: Callable[..., Path]
) -> None:
    for said in ("what is the capital of france", "tell me a joke about cats", "call my sister"):
        heard = transcribe_turn(recognizer, read_audio(synth(said)), (), None, answers=YES_NO)
        assert heard.engine != ANSWER_ENGINE and heard.rejected, (said, heard)


@pytest.fixture(scope="module")
def dialogue(
    synth: Callable[..., Path], tmp_path_factory: pytest.TempPathFactory
) -> tuple[list[dict[str, Any]], list[tuple[str, dict[str, Any]]]]:
    """One file replayed as a microphone (real time): lock -> "yes please"; lock -> "never mind"; lock ->
    (silence past the 4 s confirmation window) -> "yes please"."""
    tmp = tmp_path_factory.mktemp("grammar_answers")
    lock = "hey jarvis, can you lock the front door"
    script = (
        (lock, 1.0, 2.0),
        ("hey jarvis, yes please", 0.3, 3.0),
        (lock, 0.3, 2.0),
        ("hey jarvis, never mind", 0.3, 3.0),
        (lock, 0.3, 10.0),  # 6 s past the window, whatever the load on the machine
        ("hey jarvis, yes please", 0.3, 3.0),
    )
    parts = [
        read_audio(synth(text, voice="en-us+m3", name=f"ans_{i}", lead_silence_s=lead, tail_silence_s=tail))
        for i, (text, lead, tail) in enumerate(script)
    ]
    wav = tmp / "dialogue.wav"
    soundfile.write(wav, np.concatenate(parts), 16_000, subtype="PCM_16")
    printed: list[dict[str, Any]] = []
    with (
        pytest.MonkeyPatch.context() as patch,
        MosquittoBroker() as broker,
        demo_home_served(broker.port),
    ):
        # the dialogue is under test here, not the command's recognition (edge bench grammar measures
        # that: a lock command is rarely believed at the grammar-only operating point)
        patch.setattr(grammar_only, "GRAMMAR_THRESHOLD", 0.5)
        # the first lock turn is handled slowly (a busy board): "yes please" is recognized while that
        # turn is still deciding to ask, and must still be heard as the answer to its question
        request, slowed = TurnEngine._request, []

        async def slow_first_request(self: TurnEngine, d: Any, snapshot: Any) -> str:
            if not slowed:
                slowed.append(True)
                await asyncio.sleep(5.0)
            return await request(self, d, snapshot)

        patch.setattr(TurnEngine, "_request", slow_first_request)
        settings = load_settings("zero2w", None, [
            'mqtt.host="127.0.0.1"', f"mqtt.port={broker.port}", f'satellite.site_id="{SITE}"',
            'satellite.area="hallway"', 'feedback.tts="none"', "asr.timeout_s=60",
            "mqtt.command_timeout_s=15", "safety.confirm_window_s=4",
        ])  # fmt: skip
        subscriber = Subscriber(broker.port)
        try:
            options = RuntimeOptions(home=DEMO_HOME, wav=wav, db=tmp / "turns.sqlite3", realtime=True)
            assert asyncio.run(run(settings, options, lambda e: printed.append(e.to_json()))) == 0
        finally:
            subscriber.close()
    return printed, [(m.topic, m.payload) for m in subscriber.messages]


def _said(turn: list[dict[str, Any]]) -> tuple[str, str, str]:
    heard = [e for e in turn if e["type"] == "transcript"]
    response = [e for e in turn if e["type"] == "response"]
    return (
        heard[0]["text"] if heard else "",
        heard[0]["engine"] if heard else "",
        response[-1]["text"] if response else "",
    )


def test_a_lock_asks_yes_acts_no_cancels_and_a_late_yes_acts_on_nothing(dialogue: Any) -> None:
    printed, published = dialogue
    turns = turns_of(printed)
    said = [_said(t) for t in turns]
    assert len(turns) == 6, json.dumps(said)
    actions = [p for t, p in published if t == f"edge/{SITE}/action"]
    acted = {p["turn_id"]: p for p in actions}
    ids = [t[0]["turn_id"] for t in turns]
    # 1: "lock the front door" asks and does nothing yet
    assert "?" in said[0][2] and ids[0] not in acted, said[0]
    # 2: "yes" is heard by the answer search, and the lock acts
    assert is_yes(said[1][0]) and said[1][1] == ANSWER_ENGINE, said[1]
    assert acted[ids[1]]["entity_id"] == "lock.front_door", actions
    # 3, 4: asked again, "never mind" cancels
    assert "?" in said[2][2] and ids[2] not in acted, said[2]
    assert is_no(said[3][0]) and said[3][1] == ANSWER_ENGINE and said[3][2] == "OK, I won't.", said[3]
    assert ids[3] not in acted
    # 5, 6: asked again, then silence past the window: the late "yes" acts on nothing
    assert "?" in said[4][2] and ids[4] not in acted, said[4]
    assert said[5][2] == CONFIRM_EXPIRED and ids[5] not in acted, said[5]
    assert len(actions) == 1


def test_the_grammar_only_operating_point_judges_whole_sentences_only() -> None:
    low = Transcript(
        "turn on the kitchen light", 0.6, "pocketsphinx-grammar", 1.0, rejected=True, reason=LOW_SCORE
    )
    assert not judged(low, 0.5).rejected and judged(low, 0.5).reason == ""
    assert judged(low, 0.7) is low
    accepted = dataclasses.replace(low, rejected=False, reason="")
    assert judged(accepted, 0.7).rejected and judged(accepted, 0.7).reason == LOW_SCORE
    partial = dataclasses.replace(low, reason="incomplete", confidence=0.0)
    assert judged(partial, 0.0) is partial  # never a sentence the grammar does not accept


def test_the_grammar_only_recognizer_adds_lock_and_alarm_sentences_once() -> None:
    inputs = home_inputs(["front door"], ["hallway"])
    added = with_safety_templates(inputs)
    assert set(SAFETY_TEMPLATES) <= set(added.templates) and with_safety_templates(added) == added


def test_the_calibration_rule_takes_the_lowest_threshold_that_holds() -> None:
    assert same_words("turn on the kitchen light please", "turn on kitchen light")
    assert not same_words("turn off the kitchen light", "turn on the kitchen light")

    def row(kind: str, score: float, same: bool = True) -> dict[str, Any]:
        return {"kind": kind, "ok": True, "score": score, "opposite_rejected": False, "same": same,
                "text": kind, "hyp": kind}  # fmt: skip

    rows = [row("in", 0.9), row("in", 0.4), row("opposite", 0.6, same=False), row("opposite", 0.8)]
    rows += [row("out", 0.5)] + [dict(row("out", 0.0), ok=False) for _ in range(99)]
    assert choose(rows, 0.01, 0.0) == pytest.approx(0.6001)  # past the opposite clip's wrong accept
    assert figures(rows, 0.6001)["in"] == {
        "clips": 2, "accepted": 1, "right": 1, "wrong_accepts": 0, "examples": []
    }  # fmt: skip
