"""The composition root of the turn engine, and small factories shared by the runtime and the CLI.

:func:`build_turns` is the one place a :class:`edge.turns.engine.TurnEngine` is made: ``edge run`` /
``replay`` (:mod:`edge.app`), ``edge session``, the household simulator, the benchmarks and the tests all
get theirs from it, with the feedback recorder on a turn store and the driver that feeds both. The rest:
where learned tables live, the rewriter they make, and failure points for the defective turns of a store.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from edge.config import Settings
from edge.context.model import Device
from edge.dialog.playback import make_player
from edge.dialog.tts import Speaker, make_tts
from edge.errors import ConfigError
from edge.feedback.record import FeedbackSignal, Label, TurnRecord
from edge.feedback.recorder import FeedbackRecorder
from edge.feedback.store import TurnQuery, TurnStore
from edge.feedback.taught import TaughtStore
from edge.feedback.writer import AsyncTurnStore
from edge.learning.canonical import Lexicon
from edge.learning.folder_lock import folder_lock
from edge.learning.fpi import Tree, classify, featurize, session_next, session_prev
from edge.learning.fpi_repair import Analyser, RepairParser, registry_snapshot
from edge.learning.household import Household
from edge.learning.index import Candidate
from edge.learning.loop import Learner, RebuildReport, TableVersions
from edge.learning.rewriter import LearnedRewriter, Parse
from edge.learning.vetoed import VetoedRewriter
from edge.nlu.domain_parser import load_parser
from edge.nlu.runner import NLUModel
from edge.nlu.sense import IntentSense
from edge.services import HomeServices, Publisher
from edge.services.lists import ListStore, lists_path
from edge.sync.instantiate import BoundRewriter, RegistryGlobalLayer
from edge.sync.service import global_table_path
from edge.turns.driver import TurnDriver
from edge.turns.engine import TurnEngine
from edge.turns.heard import TYPED_ENGINE
from edge.turns.protocols import Emit, HomeView, Parser, Rewriter

__all__ = [
    "FROM_SETTINGS",
    "FromSettings",
    "Rebuilt",
    "Turns",
    "build_turns",
    "failure_points",
    "learned_prompt",
    "learned_rewriter",
    "make_services",
    "make_speaker",
    "rebuild_tables",
    "repair_nlu",
    "tables_dir",
]


class FromSettings(enum.Enum):
    """A :func:`build_turns` argument left to the settings (its default)."""

    DEFAULT = "from settings"


FROM_SETTINGS = FromSettings.DEFAULT


@dataclass(frozen=True, slots=True)
class Turns:
    """What :func:`build_turns` made: the engine, the driver that feeds it and the recorder of its turns,
    the turn store they write, the taught store, the speaker and the services (timers, lists, broadcast:
    the intents that need no device). The caller closes it (``aclose`` or ``async with``); the home stays
    the caller's."""

    engine: TurnEngine
    driver: TurnDriver
    recorder: FeedbackRecorder
    store: AsyncTurnStore
    taught: TaughtStore
    speaker: Speaker | None
    services: HomeServices | None = None

    async def aclose(self) -> None:
        try:
            if self.speaker is not None:
                await self.speaker.aclose()
        finally:
            self.taught.close()
            if self.services is not None:
                self.services.close()
            await self.store.close()

    async def __aenter__(self) -> Turns:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


def make_speaker(settings: Settings, *, play: bool = False) -> Speaker | None:
    """The configured TTS behind a :class:`Speaker`; None when the satellite has no speaker. ``play``: out
    loud through ``feedback.player`` (the device's own run); otherwise synthesized only (simulations,
    sessions and tests keep the durations barge-in needs without making a sound)."""
    if not settings.satellite.has_speaker:
        return None
    return Speaker(make_tts(settings), make_player(settings.feedback.player) if play else None)


