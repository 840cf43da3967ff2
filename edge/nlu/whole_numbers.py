"""A decimal read again as its whole part: "set temperature to 20.5" (or "20.5°", "20.5 °") is the same
request as "set temperature to 20". The model has seen few decimals; one household draw read the first at
0.64 with the number untagged and the second at 1.00 with it tagged. ``NLUParser.analyse`` reads a request
it was unsure of again with each decimal's whole part (:func:`whole_numbers`) and, when that reading is the
same intent and sure, keeps it with the decimals put back into its slots (:func:`put_back`). A number's value
never decides what is asked for: the planner still checks it against the device's range. Pure."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

__all__ = ["put_back", "whole_numbers"]

_DECIMAL = re.compile(r"(\d+)\.\d+")


def whole_numbers(tokens: Sequence[str]) -> tuple[str, dict[str, str]] | None:
    """(the words with each decimal replaced by its whole part, {whole part: decimal}); None when there is
    no decimal, or a whole part is also said on its own or stands for two decimals (it could not be put
    back unambiguously)."""
    back: dict[str, str] = {}
    words: list[str] = []
    for token in tokens:
        if match := _DECIMAL.fullmatch(token):
            whole = match.group(1)
            if back.get(whole, token) != token:
                return None
            back[whole] = token
            words.append(whole)
        else:
            words.append(token)
    if not back or any(t in back for t in tokens):
        return None
    return " ".join(words), back


def put_back(slots: Mapping[str, str], back: Mapping[str, str]) -> dict[str, str]:
    """``slots`` with each whole part of :func:`whole_numbers` that a value holds as a word put back as the
    decimal it stood for."""
    return {k: " ".join(back.get(w, w) for w in str(v).split()) for k, v in slots.items()}
