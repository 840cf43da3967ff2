"""Helpers shared by command modules."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from edge.config import Settings, load_settings

__all__ = ["add_domain_argument", "emit_json", "settings_from_args"]


def settings_from_args(args: argparse.Namespace, extra: tuple[str, ...] = ()) -> Settings:
    """Settings from --profile/--config/--set, then ``extra`` overrides (and --domain as nlu.domain)."""
    config = Path(args.config) if getattr(args, "config", None) else None
    domain = getattr(args, "domain", None)
    if domain:
        extra = (*extra, f"nlu.domain={json.dumps(str(Path(domain).resolve()))}")
    return load_settings(getattr(args, "profile", None), config, [*getattr(args, "overrides", []), *extra])


def add_domain_argument(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--domain",
        metavar="FILE",
        help="a custom domain (HA custom sentences or Rhino context YAML): its grammar, then the NLU",
    )


def emit_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n")
    sys.stdout.flush()
