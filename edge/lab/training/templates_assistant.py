"""Families for the assistant's own intents: undo, teaching, confirm/deny, never mind, time, weather,
timers."""

from __future__ import annotations

from edge.lab.training.templates_base import Family, fixed

__all__ = ["ASSISTANT_FAMILIES"]

F = Family
ASSISTANT_FAMILIES: dict[str, Family] = {
    "undo": F(
        (
            "undo [that]",
            "undo the last thing",
            "take that back",
            "revert that",
            "put it back [the way it was]",
            "that was wrong undo it",
            "go back to how it was",
            "undo what you just did",
            "change it back",
        ),
        fixed("UndoLast"),
        400,
    ),
    "teach_macro": F(
        (
            "when i say {trigger} [then] {action}",
            "if i say {trigger} [please] {action}",
            "learn that {trigger} means {action}",
            "from now on {trigger} means {action}",
            "whenever i say {trigger} {action}",
        ),
        fixed("TeachMacro"),
        500,
    ),
    "teach_pref": F(
        (
            "i prefer {preference}",
            "always use {preference}",
            "use {preference} from now on",
            "i'd rather have {preference}",
            "remember that i prefer {preference}",
        ),
        fixed("TeachPreference"),
        300,
    ),
    "forget": F(
        (
            "forget {trigger}",
            "forget (what|the thing) i (taught|told) you about {trigger}",
            "stop doing {trigger}",
            "delete the {trigger} (command|shortcut)",
            "unlearn {trigger}",
            "remove [the] {trigger} (shortcut|command)",
        ),
        fixed("ForgetTaught"),
        300,
    ),
    "confirm": F(
        (
            "yes",
            "yeah",
            "yep",
            "sure",
            "correct",
            "that's right",
            "do it",
            "go ahead",
            "yes please",
            "ok",
            "absolutely",
            "yes do it",
            "right",
        ),
        fixed("Confirm"),
        400,
    ),
    "deny": F(
        (
            "no",
            "nope",
            "no thanks",
            "don't",
            "wrong",
            "that's wrong",
            "not that",
            "no that's not what i meant",
            "no don't",
            "negative",
        ),
        fixed("Deny"),
        400,
    ),
    "nevermind": F(
        ("never mind", "nevermind", "cancel", "forget it", "nothing", "sorry not you", "oops", "cancel that"),
        fixed("HassNevermind"),
        300,
    ),
    "time": F(
        ("what time is it", "(whats|what is) the time", "tell me the time", "do you know the time"),
        fixed("HassGetCurrentTime"),
        200,
    ),
    "weather": F(
        (
            "(whats|what is) the weather [like] [(today|tomorrow|outside)]",
            "is it going to rain [today]",
            "do i need an umbrella",
            "how's the weather",
        ),
        fixed("HassGetWeather"),
        200,
    ),
    "timer": F(
        (
            "set a timer for {minutes} minutes",
            "{minutes} minute timer",
            "timer for {seconds} seconds",
            "start a {timer_name:name} timer for {minutes} minutes",
            "set a timer for {hours} hour[s]",
        ),
        fixed("HassStartTimer"),
        300,
    ),
    # --- paraphrase families (new phrasings for the same intents) ----------------------------------
    "weather_more": F(
        (
            "should i (bring|take|wear|pack) (an umbrella|a coat|a jacket|warm clothes|sunscreen|a raincoat)",
            "(do|will) i need (a coat|a jacket|sunscreen|gloves|a hat) <day>",
            "(is it|will it be) (cold|hot|sunny|windy|snowing|raining|freezing) (outside|out there|<day>)",
            "(what's|what is) the temperature outside",
            "how (cold|hot|warm) is it (outside|out there)",
            "weather (report|update) [for <day>]",
            "(what's|what is) the weather going to be [like] <day>",
            "(will|is) it (snow|be windy|be sunny|clear up) <day>",
            "(what's|what is) the (forecast|weather forecast|outlook) [for] [<day>|the (weekend|week)]",
            "(give me|read me|tell me) the (forecast|weather) [for <day>]",
        ),
        fixed("HassGetWeather"),
        400,
    ),
}
