"""Where someone is, and the time or date said bare (edge/nlu/short_questions.py): pure, on a small home."""

from __future__ import annotations

from edge.context.model import Device
from edge.lang import model_tokens
from edge.nlu.short_questions import short_question
from edge.nlu.snapshots import make_snapshot
from edge.nlu.types import Intent

_HOME = make_snapshot(
    {
        "person.ada": Device("person.ada", "Ada Lovelace", "person"),
        "device_tracker.john_phone": Device("device_tracker.john_phone", "John", "device_tracker"),
        "light.hall": Device("light.hall", "Hall light", "light", "hall"),
    },
    "hall",
)


def _asked(text: str) -> Intent | None:
    return short_question(text, model_tokens(text), _HOME, 0.4)


def test_where_someone_of_the_home_is() -> None:
    for text, who in (("where is john", ("device_tracker.john_phone",)), ("where's Ada?", ("person.ada",)),
                      ("where can I find ada lovelace", ("person.ada",)),
                      ("where is everyone", ("device_tracker.john_phone", "person.ada"))):  # fmt: skip
        found = _asked(text)
        assert found is not None and found.name == "HassGetState", text
        assert found.targets == who and found.slots["domain"] == "person", text


def test_where_something_else_is_not_a_presence_question() -> None:
    for text in ("where is the remote", "where is paris", "where is the hall light", "is john home please"):
        assert _asked(text) is None, text


def test_the_time_and_the_date_said_bare() -> None:
    time, date = "HassGetCurrentTime", "HassGetCurrentDate"
    said = (("time please", time), ("the time", time), ("date please", date), ("today's date", date))
    for text, name in said:
        found = _asked(text)
        assert found is not None and found.name == name and not found.targets, text
    for text in ("time to go", "set the time", "the date of the party", "timer please"):
        assert _asked(text) is None, text
