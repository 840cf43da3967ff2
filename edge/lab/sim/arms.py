"""Many simulated households in one arm of an experiment: the same seeded homes (``home00``,
``home01``, ...; small, medium and large in turn), each with its own learner of the arm's kind, or none.

The learner runs each night on what the home's turn store holds (:func:`nightly`), as
``edge.wiring.rebuild_tables`` runs on the device.
"""

from __future__ import annotations

from collections.abc import Callable

from edge.config import Settings
from edge.lab.sim.household import RewriterLike, SimLog, simulate_home
from edge.lab.sim.household_runtime import shared_parser
from edge.learning.canonical import Lexicon
from edge.learning.loop import Learner

__all__ = ["SIZES", "Arm", "nightly", "run_arm"]

Arm = Callable[[], Learner] | None
SIZES = ("small", "medium", "large")


def nightly(learner: Learner) -> Callable[[SimLog, float], RewriterLike | None]:
    """The simulator's ``learn`` callback: ``learner`` rebuilt from the home's stored turns and signals,
    with the home's registry for its words; the rewriter for the next day."""

    if learner.nlu is None:  # the sound layer asks the NLU the simulated homes run (one per process)
        learner.nlu = shared_parser(Settings()).parse

    def learn(log: SimLog, now: float) -> RewriterLike | None:
        lexicon = Lexicon.from_devices(log.home.devices.values())
        learner.rebuild(log.turns, log.signals_by_turn(), now, lexicon)
        return learner.rewriter()

    return learn


def run_arm(
    seed: int, homes: int, days: int, make: Arm, asr_model: str = "handset", *, sloppy: float = 0.0
) -> list[SimLog]:
    """``homes`` households for ``days`` days; ``make`` gives each home its learner (None: learning off);
    ``asr_model`` the users' ASR-error model (:data:`edge.lab.sim.household.ASR_MODELS`); ``sloppy`` the
    users' chance to say yes to a "Did you mean ...?" that is not what they meant."""
    logs = []
    for h in range(homes):
        learn = nightly(make()) if make is not None else None
        logs.append(
            simulate_home(
                seed, f"home{h:02d}", days, learn, size=SIZES[h % 3], asr_model=asr_model, sloppy=sloppy
            )
        )
    return logs
