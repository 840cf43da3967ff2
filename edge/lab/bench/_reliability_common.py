"""What a part of ``edge bench reliability`` reports: a named figure, its unit and the target it serves."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Figure"]


@dataclass(frozen=True, slots=True)
class Figure:
    """One measured figure: ``name`` (what was counted or timed), ``value``, ``unit`` and ``target``
    (the target it is measured against, in words, e.g. "0" or "< 300 MB")."""

    name: str
    value: float | int | str
    unit: str = ""
    target: str = ""

    def line(self) -> str:
        value = f"{self.value:.3g}" if isinstance(self.value, float) else str(self.value)
        unit = f" {self.unit}" if self.unit else ""
        target = f"  (target {self.target})" if self.target else ""
        return f"{self.name}: {value}{unit}{target}"
