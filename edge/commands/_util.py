"""Helpers shared by command modules."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from edge.config import Settings, load_settings

__all__ = ["emit_json", "settings_from_args"]


def settings_from_args(args: argparse.Namespace, extra: tuple[str, ...] = ()) -> Settings:
    config = Path(args.config) if getattr(args, "config", None) else None
    return load_settings(getattr(args, "profile", None), config, [*getattr(args, "overrides", []), *extra])


def emit_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n")
    sys.stdout.flush()
