"""The project's own sentence templates (hassil syntax), grouped in families with a labelling rule.

A family's ``label`` sees the sampled context facts and returns (intent, focus domain, media class). Most
families ignore the context; the ambiguous ones (``templates_context``) are where the same words mean
different things in different homes, and are how the model learns to read its context input. The families
live in ``templates_context``, ``templates_commands``, ``templates_assistant``, ``templates_paraphrase``,
``templates_catalogue``, ``templates_ood``, ``templates_idioms`` and ``templates_household`` (shared rules
in ``templates_base``); ``FAMILIES`` is all of them in that order (the order is part of the seeded data
generation; new families go last so that the examples of the earlier ones stay the same, less those equal to
an evaluation sentence, which ``generate`` leaves out of every family).
"""

from __future__ import annotations

from edge.lab.training.templates_assistant import ASSISTANT_FAMILIES
from edge.lab.training.templates_base import RULES, Family, Label
from edge.lab.training.templates_catalogue import CATALOGUE_FAMILIES
from edge.lab.training.templates_commands import COMMAND_FAMILIES
from edge.lab.training.templates_context import CONTEXT_FAMILIES
from edge.lab.training.templates_household import HOUSEHOLD_FAMILIES
from edge.lab.training.templates_idioms import IDIOM_FAMILIES
from edge.lab.training.templates_ood import OOD_FAMILIES
from edge.lab.training.templates_paraphrase import PARAPHRASE_FAMILIES

__all__ = ["FAMILIES", "RULES", "Family", "Label"]

FAMILIES: dict[str, Family] = {
    **CONTEXT_FAMILIES,
    **COMMAND_FAMILIES,
    **ASSISTANT_FAMILIES,
    **PARAPHRASE_FAMILIES,
    **CATALOGUE_FAMILIES,
    **OOD_FAMILIES,
    **IDIOM_FAMILIES,
    **HOUSEHOLD_FAMILIES,
}
