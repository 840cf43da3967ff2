"""Timers on the device, in memory, on an injected monotonic clock (nothing survives a restart).

:class:`TimerBook` keeps the timers; :func:`select` picks the ones a request means, the way Home Assistant
does: by name, by area, by the duration a timer was started with ("the 5 minute timer"), else the only
timer, else the only one started in the satellite's area. Several left: the caller asks which one.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from edge.lang import fold
from edge.lang.durations import duration_in_text, spoken_duration

__all__ = ["Timer", "TimerBook", "TimerQuery", "chosen_timer", "name_in_text", "same_name", "select"]

_NOT_NAMES = frozenset(
    {"the", "my", "a", "an", "this", "that", "all", "every", "each", "of", "those", "these", "your", "our",
     "hour", "hours", "minute", "minutes", "second", "seconds", "min", "mins", "sec", "secs", "and", "half",
     "new", "current", "running", "paused", "first", "last", "other", "one", "another", "timer", "timers",
     "set", "start", "create", "make", "cancel", "stop", "pause", "resume", "continue", "unpause", "add",
     "increase", "decrease", "remove", "take", "status", "time", "left", "how", "much", "long", "is", "on",
     "in", "for", "to", "from", "off", "by", "what", "whats", "please", "check", "tell", "me", "delete"}
)  # fmt: skip
_CALLED = re.compile(r"\b(?:named|called)\s+([a-z' ]+?)(?=\s+(?:by|for|to|in|with)\b|$)")
_TIMER_FOR = re.compile(r"\btimers?\s+for\s+(?:the\s+|my\s+)?([a-z' ]+?)(?=\s+(?:by|to|in)\b|$)")


@dataclass(frozen=True, slots=True)
class Timer:
    """One timer. ``started_s`` is the duration it was started with (what "the 5 minute timer" names);
    while running it ends at ``ends_at`` on the book's clock, while paused ``left_s`` is what is left."""

    timer_id: str
    name: str
    area: str
    started_s: float
    ends_at: float
    left_s: float = 0.0
    paused: bool = False

    def left(self, now: float) -> float:
        return self.left_s if self.paused else max(0.0, self.ends_at - now)

    @property
    def label(self) -> str:
        """How the timer is spoken of: "the pizza timer", "the 10 minute timer"."""
        if self.name:
            return f"the {self.name} timer"
        return f"the {spoken_duration(self.started_s, adjective=True)} timer"

    def to_json(self, now: float) -> dict[str, object]:
        return {
            "id": self.timer_id, "name": self.name, "area": self.area, "seconds": round(self.started_s, 1),
            "seconds_left": round(self.left(now), 1), "paused": self.paused,
        }  # fmt: skip


@dataclass(frozen=True, slots=True)
class TimerQuery:
    """What a request says about the timer it means (all optional)."""

    name: str = ""
    area: str = ""
    started_s: float | None = None

    @property
    def empty(self) -> bool:
        return not self.name and not self.area and self.started_s is None


def same_name(a: str, b: str) -> bool:
    """Names equal once folded, without "timer" and a plural s ("pizzas" is "pizza")."""

    def key(text: str) -> str:
        words = [w for w in fold(text).split() if w not in {"the", "my", "timer", "timers"}]
        return " ".join(w[:-1] if len(w) > 3 and w.endswith("s") else w for w in words)

    return bool(key(a)) and key(a) == key(b)


def name_in_text(text: str) -> str:
    """The timer's name in ``text`` when the NLU gave none: "the pizza timer", "pizza timer status", "a
    timer called boiled eggs", "the timer for pizza"; never a duration ("the 5 minute timer"), a verb or a
    determiner ("cancel all the timers")."""
    said = fold(text.replace("-", " "))
    for pattern in (_CALLED, _TIMER_FOR):
        for match in pattern.finditer(said):
            words = match.group(1).split()
            if words and not any(w in _NOT_NAMES or w[0].isdigit() for w in words):
                return " ".join(words)
    words = said.split()
    for i, word in enumerate(words):
        if word not in {"timer", "timers"}:
            continue
        name: list[str] = []
        for w in reversed(words[max(0, i - 2) : i]):  # at most two words right before "timer"
            if w in _NOT_NAMES or w[0].isdigit():
                break
            name.insert(0, w)
        if name:
            return " ".join(name)
    return ""


