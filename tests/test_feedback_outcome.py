"""The rephrase detector reads how the device's own turn ended (edge.feedback.outcome), and the hand-labelled
dialogue pairs it is measured on (tests/data/rephrase_dialogues.psv, `edge bench rephrase`)."""

from __future__ import annotations

import json
from argparse import Namespace
from dataclasses import replace
from pathlib import Path

import pytest

from edge.config import FeedbackSettings, Settings
from edge.feedback.observations import BargeIn
from edge.feedback.outcome import Outcome, turn_outcome
from edge.feedback.record import Asked, TurnRecord
from edge.feedback.retries import chatter
from edge.feedback.signals import detect_rephrases
from edge.lab.bench import rephrase as bench
from edge.lab.bench._rephrase_set import read_pairs, split_of

FB = FeedbackSettings()


def _turn(tid: str, t: float, text: str, **kw: object) -> TurnRecord:
    return TurnRecord(tid, "s", "h", t, t + 1.0, asr_text=text, text=text, **kw)  # type: ignore[arg-type]


def _done(tid: str, t: float, text: str, target: str, response: str) -> TurnRecord:
    cmd = ({"entity_id": target, "state": "on"},)
    return _turn(tid, t, text, intent="HassTurnOn", targets=(target,), commands=cmd, result_ok=True,
                 response=response)  # fmt: skip


def _links(turns: list[TurnRecord], barge_ins: tuple[BargeIn, ...] = ()) -> list[tuple[str, str]]:
    return [(s.turn_id, s.related_turn_id) for s in detect_rephrases(turns, FB, barge_ins=barge_ins)]


def test_the_outcome_of_a_stored_turn() -> None:
    done = _done("a", 0, "turn on the kitchen light", "light.kitchen", "OK.")
    assert turn_outcome(done) is Outcome.DONE
    assert turn_outcome(done, put_back=True) is Outcome.UNDONE
    assert turn_outcome(done, talked_over=True) is Outcome.TALKED_OVER
    assert turn_outcome(_turn("b", 0, "what time is it", intent="HassGetCurrentTime", result_ok=True)) is (
        Outcome.ANSWERED
    )
    assert turn_outcome(_turn("c", 0, "blah")) is Outcome.NOT_UNDERSTOOD
    offer = _turn("d", 0, "turn on the nook", intent="HassTurnOn", asked=Asked.TEACH)
    assert turn_outcome(offer) is Outcome.NOT_UNDERSTOOD  # "I don't know what nook is. Want to teach me?"
    failed = _done("e", 0, "turn on the kitchen light", "light.kitchen", "It didn't respond.")
    assert turn_outcome(replace(failed, result_ok=False)) is Outcome.DEVICE_ERROR


def test_asked_again_after_it_worked_is_not_a_rephrase_but_a_retry_after_a_miss_is() -> None:
    first = _done("a", 0, "turn on the kitchen light", "light.kitchen", "OK, the kitchen light is on.")
    again = _done("b", 15, "turn on the kitchen light", "light.kitchen", "OK, the kitchen light is on.")
    assert _links([first, again]) == []
    missed = _turn("a", 0, "turn on the kitchen light", response="Sorry, I don't know that.")
    assert _links([missed, again]) == [("a", "b")]


def test_two_unrelated_requests_after_sorry_are_two_misses() -> None:
    sorry = "Sorry, I don't know that."
    first = _turn("a", 0, "what's the capital of peru", response=sorry)
    other = _done("b", 5, "turn off the kitchen light", "light.kitchen", "OK.")
    assert _links([first, other]) == []
    nickname = _turn("a", 0, "turn on the reading nook", intent="HassTurnOn", asked=Asked.TEACH,
                     response="I don't know what reading nook is. Want to teach me")  # fmt: skip
    named = _done("b", 4, "turn on the hall light", "light.hall", "OK.")
    assert _links([nickname, named]) == [("a", "b")]  # the action understood, the name not: another try


def test_a_request_after_an_unanswered_two_readings_question_is_another_try() -> None:
    # issue 18: a garbled request the NLU half read ("kll the kitchen light"), the device asks which of
    # two readings, and the user says the request again (the engine handles it as a request, not as an
    # answer): the question does not make it an answer
    unsure = _turn("a", 0, "kll the kitchen light", intent="HassTurnOff", asked=Asked.UNSURE,
                   response="Do you want me to turn off or brighten the kitchen light?")  # fmt: skip
    again = _done("b", 6, "turn off the kitchen light", "light.kitchen", "OK, the kitchen light is off.")
    assert _links([unsure, again]) == [("a", "b")]
    # an unrelated request after the same question is still no rephrase
    other = _done("b", 6, "what time is it", "", "It's 8 pm.")
    assert _links([unsure, replace(other, intent="HassGetCurrentTime", targets=(), commands=())]) == []
    # a safety confirmation still makes the next turn an answer, not a retry
    confirm = replace(unsure, asked=Asked.CONFIRM, response="Do you want me to turn off the kitchen light?")
    assert _links([confirm, again]) == []


