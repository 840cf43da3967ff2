"""Where the runtime's bundled data is: device types, demo homes, firmware profiles, the committed NLU
model, the models manifest and the demo WAV.

All of it is package data, found with :mod:`importlib.resources` under ``edge/_data`` and ``edge/assets``.
In a source checkout (and an editable install) ``edge/_data`` holds symlinks to the top-level
``devices/``, ``firmware_profiles/``, ``models/manifest.toml`` and ``models/nlu/``, so the checkout's files
are read; a wheel carries copies of them. Not package data: the downloaded third-party models
(``Settings.model_dir()``), the development data in ``../shared/data`` and the runtime's state folder.
"""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

from edge.errors import ConfigError

__all__ = [
    "data_dir",
    "default_model_cache",
    "demo_home",
    "demo_wav",
    "device_types",
    "firmware_profiles_dir",
    "homes_dir",
    "models_manifest",
    "nlu_model_dir",
    "profile_dir",
    "project_root",
    "source_checkout",
]


def _package_dir() -> Path:
    root = files("edge")
    if not isinstance(root, Path):  # a zip import: callers hand these paths to files, subprocesses, onnx
        raise ConfigError(
            f"the edge package is not on the file system ({root}): its data files cannot be opened",
            hint="install the ambient-edge wheel with pip (not zipped)",
        )
    return root


def data_dir() -> Path:
    """``edge/_data``: devices, firmware profiles and models (manifest and the NLU model)."""
    return _package_dir() / "_data"


def device_types() -> Path:
    """The device types file (``devices/types.toml`` in the checkout)."""
    return data_dir() / "devices" / "types.toml"


def homes_dir() -> Path:
    """The bundled homes (``devices/homes/`` in the checkout)."""
    return data_dir() / "devices" / "homes"


def demo_home() -> Path:
    """The demo home that ``edge demo``, ``replay``, ``parse`` and ``run`` use when no ``--home`` is given."""
    return homes_dir() / "demo.toml"


def firmware_profiles_dir() -> Path:
    """The firmware profiles, one ``<name>.toml`` each (``firmware_profiles/`` in the checkout)."""
    return data_dir() / "firmware_profiles"


def nlu_model_dir() -> Path:
    """The committed NLU model (``models/nlu/`` in the checkout: ``nlu.int8.onnx``, ``nlu.json``)."""
    return data_dir() / "models" / "nlu"


def models_manifest() -> Path:
    """The third-party models manifest (``models/manifest.toml`` in the checkout)."""
    return data_dir() / "models" / "manifest.toml"


def demo_wav() -> Path:
    """The bundled recording "hey jarvis, turn on the kitchen light" (``edge demo`` with no microphone)."""
    return _package_dir() / "assets" / "demo_kitchen_light.wav"


# Where the checkout, the model cache and the firmware profiles are (re-exported by edge.config)
def project_root() -> Path:
    """The folder above the ``edge`` package ($EDGE_ROOT overrides it): the source checkout when running
    from one. Bundled data is found with :mod:`edge.resources`, not here."""
    return Path(os.environ.get("EDGE_ROOT", Path(__file__).resolve().parent.parent))


def source_checkout() -> Path | None:
    """The source checkout ``edge`` runs from (source or editable install), or None for an installed wheel."""
    root = project_root()
    return root if (root / "pyproject.toml").is_file() and (root / "edge").is_dir() else None


def default_model_cache() -> Path:
    """Where downloaded third-party models go when neither ``paths.model_dir`` nor $EDGE_MODEL_DIR says:
    ``models/cache`` in a source checkout, else the user's data folder
    ($XDG_DATA_HOME/ambient-edge/models, by default ~/.local/share/ambient-edge/models)."""
    checkout = source_checkout()
    if checkout is not None:
        return checkout / "models" / "cache"
    xdg = os.environ.get("XDG_DATA_HOME", "")
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".local" / "share"
    return base / "ambient-edge" / "models"


def profile_dir() -> Path:
    return Path(os.environ.get("EDGE_PROFILE_DIR", firmware_profiles_dir()))
