"""Training data (HWU64 mapping and split, labels) and training end to end on a tiny data set (slow)."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from edge.config import Settings, project_root
from edge.lab.training.card import main
from edge.lab.training.domain import train_domain_model
from edge.lab.training.examples import Example, constant, dataset_digest, from_sample
from edge.lab.training.generate import build_dataset
from edge.lab.training.hwu64 import _ANNOTATION, HwuRow, hwu_examples, served_label
from edge.lab.training.train import TrainConfig, train_model
from edge.nlu.domains import load_domain
from edge.nlu.grammar import Sample
from edge.nlu.parser import NLUParser
from edge.nlu.snapshots import demo_devices, make_snapshot


def row(scenario: str, intent: str, annotation: str, held_out: bool = False) -> HwuRow:
    text = _ANNOTATION.sub(lambda m: m.group(2), annotation)
    slots = tuple((m.group(1), m.group(2)) for m in _ANNOTATION.finditer(annotation))
    return HwuRow("1", scenario, intent, text, slots, held_out, annotation)


def tagged(r: HwuRow) -> tuple[str, dict[str, str]]:
    served = served_label(r)
    assert served is not None
    label, sample = served
    ex = from_sample(sample, constant(label), random.Random(0))
    assert ex is not None
    spans: dict[str, str] = {}
    for token, tag in zip(ex.tokens, ex.tags, strict=True):
        if tag != "O":
            spans[tag[2:]] = f"{spans.get(tag[2:], '')} {token}".strip()
    return ex.intent, spans


def test_held_out_rows_never_become_training_examples() -> None:
    rows = [
        row("iot", "hue_lightoff", "turn off the [house_place : kitchen] lights", held_out=True),
        row("play", "game", "let's play chess", held_out=True),
        row("iot", "hue_lightoff", "lights off in the [house_place : hall]"),
    ]
    examples = hwu_examples(rows, random.Random(0))
    assert {" ".join(e.tokens) for e in examples} == {"lights off in the hall"}


def test_served_scenarios_are_mapped_not_dropped() -> None:
    assert tagged(row("play", "game", "can we play [game_name : hangman]")) == ("OutOfDomain", {})
    assert tagged(row("audio", "volume_mute", "mute the speakers")) == ("HassMediaPlayerMute", {})
    assert tagged(row("audio", "volume_up", "unmute the speaker now"))[0] == "HassMediaPlayerUnmute"
    assert tagged(row("play", "radio", "please play [radio_name : red fm]")) == (
        "HassMediaSearchAndPlay",
        {"search_query": "red fm"},
    )
    assert tagged(
        row("play", "music", "play [song_name : let me love you] by [artist_name : ariana grande]")
    ) == ("HassMediaSearchAndPlay", {"search_query": "let me love you by ariana grande"})
    assert tagged(row("play", "podcasts", "skip to next"))[0] == "HassMediaNext"
    assert tagged(row("music", "settings", "shuffle this playlist"))[0] == "OutOfDomain"
    assert tagged(row("music", "likeness", "this song was very good"))[0] == "TeachPreference"
    assert tagged(row("datetime", "query", "what is the date today"))[0] == "HassGetCurrentDate"
    assert tagged(row("datetime", "query", "give me the time"))[0] == "HassGetCurrentTime"
    assert tagged(row("datetime", "query", "what time is it in [place_name : london]"))[0] == "OutOfDomain"
    assert tagged(row("datetime", "convert", "time difference between uk and us"))[0] == "OutOfDomain"
    assert tagged(row("lists", "createoradd", "please add sugar to my grocery list")) == (
        "HassShoppingListAddItem",
        {"item": "sugar"},
    )
    assert tagged(row("lists", "createoradd", "create a new list for school supplies"))[0] == "OutOfDomain"
    assert tagged(row("lists", "remove", "remove apples from my list"))[0] == "OutOfDomain"


def test_turning_on_a_vacuum_or_coffee_maker_is_labelled_start_and_brew() -> None:
    spans = ((12, 18, "name", "roomba"),)
    label = constant(("HassTurnOn", "*", ""))
    vacuum = from_sample(Sample("turn on the roomba", spans), label, random.Random(0), name_domain="vacuum")
    lamp = from_sample(Sample("turn on the roomba", spans), label, random.Random(0), name_domain="light")
    coffee = from_sample(
        Sample("turn on the roomba", spans), label, random.Random(0), name_domain="coffee_maker"
    )
    assert vacuum is not None and (vacuum.intent, vacuum.focus) == ("HassVacuumStart", "vacuum")
    assert coffee is not None and (coffee.intent, coffee.focus) == ("CoffeeBrew", "coffee_maker")
    assert lamp is not None and (lamp.intent, lamp.focus) == ("HassTurnOn", "light")


def test_dataset_without_shared_data_skips_hwu64_with_a_message(capsys: pytest.CaptureFixture[str]) -> None:
    data = build_dataset(project_root(), None, scale=0.05, noise=0.0)
    assert "hwu64" not in data.counts and data.counts["template"] > 0
    assert "HWU64 not found" in capsys.readouterr().err


@pytest.mark.slow
def test_tiny_training_run_exports_a_working_model(tmp_path: Path) -> None:
    pytest.importorskip("torch")

    data = build_dataset(project_root(), None, scale=0.15, noise=0.1)
    meta = train_model(data.examples, tmp_path, TrainConfig(epochs=2))
    assert (tmp_path / meta["model_file"]).is_file()
    assert (tmp_path / "MODEL_CARD.md").read_text().startswith("# Contextual NLU model")
    parser = NLUParser(Settings(), tmp_path)
    snapshot = make_snapshot(demo_devices(), area="kitchen")
    intent = parser.parse("turn on the light", snapshot)
    assert intent is not None and intent.name == "HassTurnOn"


@pytest.mark.slow
def test_domain_training_learns_the_grammar(tmp_path: Path) -> None:
    pytest.importorskip("torch")

    path = tmp_path / "pizza.yaml"
    path.write_text(
        'context:\n  expressions:\n    orderPizza:\n      - "[give me, I want] (a) $size:size pizza"\n'
        '  slots:\n    size: ["small", "large", "twelve inch"]\n'
    )
    spec = load_domain(path)
    out = tmp_path / "model"
    train_domain_model(Settings(), spec, out, epochs=2, scale=0.1)
    parser = NLUParser(Settings(), out)
    snapshot = make_snapshot(demo_devices())
    intent = parser.parse("i want a twelve inch pizza", snapshot)
    assert intent is not None
    assert (intent.name, dict(intent.slots)) == ("orderPizza", {"size": "twelve inch"})


def test_generated_data_is_identical_under_any_string_hash_seed() -> None:
    """Two processes with different PYTHONHASHSEED generate the same examples (set/dict order of strings
    must never decide what is sampled)."""

    code = (
        "from edge.config import Settings, project_root\n"
        "from edge.lab.training.examples import dataset_digest\n"
        "from edge.lab.training.generate import build_dataset\n"
        "d = build_dataset(project_root(), Settings().shared_data(), seed=5, scale=0.04)\n"
        "print(len(d.examples), dataset_digest(d.examples))\n"
    )
    outs = []
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120, check=False
        )
        assert done.returncode == 0, done.stderr
        outs.append(done.stdout.split())
    assert outs[0] == outs[1]
    assert int(outs[0][0]) > 1000


def test_dataset_digest_sees_every_field() -> None:
    ex = Example(("turn", "on"), ("O", "O"), "HassTurnOn", "light", "", (0.0, 1.0))
    base = dataset_digest([ex])
    assert dataset_digest([ex]) == base
    for changed in (
        replace(ex, intent="HassTurnOff"),
        replace(ex, tags=("O", "B-name")),
        replace(ex, facts=(1.0, 1.0)),
        replace(ex, focus="switch"),
        replace(ex, source="hwu64"),
    ):
        assert dataset_digest([changed]) != base


def test_model_card_is_written_from_metadata_with_the_benchmark(tmp_path: Path) -> None:
    meta = json.loads((Path(__file__).resolve().parent.parent / "models" / "nlu" / "nlu.json").read_text())
    meta.pop("benchmark", None)
    (tmp_path / "nlu.json").write_text(json.dumps(meta))
    report = {
        "model": "x",
        "model_size_mb": 13.5,
        "edge": {
            "iot_rows": 317,
            "iot_intent_accuracy": 0.9432,
            "false_action_rate_not_for_a_device": 0.0142,
        },
        "barista_audio_path": {"clips": 180, "exact_match": 0.9944, "misses": [{"audio": "a.wav"}]},
        "blind_eval": {
            "home_rows": 68,
            "home_intent_accuracy": 0.985,
            "ood_rows": 64,
            "ood_false_actions": 3,
        },
        "parse_ms_median": 0.6,
        "parse_ms_p99": 2.1,
    }
    (tmp_path / "bench.json").write_text(json.dumps(report))
    assert main([str(tmp_path), "--benchmark", str(tmp_path / "bench.json")]) == 0
    card = (tmp_path / "MODEL_CARD.md").read_text()
    assert "| HWU64 iot intent accuracy (held-out half) | 94.3% |" in card
    assert "| barista exact match, audio path (180 clips) | 99.4% |" in card
    assert "| own blind set: false actions on out-of-domain (64 rows) | 3 |" in card
    stored = json.loads((tmp_path / "nlu.json").read_text())["benchmark"]
    assert "model" not in stored and "misses" not in stored["barista_audio_path"]
    main([str(tmp_path)])  # regenerating without a report keeps the stored figures
    assert (tmp_path / "MODEL_CARD.md").read_text() == card
