"""The intents that need no device, carried out on the device: :class:`HomeServices`.

Timers (in memory, on a monotonic clock), lists (SQLite, published retained), broadcasts between the
home's satellites, the time, the date, the weather and Home Assistant's ``HassRespond`` answers; the turn
engine calls it for every name in :data:`SERVICE_INTENTS` (docs/services.md).

Published (when a publisher is given; a broker that is away costs the message, never the turn):
``<base>/<site_id>/timer`` (every timer event, QoS 0), ``<base>/<site_id>/lists/<list>`` (a list's items,
retained, QoS 1), ``<base>/broadcast`` (QoS 1, to the other satellites).
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from edge.context.model import ContextSnapshot
from edge.lang import fold
from edge.nlu.list_words import LIST_INTENTS, list_intent_name, list_words
from edge.nlu.types import Intent
from edge.services import replies
from edge.services.broadcast import Broadcast, BroadcastInbox, broadcast_topic, encode
from edge.services.lists import ListStore, item_key, list_in_text, list_key
from edge.services.timer_requests import TIMER_INTENTS, apply_to, finished_text, run_timer_intent, timer_verb
from edge.services.timers import Timer, TimerBook, chosen_timer

__all__ = [
    "DEFAULT_LISTS",
    "SERVICE_INTENTS",
    "Announcement",
    "HomeServices",
    "Publisher",
    "ServiceReply",
    "carried_out",
    "list_request",
]

log = logging.getLogger(__name__)

SERVICE_INTENTS = TIMER_INTENTS | LIST_INTENTS | frozenset(
    {"HassBroadcast", "HassRespond", "HassGetCurrentTime", "HassGetCurrentDate", "HassGetWeather",
     "HassNevermind"}
)  # fmt: skip
"""Home Assistant's intents that need no device (names and slots as in ``home-assistant-intents``)."""
DEFAULT_LISTS = ("shopping", "to do")
SHOPPING = "shopping"
_BROADCAST_VERB = re.compile(
    r"^\s*(?:please\s+)?(?:broadcast|announce|tell everyone)\s+(?:everywhere\s+)?(?:that\s+)?"
)


class Publisher(Protocol):
    async def publish(self, topic: str, payload: bytes, qos: int = 0, retain: bool = False) -> None: ...


@dataclass(frozen=True, slots=True)
class ServiceReply:
    """What a service request did: the text to say ("" says nothing), ``ok`` (None: nothing was done yet,
    a question was asked), ``ask``: the timer ids of "Which timer: ...?", for the answer, and ``intent``:
    the intent carried out when it is not the one asked for ("pause the timer" heard as a cancel)."""

    text: str
    ok: bool | None = True
    ask: tuple[str, ...] = ()
    intent: str = ""


@dataclass(frozen=True, slots=True)
class Announcement:
    """Something to say that no turn asked for: a timer that ended, another satellite's broadcast."""

    text: str
    kind: str  # "timer" | "broadcast"


