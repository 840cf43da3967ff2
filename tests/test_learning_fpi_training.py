"""``edge train --fpi``: the failure-point forest the device ships is fitted in the lab (training) on
simulated homes whose turns went through the device's recorder, and read back by the device as fitted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from edge.cli import main
from edge.lab.sim.arms import run_arm
from edge.lab.training.fpi import FPI_ASR_MODEL, fit_fpi_tree, fpi_dataset, train_fpi
from edge.learning.fpi import CLASSES, FEATURES, Forest, Tree, classify, decisive


def test_train_fpi_writes_a_forest_the_device_reads(tmp_path: Path) -> None:
    out = tmp_path / "learning" / "fpi_tree.json"
    forest = train_fpi(out, seed=7, homes=3, days=3)
    loaded = Tree.load(out)
    assert isinstance(loaded, Forest) and loaded == forest and len(loaded.trees) == 25
    data = json.loads(out.read_text())
    assert data["features"] == list(FEATURES) and data["classes"] == list(CLASSES)
    # the same homes again give the same forest (seeded), fitted on the rows the turn does not settle; the
    # speakers hear as the real recognizer does (its measured confusions)
    assert FPI_ASR_MODEL == "calibrated"
    logs = run_arm(7, 3, 3, None, FPI_ASR_MODEL)
    assert fit_fpi_tree(logs) == forest
    x, y = fpi_dataset(logs)
    failed = sum(not log.truth[t.turn_id].achieved or bool(t.rewrite) for log in logs for t in log.turns)
    assert len(x) == len(y) == failed > 0
    assert {CLASSES[k] for k in y} <= set(CLASSES)
    # retries carry the session's turn just before them, as the device's failure_points computes it
    assert 0 < sum(row[FEATURES.index("before")] for row in x) < len(x)
    assert all(classify(row, loaded) == decisive(row) for row in x if decisive(row) is not None)


def test_train_fpi_takes_no_other_model_options(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["train", "--fpi", "--domain", "x.yaml", "--profile", "x86_64-dev"]) != 0
    assert "--fpi takes no --domain or --out" in capsys.readouterr().err
