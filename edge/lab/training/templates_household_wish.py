"""Household phrasing families, seventh pass: a wish for what a device gives, said without the device.

"I need some air", "could do with a bit of heat up here", "we need some light in the kitchen": the wish names
what a kind of device gives (air -> a fan, light -> a light, heat -> the heating), not the device, and the
place words after it ("in here", "down here", "over here", "in the kitchen") name no kind. Before this
pass no family taught such a wish for air at all: the shipped model's fan reading of it rested on the word
"air" alone (from device names like "air purifier"), against place words seen only in climate and light
complaints ("it's hot in here") and "down" seen only as a verb ("turn it down"), so every household data set
moved it (the focus head's fan reading of a wish for air fell from 0.99 to 0.03-0.69). These families teach
the wish with the kind, the same place words after every kind (so they carry none), and beside them the
negatives that teach otherwise: wishes for what no device gives, said the same way ("I need some sleep
down here"), and air that is not a fan's (going out for some air, air in the tyres).

Written from kinds of request, never from evaluation sentences (``heldout.drop_heldout`` removes any
generated example equal to one, the rephrase dialogues' included). Part of ``HOUSEHOLD_FAMILIES``.
"""

from __future__ import annotations

from edge.lab.training.templates_base import Family, fixed

__all__ = ["WISH_FAMILIES"]

F = Family
_NEED = (
    "(i need|we need|i want|we want|i'd like|i would like|i could use|we could use|i could do with"
    "|we could do with)"
)
_GIVE = "(can i get|can we get|can i have|can we have|give me|give us|let's have|let's get|get me|get us)"
_SOME = "[(some|a bit of|a little|a little bit of|a bit more|some more)]"
_HERE = (
    "[(in here|over here|up here|down here|out here|back here|in this room|where i am|(in|on) [the] {area})]"
)
_END = "[(please|for me|now|right now|thanks|if you can|for a bit)]"

WISH_FAMILIES: dict[str, Family] = {
    "wish_air_fan": F(
        (
            f"{_NEED} {_SOME} (air|fresh air|airflow|air flow|ventilation) {_HERE} {_END}",
            f"{_NEED} (some|a bit of|a little) (air|fresh air) {_HERE} {_END}",
            f"[<pls>] {_GIVE} {_SOME} (air|fresh air|airflow|ventilation) {_HERE} {_END}",
            f"[<pls>] ({_NEED}|{_GIVE}) (a breeze|a bit of a breeze|a draught|a draft) {_HERE} {_END}",
            f"{_SOME} (air|fresh air|a breeze) {_HERE} would be (nice|good|great|lovely) {_END}",
            f"[<can>] get (the|some) air (moving|circulating|flowing) {_HERE} {_END}",
            f"(there's|there is) no air {_HERE} {_END}",
        ),
        fixed("HassTurnOn", "fan"),
        400,
    ),
    "wish_light": F(
        (
            f"{_NEED} (some|a bit of|a little) (light|lighting) {_HERE} {_END}",
            f"[<pls>] {_GIVE} (some|a bit of|a little) (light|lighting) {_HERE} {_END}",
            f"(some|a bit of) light {_HERE} would be (nice|good|great|helpful) {_END}",
        ),
        fixed("HassTurnOn", "light"),
        150,
    ),
    "wish_heat": F(
        (
            f"{_NEED} {_SOME} (heat|warmth|heating) {_HERE} {_END}",
            f"[<pls>] {_GIVE} {_SOME} (heat|warmth|heating) {_HERE} {_END}",
            f"{_SOME} (heat|warmth) {_HERE} would be (nice|good|great|lovely) {_END}",
        ),
        fixed("ClimateWarmer", "climate"),
        150,
    ),
    "neg_wish_nothing": F(
        (
            f"{_NEED} {_SOME} (help|sleep|rest|time|space|advice|company|food|water|money|motivation"
            f"|inspiration|ideas|luck|support|patience|exercise|fresh ideas) {_HERE} {_END}",
            f"[<pls>] {_GIVE} {_SOME} (help|rest|time|space|advice|company|food|water|money|support) {_HERE}"
            f" {_END}",
            f"[<pls>] ({_NEED}|{_GIVE}) (a hug|a break|a snack|a nap|a minute|a holiday) {_HERE} {_END}",
            f"{_SOME} (help|sleep|rest|company|a hug|a break|food) {_HERE} would be (nice|good|great) {_END}",
        ),
        fixed("OutOfDomain"),
        250,
    ),
    "neg_air_not_a_fan": F(
        (
            "(i'm|i am|we're|i'll|we'll|let's) (going|go|stepping|heading|popping) (out|outside)"
            f" (for|to get) {_SOME} (air|fresh air) {_END}",
            f"i (need|want) to (go|step|get) (out|outside) (for|to get) {_SOME} (air|fresh air)",
            "(i need|i have) to (put|pump) (some|more) air (in|into) the (tyres|tires|bike|ball|mattress)",
            "(how do i|where can i) (put|pump) air (in|into) [my|the] (tyres|tires|bike tyres|ball)",
            "(i need to|let's) get some fresh air (outside|on a walk|in the park)",
        ),
        fixed("OutOfDomain"),
        150,
    ),
}
"""Appended after the sixth pass's families (``templates_household.HOUSEHOLD_FAMILIES``)."""