class HomeServices:
    """The device's services. ``clock`` is the monotonic clock of the timers (injected in tests)."""

    def __init__(
        self,
        *,
        lists: ListStore,
        clock: Callable[[], float],
        site_id: str,
        base_topic: str = "edge",
        publisher: Publisher | None = None,
        list_names: Sequence[str] = DEFAULT_LISTS,
        publish_timeout_s: float = 1.0,
    ) -> None:
        self.lists = lists
        self.timers = TimerBook(clock)
        self.clock = clock
        self.site_id = site_id
        self.base = base_topic.rstrip("/")
        self.publisher = publisher
        self.list_names = tuple(list_key(n) for n in list_names)
        self.publish_timeout_s = publish_timeout_s
        self._changed = asyncio.Event()
        self.inbox = BroadcastInbox(site_id, self._changed.set)

    @property
    def broadcast_topic(self) -> str:
        return broadcast_topic(self.base)

    def handles(self, intent_name: str) -> bool:
        return intent_name in SERVICE_INTENTS

    def close(self) -> None:
        self.lists.close()

    # -- requests ----------------------------------------------------------------------------------
    async def handle(self, intent: Intent, snapshot: ContextSnapshot) -> ServiceReply:
        name = intent.name
        if name in TIMER_INTENTS:
            outcome = run_timer_intent(self.timers, intent, snapshot.areas, snapshot.satellite.area)
            await self._timer_events(outcome.changed)
            asked = tuple(t.timer_id for t in outcome.ask)
            return ServiceReply(outcome.text, outcome.ok, asked, outcome.intent)
        if name in LIST_INTENTS:
            return await self._list(intent, snapshot)
        if name == "HassBroadcast":
            return await self._broadcast(intent, snapshot)
        if name == "HassGetCurrentTime":
            return ServiceReply(replies.current_time(snapshot.time))
        if name == "HassGetCurrentDate":
            return ServiceReply(replies.current_date(snapshot.time))
        if name == "HassGetWeather":
            text = replies.weather(snapshot, intent.slots.get("name", ""))
            return ServiceReply(text, ok=text not in {replies.NO_WEATHER})
        if name == "HassRespond":
            return ServiceReply(replies.respond(intent.text, intent.slots.get("response", "")))
        return ServiceReply("", ok=None)  # HassNevermind: say nothing (the dialogue waiting is dropped)

    async def answer(self, intent: Intent, asked: Sequence[str], text: str) -> ServiceReply | None:
        """The answer to "Which timer: ...?" (the timer named in ``text`` among ``asked``); None when the
        user said something else (a new request)."""
        candidates = [t for t in self.timers.timers() if t.timer_id in asked]
        timer = chosen_timer(text, candidates)
        if timer is None:
            return None
        outcome = apply_to(self.timers, intent, timer)
        await self._timer_events(outcome.changed)
        return ServiceReply(outcome.text, outcome.ok, intent=outcome.intent)

    # -- announcements -----------------------------------------------------------------------------
    async def due(self) -> list[Announcement]:
        """What to say now: the timers that ended (each also published as a ``finished`` event) and the
        broadcasts other satellites sent."""
        ended = self.timers.due()
        await self._timer_events(tuple(("finished", t) for t in ended))
        said = [Announcement(finished_text(t), "timer") for t in ended]
        said += [Announcement(b.message, "broadcast") for b in self.inbox.take()]
        return said

    async def wait(self) -> None:
        """Return when something may be due: the next timer's end, a broadcast, or a change to the timers."""
        while True:
            end = self.timers.next_end()
            if len(self.inbox) or (end is not None and end <= self.clock()):
                return
            self._changed.clear()
            try:
                async with asyncio.timeout(None if end is None else max(0.0, end - self.clock())):
                    await self._changed.wait()
            except TimeoutError:
                return

    # -- lists -------------------------------------------------------------------------------------
    def known_lists(self, snapshot: ContextSnapshot) -> tuple[str, ...]:
        """The configured lists, every ``todo.*`` entity of the home, and the lists that hold items."""
        todo = (
            list_key(d.name or e.removeprefix("todo."))
            for e, d in snapshot.devices.items()
            if e.startswith("todo.")
        )
        return tuple(dict.fromkeys([*self.list_names, *todo, *self.lists.names()]))

    async def _list(self, intent: Intent, snapshot: ContextSnapshot) -> ServiceReply:
        meant = list_request(intent)
        as_intent = meant.name if meant.name != intent.name else ""  # for the record
        intent = meant
        item = " ".join(intent.slots.get("item", "").split())
        said_list = intent.slots.get("name", "")
        key = list_key(said_list) if said_list else SHOPPING  # HassShoppingList*: no name
        known = await asyncio.to_thread(self.known_lists, snapshot)
        if key not in known:
            names = ", ".join(f"{k} list" for k in known[:4])
            return ServiceReply(
                f"I don't have a {said_list} list. Your lists are: {names}.", ok=False, intent=as_intent
            )
        label = f"{key} list"
        if not item_key(item):
            return ServiceReply(f"What should I put on the {label}?", ok=False, intent=as_intent)
        if intent.name.endswith("AddItem"):
            added = await asyncio.to_thread(self.lists.add, key, item)
            text = f"Added {item} to the {label}." if added else f"Already on the {label}: {item}."
        elif intent.name.endswith("CompleteItem"):
            checked = await asyncio.to_thread(self.lists.complete, key, item)
            if not checked:
                return ServiceReply(f"I can't find {item} on the {label}.", ok=False, intent=as_intent)
            text = f"Checked off {item}."
        else:
            gone = await asyncio.to_thread(self.lists.remove, key, item)
            if not gone:
                return ServiceReply(f"I can't find {item} on the {label}.", ok=False, intent=as_intent)
            text = f"Removed {item} from the {label}."
        await self.publish_list(key)
        return ServiceReply(_capital(text), intent=as_intent)

    def list_topic(self, key: str) -> str:
        slug = re.sub(r"[^a-z0-9]+", "_", fold(key)).strip("_") or "list"
        return f"{self.base}/{self.site_id}/lists/{slug}"

    async def publish_list(self, key: str) -> None:
        items = await asyncio.to_thread(self.lists.items, key)
        body = {"list": key, "items": [i.to_json() for i in items], "site_id": self.site_id}
        await self._publish(self.list_topic(key), json.dumps(body).encode(), qos=1, retain=True)

    async def publish_lists(self) -> None:
        """Publish every list that holds an item (retained), at start: a client sees them even when the
        broker lost its retained messages. An empty list is published when its last item goes."""
        for key in await asyncio.to_thread(self.lists.names):
            await self.publish_list(key)

    # -- broadcast ---------------------------------------------------------------------------------
    async def _broadcast(self, intent: Intent, snapshot: ContextSnapshot) -> ServiceReply:
        message = (
            intent.slots.get("message", "").strip() or _BROADCAST_VERB.sub("", fold(intent.text)).strip()
        )
        if not message:
            return ServiceReply("What should I announce?", ok=False)
        if self.publisher is None:
            return ServiceReply("I can't reach the other speakers.", ok=False)
        body = encode(Broadcast(message, self.site_id, snapshot.satellite.area))
        if not await self._publish(self.broadcast_topic, body, qos=1):
            return ServiceReply("I couldn't reach the other speakers.", ok=False)
        return ServiceReply("Done.")

    # -- publishing --------------------------------------------------------------------------------
    async def _timer_events(self, changed: Sequence[tuple[str, Timer]]) -> None:
        now = self.clock()
        for event, timer in changed:
            body = {"event": event, "timer": timer.to_json(now), "site_id": self.site_id}
            if not await self._publish(f"{self.base}/{self.site_id}/timer", json.dumps(body).encode()):
                break  # no broker (or none given): the rest would wait for it in vain
        if changed:
            self._changed.set()  # the announcer's next deadline may have moved

    async def _publish(self, topic: str, payload: bytes, qos: int = 0, retain: bool = False) -> bool:
        if self.publisher is None:
            return False
        try:
            async with asyncio.timeout(self.publish_timeout_s):
                await self.publisher.publish(topic, payload, qos=qos, retain=retain)
        except Exception as err:  # the broker may be away: the turn goes on, the message is lost
            log.info("could not publish %s: %s", topic, err)
            return False
        return True


