"""What the learner reads besides the turns: rephrase links (a reworded request after a wrong action, a
device put back by hand) and the stored failure-point model."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from edge.config import FeedbackSettings
from edge.feedback.observations import ChangeSource, DeviceEvent
from edge.feedback.record import SignalKind, TurnRecord
from edge.feedback.rephrase import Interpretation, detect_rephrase
from edge.feedback.signals import detect_rephrases
from edge.learning.fpi import CLASSES, FEATURES, Forest, Tree, classify, fit_forest

FB = FeedbackSettings()


def test_a_reworded_verb_is_the_same_request_but_another_room_after_a_success_is_not() -> None:
    both = Interpretation("HassTurnOn", ("light.office", "light.office_lamp"), True)
    again = detect_rephrase(
        "switch on the office light", "turn on the office light", 9.0, FB,
        prev_response="Turned on the office light and the office lamp.", prev_interp=both, next_interp=both,
    )  # fmt: skip
    assert again.rephrase
    kitchen = Interpretation("HassTurnOn", ("light.kitchen",), True)
    hall = Interpretation("HassTurnOn", ("light.hall",), True)
    other = detect_rephrase(
        "kitchen light on", "hall light on", 5.0, FB,
        prev_response="Turned on the kitchen light.", prev_interp=kitchen, next_interp=hall,
    )  # fmt: skip
    assert not other.rephrase


def _turn(tid: str, text: str, t: float, target: str) -> TurnRecord:
    return TurnRecord(
        tid, "s", "h", t, t + 1.0, asr_text=text, text=text, intent="HassTurnOn", targets=(target,),
        commands=({"entity_id": target, "state": "on"},), result_ok=True,
        response=f"Turned on the {target.partition('.')[2]}.", prior_states={target: "off"},
    )  # fmt: skip


def test_a_device_put_back_by_hand_makes_the_next_request_a_rephrase() -> None:
    wrong = _turn("a", "turn on the glow", 0.0, "light.office")
    right = _turn("b", "turn on the bedroom lamp", 20.0, "light.bedroom_lamp")
    assert not detect_rephrases([wrong, right], FB)  # another light after a success: a new command
    back = DeviceEvent("light.office", "on", "off", 8.0, ChangeSource.MANUAL)
    found = detect_rephrases([wrong, right], FB, [back])
    assert [(s.turn_id, s.kind, s.related_turn_id) for s in found] == [("a", SignalKind.REPHRASE, "b")]


def test_the_failure_point_forest_fits_saves_and_refuses_a_model_of_other_features(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    x = rng.random((600, len(FEATURES)))
    x[:, 0] = 0.0  # no_speech
    x[:, FEATURES.index("recovered")] = 0.0
    x[:, FEATURES.index("timeout")] = 0.0
    y = np.where(x[:, 2] > 0.5, CLASSES.index("asr"), CLASSES.index("nlu"))
    forest = fit_forest(x, y, n_trees=7, min_leaf=5)
    accuracy = np.mean([classify(r, forest) == CLASSES[t] for r, t in zip(x, y, strict=True)])
    assert accuracy > 0.95
    path = tmp_path / "fpi.json"
    forest.save(path)
    loaded = Tree.load(path)
    assert isinstance(loaded, Forest) and loaded.predict(x[0]) == forest.predict(x[0])
    stale = json.loads(path.read_text())
    stale["features"] = stale["features"][:-1]
    path.write_text(json.dumps(stale))
    assert Tree.load(path) is None  # the labelling functions decide instead