def make_services(
    settings: Settings,
    db: Path,
    home_id: str,
    *,
    publisher: Publisher | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> HomeServices:
    """The services of the device whose turn store is ``db``: its lists in a file next to it
    (:func:`edge.services.lists.lists_path`), timers on ``clock``, published under
    ``<mqtt.base_topic>/<home_id>/`` through ``publisher`` (None: nothing is published)."""
    return HomeServices(
        lists=ListStore(lists_path(db)), clock=clock, site_id=home_id, base_topic=settings.mqtt.base_topic,
        publisher=publisher, list_names=settings.services.lists,
    )  # fmt: skip


async def build_turns(
    settings: Settings,
    home: HomeView,
    *,
    db: Path | None = None,
    home_id: str = "home",
    parser: Parser | None = None,
    rewriter: Rewriter | FromSettings | None = FROM_SETTINGS,
    speaker: Speaker | FromSettings | None = FROM_SETTINGS,
    emit: Emit | None = None,
    timer: Callable[[], float] = time.perf_counter,
    services: HomeServices | FromSettings | None = FROM_SETTINGS,
    publisher: Publisher | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> Turns:
    """The turn engine for ``home``, its feedback recorder on the turn store and the driver of both.

    ``db`` is the turn store as the user gave it (None: ``feedback.db_path``); the taught phrases live in
    it and the learned tables next to it (:func:`tables_dir`). Left to the settings: the parser
    (``load_parser``: the NLU model, or a custom domain's), the learned rewriter (:func:`learned_rewriter`;
    None: no rewriting), the speaker (:func:`make_speaker`; None: silent) and the services
    (:func:`make_services`, publishing through ``publisher`` with timers on ``clock``; None: the intents
    that need no device do nothing). ``emit`` receives the engine's events; ``timer`` times its stages (a
    simulation passes a fixed one)."""
    path = db or Path(settings.feedback.db_path)
    if parser is None:
        parser = await asyncio.to_thread(load_parser, settings)
    if rewriter is FROM_SETTINGS:  # the NLU tells the sound layer what it can act on
        rewriter = await asyncio.to_thread(learned_rewriter, settings, db, parser.parse)
    if speaker is FROM_SETTINGS:
        speaker = make_speaker(settings)
    store = await AsyncTurnStore(path).open()
    try:
        taught = await asyncio.to_thread(TaughtStore, path, home_id)
    except BaseException:
        await store.close()
        raise
    if services is FROM_SETTINGS:
        try:
            services = await asyncio.to_thread(
                make_services, settings, path, home_id, publisher=publisher, clock=clock
            )
        except BaseException:
            taught.close()
            await store.close()
            raise
    # rephrase detection (issue 18 item 2): the NLU model's own reading links a rewording after "Sorry"
    model = getattr(parser, "model", None)
    recorder = FeedbackRecorder(
        store, settings.feedback, IntentSense(model) if isinstance(model, NLUModel) else None
    )
    engine = TurnEngine(
        settings=settings, parser=parser, home=home, taught=taught, speaker=speaker, rewriter=rewriter,
        emit=emit, home_id=home_id, timer=timer, services=services,
    )  # fmt: skip
    driver = TurnDriver(engine, recorder, home)
    return Turns(engine, driver, recorder, store, taught, speaker, services)


log = logging.getLogger(__name__)


def tables_dir(settings: Settings, db: Path | None) -> Path:
    """The learned tables of the turn store at ``db`` (given explicitly): a relative ``learning.tables_dir``
    is relative to the db's folder; with no db it is relative to the working directory."""
    folder = Path(settings.learning.tables_dir)
    return folder if folder.is_absolute() or db is None else db.parent / folder


def learned_prompt(settings: Settings, db: Path | None) -> tuple[str, ...]:
    """The active table's household requests for the recognizer's prompt (:mod:`edge.learning.vocabulary`;
    blocking: a file read); none when learning or ``learning.prompt`` is off, or the table cannot be read
    (the fixed prompt then, as before anything was learned)."""
    if not (settings.learning.enabled and settings.learning.prompt):
        return ()
    try:
        return TableVersions(tables_dir(settings, db)).active().prompt
    except ConfigError as err:
        log.error("the learned prompt is off: %s (%s)", err, err.hint)
        return ()


def learned_rewriter(
    settings: Settings, db: Path | None, nlu: Parse | None = None
) -> LearnedRewriter | BoundRewriter | VetoedRewriter | None:
    """The rewriter from the active personal table and the fleet's global layer; None when learning is off.

    The global layer's pairs name device types (``kill the {light}``), not this home's devices: the rewriter
    binds them to the registry of the snapshot it is called with (:mod:`edge.sync.instantiate`). The
    rewrites the household switched off on its page (:mod:`edge.learning.household`) are left out. With
    ``nlu`` (the runtime's parser) the sound layer repairs requests the NLU cannot act on
    (:mod:`edge.learning.sound`)."""
    if not settings.learning.enabled:
        return None
    folder = tables_dir(settings, db)
    learner = Learner(settings.learning, nlu=nlu)
    learner.table = TableVersions(folder).active()
    # the household's successful requests, as the nightly learner left them: retrieval's and sound's targets
    learner.history = tuple(Candidate(t, "history", successes=w) for t, w in learner.table.requests)
    if len(learner.table):
        log.info(
            "learned rewrites: %d personal rules (version %d)", len(learner.table), learner.table.version
        )
    layer = _global_layer(settings)
    rewriter = learner.rewriter() if layer is None else BoundRewriter(learner.rewriter(), layer)
    try:
        vetoed = Household(folder).load().vetoed
    except ConfigError as err:  # the household's vetoes cannot be read: nothing learned is applied
        log.error("learned rewrites are off: %s (%s)", err, err.hint)
        return None
    return VetoedRewriter(rewriter, vetoed) if vetoed else rewriter


def _global_layer(settings: Settings) -> RegistryGlobalLayer | None:
    """The fleet's layer where ``edge sync`` installs it (``learning.global_table``, or with fleet sync on
    ``<learning.tables_dir>/global.json``), re-verified against ``sync.public_key`` on this load; None when
    none is installed or it does not verify."""
    if not settings.learning.global_table and not settings.sync.enabled:
        return None
    path = global_table_path(settings)
    if not settings.learning.global_table and not path.exists():
        return None  # sync is on but no release has been installed yet
    return RegistryGlobalLayer.load(path, public_key=settings.sync.public_key)


def failure_points(
    turns: Sequence[TurnRecord],
    signals: dict[str, list[FeedbackSignal]],
    lexicon: Lexicon | None = None,
    nlu: RepairParser | None = None,
) -> dict[str, str]:
    """turn_id -> failure point for each defective turn that has none yet; ``nlu`` parses the heard words
    repaired toward the home's vocabulary (:mod:`edge.learning.fpi_repair`)."""
    tree = Tree.load()
    lex = lexicon or Lexicon()
    by_id = {t.turn_id: t for t in turns}
    rephrased_by = {s.turn_id: s.related_turn_id for ss in signals.values() for s in ss if s.related_turn_id}
    after, before = session_next(turns), session_prev(turns)
    out: dict[str, str] = {}
    for t in turns:
        if t.label != Label.DEFECT.value or t.failure_point:
            continue
        nxt = by_id.get(rephrased_by.get(t.turn_id, ""))
        x = featurize(
            t, signals.get(t.turn_id, ()), nxt, lex, after.get(t.turn_id), nlu=nlu,
            before=before.get(t.turn_id),
        )  # fmt: skip
        out[t.turn_id] = classify(x, tree, typed=t.asr_engine == TYPED_ENGINE)
    return out


@dataclass(frozen=True, slots=True)
class Rebuilt:
    """What a rebuild did: the learner's report, the active table version after it, failure points written."""

    report: RebuildReport
    version: int
    labelled: int
    superseded: bool = False  # the household changed the tables during the rebuild: theirs stands

    def summary(self) -> str:
        r = self.report
        if self.superseded:
            head = (
                f"kept rewrite table version {self.version}: the household changed what was learned while "
                "this rebuild ran, so its candidate was dropped (the next rebuild starts from their change)"
            )
        elif r.activated:
            head = (
                f"rewrite table version {self.version}: {len(r.table)} rules from {r.turns} turns "
                f"({r.goals} goals); replay fixes {r.candidate.fixes}, touches {r.candidate.breaks} "
                "successful turns"
            )
        else:
            head = (
                f"kept rewrite table version {self.version}: the candidate would fix {r.candidate.fixes} and "
                f"touch {r.candidate.breaks} (current: {r.current.fixes}/{r.current.breaks})"
            )
        return f"{head}; failure points written for {self.labelled} defective turns"


def repair_nlu(
    settings: Settings, devices: Sequence[Device], nlu: Analyser | None = None
) -> RepairParser | None:
    """The runtime's NLU on the home's registry, for failure points (None without a registry): ``nlu``, the
    running engine's own parser (the runtime's rebuild: no second model in memory; its onnxruntime session
    runs concurrent calls), else one loaded here (``edge learn``, a process of its own)."""
    if not devices:
        return None
    registry = {d.entity_id: d for d in devices}
    return RepairParser(nlu or load_parser(settings), registry_snapshot(registry, settings.satellite.area))


def rebuild_tables(
    settings: Settings, db: Path | None, devices: Iterable[Device] = (), nlu: Analyser | None = None
) -> Rebuilt:
    """Rebuild the personal rewrite table from the turn store (blocking: run it in a thread).

    The candidate replaces the active table only when it does no worse on recent history; failure points
    are written back for defective turns. ``devices`` (the home's registry) lets both know the home's
    names and words; without them they work from the turns alone. ``nlu``: the runtime's parser, for the
    failure points' repaired words (:func:`repair_nlu`).
    """

    path = db or Path(settings.feedback.db_path)
    versions = TableVersions(tables_dir(settings, db))
    devices = tuple(devices)
    lexicon = Lexicon.from_devices(devices)
    layer = _global_layer(settings)  # its pairs bound to these devices
    with TurnStore(path) as store:
        stored = store.turns(TurnQuery())
        turns = [s.record for s in stored]
        signals = {s.record.turn_id: list(s.signals) for s in stored}
        learner = Learner(settings.learning)
        if layer is not None:
            learner.global_table = layer.for_devices(devices)
        started = versions.active_version()
        active = versions.active()
        choices = Household(versions.folder).load()
        vetoed = {(p.original, p.rewritten) for p in choices.vetoed}
        learner.table = replace(active, quarantine=active.quarantine | vetoed)  # never learned again
        learner.kept = frozenset((p.original, p.rewritten) for p in choices.approved)  # never retracted
        now = max((t.t_end for t in turns), default=0.0)
        report = learner.rebuild(turns, signals, now, lexicon)
        labelled = 0
        with store.transaction():
            for turn_id, point in failure_points(
                turns, signals, lexicon, repair_nlu(settings, devices, nlu)
            ).items():
                labelled += store.set_label(turn_id, Label.DEFECT, point)
    with folder_lock(versions.folder):  # the household page may have changed the tables meanwhile
        superseded = versions.active_version() != started or Household(versions.folder).load() != choices
        if report.activated and not superseded:
            return Rebuilt(report, versions.save(report.table), labelled)
        return Rebuilt(report, versions.active_version(), labelled, superseded)