def list_request(intent: Intent) -> Intent:
    """The list request the device carries out. A request said in the shape of Home Assistant's list
    templates (:func:`list_words`) is read from its words: the verb decides among add, check off and remove,
    the item is all of it, the list is the one named (the tagger keeps "walk" of "walk the dog"); otherwise
    the slots, with a list named in the words when the NLU gave none. A named list other than the shopping
    list is HA's ``HassList*`` with the list as ``name``; the shopping list (or no list) its
    ``HassShoppingList*`` ("remove eggs from the shopping list": checked off, as HA's templates read it)."""
    words = list_words(intent.text)
    said_list = (words.list_name if words else "") or intent.slots.get("name", "").strip()
    said_list = said_list or list_in_text(intent.text)
    key = list_key(said_list) if said_list else SHOPPING
    verb = words.verb if words else intent.name.removeprefix("HassShoppingList").removeprefix("HassList")
    slots = {**intent.slots, "item": words.item} if words else dict(intent.slots)
    if key == SHOPPING:
        name = list_intent_name(verb, shopping=True)
        slots.pop("name", None)
    else:
        name, slots = list_intent_name(verb, shopping=False), {**slots, "name": said_list}
    return (
        intent
        if (name, slots) == (intent.name, dict(intent.slots))
        else replace(intent, name=name, slots=slots)
    )


def carried_out(intent: Intent) -> Intent:
    """The service intent the device carries out for the NLU's ``intent`` (what the turn records): a timer's
    verb decides among the timer intents (:func:`timer_verb`), a list request names its list
    (:func:`list_request`); any other intent is itself."""
    if intent.name in TIMER_INTENTS:
        return timer_verb(intent)
    if intent.name in LIST_INTENTS:
        return list_request(intent)
    return intent


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
