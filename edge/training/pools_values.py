"""Slot values for the command families: timer names, shopping items, drinks, colours, taught triggers and
actions, preferences (written for this project, Apache-2.0)."""

from __future__ import annotations

__all__ = ["ACTIONS", "COLORS", "DRINKS", "ITEMS", "PREFERENCES", "TIMER_NAMES", "TRIGGERS"]

TIMER_NAMES = ("pizza", "pasta", "laundry", "egg", "tea", "oven", "bread", "nap", "homework", "cookies")
ITEMS = (
    "milk",
    "eggs",
    "bread",
    "apples",
    "coffee",
    "paper towels",
    "butter",
    "dish soap",
    "bananas",
    "toilet paper",
    "orange juice",
    "rice",
    "chicken",
    "cheese",
)
DRINKS = (
    "espresso",
    "latte",
    "cappuccino",
    "americano",
    "flat white",
    "filter coffee",
    "mocha",
    "double espresso",
    "black coffee",
)
COLORS = (
    "red",
    "blue",
    "green",
    "yellow",
    "purple",
    "orange",
    "pink",
    "white",
    "warm white",
    "cool white",
    "teal",
    "magenta",
    "cyan",
    "gold",
    "lavender",
)
TRIGGERS = (
    "movie time",
    "good night",
    "study mode",
    "i'm home",
    "bedtime",
    "party time",
    "date night",
    "reading time",
    "wake up",
    "i'm leaving",
    "dinner time",
    "game night",
    "focus mode",
    "relax",
)
ACTIONS = (
    "turn off all the lights",
    "dim the living room lights",
    "turn on the tv and dim the lights",
    "set the thermostat to 19",
    "play some jazz",
    "lock the front door",
    "turn on the reading light",
    "close the blinds and turn off the tv",
    "turn the lights to blue",
    "start the coffee maker",
    "turn on the kitchen lights",
    "play my bedtime playlist",
    "switch off everything downstairs",
)
PREFERENCES = (
    "celsius",
    "fahrenheit",
    "the metric system",
    "warm white light",
    "shorter answers",
    "the kitchen speaker for music",
    "quiet responses",
    "imperial units",
    "the 24 hour clock",
    "dim lights in the evening",
)
