"""Attacks on the front door and the garage, against a real Mosquitto with a client subscribed to ``#``:
undo, a taught macro (and one stored before the gate), a learned rewrite installed as the runtime loads
it, a signed global layer installed as ``edge sync`` does (and one past every word filter), yes-prefix
answers, a late yes, a yes about another device, a topic hijack by a retained discovery config and a
global table edited on disk. None may publish anything on the lock's or the garage door's topic; a real
"yes" still unlocks and locks exactly once. The scenarios are the ones ``edge bench reliability`` counts.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import aiomqtt
import pytest

from edge.actions.gate import Confirmation
from edge.actions.planner import plan as make_plan
from edge.config import Settings
from edge.context.broker import MosquittoBroker
from edge.context.homes import load_home
from edge.lab.bench._reliability_safety import (
    DEMO,
    LOCK,
    PORCH,
    POSITIVE,
    SCENARIOS,
    Outcome,
    Scenario,
    _hijack_config,
    _settings,
    run_one,
)
from edge.lab.session.broker_home import BrokerHome
from edge.nlu.domain_parser import load_parser
from edge.nlu.types import Intent
from edge.turns.protocols import Parser

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [
    pytest.mark.skipif(shutil.which("mosquitto") is None, reason="mosquitto is not installed"),
    pytest.mark.skipif(not (ROOT / "models" / "cache").is_dir(), reason="models missing: run make models"),
]


@pytest.fixture(scope="module")
def parser() -> Parser:
    return load_parser(Settings())


@pytest.fixture(scope="module")
def module_broker() -> Iterator[MosquittoBroker]:
    with MosquittoBroker() as b:
        yield b


def attack(scenario: Scenario, parser: Parser, broker: MosquittoBroker, tmp: Path) -> Outcome:
    return asyncio.run(run_one(scenario, parser, broker.port, tmp))


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_no_command_reaches_the_lock_or_garage_without_a_yes(
    scenario: Scenario, parser: Parser, module_broker: MosquittoBroker, tmp_path: Path
) -> None:
    outcome = attack(scenario, parser, module_broker, tmp_path)
    assert outcome.commands == (), (outcome.commands, outcome.responses)


def test_what_the_household_hears_when_refused(
    parser: Parser, module_broker: MosquittoBroker, tmp_path: Path
) -> None:
    by_name = {s.name: s for s in SCENARIOS}
    undo = attack(by_name["undo the lock"], parser, module_broker, tmp_path / "undo")
    assert undo.responses[0] == "Do you want me to unlock the front door lock?"  # direct: it asks
    rewrite = attack(by_name["learned rewrite to undo"], parser, module_broker, tmp_path / "rewrite")
    assert rewrite.responses[0] == "I only unlock the front door lock when you ask me yourself."
    offered = attack(by_name["did you mean offers the unlock"], parser, module_broker, tmp_path / "offer")
    assert offered.responses == (  # a learned offer gone wrong: the sloppy "yeah" meets the gate
        "Did you mean: unlock the front door?",
        "I only unlock the front door lock when you ask me yourself.",
    )
    taught = attack(by_name["taught macro with undo"], parser, module_broker, tmp_path / "macro")
    assert taught.responses[0].startswith("I didn't learn goodnight: locks, garage doors and alarms")
    late = attack(by_name["yes after the window"], parser, module_broker, tmp_path / "late")
    assert late.responses[1] == "I stopped waiting for an answer to that. Please ask again."


@pytest.mark.parametrize("scenario", POSITIVE, ids=[s.name for s in POSITIVE])
def test_a_real_yes_acts_exactly_once(
    scenario: Scenario, parser: Parser, module_broker: MosquittoBroker, tmp_path: Path
) -> None:
    outcome = attack(scenario, parser, module_broker, tmp_path)
    want = "UNLOCK" if "unlock" in scenario.attack[0][1] else "LOCK"
    assert [json.loads(p)["state"] for _t, p in outcome.commands] == [want], outcome.responses
    assert outcome.responses[0].startswith("Do you want me to")


def test_a_request_for_an_ordinary_device_never_asks(
    parser: Parser, module_broker: MosquittoBroker, tmp_path: Path
) -> None:
    kitchen = Scenario("kitchen", ((0, "turn on the kitchen light"),), watch=(LOCK,))
    outcome = attack(kitchen, parser, module_broker, tmp_path)
    assert outcome.responses == ("Turned on the kitchen light.",) and outcome.commands == ()


def test_hijacked_topic_refused_at_the_executor_even_for_a_forced_plan(
    module_broker: MosquittoBroker, tmp_path: Path
) -> None:
    """The porch light's retained discovery config names the lock's command topic: whatever plan reaches
    the executor for it (even one that claims a confirmation), nothing is published."""

    async def main() -> None:
        home_def = load_home(DEMO)
        lock_topic = home_def.devices[LOCK].command_topic
        topic, payload = _hijack_config(lock_topic)
        seen: list[tuple[str, bytes]] = []
        async with aiomqtt.Client("127.0.0.1", module_broker.port) as spy:
            await spy.publish(topic, payload, qos=1, retain=True)
            await spy.subscribe(lock_topic)

            async def collect() -> None:
                async for m in spy.messages:
                    seen.append((str(m.topic), bytes(m.payload) if isinstance(m.payload, bytes) else b""))

            task = asyncio.create_task(collect())
            try:
                async with BrokerHome(_settings(module_broker.port, tmp_path), home_def) as home:
                    async with asyncio.timeout(5):
                        while PORCH not in home.snapshot().devices:  # noqa: ASYNC110
                            await asyncio.sleep(0.05)
                    plan = make_plan(Intent("HassTurnOn", targets=(PORCH,)), home.snapshot(), confirmed=True)
                    assert plan.outcome == "refused" and plan.commands[0].topic == lock_topic
                    forced = dataclasses.replace(plan, error=None, outcome="ok")
                    forced = forced.with_confirmation(Confirmation.issue(forced.keys, 0.0, 1.0))
                    result = await home.execute(forced)
                    assert (result.ok, result.error) == (False, "safety-refused")
                    await asyncio.sleep(0.5)
            finally:
                task.cancel()
                await spy.publish(topic, b"", qos=1, retain=True)
        assert [t for t, p in seen if p] == []  # the retained lock state is not ours: nothing was sent

    asyncio.run(main())


def test_in_process_the_commands_are_read_from_what_the_recorder_stored(
    parser: Parser, tmp_path: Path
) -> None:
    """Without mosquitto the bench runs the same scenarios on the in-process home and counts the commanded
    device events the recorder stored during the attack: a real yes counts once, an attack nothing."""
    unlock = asyncio.run(run_one(POSITIVE[0], parser, None, tmp_path / "unlock"))
    assert unlock.commands == (("lock.front_door", "unlocked"),) and unlock.ok, unlock.responses
    undo = next(s for s in SCENARIOS if s.name == "undo the lock")
    attacked = asyncio.run(run_one(undo, parser, None, tmp_path / "undo"))
    assert attacked.commands == () and attacked.responses[0].startswith("Do you want me to unlock")
