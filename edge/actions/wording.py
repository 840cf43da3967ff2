"""How an answer's words are put together: a sentence's first letter, "is" or "are" for a name. Pure."""

from __future__ import annotations

__all__ = ["cap", "is_plural"]


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def is_plural(name: str) -> bool:
    """Whether a device's name reads as plural ("the kitchen lights", "the blinds"; not "the glass")."""
    last = name.rsplit(maxsplit=1)[-1] if name.split() else ""
    return last.endswith("s") and not last.endswith(("ss", "us", "is"))
