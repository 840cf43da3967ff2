"""The command-line contract of ``edge parse`` and ``edge intents`` (as subprocesses), and model errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from edge.config import Settings
from edge.errors import ModelError
from edge.nlu.parser import NLUParser

ROOT = Path(__file__).resolve().parent.parent


def edge(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "edge", *args],
        check=False,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


def test_parse_prints_one_json_object() -> None:
    done = edge("parse", "what's", "the", "temperature", "--area", "kitchen", "--state", "oven.kitchen=on")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 1
    out = json.loads(lines[0])
    assert set(out) >= {"text", "intent", "slots", "targets", "confidence"}
    assert out["intent"] == "HassClimateGetTemperature"
    assert "oven.kitchen" in out["targets"]


def test_parse_without_a_home_reads_the_demo_home() -> None:
    """The one demo home, devices/homes/demo.toml, is what parse reads when no home is given."""
    done = edge("parse", "turn on the reading lamp", "--area", "kitchen")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["targets"] == ["light.living_room_lamp"]


def test_parse_reads_the_home_files_states_and_state_overrides_them() -> None:
    """The demo home has the living room ceiling light on (brightness 180): a state question reads that,
    not an "every device off" snapshot, and ``--state`` still overrides the file."""
    asked = ("parse", "is", "the", "living", "room", "ceiling", "light", "on")
    done = edge(*asked)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["says"] == "The living room ceiling light is on."
    done = edge(*asked, "--state", "light.living_room_ceiling=off")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["says"] == "The living room ceiling light is off."


def test_parse_prints_each_part_of_a_request_in_parts_as_the_device_carries_them_out() -> None:
    """ "close the blinds and turn on the lamp" read whole turned the lamp off; the device reads each part
    (the turn engine's split), and so does ``edge parse``: both parts, the most cautious decision."""
    done = edge("parse", "close the blinds and turn on the lamp", "--area", "living room")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert [(p["text"], p["intent"]) for p in out["parts"]] == [
        ("close the blinds", "HassTurnOff"),
        ("turn on the lamp", "HassTurnOn"),
    ]
    assert out["decision"] == "act" and out["acts_on"] == [
        "cover.living_room_blinds",
        "light.living_room_lamp",
    ]
    locked = ("parse", "turn off the lights and unlock the front door", "--area", "hallway")
    out = json.loads(edge(*locked).stdout)
    assert out["decision"] == "confirm" and "lock.front_door" in out["acts_on"]
    out = json.loads(edge("parse", "turn off the lamp and the tv", "--area", "living room").stdout)
    assert "parts" not in out and out["intent"] == "HassTurnOff"  # one request, several devices


def test_parse_out_of_domain_is_null() -> None:
    done = edge("parse", "tell me a joke")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["intent"] is None
    assert out["targets"] == []


def test_parse_batch_one_line_per_request(tmp_path: Path) -> None:
    batch = tmp_path / "in.jsonl"
    items = [
        {"text": "play the hunger games", "context": {"area": "living room", "screen": True}},
        {"text": "play the hunger games", "context": {"area": "kitchen", "screen": False}},
        {
            "text": "pause",
            "context": {"area": "bedroom", "states": {"media_player.living_room_tv": "playing"}},
        },
    ]
    batch.write_text("\n".join(json.dumps(i) for i in items) + "\n")
    done = edge("parse", "--batch", str(batch))
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.strip().splitlines()]
    assert [r["text"] for r in rows] == [i["text"] for i in items]
    assert rows[0]["slots"]["media_class"] == "movie"
    assert rows[1]["slots"]["media_class"] == "audiobook"
    assert rows[2]["targets"] == ["media_player.living_room_tv"]


def test_parse_bad_state_is_a_clear_error() -> None:
    done = edge("parse", "pause", "--state", "nonsense")
    assert done.returncode == 1
    assert "entity_id=state" in done.stderr


def test_intents_json_lists_the_catalogue() -> None:
    done = edge("intents", "--json")
    assert done.returncode == 0, done.stderr
    catalogue = {i["name"]: i for i in json.loads(done.stdout)}
    for name in (
        "HassTurnOn",
        "HassMediaSearchAndPlay",
        "HassSetVolumeRelative",
        "HassVacuumCleanArea",
        "TeachMacro",
        "Confirm",
        "OutOfDomain",
    ):
        assert name in catalogue
    assert catalogue["HassTurnOn"]["moves_device"] is True
    assert catalogue["HassGetCurrentTime"]["moves_device"] is False
    assert set(catalogue["HassTurnOn"]) == {
        "name",
        "description",
        "slots",
        "domains",
        "moves_device",
        "origin",
    }


def test_missing_model_dir_names_the_make_target(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="make models-nlu"):
        NLUParser(Settings(), tmp_path / "nowhere")


def test_corrupt_metadata_is_a_model_error(tmp_path: Path) -> None:
    (tmp_path / "nlu.json").write_text("{not json")
    with pytest.raises(ModelError, match="make models-nlu"):
        NLUParser(Settings(), tmp_path)
