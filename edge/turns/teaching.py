"""Teaching by voice in the turn engine: "when I say goodnight, ...", "forget goodnight", preferences.

A taught phrase never holds a step that could reach a lock, garage door or alarm (or an undo, which can):
such steps are left out and said so, and nothing is learned when no step is left (docs/safety.md).
"""

from __future__ import annotations

import asyncio

from edge.actions.gate import command_key, review
from edge.context.model import ContextSnapshot
from edge.dialog import responses as say
from edge.dialog.confirm import after_yes, yes_or_no
from edge.dialog.profile import parse_preference
from edge.dialog.teach import Forget, TeachMacro, parse_teach, split_actions
from edge.errors import EdgeError, ErrorCode
from edge.feedback.record import Asked, Dialog, Taught
from edge.feedback.taught import MacroStep, TaughtStore
from edge.lang import fold
from edge.nlu.catalogue import is_safety_critical
from edge.nlu.types import Intent, Provenance
from edge.turns.heard import Draft
from edge.turns.protocols import Parser, Planner

__all__ = ["Teaching"]


class Teaching:
    """Parses teaching commands and learns taught phrases into the ``taught`` store."""

    def __init__(self, parser: Parser, planner: Planner, taught: TaughtStore) -> None:
        self.parser, self.planner, self.taught = parser, planner, taught

    async def answer(
        self, d: Draft, offered: bool, phrase: str, snapshot: ContextSnapshot
    ) -> tuple[str | None, bool]:
        """The answer to "Want to teach me {phrase}?" (``offered``) or "What should I do for {phrase}?":
        (what to say, whether to ask for the steps next); (None, False) when it is no answer but a new
        request."""
        yes = yes_or_no(d.heard.text)
        said = fold(d.heard.text)
        actions = split_actions(after_yes(said) if yes else said)
        if offered and yes is None and len(actions) < 2:
            # not an answer to "Want to teach me?" but most likely the request said again in other words:
            # handle it as a request (the rephrase is what learning needs); only a list of actions teaches
            return None, False
        d.dialog = Dialog.TEACH
        if yes is False:
            return "OK.", False
        if offered and (yes is True and not actions):
            d.asked = Asked.TEACH
            return f"OK. What should I do for {phrase}?", True
        return await self.learn(d, TeachMacro(phrase, actions), snapshot), False

    async def command(self, d: Draft, snapshot: ContextSnapshot) -> str | None:
        """A teaching command ("when I say ...", "forget ...") or a preference; None when it is neither."""
        command = parse_teach(d.heard.text)
        if isinstance(command, TeachMacro):
            d.dialog = Dialog.TEACH
            return await self.learn(d, command, snapshot)
        if isinstance(command, Forget):
            d.dialog = Dialog.FORGET
            gone = await asyncio.to_thread(self.taught.forget, command.phrase)
            return (
                f"OK, I forgot {command.phrase}."
                if gone
                else f"I don't know anything called {command.phrase}."
            )
        if (pref := parse_preference(d.heard.text)) is not None:
            d.dialog = Dialog.PREFERENCE
            await asyncio.to_thread(self.taught.set_preference, *pref)
            return (
                f"OK, I'll remember you like {pref[1]}."
                if pref[0] != "temperature_unit"
                else (f"OK, I'll use {pref[1].capitalize()}.")
            )
        return None

    async def learn(self, d: Draft, command: TeachMacro, snapshot: ContextSnapshot) -> str:
        """A taught phrase: every step parsed; a step that would reach a lock, garage door or alarm (or an
        undo, which can) is left out and said so; nothing is learned when no step is left."""
        steps: list[MacroStep] = []
        kept: list[str] = []
        left_out: list[str] = []
        for action in command.actions:
            intent = await asyncio.to_thread(self.parser.parse, action, snapshot)
            if intent is None or (intent.slots.get("name") and not intent.targets):
                return f"Sorry, I didn't understand \"{action}\", so I didn't learn {command.phrase}."
            if self.untaught(intent, snapshot):
                left_out.append(action)
                continue
            steps.append(MacroStep.from_intent(intent))
            kept.append(action)
        d.lap("nlu")
        if not steps:
            d.teach_refused = tuple(left_out)
            return f"I didn't learn {command.phrase}: {say.TEACH_REFUSED}."
        await asyncio.to_thread(self.taught.add_macro, command.phrase, steps)
        d.taught = Taught(command.phrase, tuple(steps))
        text = f"Got it. When you say {command.phrase}, I'll {' and '.join(kept)}."
        if left_out:
            d.teach_refused = tuple(left_out)
            text += f" I left out {' and '.join(left_out)}: {say.TEACH_REFUSED}."
        return text

    def untaught(self, intent: Intent, snapshot: ContextSnapshot) -> bool:
        """A step a taught phrase may not hold: an undo, or anything the gate refuses for a macro."""
        if intent.name == "UndoLast":
            return True
        if any(
            (dev := snapshot.devices.get(e)) is not None and is_safety_critical(dev) for e in intent.targets
        ):
            return True
        try:
            plan = self.planner.plan(intent.with_source(Provenance.MACRO.value), snapshot)
        except EdgeError as err:
            return err.code == ErrorCode.SAFETY_REFUSED
        keys = tuple(command_key(c) for c in plan.commands)
        return not review(keys, Provenance.MACRO, snapshot.devices).allowed
