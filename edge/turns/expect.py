"""The phrases that answer the question the turn engine is waiting on (pure), for a recognizer that
only hears what it is told to expect (``asr.engine = "grammar"``: :mod:`edge.asr.answers`).

- a confirmation ("Do you want me to unlock the front door?"), the teaching offer ("Want to teach
  me?") and "Did you mean: ...?": the common whole-utterance yes and no forms (each one
  :mod:`edge.dialog.confirm` accepts), "cancel" among them;
- "which one?": the offered devices by name, alias and area (with "the" before them), their place in the
  question ("the first one") and the no forms;
- other questions (what to do for a taught phrase, which timer, which of two readings): nothing: their
  answers are commands or names the command grammar already has.

What the engine does with an answer is unchanged (:mod:`edge.turns.answering`, the safety gate's rules).
"""

from __future__ import annotations

from edge.context.model import ContextSnapshot
from edge.dialog.which import EVERY_ANSWERS
from edge.turns.pending import Pending

__all__ = ["NO_ANSWERS", "ORDINALS", "YES_ANSWERS", "expected_answers"]

ORDINALS = ("first", "second", "third", "fourth")  # "the first one": as edge.dialog.which reads it
# the common forms only: every phrase more is one more place for other speech to be forced onto (measured
# in tests/test_grammar_answers.py: "do it", "i do", "right" and "not really" caught unrelated requests)
YES_ANSWERS = ("yes", "yeah", "yep", "yes please", "sure", "okay", "go ahead", "confirm", "correct")
NO_ANSWERS = ("no", "nope", "no thanks", "cancel", "stop", "never mind", "not now", "no cancel")
_YES_NO = (YES_ANSWERS, NO_ANSWERS)


def expected_answers(pending: Pending | None, snapshot: ContextSnapshot) -> tuple[tuple[str, ...], ...]:
    """The phrases that answer ``pending``, by meaning (the yes forms, the no forms; each offered device
    with its place in the question, and "both" / "all of them" for every one offered); empty: no question,
    or one answered by commands."""
    if pending is None:
        return ()
    if pending.kind in {"confirm", "teach", "did_you_mean"}:
        return _YES_NO
    if pending.kind != "which":
        return ()
    groups: list[tuple[str, ...]] = []
    for place, entity_id in enumerate(pending.candidates):
        device = snapshot.devices.get(entity_id)
        if device is None:
            continue
        names = [label.lower() for label in (device.name, *device.aliases, device.area) if label]
        ordinal = ORDINALS[place] if place < len(ORDINALS) else ""
        if place == len(pending.candidates) - 1:
            names.append("last")
        if ordinal:
            names.append(ordinal)
        groups.append(tuple(dict.fromkeys(f for n in names for f in (n, f"the {n}", f"the {n} one"))))
    return (*groups, EVERY_ANSWERS, NO_ANSWERS) if groups else ()
