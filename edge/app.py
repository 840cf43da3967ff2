"""The device runtime: wires the voice pipeline, the home on the broker and the turn engine, and owns one
TaskGroup.

microphone or WAV -> voice pipeline -> turn driver -> turn engine (rewrite -> NLU -> resolve -> plan ->
execute -> respond) -> MQTT, with the context store reading the home from the broker, the feedback recorder
logging every turn and device change, runtime topics under ``edge/<site_id>/``, and the learner rebuilding
tables when idle. The turn engine, its recorder and driver come from :func:`edge.wiring.build_turns`.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from edge.asr.heap import configure_heap, trim_heap
from edge.asr.memory import enable_lean_memory
from edge.audio.mic import MicrophoneSource
from edge.audio.sources import AudioSource, WavSource
from edge.budget import check_budget
from edge.bus import ChannelClosed
from edge.config import Settings
from edge.context.broker import port_open
from edge.context.homes import load_home
from edge.context.model import ContextSnapshot
from edge.context.mqtt import MqttSession, SessionSettings
from edge.context.settle import settled
from edge.context.store import ContextStore
from edge.dialog.tts import make_tts
from edge.errors import EdgeError
from edge.events import PipelineEvent
from edge.lang import ASR_BIAS_PHRASES
from edge.learning.loop import run_when_idle
from edge.learning.vocabulary import recognizer_vocabulary
from edge.learning.wake_learn import update_wake
from edge.nlu.catalogue import CATALOGUE
from edge.nlu.domain_parser import DomainParser, load_parser
from edge.nlu.fastpath import confident, grammar_source
from edge.nlu.parser import NLUParser
from edge.pipeline import PipelineEngines, build_pipeline, load_engines
from edge.services import HomeServices
from edge.services.broadcast import BroadcastTap, MessageSource
from edge.topics import RuntimeTopics
from edge.turns.driver import TurnDriver
from edge.turns.engine import TurnEngine
from edge.turns.handler import EngineTurnHandler
from edge.turns.mqtt_home import MqttHome
from edge.wake.base import WakeDetector
from edge.wake.oww import load_wake_detector
from edge.wake.store import wake_dir
from edge.wiring import (
    Turns,
    build_turns,
    learned_prompt,
    learned_rewriter,
    make_speaker,
    rebuild_tables,
    tables_dir,
)

if TYPE_CHECKING:
    from edge.wyoming import Backend, Satellite

__all__ = ["RuntimeOptions", "asr_vocabulary", "run_runtime"]

log = logging.getLogger(__name__)

IDLE_S = 120.0  # no voice activity for this long: the device may learn


@dataclass(frozen=True, slots=True)
class RuntimeOptions:
    home: Path | None = None  # names, aliases and areas to merge with what discovery finds
    wav: Path | None = None  # replay this file instead of the microphone
    no_wake: bool = False
    realtime: bool = False  # pace a replayed file like a live microphone
    db: Path | None = None  # turn store (default: feedback.db_path)
    settle_s: float = 1.5  # after a replayed file ends, wait for the last turn's confirmations
    listen: bool = True  # False: no microphone or file; the Wyoming server alone (``edge wyoming``)
    source: AudioSource | None = None  # frames from this source instead (a bench's paced feed), as a replay


def asr_vocabulary(snapshot: ContextSnapshot) -> list[str]:
    """Words that bias ASR toward this home: command verbs, device names and aliases, areas."""
    words: list[str] = list(ASR_BIAS_PHRASES)
    for device in snapshot.devices.values():
        words.append(device.name.lower())
        words.extend(a.lower() for a in device.aliases)
    words.extend(a.lower() for a in snapshot.areas)
    return list(dict.fromkeys(w for w in words if w))


async def _device_events(home: MqttHome, driver: TurnDriver) -> None:
    """Device state changes become feedback device events (the ones our commands asked for marked as
    such; any other change was made by hand or by an app, and may undo the last turn). Changes are
    coalesced per entity and forwarded in batches (:meth:`MqttHome.changed`): a chatty sensor costs one
    event per batch, not one write per message, and no other device's change is ever dropped behind it."""
    while True:
        try:
            await home.changed()
        except ChannelClosed:
            return
        await driver.events()


