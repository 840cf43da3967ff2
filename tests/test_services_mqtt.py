"""The services on a real Mosquitto: a broadcast from one satellite is spoken by the others and not by the
one that sent it; lists are published retained under the device's prefix; a timer that ends is said and
published as an event. Two satellites, each composed by ``build_turns`` with its MQTT session as the
publisher and its context store reading the broker through the broadcast tap, as ``edge run`` does."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from edge.config import MQTTSettings, SatelliteSettings, Settings
from edge.context.broker import MosquittoBroker
from edge.context.homes import load_home
from edge.context.model import ContextSnapshot, Satellite
from edge.context.mqtt import MqttSession, SessionSettings
from edge.context.store import ContextStore
from edge.events import EventType, PipelineEvent
from edge.lab.sim.local import LocalHome
from edge.nlu.types import Intent
from edge.services.broadcast import BroadcastTap
from edge.turns.heard import Heard
from edge.wiring import Turns, build_turns

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "devices" / "homes" / "demo.toml"
INTENTS = {
    "announce that dinner is ready": Intent(
        "HassBroadcast", {"message": "dinner is ready"}, text="announce that dinner is ready"
    ),
    "add milk to the shopping list": Intent(
        "HassShoppingListAddItem", {"item": "milk"}, text="add milk to the shopping list"
    ),
    "add bread to the groceries list": Intent(
        "HassListAddItem", {"item": "bread", "name": "groceries"}, text="add bread to the groceries list"
    ),
    "set a timer for 1 second": Intent("HassStartTimer", {"seconds": "1"}, text="set a timer for 1 second"),
}


class Scripted:
    def parse(self, text: str, snapshot: ContextSnapshot) -> Intent | None:
        return INTENTS.get(text)


@dataclass
class Site:
    site: str
    turns: Turns
    events: list[PipelineEvent]

    async def say(self, text: str) -> str:
        record = await self.turns.driver.hear(Heard(text, 0.0, 0.5, "s"))
        return record.response

    def announced(self) -> list[str]:
        return [str(e.data["text"]) for e in self.events if e.type is EventType.RESPONSE and not e.turn_id]


async def until(check: Callable[[], bool], within_s: float = 10.0) -> None:
    async with asyncio.timeout(within_s):
        while not check():  # noqa: ASYNC110 - polling a plain predicate
            await asyncio.sleep(0.05)


@asynccontextmanager
async def satellites(broker: MosquittoBroker, tmp_path: Path, *sites: str) -> AsyncIterator[list[Site]]:
    out: list[Site] = []
    async with asyncio.TaskGroup() as tg, AsyncExitStack() as stack:
        for site in sites:
            mqtt = MQTTSettings(port=broker.port, reconnect_min_s=0.1, reconnect_max_s=0.5)
            settings = Settings(mqtt=mqtt, satellite=SatelliteSettings(site_id=site, area=site))
            session = await stack.enter_async_context(MqttSession(SessionSettings.from_mqtt(mqtt, site)))
            home = LocalHome.from_file(DEMO, home_id=site)
            home.satellite = Satellite(area=site)
            events: list[PipelineEvent] = []
            turns = await build_turns(
                settings, home, db=tmp_path / f"{site}.db", home_id=site, parser=Scripted(), rewriter=None,
                speaker=None, emit=events.append, publisher=session,
            )  # fmt: skip
            stack.push_async_callback(turns.aclose)
            assert turns.services is not None
            tap = BroadcastTap(session, turns.services.broadcast_topic, turns.services.inbox)
            await tap.start()
            store = ContextStore(settings, load_home(DEMO))
            tasks = [
                tg.create_task(store.run(tap), name=f"store-{site}"),
                tg.create_task(turns.driver.announcements(turns.services.wait), name=f"announce-{site}"),
            ]
            stack.callback(lambda ts=tasks: [t.cancel() for t in ts])
            assert await session.wait_connected(10)
            out.append(Site(site, turns, events))
        await asyncio.sleep(0.3)  # the subscriptions are in place
        yield out


def test_a_broadcast_is_spoken_by_every_other_satellite(broker: MosquittoBroker, tmp_path: Path) -> None:
    async def main() -> None:
        async with satellites(broker, tmp_path, "kitchen", "office", "bedroom") as (kitchen, office, bedroom):
            assert await kitchen.say("announce that dinner is ready") == "Done."
            await until(lambda: bool(office.announced()) and bool(bedroom.announced()))
            await asyncio.sleep(0.3)
            assert office.announced() == ["dinner is ready"] == bedroom.announced()
            assert kitchen.announced() == []  # the satellite that sent it does not say it again

    asyncio.run(asyncio.wait_for(main(), 60))


def test_lists_are_published_retained_and_a_timer_end_is_an_event(
    broker: MosquittoBroker, tmp_path: Path
) -> None:
    async def main() -> None:
        async with satellites(broker, tmp_path, "kitchen") as (kitchen,):
            assert await kitchen.say("add milk to the shopping list") == "Added milk to the shopping list."
            assert await kitchen.say("add bread to the groceries list") == (
                "I don't have a groceries list. Your lists are: shopping list, to do list."
            )
            watch = MqttSession(SessionSettings(port=broker.port, client_id="watcher"))
            async with watch:
                await watch.subscribe("edge/kitchen/lists/#")
                await watch.subscribe("edge/kitchen/timer")
                got: dict[str, dict[str, object]] = {}
                timer_events: list[str] = []

                async def read() -> None:
                    async for m in watch.messages():
                        body = json.loads(m.payload)
                        if m.topic.endswith("/timer"):
                            timer_events.append(str(body["event"]))
                        else:
                            assert m.retain  # a client that comes later still sees the list
                            got[m.topic] = body

                reader = asyncio.create_task(read())
                await until(lambda: "edge/kitchen/lists/shopping" in got)
                assert got["edge/kitchen/lists/shopping"]["items"] == [{"item": "milk", "complete": False}]
                assert await kitchen.say("set a timer for 1 second") == "Timer set for 1 second."
                await until(lambda: "finished" in timer_events)
                assert timer_events == ["started", "finished"]
                await until(lambda: kitchen.announced() == ["Your 1 second timer is done."])
                reader.cancel()

    asyncio.run(asyncio.wait_for(main(), 60))
