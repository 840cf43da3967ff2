"""The learned prompt's measured effect on the calibrated ASR-error model (issue 18): which items a learned
request holds, the paired measurement and its ratios, the data file, and the speaker's ears hearing a
household's own requests better while the prompt holds them (and exactly as before when it is empty)."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from pathlib import Path

import pytest

from edge.config import Settings
from edge.errors import ConfigError
from edge.lab.sim import prompt_effect
from edge.lab.sim.confusions import Confusions, Consistency, Outcomes
from edge.lab.sim.confusions_model import CalibratedASR
from edge.lab.sim.prompt_effect import NO_PROMPT, Learned, PairedClip, PromptEffect, measure
from edge.learning.vocabulary import learned_prompt_heard


def _t(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def test_an_item_is_in_the_prompt_only_when_a_learned_request_says_it_whole() -> None:
    learned = Learned.of_texts(["Turn on the bubble lamp.", "Set the heat to twenty one"])
    assert learned and not NO_PROMPT
    assert learned.has("bubble lamp") and learned.has("turn") and learned.has("21")
    assert not learned.has("bubble light") and not learned.has("lamp on") and not learned.has("bub")


def test_the_ratios_compare_the_same_items_heard_with_each_prompt() -> None:
    learned = Learned.of([_t("turn on the bubble lamp")])
    names = ("bubble lamp", "porch light")
    on, off = "turn on the bubble lamp", "turn off the porch light"
    clips = [
        # the learned request: its name misheard with the fixed prompt only
        PairedClip(_t(on), _t("turn on the double lamp"), _t(on), names, learned),
        PairedClip(_t(on), _t(on), _t(on), names, learned),
        # another request: its name misheard either way; "off" (not in a learned request) only with the fixed
        PairedClip(_t(off), _t("turn of the torch light"), _t("turn off the torch light"), names, learned),
    ]
    got = measure(clips, prior=0.0)
    assert got.counts["names_in"] == (2, 1, 0) and got.ratios["names_in"] == 0.0
    assert got.counts["names_out"] == (1, 1, 1) and got.ratios["names_out"] == 1.0
    assert got.counts["words_out"] == (1, 1, 0)  # "off"
    assert (
        got.counts["words_in"] == (8, 0, 0) and got.ratios["words_in"] == 1.0
    )  # nothing misheard: no change
    shrunk = measure(clips, prior=2.0)
    assert shrunk.ratios["names_in"] == pytest.approx(2 / 3)  # one mishearing does not make the ratio 0
    assert shrunk.factor("bubble lamp", phrase=True, learned=learned) == pytest.approx(2 / 3)
    assert shrunk.factor("porch light", phrase=True, learned=learned) == 1.0
    assert shrunk.factor("bubble lamp", phrase=True, learned=NO_PROMPT) == 1.0  # no prompt, no change


def test_the_file_round_trips_and_a_bad_one_says_what_to_do(tmp_path: Path) -> None:
    effect = PromptEffect({"names_in": 0.5, "names_out": 0.8, "words_in": 0.6, "words_out": 0.9},
                          {"names_in": (10, 4, 2)}, 12, "test")  # fmt: skip
    path = tmp_path / "effect.json"
    effect.save(path)
    assert prompt_effect.load(path) == effect
    assert prompt_effect.load(tmp_path / "absent.json") is None  # absent: the fixed prompt's rates
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**effect.to_json(), "ratios": {"names_in": -1.0}}))
    with pytest.raises(ConfigError, match="malformed prompt effect") as err:
        prompt_effect.load(bad)
    assert "_prompt_effect --write" in (err.value.hint or "")
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    with pytest.raises(ConfigError, match="cannot read"):
        prompt_effect.load(broken)


def _table() -> Confusions:
    cons = Consistency(0.6, 0.9, 0.3, 100)
    carriers = {w: Outcomes(1000, 1000) for w in ("turn", "on", "the")}
    names = {
        "kitchen light": Outcomes(100, 60, {"kitten light": 40}),
        "bubble lamp": Outcomes(100, 60, {"double lamp": 40}),
    }
    return Confusions(
        "test", ("a",), ("b",), ("clean",), 100, 0.1, 0.3, {"a": 0.1}, carriers, names,
        0.0, {}, cons, Consistency(0.0, 0.0, 0.0, 0), (0.6,) * 11, (0.3,) * 11, 0.0,
    )  # fmt: skip


def test_a_speaker_mishears_a_learned_request_less_and_nothing_else_changes() -> None:
    names = frozenset({"kitchen light", "bubble lamp"})
    effect = PromptEffect({"names_in": 0.25, "names_out": 1.0, "words_in": 1.0, "words_out": 1.0}, {}, 0)
    learned = Learned.of_texts(["turn on the bubble lamp"])

    def rate(said: str, prompt: Learned, with_effect: bool = True) -> float:
        rng, wrong = random.Random(7), 0
        for k in range(300):
            ears = CalibratedASR.sample(random.Random(k), _table(), names, effect if with_effect else None)
            wrong += sum(ears.hear(said, rng, prompt)[1] for _ in range(10))
        return wrong / 3000

    assert rate("turn on the bubble lamp", NO_PROMPT) == pytest.approx(0.4, abs=0.05)
    assert rate("turn on the bubble lamp", learned) == pytest.approx(0.1, abs=0.03)
    assert rate("turn on the kitchen light", learned) == pytest.approx(0.4, abs=0.05)  # not in the prompt
    assert rate("turn on the bubble lamp", learned, with_effect=False) == pytest.approx(0.4, abs=0.05)
    # with no learned requests the speaker hears draw for draw as without the effect
    plain = CalibratedASR.sample(random.Random(3), _table(), names)
    prompted = CalibratedASR.sample(random.Random(3), _table(), names, effect)
    a, b = random.Random(11), random.Random(11)
    for _ in range(50):
        assert plain.hear("turn on the bubble lamp", a) == prompted.hear(
            "turn on the bubble lamp", b, NO_PROMPT
        )


def test_the_learned_requests_are_heard_only_where_the_runtime_puts_them_in_the_prompt() -> None:
    base = Settings()
    assert base.asr.engine == "whisper" and learned_prompt_heard(base)
    assert not learned_prompt_heard(replace(base, learning=replace(base.learning, prompt=False)))
    assert not learned_prompt_heard(replace(base, learning=replace(base.learning, enabled=False)))
    assert not learned_prompt_heard(replace(base, asr=replace(base.asr, engine="vosk")))
    assert not learned_prompt_heard(replace(base, asr=replace(base.asr, use_domain_vocabulary=False)))


def test_the_committed_effect_lowers_what_the_learned_requests_say() -> None:
    effect = prompt_effect.load()
    if effect is None:
        pytest.skip("no measured prompt effect committed (python -m edge.lab.bench._prompt_effect --write)")
    assert set(effect.ratios) == set(prompt_effect.KINDS)
    assert effect.ratios["names_in"] < 1.0 and effect.ratios["words_in"] < 1.0
    assert all(n >= 100 for n, _, _ in effect.counts.values())  # every ratio rests on a real sample