def test_a_device_error_retried_links_and_another_device_does_not() -> None:
    def failed(tid: str, t: float, text: str, target: str) -> TurnRecord:
        return _turn(tid, t, text, intent="HassTurnOn", targets=(target,), result_ok=False,
                     commands=({"entity_id": target},), result_error="device-timeout",
                     response="The garage light didn't respond.")  # fmt: skip

    first = failed("a", 0, "turn on the garage light", "light.garage")
    assert _links([first, _done("b", 5, "switch on the garage light", "light.garage", "OK.")]) == [("a", "b")]
    assert _links([first, _done("b", 5, "turn on the hallway light", "light.hallway", "OK.")]) == []


def test_a_response_talked_over_makes_the_correction_a_rephrase() -> None:
    first = _done("a", 0, "turn on the fan", "fan.bathroom", "OK, the bathroom fan is on.")
    fix = _done("b", 2.5, "turn on the ceiling fan", "fan.ceiling", "OK.")
    barge = (BargeIn("a", 1.2, 0.6, 2.0),)
    assert _links([first, fix]) == [("a", "b")]  # it picked another fan than the one meant
    assert _links([first, fix], barge) == [("a", "b")]
    weather = _turn("a", 0, "what's the weather like", intent="HassGetWeather", result_ok=True,
                    response="It's 14 degrees and cloudy with rain later.")  # fmt: skip
    lights = _done("b", 3, "turn on the kitchen light", "light.kitchen", "OK.")
    assert _links([weather, lights], (BargeIn("a", 1.5, 0.6, 3.0),)) == []  # impatience, not a correction


def test_an_objection_after_a_turn_that_worked_links_and_a_change_of_mind_does_not() -> None:
    first = _done("a", 0, "turn off the lamp", "light.office_lamp", "OK, the office lamp is off.")
    objection = _turn("b", 3, "no, the reading lamp", intent="HassTurnOff")
    assert _links([first, objection]) == [("a", "b")]
    change = _done("b", 5, "actually turn on the garage light", "light.garage", "OK.")
    assert _links([first, change]) == []


