"""The runner-up reading the device asks about below the operating point ("Do you want me to turn on or turn
off the fan?"): :func:`other_reading`. Pure."""

from __future__ import annotations

from collections.abc import Mapping

from edge.context.model import ContextSnapshot
from edge.nlu.catalogue import OUT_OF_DOMAIN, by_name
from edge.nlu.targets import choose_targets
from edge.nlu.types import Intent

__all__ = ["other_reading"]


def other_reading(
    first: Intent,
    label: str,
    *,
    slots: Mapping[str, str],
    focus: str,
    media: str,
    snapshot: ContextSnapshot,
) -> Intent | None:
    """The runner-up reading when it would move a device and do something else than ``first`` (another
    action, or the same on other devices); None otherwise."""
    spec = by_name(label)
    if label == OUT_OF_DOMAIN or spec is None or not spec.moves_device:
        return None
    targets, scores = choose_targets(label, slots, focus, media, snapshot, text=first.text)
    if not targets or not first.targets:
        return None
    return Intent(label, slots, first.confidence, first.text, targets, first.margin, "text", scores)
