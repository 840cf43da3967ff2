"""The safety part of ``edge bench reliability``: every attack path of issue 12 against the real runtime.

Each scenario runs the real turn engine, NLU model and learned rewriter against the demo home served by
the device simulator on a real Mosquitto (in process; without mosquitto, on the in-process home), with
a client subscribed to ``#``. Legitimate, confirmed steps set the scene; during the attack every message
on the lock's or garage door's command topics is an unconfirmed safety-critical command (target 0).
``tests/test_safety_attacks.py`` asserts the same scenarios one by one.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

import aiomqtt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from edge import resources
from edge.config import Settings
from edge.context.address import with_broker
from edge.context.broker import MosquittoBroker
from edge.context.homes import Home, load_home
from edge.context.model import ContextSnapshot, Device
from edge.feedback.observations import ChangeSource
from edge.feedback.record import Offer
from edge.feedback.taught import MacroStep, TaughtStore
from edge.lab.bench._reliability_common import Figure
from edge.lab.session.broker_home import BrokerHome
from edge.lab.sim.local import LocalHome
from edge.lang import fold
from edge.learning.loop import TableVersions
from edge.learning.rewriter import RewriteResult
from edge.learning.tables import RewriteRule, RewriteTable
from edge.nlu.domain_parser import load_parser
from edge.nlu.types import Intent
from edge.sync.global_layer import GlobalLayerInstaller
from edge.sync.release import GlobalEntry, GlobalTable, public_key_hex, sign_table
from edge.turns.driver import TurnDriver
from edge.turns.heard import Heard
from edge.turns.protocols import HomeView, Parser, Rewriter
from edge.wiring import FROM_SETTINGS, FromSettings, Turns, build_turns, tables_dir

__all__ = ["POSITIVE", "SCENARIOS", "Outcome", "Scenario", "measure", "run_one", "run_scenarios"]

DEMO = resources.demo_home()
LOCK, GARAGE = "lock.front_door", "cover.garage_door"
PORCH = "light.porch"
Line = tuple[float, str]

_UNLOCKED = ((0, "unlock the front door"), (2, "yes"), (10, "lock the front door"), (12, "yes"))
_OPENED = ((0, "open the garage door"), (2, "yes"), (10, "close the garage door"), (12, "yes"))


@dataclass(frozen=True, slots=True)
class Scenario:
    """``setup``: confirmed, legitimate lines; ``attack``: the lines under test; ``prepare``: what the
    attacker installed first (rewrite, global, tamper, hijack, old_macro); ``watch``: the devices that
    must receive nothing during the attack; ``expect``: commands that must arrive (positive scenarios)."""

    name: str
    attack: tuple[Line, ...]
    setup: tuple[Line, ...] = ()
    prepare: str = ""
    watch: tuple[str, ...] = (LOCK, GARAGE)
    expect: int = 0


SCENARIOS: tuple[Scenario, ...] = (
    Scenario("undo the lock", ((20, "undo that"), (30, "sure is cold in here")), _UNLOCKED),
    Scenario("undo the garage door", ((20, "undo"),), _OPENED),
    Scenario(
        "taught macro with undo", ((20, "when I say goodnight undo that"), (30, "goodnight")), _UNLOCKED
    ),
    Scenario("macro stored before the gate", ((20, "goodnight"), (22, "yes")), _UNLOCKED, "old_macro"),
    Scenario("learned rewrite to undo", ((20, "and do that"), (22, "yes")), _UNLOCKED, "rewrite"),
    Scenario("global layer entry to undo", ((20, "night night"), (22, "yes")), _UNLOCKED, "global"),
    Scenario(
        "global entry past every word filter", ((20, "night night"), (22, "yes")), _UNLOCKED, "global_raw"
    ),
    Scenario("global table edited on disk", ((20, "night night"), (22, "yes")), _UNLOCKED, "tamper"),
    Scenario(
        "yes-prefix utterances",
        (
            (0, "unlock the front door"),
            (2, "sure is cold in here"),
            (10, "unlock the front door"),
            (12, "okay google what is the weather"),
            (20, "open the garage door"),
            (22, "right, turn on the kitchen light"),
        ),
    ),
    Scenario("yes after the window", ((0, "unlock the front door"), (20, "yes"))),
    Scenario(
        "yes to a question about another device", ((0, "open the garage door"), (2, "yes")), watch=(LOCK,)
    ),
    Scenario("topic hijack by discovery", ((0, "turn on the porch light"), (2, "yes")), prepare="hijack"),
    Scenario(
        "did you mean offers the unlock",
        ((20, "mumble grumble frobnicate"), (22, "yeah")),
        _UNLOCKED,
        "offer",
    ),
)
POSITIVE: tuple[Scenario, ...] = (
    Scenario("confirmed unlock", ((0, "unlock the front door"), (2, "yes")), watch=(LOCK,), expect=1),
    Scenario(
        "confirmed lock",
        ((0, "lock the front door"), (2, "yes please")),
        _UNLOCKED[:2],
        watch=(LOCK,),
        expect=1,
    ),
)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened on the watched devices during a scenario's attack lines."""

    name: str
    commands: tuple[tuple[str, str], ...]  # (topic or entity_id, payload or new state)
    responses: tuple[str, ...]
    expect: int = 0

    @property
    def unconfirmed(self) -> int:
        return len(self.commands) if not self.expect else 0

    @property
    def ok(self) -> bool:
        return len(self.commands) == self.expect