async def _tick(driver: TurnDriver, every_s: float = 15.0) -> None:
    while True:
        await asyncio.sleep(every_s)
        await driver.tick(time.time())


async def _learn_when_idle(
    settings: Settings,
    db: Path | None,
    engine: TurnEngine,
    store: ContextStore,
    last_activity: Callable[[], float],
    *,
    wake: WakeDetector | None = None,
    prompt: list[tuple[str, ...]] | None = None,
) -> None:
    """Rebuild the learned tables when nobody has spoken for two minutes, then swap in the new rewriter
    and the recognizer's learned prompt (``prompt[0]``, read by ``vocabulary()``). The rebuild runs in a
    thread (with the home's registry as it is now); the voice path never waits."""

    def rebuild() -> None:
        devices = list(store.snapshot().devices.values())
        nlu = engine.parser if isinstance(engine.parser, NLUParser | DomainParser) else None
        log.info("learning: %s", rebuild_tables(settings, db, devices, nlu).summary())
        engine.rewriter = learned_rewriter(settings, db, engine.parser.parse)
        if prompt is not None:
            prompt[0] = learned_prompt(settings, db)
        if wake is not None and settings.wake.learn:  # issue 18: the wake word's threshold and verifier
            _learn_wake(settings, db, wake)

    await run_when_idle(rebuild, lambda: time.monotonic() - last_activity() > IDLE_S)


def _learn_wake(settings: Settings, db: Path | None, wake: WakeDetector) -> None:
    """Relearn the wake word's threshold and verifier from the turn log and heard windows, and hand the
    detector the new state (a failure is one log line; the detector keeps what it had)."""
    learn = getattr(wake, "learn", None)
    try:
        state, summary = update_wake(settings, db)
    except (EdgeError, OSError, ValueError) as err:
        log.error("wake-word learning skipped: %s (fix or delete %s)", err, wake_dir(settings))
        return
    if learn is not None:
        learn(state)
    log.info("wake word learning: %s", summary.replace("\n", "; "))


def _household_page(
    settings: Settings, db: Path | None, path: Path, site: str, *, store: ContextStore, engine: TurnEngine
) -> Coroutine[None, None, None]:
    """The household page (docs/web.md) on this loop: it reads the context store and, after the household
    changes what was learned, swaps in a rewriter that honours the change before answering."""

    async def reload() -> None:
        engine.rewriter = await asyncio.to_thread(learned_rewriter, settings, db)

    async def page() -> None:
        from edge.web import WebContext, serve  # noqa: PLC0415 - lazy: aiohttp (~0.4 s, MBs) only with the page on

        try:
            await serve(WebContext(settings, path, tables_dir(settings, db), site, store, reload))
        except EdgeError as err:  # the voice path goes on without the page
            log.error("the household page is off: %s (%s)", err, err.hint)

    return page()


async def _announce(services: HomeServices, driver: TurnDriver, session: MqttSession) -> None:
    """The lists published (retained) once the broker is there, then timers that end and the other
    satellites' broadcasts said as soon as they are due."""
    if await session.wait_connected(10.0):
        await services.publish_lists()
    await driver.announcements(services.wait)


async def _log_broker(session: MqttSession) -> None:
    """Say in the log when the broker comes and goes (the voice path goes on; the session itself keeps the
    retained health topic: online on every connect, offline as its last will)."""
    last: bool | None = None
    while True:
        up = session.connected
        if up != last:
            (log.info if up else log.warning)("MQTT broker %s", "connected" if up else "unavailable")
            last = up
        await asyncio.sleep(1.0)


