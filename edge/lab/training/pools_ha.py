"""Names and free-text values for the parts of Home Assistant's catalogue the device pools do not cover:
sensors, binary sensors, people, lawn mowers, to-do lists, scenes, scripts, valves, and the wildcard lists
(``message``, ``zone``, ``timer_command``) (written for this project, Apache-2.0).

These domains are sampled only where a template asks for them (``requires_context``, a family's
``{sensor_name:name}``), never for a bare ``{name}``: "turn on the humidity" is not a request to learn.
"""

from __future__ import annotations

__all__ = [
    "BINARY_STATES",
    "HA_THINGS",
    "MESSAGES",
    "PEOPLE_NAMES",
    "QUANTITIES",
    "SENSED",
    "TIMER_COMMANDS",
    "ZONES",
]

HA_THINGS: dict[str, tuple[str, ...]] = {
    "sensor": (
        "temperature", "outside temperature", "indoor temperature", "humidity", "outdoor humidity",
        "power usage", "energy consumption", "battery", "phone battery", "air quality", "co2 level",
        "pressure", "illuminance", "rainfall", "wind speed", "solar production", "water usage",
        "pm2.5", "fridge temperature", "freezer temperature", "car battery", "printer ink",
    ),
    "binary_sensor": (
        "front door", "back door", "patio door", "window", "bedroom window", "kitchen window",
        "motion sensor", "hallway motion", "occupancy", "garage door sensor", "leak sensor",
        "water leak", "smoke detector", "doorbell", "mailbox", "gate sensor", "presence sensor",
    ),
    "person": (
        "anna", "ben", "carlos", "dad", "mum", "mom", "emma", "grandma", "jack", "lucy", "mia",
        "noah", "olivia", "paul", "sam", "sophie", "tom", "zoe", "my wife", "my husband",
    ),
    "lawn_mower": ("lawn mower", "mower", "robot mower", "automower", "grass cutter", "landroid"),
    "todo": (
        "to do", "chores", "packing", "christmas", "hardware store", "costco", "diy", "school",
        "birthday", "work", "weekend", "pharmacy", "garden",
    ),
    "scene": (
        "movie night", "romantic", "relax", "good night", "dinner party", "reading", "morning",
        "bright", "cozy evening", "party", "focus", "sunset", "bedtime",
    ),
    "script": (
        "bedtime routine", "morning routine", "leave home", "arrive home", "party mode",
        "wake up", "goodnight routine", "away mode", "feed the cat",
    ),
    "valve": ("water valve", "main water valve", "sprinkler valve", "garden tap", "irrigation valve"),
    "input_boolean": ("guest mode", "vacation mode", "do not disturb", "holiday mode"),
    "button": ("doorbell chime", "restart router", "identify button"),
}  # fmt: skip

MESSAGES = (
    "dinner is ready", "it's time for bed", "we're leaving in five minutes", "the movie is starting",
    "come downstairs please", "lunch is on the table", "someone is at the door", "time to wake up",
    "turn off the tv and do your homework", "i'm home", "the car is here", "please feed the dog",
    "we need to leave now", "dessert is ready", "grandma is on the phone",
)  # fmt: skip

ZONES = ("home", "work", "school", "the office", "the gym", "the shops", "away", "grandma's")

TIMER_COMMANDS = (
    "turn off the lights", "turn off the oven", "turn on the fan", "close the blinds",
    "turn off the tv", "stop the music", "start the vacuum", "turn off the heating",
)  # fmt: skip

PEOPLE_NAMES = HA_THINGS["person"]

_SENSOR_THINGS = (
    "heat pump", "grid", "water pump", "solar panels", "car", "weather station", "outside", "bed",
    "phone", "server", "pool", "boiler", "greenhouse", "attic", "garage", "battery pack", "ev",
    "washing machine", "dishwasher", "aquarium", "office", "nursery", "cellar", "tablet", "router",
)  # fmt: skip
QUANTITIES = (
    "humidity", "relative humidity", "pressure", "air pressure", "power", "power usage", "energy",
    "energy usage", "voltage", "current", "frequency", "speed", "wind speed", "distance", "mileage",
    "weight", "volume", "gas usage", "water usage", "water consumption", "cost", "price", "signal strength",
    "pm1 level", "pm2.5 level", "pm10 level", "co2 level", "carbon dioxide level", "nitrogen dioxide",
    "ozone level", "air quality", "illuminance", "light level", "battery level", "battery", "duration",
    "remaining time", "rainfall", "rain rate", "noise level", "moisture", "concentration", "level",
    "reading", "value", "consumption", "production", "charge", "range", "uv index", "dew point",
)  # fmt: skip
"""What a sensor measures (never temperature: "what is the temperature" is HassClimateGetTemperature)."""
HA_THINGS["sensor"] = (
    HA_THINGS["sensor"]
    + tuple(f"{thing} {quantity}" for thing in _SENSOR_THINGS for quantity in QUANTITIES[::7])
    + tuple(f"{thing} sensor" for thing in _SENSOR_THINGS)
)
HA_THINGS["binary_sensor"] = HA_THINGS["binary_sensor"] + _SENSOR_THINGS + (
    "pet door", "pet flap", "cat flap", "cookie jar", "medicine cabinet", "safe", "front gate",
    "water heater", "freezer door", "fridge door", "mailbox flap", "basement leak sensor",
)  # fmt: skip

BINARY_STATES = (
    "cold", "hot", "wet", "dry", "connected", "disconnected", "online", "offline", "vibrating",
    "moving", "running", "charging", "plugged in", "unplugged", "low", "normal", "home", "away", "gone",
    "safe", "unsafe", "up to date", "open", "closed", "detected", "clear", "triggered", "on", "off",
    "occupied", "empty", "locked", "unlocked", "ok", "tampered with", "full", "leaking",
)  # fmt: skip
"""A binary sensor's state words, over Home Assistant's device classes (cold, moisture, connectivity...)."""

SENSED = (
    "carbon monoxide", "co", "smoke", "gas", "motion", "movement", "sound", "noise", "light", "power",
    "a leak", "water", "occupancy", "vibration", "tampering", "presence", "heat", "a problem",
)  # fmt: skip
"""What a binary sensor detects: "is smoke detected", "is there any gas in the kitchen"."""
