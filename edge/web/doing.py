"""How it is doing: per-day figures over the turn log and the plots drawn from them, server-side as SVG.

Pure over stored turns (the caller reads them through the turn store). Days are local calendar days of the
turns' own clock; the window ends at the newest turn, so a replayed or simulated log reads as well as a
live one. Each plot is an inline ``<svg>`` with a ``viewBox`` that scales to a phone's width.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape

from edge.feedback.observations import StoredTurn
from edge.feedback.record import Label, SignalKind

__all__ = ["DayFigures", "Doing", "bar_chart", "doing"]


@dataclass(frozen=True, slots=True)
class DayFigures:
    day: str  # YYYY-MM-DD
    turns: int
    defects: int
    labelled: int
    wakes: int
    false_wakes: int

    @property
    def defect_rate(self) -> float | None:
        return self.defects / self.labelled if self.labelled else None


@dataclass(frozen=True, slots=True)
class Doing:
    days: tuple[DayFigures, ...]
    failure_points: tuple[tuple[str, int], ...]  # (failure point, defective turns), most first
    latency: tuple[tuple[str, float, float, int], ...]  # (stage, median ms, p90 ms, turns timed)
    turns: int


def _day(t: float) -> str:
    return datetime.fromtimestamp(t).strftime("%Y-%m-%d")


def _quantile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def doing(turns: Sequence[StoredTurn], days: int = 14) -> Doing:
    """Figures over the last ``days`` days that have turns, ending at the newest turn."""
    if not turns:
        return Doing((), (), (), 0)
    per_day: dict[str, list[StoredTurn]] = defaultdict(list)
    for t in turns:
        per_day[_day(t.record.t_start)].append(t)
    kept = sorted(per_day)[-days:]
    figures = []
    points: Counter[str] = Counter()
    stages: dict[str, list[float]] = defaultdict(list)
    for day in kept:
        group = per_day[day]
        labels = Counter(t.record.label for t in group)
        figures.append(
            DayFigures(
                day, len(group), labels[Label.DEFECT.value],
                labels[Label.DEFECT.value] + labels[Label.SUCCESS.value],
                sum(bool(t.record.wake_word) for t in group),
                sum(any(s.kind == SignalKind.FALSE_WAKE for s in t.signals) for t in group),
            )
        )  # fmt: skip
        for t in group:
            if t.record.label == Label.DEFECT.value:
                points[t.record.failure_point or "not yet known"] += 1
            for stage, ms in t.record.timings_ms.items():
                stages[stage].append(float(ms))
    latency = tuple(
        (stage, round(_quantile(v, 0.5), 1), round(_quantile(v, 0.9), 1), len(v))
        for stage, v in sorted(stages.items())
    )
    return Doing(tuple(figures), tuple(points.most_common()), latency, sum(f.turns for f in figures))


def bar_chart(
    title: str, bars: Sequence[tuple[str, float]], *, unit: str = "", top: float | None = None
) -> str:
    """One labelled bar per item, as inline SVG (no script, no external asset)."""
    width, height, left, bottom, head = 360, 180, 34, 30, 20
    plot_w, plot_h = width - left - 6, height - bottom - head
    peak = top if top is not None else max((v for _, v in bars), default=0.0)
    peak = peak or 1.0
    step = plot_w / max(len(bars), 1)
    named = f" ({unit.strip()})" if unit else ""
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">',
        f'<text x="2" y="13" class="chart-title">{escape(title + named)}</text>',
        f'<line x1="{left}" y1="{head + plot_h}" x2="{width - 4}" y2="{head + plot_h}" class="axis"/>',
        f'<text x="{left - 4}" y="{head + 8}" class="tick" text-anchor="end">{_fmt(peak)}</text>',
        f'<text x="{left - 4}" y="{head + plot_h}" class="tick" text-anchor="end">0</text>',
    ]
    for i, (label, value) in enumerate(bars):
        h = plot_h * min(value, peak) / peak
        x = left + i * step + step * 0.15
        parts.append(
            f'<rect x="{x:.1f}" y="{head + plot_h - h:.1f}" width="{step * 0.7:.1f}" height="{h:.1f}"'
            ' class="bar">'
            f"<title>{escape(label)}: {_fmt(value)}{unit}</title></rect>"
        )
        if len(bars) <= 16 or i % max(1, len(bars) // 8) == 0:
            parts.append(
                f'<text x="{x + step * 0.35:.1f}" y="{height - 16}" class="tick" text-anchor="middle">'
                f"{escape(label[:9])}</text>"
            )
    parts.append("</svg>")
    return "".join(parts)


def _fmt(value: float) -> str:
    return f"{value:.0f}" if value >= 10 or value == int(value) else f"{value:.2f}"