class TimerBook:
    """The device's timers. ``clock`` is monotonic seconds (injected for tests); nothing is persisted."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self.clock = clock
        self._timers: dict[str, Timer] = {}
        self._ids = itertools.count(1)

    def __len__(self) -> int:
        return len(self._timers)

    def timers(self) -> tuple[Timer, ...]:
        """Every timer, the one ending first first (paused ones by what is left)."""
        now = self.clock()
        return tuple(sorted(self._timers.values(), key=lambda t: (t.left(now), t.timer_id)))

    def start(self, seconds: float, *, name: str = "", area: str = "") -> Timer:
        timer_id = f"timer-{next(self._ids)}"
        timer = Timer(timer_id, name, area, seconds, self.clock() + seconds)
        self._timers[timer_id] = timer
        return timer

    def cancel(self, timer: Timer) -> None:
        self._timers.pop(timer.timer_id, None)

    def add(self, timer: Timer, seconds: float) -> Timer:
        """Add (or with a negative ``seconds`` take off) time; what is left never goes below zero."""
        now = self.clock()
        left = max(0.0, timer.left(now) + seconds)
        new = replace(timer, left_s=left) if timer.paused else replace(timer, ends_at=now + left)
        self._timers[timer.timer_id] = new
        return new

    def pause(self, timer: Timer) -> Timer:
        new = timer if timer.paused else replace(timer, paused=True, left_s=timer.left(self.clock()))
        self._timers[timer.timer_id] = new
        return new

    def resume(self, timer: Timer) -> Timer:
        new = replace(timer, paused=False, ends_at=self.clock() + timer.left_s) if timer.paused else timer
        self._timers[timer.timer_id] = new
        return new

    def due(self) -> list[Timer]:
        """The running timers that have ended, removed from the book."""
        now = self.clock()
        done = [t for t in self.timers() if not t.paused and t.ends_at <= now]
        for timer in done:
            del self._timers[timer.timer_id]
        return done

    def next_end(self) -> float | None:
        """When the next running timer ends (on the book's clock), None when none runs."""
        return min((t.ends_at for t in self._timers.values() if not t.paused), default=None)


def select(timers: Iterable[Timer], query: TimerQuery, satellite_area: str) -> tuple[Timer, ...]:
    """The timers a request means. A name, an area or a start duration filters; with none of them, the
    only timer, else the ones started in the satellite's area when that leaves one, else all of them."""
    found = tuple(timers)
    if query.name:
        named = tuple(t for t in found if same_name(t.name, query.name))
        if not named and not query.area:  # "the kitchen timer": an area said as a name
            named = tuple(t for t in found if t.area and same_name(t.area, query.name))
        found = named
    if query.area:
        found = tuple(t for t in found if same_name(t.area, query.area))
    if query.started_s is not None:
        found = tuple(t for t in found if abs(t.started_s - query.started_s) < 0.5)
    if len(found) > 1 and query.empty and satellite_area:
        here = tuple(t for t in found if same_name(t.area, satellite_area))
        if len(here) == 1:
            return here
    return found


def chosen_timer(text: str, candidates: Iterable[Timer]) -> Timer | None:
    """The timer named in the answer to "Which timer: ...?" (by name or by duration), None otherwise."""
    options = tuple(candidates)
    said = fold(text)
    by_name = [t for t in options if t.name and re.search(rf"\b{re.escape(fold(t.name))}", said)]
    if len(by_name) == 1:
        return by_name[0]
    seconds = duration_in_text(said)
    if seconds is not None:
        by_time = [t for t in options if abs(t.started_s - seconds) < 0.5]
        if len(by_time) == 1:
            return by_time[0]
    return None