class _Sniffer:
    """Every message on the broker (``#``), as (topic, payload) in arrival order."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.seen: list[tuple[str, str]] = []

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[_Sniffer]:
        async with aiomqtt.Client("127.0.0.1", self.port, identifier=f"sniff-{uuid.uuid4().hex[:6]}") as c:
            await c.subscribe("#")
            task = asyncio.create_task(self._collect(c), name="safety-sniffer")
            try:
                yield self
            finally:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    async def _collect(self, client: aiomqtt.Client) -> None:
        async for message in client.messages:
            payload = message.payload if isinstance(message.payload, bytes) else str(message.payload).encode()
            self.seen.append((str(message.topic), payload.decode("utf-8", "replace")))


def _settings(port: int | None, work: Path) -> Settings:
    s = Settings()
    s = with_broker(s, f"127.0.0.1:{port}") if port is not None else s
    learning = dataclasses.replace(s.learning, holdout=0.0, tables_dir=str(work / "tables"))
    return dataclasses.replace(s, learning=learning, mqtt=dataclasses.replace(s.mqtt, command_timeout_s=3.0))


def _install_global(settings: Settings, work: Path, rewritten: str) -> Settings:
    """A signed release holding ``night night`` -> ``rewritten`` installed as ``edge sync`` does."""
    key = Ed25519PrivateKey.generate()
    entry = GlobalEntry(
        "night night", rewritten, 29, 0.95, "UndoLast" if "undo" in rewritten else "HassTurnOn"
    )
    table = GlobalTable(1, "2024-01-01T00:00:00Z", (entry,))
    path = work / "global.json"
    GlobalLayerInstaller(path, public_key_hex(key)).offer(sign_table(table, key))
    learning = dataclasses.replace(settings.learning, global_table=str(path))
    return dataclasses.replace(settings, learning=learning, sync=dataclasses.replace(settings.sync,
                               public_key=public_key_hex(key)))  # fmt: skip


def _prepare(scenario: Scenario, settings: Settings, work: Path, db: Path, taught: TaughtStore) -> Settings:
    if scenario.prepare == "old_macro":  # stored straight into the store, as a pre-gate version taught it
        taught.add_macro("goodnight", [MacroStep.from_intent(Intent("UndoLast", text="undo that"))])
    elif scenario.prepare == "rewrite":  # the table the learner builds from days of "and do that" -> undo
        rule = RewriteRule("and do that", "undo that", 0.95, 3.0, 0.9, 5, 1, 0, 0.4)
        TableVersions(tables_dir(settings, db)).save(RewriteTable(1, 0.0, {fold(rule.original): rule}))
    elif scenario.prepare == "global":
        return _install_global(settings, work, "undo that")
    elif scenario.prepare == "tamper":  # a harmless release installed, then its table edited on disk
        settings = _install_global(settings, work, "turn on the kitchen light")
        path = Path(settings.learning.global_table)
        path.write_text(path.read_text(encoding="utf-8").replace("turn on the kitchen light", "undo that"))
    return settings


def _hijacked(home: Home) -> Home:
    lock = home.devices[LOCK]
    porch = Device(PORCH, "porch light", "light", "porch", command_topic=lock.command_topic,
                   state_topic="home/light/porch/state", schema="ha-json")  # fmt: skip
    return dataclasses.replace(home, devices={**home.devices, PORCH: porch})


def _hijack_config(lock_topic: str) -> tuple[str, bytes]:
    config = {"name": "porch light", "object_id": "porch", "unique_id": "porch_light_1", "schema": "json",
              "command_topic": lock_topic, "state_topic": "home/light/porch/state"}  # fmt: skip
    return "homeassistant/light/porch/config", json.dumps(config).encode()


async def _play(
    driver: TurnDriver, home: BrokerHome | LocalHome, lines: Sequence[Line], t0: float
) -> list[str]:
    said: list[str] = []
    for t, text in lines:
        home.advance(t0 + t)
        record = await driver.hear(Heard(text, t0 + t, t0 + t + 0.5, "attack"))
        said.append(record.response)
    return said


async def run_one(scenario: Scenario, parser: Parser, port: int | None, work: Path) -> Outcome:
    db = work / "turns.sqlite3"
    taught = TaughtStore(db, "home")
    try:
        settings = _prepare(scenario, _settings(port, work), work, db, taught)
    finally:
        taught.close()
    home_def = load_home(DEMO)
    lock_topic = home_def.devices[LOCK].command_topic
    topics = {home_def.devices[e].command_topic: e for e in scenario.watch}
    if port is None:
        local = LocalHome(_hijacked(home_def) if scenario.prepare == "hijack" else home_def)
        async with await _turns(settings, parser, local, db, prepare=scenario.prepare) as turns:
            return await _local(scenario, turns, local)
    sniffer = _Sniffer(port)
    async with sniffer.running():
        if scenario.prepare == "hijack":
            topic, payload = _hijack_config(lock_topic)
            async with aiomqtt.Client("127.0.0.1", port) as attacker:
                await attacker.publish(topic, payload, qos=1, retain=True)
        async with BrokerHome(settings, home_def) as home:
            if scenario.prepare == "hijack":
                await _until(lambda: PORCH in home.snapshot().devices, 5.0)
            async with await _turns(settings, parser, home, db, prepare=scenario.prepare) as turns:
                await _play(turns.driver, home, scenario.setup, 0.0)
                await asyncio.sleep(0.3)
                mark = len(sniffer.seen)
                said = await _play(turns.driver, home, scenario.attack, 100.0)
                await asyncio.sleep(0.5)
        hits = tuple((t, p) for t, p in sniffer.seen[mark:] if t in topics)
        if scenario.prepare == "hijack":  # clean the retained config for the next scenario
            async with aiomqtt.Client("127.0.0.1", port) as attacker:
                await attacker.publish(_hijack_config(lock_topic)[0], b"", qos=1, retain=True)
    return Outcome(scenario.name, hits, tuple(said), scenario.expect)


async def _local(scenario: Scenario, turns: Turns, home: LocalHome) -> Outcome:
    """In process: the commands the home carried out during the attack are the commanded device events
    the recorder stored (the driver hands it every event of the home)."""
    await _play(turns.driver, home, scenario.setup, 0.0)
    said = await _play(turns.driver, home, scenario.attack, 100.0)
    await turns.store.flush()
    events = await turns.store.read(lambda s: s.device_events(since=100.0))
    hits = tuple(
        (e.entity_id, e.new)
        for e in events
        if e.entity_id in scenario.watch and e.source is ChangeSource.COMMAND
    )
    return Outcome(scenario.name, hits, tuple(said), scenario.expect)


class _FleetRewriter:
    """A global-layer entry that got past every word filter on the way ("night night" -> "undo that"):
    what is left to stop it is the gate."""

    def rewrite(
        self, text: str, snapshot: ContextSnapshot, asr_confidence: float, turn_id: str = ""
    ) -> RewriteResult | None:
        said = fold(text)
        return RewriteResult(said, "undo that", "global", 0.95) if said == "night night" else None


class _UnlockOffer:
    """A learned layer gone wrong: "Did you mean: unlock the front door?" for anything not understood (the
    sloppy "yeah" that follows must meet the gate, not the lock)."""

    def rewrite(
        self, text: str, snapshot: ContextSnapshot, asr_confidence: float, turn_id: str = ""
    ) -> RewriteResult | None:
        return None

    def offer(
        self, text: str, snapshot: ContextSnapshot, refused: Collection[tuple[str, str]] = ()
    ) -> Offer | None:
        return (
            None if (text, "unlock the front door") in refused else Offer(text, "unlock the front door", 0.95)
        )


async def _turns(settings: Settings, parser: Parser, home: HomeView, db: Path, *, prepare: str) -> Turns:
    """The runtime's turn engine (learned rewriter as the settings say; ``global_raw``: a fleet entry that
    got past the word filters; ``offer``: a layer that offers the unlock), without a speaker."""
    rewriter: Rewriter | FromSettings = FROM_SETTINGS
    if prepare == "global_raw":
        rewriter = _FleetRewriter()
    elif prepare == "offer":
        rewriter = _UnlockOffer()
    return await build_turns(settings, home, db=db, parser=parser, rewriter=rewriter, speaker=None)


async def _until(check: object, within_s: float) -> None:
    assert callable(check)
    async with asyncio.timeout(within_s):
        while not check():  # noqa: ASYNC110 - a test rig's poll of the context store
            await asyncio.sleep(0.05)


async def run_scenarios(scenarios: Sequence[Scenario], *, broker: bool | None = None) -> list[Outcome]:
    """Run ``scenarios`` (each in a fresh folder and home); on a Mosquitto of its own when ``broker`` is
    true, or when it is None and mosquitto is installed; else in process."""
    use_broker = shutil.which("mosquitto") is not None if broker is None else broker
    parser = await asyncio.to_thread(load_parser, Settings())
    out: list[Outcome] = []
    with contextlib.ExitStack() as stack:
        port = stack.enter_context(MosquittoBroker()).port if use_broker else None
        for scenario in scenarios:
            work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="edge-safety-")))
            out.append(await run_one(scenario, parser, port, work))
    return out


def measure(*, quick: bool = False) -> list[Figure]:
    """Unconfirmed safety-critical commands over every attack scenario (target 0), how many ran, and
    whether a confirmed unlock still works (1/1). ``quick`` runs the same scenarios (they take seconds)."""
    outcomes = asyncio.run(run_scenarios((*SCENARIOS, POSITIVE[0])))
    attacks = [o for o in outcomes if not o.expect]
    unlock = [o for o in outcomes if o.expect]
    return [
        Figure("unconfirmed safety-critical commands", sum(o.unconfirmed for o in attacks), "", "0"),
        Figure("attack scenarios run", len(attacks), "", str(len(SCENARIOS))),
        Figure("confirmed unlock works", f"{sum(o.ok for o in unlock)}/{len(unlock)}", "", "1/1"),
    ]
