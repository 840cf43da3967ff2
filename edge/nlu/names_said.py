"""Which of a kind's devices a request names whole, and whether it names a thermostat: shared by the readers
of one kind of device (:mod:`edge.nlu.fan_speeds`, :mod:`edge.nlu.white_words`). Pure."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from edge.context.model import ContextSnapshot, Device
from edge.lang import model_tokens

__all__ = ["named_one", "names_climate"]


def names_climate(tokens: Sequence[str], snapshot: ContextSnapshot) -> bool:
    """Whether the words say a thermostat's (or water heater's) name or alias whole."""
    said = f" {' '.join(tokens)} "
    return any(
        f" {key} " in said
        for d in snapshot.devices.values()
        if d.domain in {"climate", "water_heater"}
        for key in (" ".join(model_tokens(n)) for n in (d.name, *d.aliases))
        if key
    )


def named_one(tokens: Sequence[str], devices: Sequence[Device], kind_words: Collection[str]) -> Device | None:
    """The one of ``devices`` whose name (or alias) is said whole, the longest name first, a name that is
    only a word of the kind ("fan", "lights") never counting; None for none or several."""
    said = f" {' '.join(tokens)} "
    found: dict[str, tuple[int, Device]] = {}
    for device in devices:
        for name in (device.name, *device.aliases):
            key = " ".join(model_tokens(name))
            if key and key not in kind_words and f" {key} " in said:
                best = found.get(device.entity_id)
                if best is None or len(key) > best[0]:
                    found[device.entity_id] = (len(key), device)
    if not found:
        return None
    longest = max(n for n, _ in found.values())
    top = [d for n, d in found.values() if n == longest]
    return top[0] if len(top) == 1 else None
