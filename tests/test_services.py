"""The intents that need no device (issue 14): timers on the device, lists in SQLite, respond, the time,
the date and the weather, nevermind. Pure units for the rules; the real turn engine from ``build_turns``
on the simulated demo home with scripted intents (every HA name, whether or not today's model emits it)
and with text through the real NLU model, on a real SQLite store."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

from edge.config import Settings
from edge.context.model import ContextSnapshot, Device, DeviceState, Satellite
from edge.events import EventType, PipelineEvent
from edge.feedback.record import Asked, TurnRecord
from edge.lab.sim.local import LocalHome
from edge.lang.durations import duration_from_slots, duration_in_text, durations_said, spoken_duration
from edge.nlu.parser import NLUParser
from edge.nlu.types import Intent
from edge.services import SERVICE_INTENTS, HomeServices
from edge.services.lists import (
    MIGRATIONS,
    SCHEMA_VERSION,
    ListItem,
    ListStore,
    list_in_text,
    list_key,
    lists_path,
)
from edge.services.replies import NO_WEATHER, RESPONSES, current_date, current_time, weather
from edge.services.timers import TimerBook, TimerQuery, name_in_text, select
from edge.turns.heard import Heard
from edge.wiring import build_turns

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "devices" / "homes" / "demo.toml"


@dataclass
class Clock:
    now: float = 1000.0

    def __call__(self) -> float:
        return self.now


@cache
def _nlu() -> NLUParser:
    return NLUParser(Settings())


class Scripted:
    """A parser that hands the engine the intent scripted for each text (the engine's logic under test)."""

    def __init__(self, intents: dict[str, Intent]) -> None:
        self.intents = intents

    def parse(self, text: str, snapshot: ContextSnapshot) -> Intent | None:
        return self.intents.get(text)


def _intent(intent_name: str, text: str, **slots: str) -> Intent:
    return Intent(intent_name, slots, confidence=0.99, text=text)


async def _run(
    tmp_path: Path,
    lines: Sequence[tuple[str, float]],
    parser: Scripted | NLUParser,
    clock: Clock,
    area: str = "kitchen",
) -> tuple[list[TurnRecord], list[PipelineEvent]]:
    """Each (text, clock time) through the driver; announcements are made by ticking the driver."""
    home = LocalHome.from_file(DEMO, home_id="h")
    home.satellite = Satellite(area=area)
    events: list[PipelineEvent] = []
    records: list[TurnRecord] = []
    async with await build_turns(
        Settings(), home, db=tmp_path / "t.db", home_id="h", parser=parser, rewriter=None, speaker=None,
        emit=events.append, clock=clock,
    ) as turns:  # fmt: skip
        for i, (text, t) in enumerate(lines):
            clock.now = t
            if text == "<tick>":
                await turns.driver.tick(t)
                continue
            records.append(await turns.driver.hear(Heard(text, t, t + 0.5, "s", turn_id=f"t{i}")))
        for record in records:
            stored = await turns.store.turn(record.turn_id)
            assert stored is not None and stored.record.response == record.response
    return records, events


# -- pure rules --------------------------------------------------------------------------------------
def test_durations_read_and_spoken() -> None:
    assert duration_from_slots({"minutes": "10"}) == 600
    assert duration_from_slots({"hours": "1", "seconds": "thirty"}) == 3630
    assert duration_from_slots({"minutes": "half"}) == 30  # HA: "half a minute" is 30 seconds
    assert duration_from_slots({"start_minutes": "5"}, "start_") == 300
    assert duration_from_slots({"name": "pizza"}) is None
    assert duration_in_text("the five minute one") == 300
    assert duration_in_text("the 1 hour and 30 minutes timer") == 5400
    assert spoken_duration(303) == "5 minutes and 3 seconds"
    assert spoken_duration(3661) == "1 hour, 1 minute and 1 second"
    assert spoken_duration(600, adjective=True) == "10 minute"


def test_timer_names_in_text_are_never_durations_or_determiners() -> None:
    assert name_in_text("how much time is left on the pizza timer") == "pizza"
    assert name_in_text("set a timer called boiled eggs") == "boiled eggs"
    assert name_in_text("cancel the 5 minute timer") == ""
    assert name_in_text("set a timer for ten minutes") == ""
    assert name_in_text("cancel all the timers") == ""


def test_selection_by_name_area_duration_and_the_satellites_area() -> None:
    clock = Clock()
    book = TimerBook(clock)
    pizza = book.start(600, name="pizza", area="kitchen")
    eggs = book.start(300, area="kitchen")
    office = book.start(300, area="office")
    assert select(book.timers(), TimerQuery(name="pizzas"), "office") == (pizza,)
    assert set(select(book.timers(), TimerQuery(started_s=300), "kitchen")) == {eggs, office}
    assert select(book.timers(), TimerQuery(area="office"), "kitchen") == (office,)
    assert select(book.timers(), TimerQuery(name="office"), "kitchen") == (office,)  # an area said as a name
    assert select(book.timers(), TimerQuery(), "office") == (office,)  # the only one started here
    assert len(select(book.timers(), TimerQuery(), "kitchen")) == 3  # two here: ask
    clock.now += 301
    assert {t.timer_id for t in book.due()} == {eggs.timer_id, office.timer_id}
    assert book.timers() == (pizza,) and book.next_end() == pizza.ends_at


def test_pause_keeps_what_is_left_and_resume_runs_it_on() -> None:
    clock = Clock()
    book = TimerBook(clock)
    timer = book.start(120)
    clock.now += 20
    paused = book.pause(timer)
    clock.now += 500
    assert paused.left(clock.now) == 100 and book.due() == []
    resumed = book.resume(paused)
    assert resumed.left(clock.now) == 100
    assert book.add(resumed, -30).left(clock.now) == 70


def test_time_date_weather_answers() -> None:
    assert current_time(datetime(2026, 12, 6, 15, 5)) == "It's 3:05 PM."
    assert current_time(datetime(2026, 12, 6, 0, 30)) == "It's 12:30 AM."
    assert current_date(datetime(2026, 12, 6, 9, 0)) == "Today is Sunday, December 6th, 2026."
    assert current_date(datetime(2026, 3, 22, 9, 0)).endswith("March 22nd, 2026.")
    now = datetime(2026, 12, 6, 9, 0)
    bare = ContextSnapshot(1, Satellite(area="kitchen"), {}, {}, now)
    assert weather(bare) == NO_WEATHER
    home = Device("weather.home", "Home", "weather")
    beach = Device("weather.beach_house", "beach house", "weather")
    snapshot = ContextSnapshot(
        1, Satellite(), {d.entity_id: d for d in (home, beach)},
        {"weather.home": DeviceState("rainy", {"temperature": 12, "temperature_unit": "°C"}),
         "weather.beach_house": DeviceState("sunny", {"temperature": 25.5, "temperature_unit": "°C"})}, now,
    )  # fmt: skip
    assert weather(snapshot, "beach house") == "It's 25.5 °C and sunny."
    assert weather(snapshot) == "It's 25.5 °C and sunny."  # the first by entity id
    assert weather(snapshot, "home") == "It's 12 °C and raining."
    assert weather(snapshot, "paris") == "I don't have the weather for paris."


def test_list_names_and_the_store_migrates_an_older_file(tmp_path: Path) -> None:
    assert list_key("my Groceries list") == "grocery"
    assert list_key("the to-do list") == "to do"
    assert lists_path(Path("var/turns.sqlite3")) == Path("var/turns.lists.sqlite3")
    path = tmp_path / "old.lists.sqlite3"
    conn = sqlite3.connect(path)  # a file of schema 1, written by the previous version
    conn.execute(MIGRATIONS[0])
    conn.execute(
        "INSERT INTO list_items (list, key, item, complete, t_added) "
        "VALUES ('shopping', 'milk', 'Milk', 0, 1)"
    )
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    store = ListStore(path)
    try:
        assert store.migrate() == SCHEMA_VERSION  # already migrated when opened
        assert [i.item for i in store.items("shopping list")] == ["Milk"]
        assert not store.add("shopping", "milk")  # already on it, whatever the case
        assert store.complete("shopping", "the milk") and not store.complete("shopping", "milk")
        assert store.add("shopping", "milk")  # checked off, then put back
        assert store.remove("shopping", "milk") and store.items("shopping") == ()
    finally:
        store.close()


# -- through the real turn engine, scripted intents ------------------------------------------------------
def test_every_service_intent_is_answered_not_planned(tmp_path: Path) -> None:
    """Every HA intent that needs no device reaches the services, whether or not today's model emits it."""
    texts = {
        "HassStartTimer": ("set a timer for 2 minutes", {"minutes": "2"}),
        "HassTimerStatus": ("how long is left", {}),
        "HassIncreaseTimer": ("add a minute to the timer", {"minutes": "1"}),
        "HassDecreaseTimer": ("take 30 seconds off the timer", {"seconds": "30"}),
        "HassPauseTimer": ("pause the timer", {}),
        "HassUnpauseTimer": ("resume the timer", {}),
        "HassCancelTimer": ("cancel the timer", {}),
        "HassCancelAllTimers": ("cancel all timers", {}),
        "HassShoppingListAddItem": ("add milk to the shopping list", {"item": "milk"}),
        "HassShoppingListCompleteItem": ("check milk off the shopping list", {"item": "milk"}),
        "HassListAddItem": ("add call mum to my to-do list", {"item": "call mum", "name": "to-do"}),
        "HassListCompleteItem": ("complete call mum on my to-do list", {"item": "call mum", "name": "to-do"}),
        "HassListRemoveItem": ("remove bread from the to do list", {"item": "bread", "name": "to do"}),
        "HassBroadcast": ("announce that dinner is ready", {"message": "dinner is ready"}),
        "HassRespond": ("are you always listening", {}),
        "HassGetCurrentTime": ("what time is it", {}),
        "HassGetCurrentDate": ("what's the date", {}),
        "HassGetWeather": ("what's the weather", {}),
        "HassNevermind": ("never mind", {}),
    }
    assert set(texts) == SERVICE_INTENTS
    parser = Scripted({text: _intent(name, text, **slots) for name, (text, slots) in texts.items()})
    lines = [(text, 10.0 * i) for i, (text, _) in enumerate(texts.values())]
    records, _ = asyncio.run(_run(tmp_path, lines, parser, Clock()))
    said = {r.intent: r.response for r in records}
    assert said["HassStartTimer"] == "Timer set for 2 minutes."
    assert said["HassTimerStatus"] == "1 minute and 50 seconds left on the 2 minute timer."
    assert said["HassIncreaseTimer"] == "1 minute added to the 2 minute timer; 2 minutes and 40 seconds left."
    assert said["HassDecreaseTimer"].startswith("30 seconds removed from the 2 minute timer")
    assert said["HassPauseTimer"] == "Paused the 2 minute timer."
    assert said["HassUnpauseTimer"] == "Resumed the 2 minute timer."
    assert said["HassCancelTimer"] == "The 2 minute timer is cancelled."
    assert said["HassCancelAllTimers"] == "No timers were cancelled."
    assert said["HassShoppingListAddItem"] == "Added milk to the shopping list."
    assert said["HassShoppingListCompleteItem"] == "Checked off milk."
    assert said["HassListAddItem"] == "Added call mum to the to do list."
    assert said["HassListCompleteItem"] == "Checked off call mum."
    assert said["HassListRemoveItem"] == "I can't find bread on the to do list."
    assert said["HassBroadcast"] == "I can't reach the other speakers."  # no broker given
    assert said["HassRespond"] == RESPONSES["listening"]
    assert said["HassGetCurrentTime"].startswith("It's ") and said["HassGetCurrentTime"].endswith("M.")
    assert said["HassGetCurrentDate"].startswith("Today is ")
    assert said["HassGetWeather"] == NO_WEATHER  # the demo home has no weather entity
    assert said["HassNevermind"] == ""  # silent
    assert all(not r.commands for r in records)  # nothing was sent to a device


def test_several_timers_ask_which_and_the_answer_picks_one_then_it_ends_aloud(tmp_path: Path) -> None:
    texts = {
        "pizza": _intent("HassStartTimer", "set a pizza timer for 10 minutes", minutes="10"),
        "eggs": _intent("HassStartTimer", "set a timer for 5 minutes", minutes="5"),
        "cancel": _intent("HassCancelTimer", "cancel the timer"),
        "status": _intent("HassTimerStatus", "how much time is left on the pizza timer"),
        "five": _intent("HassCancelTimer", "cancel the 5 minute timer", minutes="5"),
    }
    lines = [
        ("pizza", 0.0), ("eggs", 1.0), ("cancel", 2.0), ("the pizza one", 3.0), ("<tick>", 60.0),
        ("status", 100.0), ("eggs", 110.0), ("five", 120.0), ("eggs", 130.0), ("<tick>", 200.0),
        ("<tick>", 431.0),
    ]  # fmt: skip
    records, events = asyncio.run(_run(tmp_path, lines, Scripted(texts), Clock()))
    start_pizza, _eggs, ask, answer, status, _eggs2, five, eggs3 = records
    assert start_pizza.response == "Timer set for 10 minutes named pizza."
    assert ask.asked is Asked.WHICH and ask.result_ok is None
    assert ask.response == (
        "Which timer: the 5 minute timer with 4 minutes and 59 seconds left or the pizza timer with "
        "9 minutes and 58 seconds left?"
    )
    assert answer.response == "The pizza timer is cancelled." and answer.intent == "HassCancelTimer"
    assert status.response == "There's no pizza timer."
    assert five.asked is Asked.WHICH  # two 5 minute timers: which one
    assert eggs3.response == "Timer set for 5 minutes."
    spoken = [e.data for e in events if e.type is EventType.RESPONSE and e.turn_id == ""]
    assert (
        spoken
        == [
            {"text": "Your 5 minute timer is done.", "announcement": "timer"}  # at 301, 410 and 430
        ]
        * 3
    )


def test_an_unknown_list_is_answered_clearly(tmp_path: Path) -> None:
    texts = {
        "groceries": _intent(
            "HassListAddItem", "add milk to the groceries list", item="milk", name="groceries"
        ),
        "shopping": _intent("HassListAddItem", "add eggs to my shopping list", item="eggs", name="shopping"),
    }
    records, _ = asyncio.run(
        _run(tmp_path, [("groceries", 0.0), ("shopping", 1.0)], Scripted(texts), Clock())
    )
    assert records[0].response == (
        "I don't have a groceries list. Your lists are: shopping list, to do list."
    )
    assert records[0].result_ok is False
    assert records[1].response == "Added eggs to the shopping list."
    with ListStore(lists_path(tmp_path / "t.db")) as store:
        assert [i.item for i in store.items("shopping")] == ["eggs"]


# -- through the real NLU model ----------------------------------------------------------------------
def test_text_through_the_real_nlu(tmp_path: Path) -> None:
    """What today's model already knows: start a timer, cancel it, ask about it, add to the shopping list."""
    lines = [
        ("set a timer for ten minutes", 0.0),
        ("how much time is left on the timer", 60.0),
        ("cancel the 10 minute timer", 70.0),
        ("add milk to my shopping list", 80.0),
        ("what time is it", 90.0),
    ]
    records, events = asyncio.run(_run(tmp_path, lines, _nlu(), Clock()))
    start, status, cancel, milk, clock_time = records
    assert (start.intent, start.response) == ("HassStartTimer", "Timer set for 10 minutes.")
    assert (status.intent, status.response) == ("HassTimerStatus", "9 minutes left on the 10 minute timer.")
    assert (cancel.intent, cancel.response) == ("HassCancelTimer", "The 10 minute timer is cancelled.")
    assert (milk.intent, milk.response) == ("HassShoppingListAddItem", "Added milk to the shopping list.")
    assert clock_time.intent == "HassGetCurrentTime" and clock_time.response == "It's 7:00 AM."
    assert [e.type for e in events if e.turn_id == "t0"][-1] is EventType.RESPONSE


def test_nevermind_is_silent_and_drops_the_question_waiting(tmp_path: Path) -> None:
    texts = {
        "a": _intent("HassStartTimer", "set a pizza timer for 10 minutes", minutes="10"),
        "b": _intent("HassStartTimer", "set a timer for 5 minutes", minutes="5"),
        "cancel": _intent("HassCancelTimer", "cancel the timer"),
        "never mind": _intent("HassNevermind", "never mind"),
        "status": _intent("HassTimerStatus", "timers status"),
    }
    lines = [
        ("a", 0.0),
        ("b", 1.0),
        ("cancel", 2.0),
        ("never mind", 3.0),
        ("the pizza one", 4.0),
        ("status", 5.0),
    ]
    records, _ = asyncio.run(_run(tmp_path, lines, Scripted(texts), Clock()))
    ask, nevermind, late, status = records[2:]
    assert ask.asked is Asked.WHICH
    assert nevermind.response == "" and nevermind.asked is Asked.NONE
    assert late.intent is None  # no question waits any more: not an answer, and no request either
    assert status.response == (
        "2 timers. 4 minutes and 56 seconds left on the 5 minute timer; 9 minutes and 55 seconds left on "
        "the pizza timer."
    )


def test_todo_entities_are_lists_and_a_named_list_is_kept_apart(tmp_path: Path) -> None:
    groceries = Device("todo.groceries", "Groceries", "todo", area="kitchen")
    snapshot = ContextSnapshot(
        1, Satellite(area="kitchen"), {groceries.entity_id: groceries}, {}, datetime(2026, 12, 6, 9, 0)
    )
    services = HomeServices(lists=ListStore(tmp_path / "l.sqlite3"), clock=Clock(), site_id="k")

    async def main() -> list[str]:
        said = []
        for intent in (
            _intent("HassListAddItem", "add bread to the groceries list", item="bread", name="groceries"),
            _intent("HassShoppingListAddItem", "add soap to my list", item="soap"),
            _intent("HassListCompleteItem", "check off bread from groceries", item="bread", name="grocery"),
            _intent(
                "HassListRemoveItem", "remove soap from the groceries list", item="soap", name="groceries"
            ),
            _intent("HassListAddItem", "add a nap to my chores list", item="a nap", name="chores"),
            _intent("HassListAddItem", "add to my shopping list", item="", name="shopping"),
        ):
            said.append((await services.handle(intent, snapshot)).text)
        return said

    try:
        assert asyncio.run(main()) == [
            "Added bread to the grocery list.",
            "Added soap to the shopping list.",
            "Checked off bread.",
            "I can't find soap on the grocery list.",
            "I don't have a chores list. Your lists are: shopping list, to do list, grocery list.",
            "What should I put on the shopping list?",
        ]
        assert services.lists.items("groceries") == (ListItem("bread", complete=True),)
        assert services.lists.items("shopping") == (ListItem("soap"),)
    finally:
        services.close()


def test_a_compound_request_serves_its_service_part_and_acts_on_its_device_part(tmp_path: Path) -> None:
    """Through the real NLU: the timer is set and the lamp turned on, in one turn."""
    lines = [
        ("set a timer for 5 minutes and turn on the office lamp", 0.0),
        ("how long is left on the timer", 30.0),
    ]
    records, _ = asyncio.run(_run(tmp_path, lines, _nlu(), Clock()))
    both, status = records
    assert both.intent == "Macro" and both.targets == ("light.office_lamp",)
    assert both.response.startswith("Timer set for 5 minutes.")
    assert status.response == "4 minutes and 30 seconds left on the 5 minute timer."


def test_the_timer_verb_decides_among_timer_intents(tmp_path: Path) -> None:
    """Today's model reads "pause the timer" as a cancel and "add 2 minutes to the timer" as a start: the
    verb decides among timer intents, so a pause never cancels (and the record says what was done)."""
    lines = [
        ("set a timer for 10 minutes", 0.0),
        ("pause the timer", 10.0),
        ("add 2 minutes to the timer", 20.0),
        ("how much time is left on the timer", 500.0),
        ("set a timer for 1 minute", 510.0),
        ("cancel all my timers", 520.0),
    ]
    records, _ = asyncio.run(_run(tmp_path, lines, _nlu(), Clock()))
    said = [(r.intent, r.response) for r in records]
    assert said[1] == ("HassPauseTimer", "Paused the 10 minute timer.")
    assert said[2] == (
        "HassIncreaseTimer",
        "2 minutes added to the 10 minute timer; 11 minutes and 50 seconds left.",
    )
    assert said[3] == ("HassTimerStatus", "11 minutes and 50 seconds left on the 10 minute timer (paused).")
    assert said[5] == ("HassCancelAllTimers", "Cancelled 2 timers.")


def test_items_are_found_with_or_without_a_plural(tmp_path: Path) -> None:
    with ListStore(tmp_path / "l.sqlite3") as store:
        assert store.add("shopping", "eggs") and store.add("shopping", "tomato")
        assert store.complete("shopping", "egg")
        assert store.remove("shopping", "the tomatoes")
        assert not store.remove("shopping", "bread")
        assert store.items("shopping") == (ListItem("eggs", complete=True),)


def test_durations_names_and_lists_read_from_the_words() -> None:
    """When the NLU's slots miss a part (today's model drops "and a half" and the seconds of "2 hours 10
    minute 5 second"), the words decide; a timer's own duration is told apart from the time added."""
    said = durations_said("put on a timer for seven and a half minutes")
    assert [(d.seconds, d.of_timer) for d in said] == [(450.0, True)]
    assert duration_in_text("a timer for half an hour") == 1800
    assert duration_in_text("a 2 hour 10 minute and 5 second timer") == 7805
    assert duration_in_text("a timer for a minute and a half") == 90
    assert [(d.seconds, d.of_timer) for d in durations_said("extend the timer for 2 hours by 3 minutes")] == [
        (7200.0, True),
        (180.0, False),
    ]
    assert [(d.seconds, d.of_timer) for d in durations_said("take 3 minutes off the 20 minute timer")] == [
        (180.0, False),
        (1200.0, True),
    ]
    assert name_in_text("lasagna timer status") == "lasagna"
    assert name_in_text("extend the timer for tea by 2 minutes") == "tea"
    assert name_in_text("start a timer named boiled eggs for 6 minutes") == "boiled eggs"
    assert name_in_text("stop lasagna timer") == "lasagna"
    assert name_in_text("create 3 hour timer") == ""
    assert list_in_text("put pears on our camping list") == "camping"
    assert list_in_text("put pears on the list") == ""


def test_words_fill_what_the_slots_miss_through_the_engine(tmp_path: Path) -> None:
    texts = {
        "a": _intent("HassStartTimer", "put on a timer for seven and a half minutes", minutes="7"),
        "b": _intent("HassStartTimer", "start a lasagna timer for 40 minutes", minutes="40"),
        "c": _intent("HassStartTimer", "extend the lasagna timer by 5 minutes", minutes="5"),
        "d": _intent("HassTimerStatus", "lasagna timer status"),
        "e": _intent("HassShoppingListAddItem", "add pears to our camping list", item="pears"),
    }
    lines = [("a", 0.0), ("b", 1.0), ("c", 1.0), ("d", 1.0), ("e", 1.0)]
    records, _ = asyncio.run(_run(tmp_path, lines, Scripted(texts), Clock()))
    said = [(r.intent, r.response) for r in records]
    assert said[0] == ("HassStartTimer", "Timer set for 7 minutes and 30 seconds.")
    assert said[2] == ("HassIncreaseTimer", "5 minutes added to the lasagna timer; 45 minutes left.")
    assert said[3] == ("HassTimerStatus", "45 minutes left on the lasagna timer.")
    assert said[4] == (
        "HassListAddItem",  # a list named: not the shopping list
        "I don't have a camping list. Your lists are: shopping list, to do list.",
    )
