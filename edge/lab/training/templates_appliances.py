"""Appliance command families with a fixed meaning: covers, climate, the oven, the coffee maker, the
vacuum (the second half of :data:`edge.lab.training.templates_commands.COMMAND_FAMILIES`, in its order:
the generated data, and so the trained model, depend on the order of the families)."""

from __future__ import annotations

from edge.lab.training.templates_base import Family, fixed

__all__ = ["APPLIANCE_FAMILIES"]

F = Family
APPLIANCE_FAMILIES: dict[str, Family] = {
    "cover_open": F(
        (
            "open [up] the {cover_name:name} [<inarea>]",
            "(raise|roll up|pull up) the {cover_name:name} [<inarea>]",
        ),
        fixed("HassTurnOn", "cover"),
        250,
    ),
    "cover_close": F(
        (
            "close the {cover_name:name} [<inarea>]",
            "(lower|roll down|pull down|shut) the {cover_name:name} [<inarea>]",
        ),
        fixed("HassTurnOff", "cover"),
        250,
    ),
    # "open them" / "close it" name no device: the cover the satellite's area has open or closed is meant
    # (edge.nlu.referents decides which; with nothing to open or close here, the device says so)
    "cover_open_them": F(
        ("open (them|those|these|it) [up] [please]", "(raise|roll up|pull up) (them|those|these) [please]"),
        fixed("HassTurnOn", "cover"),
        150,
    ),
    "cover_close_them": F(
        (
            "close (them|those|these|it) [please]",
            "(shut|lower|roll down|pull down|draw) (them|those|these) [please]",
        ),
        fixed("HassTurnOff", "cover"),
        150,
    ),
    "climate_set": F(
        (
            "set the (thermostat|heating|heat) to {temperature} [degrees]",
            "make it {temperature} degrees <inarea>",
            "set the {area} to {temperature} degrees",
            "set the {climate_name:name} to {temperature}",
        ),
        fixed("HassClimateSetTemperature", "climate"),
        500,
    ),
    "climate_get": F(
        (
            "(whats|what is) the temperature <inarea>",
            "how (warm|cold) is it <inarea>",
            "what is the {climate_name:name} set to",
            "what's the thermostat at",
            "how cold is it in here",
        ),
        fixed("HassClimateGetTemperature", "climate"),
        400,
    ),
    "warmer": F(
        (
            "make it warmer",
            "i'm cold",
            "it's cold in here",
            "turn up the (heat|heating|thermostat)",
            "raise the temperature [a (bit|little)]",
            "warmer please",
            "heat it up [a bit]",
            "i'm freezing",
        ),
        fixed("ClimateWarmer", "climate"),
        500,
    ),
    "cooler": F(
        (
            "make it cooler",
            "i'm hot",
            "it's too warm in here",
            "turn down the (heat|heating|thermostat)",
            "lower the temperature [a (bit|little)]",
            "cooler please",
            "cool it down",
            "it's boiling in here",
        ),
        fixed("ClimateCooler", "climate"),
        500,
    ),
    "oven_set": F(
        (
            "preheat the oven [to {temperature} [degrees]]",
            "set the oven to {temperature} [degrees]",
            "heat the oven to {temperature}",
            "oven to {temperature} degrees",
            "turn the oven to {temperature}",
            "preheat to {temperature}",
        ),
        fixed("HassClimateSetTemperature", "oven"),
        500,
    ),
    "oven_get": F(
        (
            "how hot is the oven",
            "(whats|what is) the oven temperature",
            "is the oven hot yet",
            "what temperature is the oven [at]",
            "has the oven preheated",
            "is the oven ready",
            "how warm is the oven",
        ),
        fixed("HassClimateGetTemperature", "oven"),
        500,
    ),
    "coffee": F(
        (
            "make me a [cup of] coffee",
            "brew [a] [cup of] coffee",
            "start the {coffee_name:name}",
            "i need (a|some) coffee",
            "make [me] a {drink}",
            "brew a {drink}",
            "coffee please",
            "can i get a {drink}",
            "make a {drink} please",
        ),
        fixed("CoffeeBrew", "coffee_maker"),
        500,
    ),
    "vacuum_start": F(
        (
            "start [the] (vacuum|robot|roomba|hoover)",
            "start cleaning",
            "run the {vacuum_name:name}",
            "vacuum [the house]",
        ),
        fixed("HassVacuumStart", "vacuum"),
        400,
    ),
    "vacuum_dock": F(
        (
            "send the (vacuum|robot|roomba) home",
            "(vacuum|robot) go back to the (dock|base)",
            "stop cleaning and go home",
            "return to base",
            "dock the {vacuum_name:name}",
        ),
        fixed("HassVacuumReturnToBase", "vacuum"),
        300,
    ),
    "position": F(
        (
            "open the {cover_name:name} to {position} percent",
            "set the {cover_name:name} to {position} percent",
            "(raise|lower) the {cover_name:name} to {position} percent",
        ),
        fixed("HassSetPosition", "cover"),
        300,
    ),
}