async def _wyoming_backend(
    settings: Settings,
    engines: PipelineEngines,
    turns: Turns,
    store: ContextStore,
    *,
    listening: bool,
    vocabulary: Callable[[], Sequence[str]],
    satellite: Satellite | None,
) -> Backend:
    """The Wyoming services on the runtime's own engines, turn driver and voice (docs/wyoming.md). A wake
    detector keeps the state of the stream it scores: beside the microphone the clients get their own."""
    from edge.wyoming import Backend  # noqa: PLC0415 - lazy: ~2 MB, Wyoming only

    wake = engines.wake
    if listening and wake is not None:
        wake = await asyncio.to_thread(load_wake_detector, settings)
    tts = turns.speaker.tts if turns.speaker is not None else make_tts(settings)
    parser = turns.engine.parser
    names = [s.name for s in CATALOGUE]
    if isinstance(parser, DomainParser):
        names = [*dict.fromkeys([*parser.spec.templates, *names])]
    return Backend(
        settings, store.snapshot, recognizer=engines.recognizer, wake=wake, parser=parser,
        driver=turns.driver, tts=tts, intents=names, vocabulary=vocabulary, satellite=satellite,
    )  # fmt: skip


async def run(settings: Settings, options: RuntimeOptions, printer: Callable[[PipelineEvent], None]) -> int:
    broker_up = await asyncio.to_thread(port_open, settings.mqtt.host, settings.mqtt.port)
    if options.wav and not broker_up:
        # a replay with no broker: the actions fail anyway, so they fail fast instead of waiting
        settings = dataclasses.replace(
            settings, mqtt=dataclasses.replace(settings.mqtt, command_timeout_s=0.5)
        )
    site = settings.satellite.site_id
    db = options.db or Path(settings.feedback.db_path)
    db.parent.mkdir(parents=True, exist_ok=True)
    home = await asyncio.to_thread(load_home, options.home) if options.home else None
    source: AudioSource | None = options.source
    if source is None and options.wav:
        source = WavSource(options.wav, frame_ms=settings.audio.frame_ms, realtime=options.realtime)
    elif source is None and options.listen:
        source = MicrophoneSource(settings.audio)
    engines = await asyncio.to_thread(load_engines, settings, options.no_wake)
    # the models load before the broker session starts, so the context store reads it from the first message
    parser = await asyncio.to_thread(load_parser, settings)
    domain_words = parser.vocabulary() if isinstance(parser, DomainParser) else []
    rewriter = await asyncio.to_thread(learned_rewriter, settings, options.db)
    prompt = [await asyncio.to_thread(learned_prompt, settings, options.db)]  # the household's requests
    store = ContextStore(settings, home)
    session_settings = SessionSettings.from_mqtt(settings.mqtt, site, health=True)
    async with MqttSession(session_settings) as session:
        topics = RuntimeTopics(session, site, settings.mqtt.base_topic, settings.mqtt.hermes)

        activity = [time.monotonic()]

        async def emit(event: PipelineEvent) -> None:
            activity[0] = time.monotonic()
            printer(event)
            topics.offer(event)

        mhome = MqttHome(store, session, settings, home_id=site)
        # the engine's response event reaches edge/<site>/response through ``emit``: no second sink
        turns = await build_turns(
            settings, mhome, db=options.db, home_id=site, parser=parser, rewriter=rewriter, emit=emit,
            publisher=session, speaker=make_speaker(settings, play=True) if source is not None else None,
        )  # fmt: skip
        async with turns:
            if turns.speaker is not None:
                await turns.speaker.warm()  # the voice loads now, not on the first response
            trim_heap()  # what loading freed (Whisper's conversion buffers) back to the system
            check_budget(settings)  # the engines, the NLU and the voice are loaded: the profile's budget
            messages: MessageSource = session
            if turns.services is not None:  # the broadcast topic read beside the home's state
                tap = BroadcastTap(session, turns.services.broadcast_topic, turns.services.inbox)
                await tap.start()
                messages = tap
            handler = EngineTurnHandler(
                turns.driver, ordered=options.wav is not None and not options.realtime
            )

            def vocabulary() -> Sequence[str]:
                fixed = [*domain_words, *asr_vocabulary(store.snapshot())]
                return recognizer_vocabulary(settings, prompt[0], fixed)

            player = turns.speaker.player if turns.speaker is not None else None
            wake_word = source is not None and not options.no_wake and engines.wake is not None
            satellite: Satellite | None = None
            if settings.wyoming.enabled:  # the Wyoming library loads only for Home Assistant's services
                from edge.wyoming import satellite_for  # noqa: PLC0415 - lazy: ~2 MB, Wyoming only

                satellite = satellite_for(settings, player, wake_word=wake_word)  # HA's microphone
            pipeline = None if source is None else build_pipeline(
                settings, source, handler, emit, no_wake=options.no_wake, engines=engines,
                vocabulary=vocabulary, sink=satellite, grammar=grammar_source(store.snapshot, parser),
                confident=confident(parser, store.snapshot),
            )  # fmt: skip
            async with asyncio.TaskGroup() as tg:
                background = [
                    tg.create_task(store.run(messages), name="context-store"),
                    tg.create_task(topics.run(), name="runtime-topics"),
                    tg.create_task(_device_events(mhome, turns.driver), name="device-events"),
                    tg.create_task(_tick(turns.driver), name="feedback-tick"),
                    tg.create_task(_log_broker(session), name="broker-log"),
                ]
                if turns.services is not None:
                    announcer = _announce(turns.services, turns.driver, session)
                    background.append(tg.create_task(announcer, name="announcements"))
                if settings.learning.enabled and not options.wav:
                    background.append(
                        tg.create_task(
                            _learn_when_idle(
                                settings,
                                options.db,
                                turns.engine,
                                store,
                                lambda: activity[0],
                                wake=engines.wake,
                                prompt=prompt,
                            ),
                            name="learning",
                        )
                    )
                if (options.wav or options.source is not None) and broker_up:
                    # a replay acts on the home as it is: wait for retained discovery and state to arrive
                    await session.wait_connected(5.0)
                    await settled(store, max(5.0, options.settle_s), quiet_s=0.4, need_change=False)
                elif options.wav:
                    log.warning(
                        "no MQTT broker at %s:%d: turns are understood but actions will fail",
                        settings.mqtt.host, settings.mqtt.port,
                    )  # fmt: skip
                if settings.web.enabled:  # issue 19
                    page = _household_page(settings, options.db, db, site, store=store, engine=turns.engine)
                    background.append(tg.create_task(page, name="web"))
                if settings.wyoming.enabled:
                    backend = await _wyoming_backend(
                        settings, engines, turns, store, listening=pipeline is not None,
                        vocabulary=vocabulary, satellite=satellite,
                    )  # fmt: skip
                    from edge.wyoming import Limits, serve  # noqa: PLC0415 - lazy: ~2 MB, Wyoming only

                    server = serve(settings.wyoming.uri, backend, Limits.from_settings(settings))
                    background.append(tg.create_task(server, name="wyoming"))
                if pipeline is None:
                    await asyncio.Event().wait()  # the Wyoming server alone, until interrupted
                else:
                    await pipeline.run()
                if options.wav:
                    await asyncio.sleep(options.settle_s)
                    await turns.driver.tick(time.time())
                topics.close()
                for task in background:
                    if task.get_name() != "runtime-topics":
                        task.cancel()
    return 0


def run_runtime(
    settings: Settings,
    *,
    home: Path | None = None,
    wav: Path | None = None,
    no_wake: bool = False,
    db: Path | None = None,
    printer: Callable[[PipelineEvent], None],
) -> int:
    options = RuntimeOptions(home=home, wav=wav, no_wake=no_wake, db=db)
    if settings.profile.lean_memory:  # before any model loads and before the loop's threads start
        enable_lean_memory()
    configure_heap(settings.profile.malloc_arenas, settings.profile.trim_memory)
    return asyncio.run(run(settings, options, printer))
