"""The one loop that drives a turn engine and its feedback recorder.

Whatever hears the user (the voice pipeline on the device, a scripted session, the household simulator),
everything reaches the engine and the recorder through a :class:`TurnDriver`, in one order:

- :meth:`TurnDriver.hear`: the device events the home saw before the utterance, then the engine's turn,
  its record to the recorder, then the device events the turn caused (our commands' confirmations);
- :meth:`TurnDriver.barge_in`: the engine stops speaking and what was cut off goes to the recorder;
- :meth:`TurnDriver.events`: the home's device events (commanded or by hand) to the recorder;
- :meth:`TurnDriver.tick`: what is due unasked (a timer that ended, a broadcast: :meth:`TurnDriver.announce`),
  the home's device events, then the time to the recorder (abandonment, and the labels of turns whose
  feedback windows have closed).

Time is the caller's: the device passes the wall clock, a scripted session and the simulator their clock.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from edge.feedback.observations import BargeIn
from edge.feedback.record import TurnRecord
from edge.turns.engine import TurnEngine
from edge.turns.heard import Heard
from edge.turns.protocols import Emit, HomeView, Recorder

__all__ = ["TurnDriver"]


class TurnDriver:
    """Feeds one engine, the home it acts on and the recorder of its turns. Drive it from one event loop."""

    def __init__(self, engine: TurnEngine, recorder: Recorder, home: HomeView) -> None:
        self.engine = engine
        self.recorder = recorder
        self.home = home
        self._turn = asyncio.Lock()  # one turn at a time, whoever hears it (the microphone, a Wyoming client)

    async def hear(self, heard: Heard, emit: Emit | None = None) -> TurnRecord:
        """One utterance (``emit`` overrides the engine's event callback for this turn only); a second
        caller's utterance waits for the turn in progress to finish."""
        async with self._turn:
            await self.events()
            record = await self.engine.handle(heard, emit)
            await self.recorder.on_turn(record)
            await self.events()
            return record

    async def barge_in(self, t: float) -> BargeIn | None:
        """The user spoke over the response at ``t``; None when nothing was being said."""
        event = await self.engine.barge_in(t)
        if event is not None:
            await self.recorder.on_barge_in(event)
        return event

    async def events(self) -> int:
        """Hand the device events the home saw since the last call to the recorder; how many there were."""
        events = self.home.drain_events()
        for event in events:
            await self.recorder.on_device_event(event)
        return len(events)

    async def announce(self, now: float) -> int:
        """Say what is due unasked at ``now`` (timers that ended, broadcasts); how many were said."""
        return await self.engine.announce(now)

    async def announcements(
        self, due: Callable[[], Awaitable[None]], clock: Callable[[], float] = time.time
    ) -> None:
        """Say what is due as soon as it is: ``due`` returns when something may be (the services' ``wait``:
        a timer's end, a broadcast); ``clock`` stamps the announcements. Runs until cancelled."""
        while True:
            await due()
            await self.announce(clock())

    async def tick(self, now: float) -> None:
        """The time is ``now``: announcements and pending device events first, then the recorder's
        time-based work."""
        await self.announce(now)
        await self.events()
        await self.recorder.tick(now)
