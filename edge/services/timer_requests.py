"""Home Assistant's timer intents on a :class:`TimerBook`: what each request does and what is said about it
(Home Assistant's responses: "Timer set for 10 minutes", "5 minutes and 3 seconds left on the pizza
timer"). Pure: the book's clock is the only time; publishing is the service's business."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from edge.lang.durations import duration_from_slots, durations_said, spoken_duration
from edge.nlu.timer_slots import timer_verb
from edge.nlu.types import Intent
from edge.services.timers import Timer, TimerBook, TimerQuery, name_in_text, same_name, select

__all__ = [
    "TIMER_INTENTS",
    "TimerOutcome",
    "finished_text",
    "query_of",
    "run_timer_intent",
    "timer_verb",
    "which_timer",
]

TIMER_INTENTS = frozenset(
    {"HassStartTimer", "HassCancelTimer", "HassCancelAllTimers", "HassIncreaseTimer", "HassDecreaseTimer",
     "HassPauseTimer", "HassUnpauseTimer", "HassTimerStatus"}
)  # fmt: skip
_CHANGES = frozenset({"HassIncreaseTimer", "HassDecreaseTimer"})
MAX_TIMER_S = 24 * 3600.0 * 7  # a week: a longer one is a mishearing
_EVENTS = {
    "HassStartTimer": "started", "HassCancelTimer": "cancelled", "HassCancelAllTimers": "cancelled",
    "HassIncreaseTimer": "updated", "HassDecreaseTimer": "updated", "HassPauseTimer": "paused",
    "HassUnpauseTimer": "resumed",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class TimerOutcome:
    """What a timer request did: the text to say, whether it worked, the timers to ask about ("Which
    timer?") and the timers it changed with the event to publish for each."""

    text: str
    ok: bool | None = True
    ask: tuple[Timer, ...] = ()
    changed: tuple[tuple[str, Timer], ...] = ()
    intent: str = ""  # the timer intent carried out, when the verb said another than the NLU (timer_verb)


def query_of(intent: Intent, areas: Sequence[str] = ()) -> TimerQuery:
    """What the request says about the timer it means. A name that is one of the home's areas is the area
    ("the kitchen timer"); the start duration is ``start_*`` (Home Assistant) or, for a request that does
    not change a duration, the plain ``hours``/``minutes``/``seconds`` the NLU may give ("cancel the 5
    minute timer")."""
    slots = intent.slots
    name = slots.get("name", "").strip() or name_in_text(intent.text)
    area = slots.get("area", "").strip()
    if name and (same_name(name, area) or name.lower() in {a.lower() for a in areas}):
        name, area = "", area or name  # "the kitchen timer": the area, not a name
    said = durations_said(intent.text)
    if intent.name in _CHANGES:
        of_timer = [d.seconds for d in said if d.of_timer]
        started = sum(of_timer) if of_timer else duration_from_slots(slots, "start_")
    elif said:
        started = sum(d.seconds for d in said)
    else:
        started = duration_from_slots(slots, "start_") or duration_from_slots(slots)
    return TimerQuery(name=name, area=area, started_s=started)


def amount_of(intent: Intent) -> float | None:
    """The time to start a timer with, or to add or take off: read from the words when they say one (the
    whole of "1 hour, 15 minutes and 30 seconds", "5 and a half minutes", not "the 1 hour timer" of an
    increase), else from the slots."""
    said = durations_said(intent.text)
    amounts = [d.seconds for d in said if intent.name == "HassStartTimer" or not d.of_timer]
    return sum(amounts) if amounts else duration_from_slots(intent.slots)


def which_timer(timers: Sequence[Timer], now: float) -> str:
    labels = [f"{t.label} with {spoken_duration(t.left(now))} left" for t in timers[:4]]
    return (
        "Which timer: "
        + (", ".join(labels[:-1]) + " or " + labels[-1] if len(labels) > 1 else labels[0])
        + "?"
    )


def finished_text(timer: Timer) -> str:
    return (
        f"{timer.label[0].upper()}{timer.label[1:]} is done."
        if timer.name
        else f"Your {timer.label[4:]} is done."
    )


def _status(timers: Sequence[Timer], now: float) -> str:
    if not timers:
        return "There are no timers."
    parts = []
    for t in timers[:4]:
        paused = " (paused)" if t.paused else ""
        parts.append(f"{spoken_duration(t.left(now))} left on {t.label}{paused}")
    head = f"{len(timers)} timers. " if len(timers) > 1 else ""
    text = "; ".join(parts)
    return f"{head}{text[0].upper()}{text[1:]}."


def _none_match(query: TimerQuery, any_timers: bool) -> str:
    if not any_timers:
        return "There are no timers."
    if query.name:
        return f"There's no {query.name} timer."
    if query.started_s is not None:
        return f"There's no {spoken_duration(query.started_s, adjective=True)} timer."
    return f"There's no timer in the {query.area}." if query.area else "There are no timers."


def _start(book: TimerBook, intent: Intent, query: TimerQuery, area: str) -> TimerOutcome:
    seconds = amount_of(intent)
    if seconds is None or seconds <= 0:
        return TimerOutcome("For how long? Say for example: set a timer for 10 minutes.", ok=False)
    if seconds > MAX_TIMER_S:
        return TimerOutcome("That's longer than a week; I can set timers of up to a week.", ok=False)
    timer = book.start(seconds, name=query.name, area=query.area or area)
    named = f" named {timer.name}" if timer.name else ""
    text = f"Timer set for {spoken_duration(seconds)}{named}."
    if intent.slots.get("conversation_command", "").strip():
        text += " I can't run a command when it ends yet, so I'll just tell you."
    return TimerOutcome(text, changed=(("started", timer),))


def run_timer_intent(
    book: TimerBook, intent: Intent, areas: Sequence[str], satellite_area: str
) -> TimerOutcome:
    """Carry out one timer intent on ``book``."""
    verb = timer_verb(intent)
    outcome = _run(book, verb, areas, satellite_area)
    return outcome if verb is intent else replace(outcome, intent=verb.name)


def _run(book: TimerBook, intent: Intent, areas: Sequence[str], satellite_area: str) -> TimerOutcome:
    query = query_of(intent, areas)
    if intent.name == "HassStartTimer":
        return _start(book, intent, query, satellite_area)
    now = book.clock()
    everything = book.timers()
    if intent.name == "HassCancelAllTimers":
        gone = select(everything, TimerQuery(area=query.area), "") if query.area else everything
        for timer in gone:
            book.cancel(timer)
        where = f" in the {query.area}" if query.area else ""
        count = "1 timer" if len(gone) == 1 else f"{len(gone)} timers"
        text = f"Cancelled {count}{where}." if gone else f"No timers were cancelled{where}."
        return TimerOutcome(text, changed=tuple(("cancelled", t) for t in gone))
    found = select(everything, query, satellite_area)
    if intent.name == "HassTimerStatus":
        if not found and not query.empty:
            return TimerOutcome(_none_match(query, bool(everything)), ok=False)
        return TimerOutcome(_status(found or everything, now))
    if not found:
        return TimerOutcome(_none_match(query, bool(everything)), ok=False)
    if len(found) > 1:
        return TimerOutcome(which_timer(found, now), ok=None, ask=found)
    return apply_to(book, intent, found[0])


def apply_to(book: TimerBook, intent: Intent, timer: Timer) -> TimerOutcome:
    """Carry out a request on the one timer it means (also the answer to "Which timer?")."""
    verb = timer_verb(intent)
    if verb is not intent:
        return replace(apply_to(book, verb, timer), intent=verb.name)
    event = _EVENTS.get(intent.name, "updated")
    label = timer.label
    if intent.name == "HassCancelTimer":
        book.cancel(timer)
        return TimerOutcome(f"{label[0].upper()}{label[1:]} is cancelled.", changed=((event, timer),))
    if intent.name == "HassPauseTimer":
        return TimerOutcome(f"Paused {label}.", changed=((event, book.pause(timer)),))
    if intent.name == "HassUnpauseTimer":
        return TimerOutcome(f"Resumed {label}.", changed=((event, book.resume(timer)),))
    if intent.name == "HassTimerStatus":
        return TimerOutcome(_status((timer,), book.clock()))
    delta = amount_of(intent)
    if delta is None or delta <= 0:
        return TimerOutcome("By how much? Say for example: add 5 minutes to the timer.", ok=False)
    sign = -1.0 if intent.name == "HassDecreaseTimer" else 1.0
    new = book.add(timer, sign * delta)
    done = "removed from" if sign < 0 else "added to"
    left = spoken_duration(new.left(book.clock()))
    return TimerOutcome(f"{spoken_duration(delta)} {done} {label}; {left} left.", changed=((event, new),))