def test_the_pairs_file_rejects_a_malformed_line(tmp_path: Path) -> None:
    bad = tmp_path / "pairs.psv"
    bad.write_text("reword | a | finished | OK | 3 |  | b | 1\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"pairs.psv:1: expected"):
        read_pairs(bad)


def test_the_dialogue_set_is_large_split_and_covers_the_failure_modes() -> None:
    pairs = read_pairs(bench.default_pairs_file())
    assert len(pairs) >= 200
    modes = {p.mode for p in pairs}
    assert {"asked_again", "shared_words", "sorry_unrelated", "mishear_pair", "barge_fix"} <= modes
    blind = [p for p in pairs if p.split == "blind"]
    assert 0.2 * len(pairs) <= len(blind) <= 0.4 * len(pairs)
    assert split_of("turn on the light", "turn on the light") == split_of(
        "turn on the light", "turn on the light"
    )


def test_the_detector_on_the_dev_dialogues_with_the_real_nlu(capsys: pytest.CaptureFixture[str]) -> None:
    settings = Settings()
    pairs = read_pairs(bench.default_pairs_file())  # all development data since the first blind run
    parse, named = bench.family_home(settings)
    _, _, answers = bench.evaluate(pairs, parse, named, bench.recorder_detector(settings.feedback))
    counts = bench.Counts()
    for pair, said in answers:
        counts = counts.add(pair.label, said)
    assert counts.precision >= 0.9 and counts.recall >= 0.85, counts.to_json()
    assert bench.run(settings, Namespace(quick=False, blind="")) == 0
    out = capsys.readouterr().out
    assert '"all"' in out and '"blind"' in out and "held_out" not in out
    assert '"dev2"' in out  # the second set, development data since it was measured


def test_the_bench_reports_a_second_blind_set_apart(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blind = tmp_path / "blind.psv"
    blind.write_text(
        "retry_same | turn on the printer | not_understood | Sorry, I don't know that. | 3 | | "
        "turn on the printer | 1\n"
        "asked_again | turn on the printer | done | OK, the printer is on. | 20 | | "
        "turn on the printer | 0\n",
        encoding="utf-8",
    )
    assert bench.run(Settings(), Namespace(quick=True, blind=str(blind))) == 0
    out = capsys.readouterr().out
    report = json.loads(out[out.index("{") :])
    held_out = report["held_out"]
    assert held_out["n"] == 2 and held_out["tp"] == 1 and held_out["fp"] == 0
    assert "printer" not in out.replace(str(blind), "")  # counts only: never the blind pairs themselves
    assert bench.run(Settings(), Namespace(quick=False, blind=str(tmp_path / "none.psv"))) == 2


def test_a_sentence_encoders_meaning_replaces_the_weaker_cues_when_given() -> None:
    sorry = "Sorry, I don't know that."
    first = _turn("a", 0, "turn on the hot tub", intent="HassTurnOn", response=sorry)
    kettle = _done("b", 4, "turn on the kettle", "switch.kettle", "OK.")
    assert _links([first, kettle]) == [("a", "b")]  # same action, another name: taken for another try
    unrelated = lambda a, b: 0.1  # noqa: E731 - a meaning that says the two are about different things
    same = lambda a, b: 0.8  # noqa: E731
    found = detect_rephrases([first, kettle], FB, meaning=unrelated)
    assert found == []
    telly = _turn("a", 0, "make the telly go", response=sorry)
    tv = _done("b", 4, "switch on the television", "media_player.tv", "OK.")
    assert _links([telly, tv]) == []
    assert [s.related_turn_id for s in detect_rephrases([telly, tv], FB, meaning=same)] == ["b"]


SORRY = "Sorry, I didn't understand that."


def test_chatter_in_between_is_skipped_and_a_cancel_or_a_linked_try_is_not() -> None:
    missed = _turn("a", 0, "turn on the bathroom light", response=SORRY)
    time = _turn("b", 3, "what's the time")  # not understood, nothing done: not a request the device took
    retry = _done("c", 6, "turn on the bathroom light", "light.bathroom", "OK.")
    assert _links([missed, time, retry]) == [("a", "c")]
    cancel = _turn("b", 3, "never mind")
    assert _links([missed, cancel, retry]) == []  # "never mind" ends the wish
    garbled = _turn("b", 3, "turn on the bath room light", response=SORRY)  # a try of its own, linked
    assert _links([missed, garbled, retry]) == [("a", "b"), ("b", "c")]
    said = ("one second", "where is the cat", "mummy look")
    chat = [_turn(t, 2 + i, w) for i, (t, w) in enumerate(zip(("b1", "b2", "b3"), said, strict=True))]
    assert _links([missed, *chat[1:], retry]) == [("a", "c")]  # two turns of chatter
    assert _links([missed, *chat, retry]) == []  # more than two turns of chatter: the wish is over
    worked = _done("a", 0, "turn on the kitchen light", "light.kitchen", "OK, the kitchen light is on.")
    thanks = _turn("b", 3, "thanks")
    again = _done("c", 10, "turn on the kitchen light", "light.kitchen", "OK.")
    assert _links([worked, thanks, again]) == []  # asked again after it worked, chatter or not
    assert chatter(chatter_turn := _turn("b", 3, "mummy can I have some juice"), missed, retry)
    assert not chatter(_turn("b", 3, "play bathroom lake"), missed, retry)  # a garbled try: shares a word
    assert not chatter(replace(chatter_turn, intent="HassGetCurrentTime"), missed, retry)  # a request taken


def test_a_fragment_saying_again_what_was_not_done_is_a_correction() -> None:
    dimmed = _turn("a", 0, "dim the bedroom light to 30 percent", intent="HassLightSet",
                   targets=("light.bedroom",), commands=({"entity_id": "light.bedroom"},), result_ok=True,
                   response="Changed the bedroom light to 13 percent.")  # fmt: skip
    assert _links([dimmed, _turn("b", 3, "thirty percent")]) == [("a", "b")]
    assert _links([dimmed, _turn("b", 3, "and the hallway too")]) == []  # an addition
    timer = _turn("a", 0, "how many minutes on the egg timer", intent="HassTimerStatus", result_ok=True,
                  response="Your pasta timer has 6 minutes left.")  # fmt: skip
    assert _links([timer, _turn("b", 3, "the egg timer")]) == [("a", "b")]
    office = _turn("a", 0, "what's the office temperature", intent="HassGetState", result_ok=True,
                   response="It's 22 degrees in the office.")  # fmt: skip
    assert _links([office, _turn("b", 5, "office temperature")]) == []  # asked again: it named only that
    kitchen = _turn("a", 0, "what's the temperature in the kitchen", intent="HassGetState", result_ok=True,
                    response="It's 21 degrees in the kitchen.")  # fmt: skip
    assert _links([kitchen, _turn("b", 3, "in the bedroom")]) == []  # a follow-up question


def test_a_fragment_naming_a_place_after_a_turn_that_landed_elsewhere_is_a_correction() -> None:
    lit = _done("a", 0, "put the light on in here", "light.garage", "Turned on the garage light.")
    assert _links([lit, _turn("b", 3, "in the office")]) == [("a", "b")]
    assert _links([lit, _turn("b", 3, "in the office as well")]) == []
    exact = _done("a", 0, "turn on the kitchen light", "light.kitchen", "Turned on the kitchen light.")
    exact = replace(exact, target_scores=(1.0,), slots={"name": "kitchen light"})  # by its name, said back
    assert _links([exact, _turn("b", 3, "the hallway light please")]) == []
    assert _links([exact, _turn("b", 3, "50 percent")]) == []  # a follow-up naming nothing
    assert _links([lit, _turn("b", 3, "big light on")]) == []  # a whole request: the action after the name


def test_objections_inside_the_request_and_a_wrong_action_said_back() -> None:
    heating = _turn("a", 0, "turn the heating down", intent="ClimateCooler", targets=("climate.hall",),
                    commands=({"entity_id": "climate.hall"},), result_ok=True,
                    response="Set the thermostat to 23 degrees.")  # fmt: skip
    assert _links([heating, _turn("b", 3, "down, I said down")]) == [("a", "b")]
    cabinet = _done("a", 0, "switch on the island lights", "light.cabinet", "Turned on the cabinet lights.")
    assert _links([cabinet, _turn("b", 2, "island, not cabinet")]) == [("a", "b")]
    tv = _done("a", 0, "turn off the tv", "media_player.tv", "Turned off the living room tv.")
    assert _links([tv, _turn("b", 3, "it's not working")]) == []  # "not" of nothing the response said
    music = _turn("a", 0, "stop the music", intent="HassMediaPause", targets=("media_player.bar",),
                  commands=({"entity_id": "media_player.bar"},), result_ok=True,
                  response="Skipped the track on the soundbar.")  # fmt: skip
    again = replace(music, turn_id="b", t_start=3, t_end=4, response="")
    assert _links([music, again]) == [("a", "b")]
    paused = replace(music, response="Paused the soundbar.")
    assert _links([paused, again]) == []  # it did what was asked: asked again


def test_no_and_the_opposite_action_undoes_a_device_it_guessed() -> None:
    door = _done("a", 0, "open the door", "cover.garage_door", "Opened the garage door.")
    assert _links([door, _turn("b", 2, "no no close the garage door", intent="HassTurnOff")]) == [("a", "b")]
    assert _links([door, _turn("b", 2, "close the garage door", intent="HassTurnOff")]) == []
    named = replace(door, text="open the garage door", asr_text="open the garage door", target_scores=(1.0,))
    assert _links([named, _turn("b", 2, "no close it again", intent="HassTurnOff")]) == []


def test_try_again_after_a_device_error_and_the_same_words_again_landing_elsewhere() -> None:
    unreached = _done("a", 0, "turn on the bedroom fan", "fan.bedroom", "I couldn't reach the bedroom fan.")
    failed = replace(unreached, result_ok=False)
    assert _links([failed, _turn("b", 5, "try again")]) == [("a", "b")]
    assert _links([failed, _turn("b", 5, "one more time please")]) == [("a", "b")]
    assert (
        _links([_turn("a", 0, "blah", response=SORRY), _turn("b", 5, "try again")]) == []
    )  # nothing to retry
    island = _done(
        "a", 0, "turn on the kitchen light", "light.kitchen_island", "Turned on the kitchen island light."
    )
    again = _done("b", 3, "turn on the kitchen light", "light.kitchen", "OK.")
    again = replace(again, slots={"name": "kitchen light"})
    assert _links([island, again]) == [("a", "b")]  # it picked another light than the one said again
    same = replace(again, targets=("light.kitchen_island",))
    assert _links([island, same]) == []  # asked again, landing on the light it acted on
