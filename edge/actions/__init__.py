"""Actions: the planner (pure: intent + snapshot -> device commands), the safety policy, the undo journal
and the executors that send commands and wait for the device to confirm them."""

from edge.actions.commands import ActionResult, DeviceCommand, Plan
from edge.actions.planner import plan
from edge.actions.undo import UndoJournal

__all__ = ["ActionResult", "DeviceCommand", "Plan", "UndoJournal", "plan"]
