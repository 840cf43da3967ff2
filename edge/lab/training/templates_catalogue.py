"""Our own phrasings for the parts of Home Assistant's catalogue its templates cover thinly: state questions
about sensors, binary sensors, locks, covers and people (``HassGetState``, which never acts), to-do lists,
greetings, broadcasts, scenes and scripts, fans, lawn mowers and cleaning an area.

Names come from typed lists (``{sensor_name:name}`` samples a sensor's name, see
``generate._NAMED_DOMAINS``); ``"*"`` as focus is the sampled name's domain.
"""

from __future__ import annotations

from edge.lab.training.templates_base import Family, fixed

__all__ = ["CATALOGUE_FAMILIES"]

F = Family
_GET_STATE = fixed("HassGetState", "*")
CATALOGUE_FAMILIES: dict[str, Family] = {
    "state_sensor": F(
        (
            "(what is|what's|whats|tell me) the {sensor_name:name} [<inarea>] [right now|at the moment]",
            "(what's|what is) the {sensor_name:name} (reading|level|at|showing|saying)",
            "how (high|low|much) is the {sensor_name:name} [<inarea>]",
            "(check|read) the {sensor_name:name} [for me]",
            "what (does|do) the {sensor_name:name} (say|show|read)",
            "(what's|what is) the current {sensor_name:name}",
        ),
        _GET_STATE,
        900,
    ),
    "state_binary": F(
        (
            "is the {binary_sensor_name:name} {open_state:state} [right now]",
            "(is|are) (there|any) {binary_sensor_name:name} {open_state:state}",
            "did i leave the {binary_sensor_name:name} {open_state:state}",
            "is there (motion|movement|anyone|someone) in the {area}",
            "is the {area} (occupied|empty)",
            "(has|did) the {binary_sensor_name:name} (go off|trigger|detect anything)",
            "(check|tell me) if the {binary_sensor_name:name} is {open_state:state}",
            "is (any|a) (door|window) {open_state:state} [<inarea>]",
            "are (all|any of) the (doors|windows) {open_state:state}",
        ),
        _GET_STATE,
        900,
    ),
    "state_binary_classes": F(
        (
            "(is|are) [the] {binary_sensor_name:name} {bs_state:state} [right now|yet]",
            "(are|is) (any|all|some) [of the] (things|devices|sensors|doors|windows|batteries|water sensors"
            "|leak sensors|sound sensors|motion sensors|smoke detectors|locks|plugs) {bs_state:state}"
            " [<inarea>]",
            "(which|how many) (things|devices|sensors|doors|windows|batteries|water sensors|leak sensors"
            "|sound sensors|motion sensors|smoke detectors) are {bs_state:state} [<inarea>]",
            "is (anything|something|anyone) {bs_state:state} [<inarea>]",
            "is {sensed} detected [<inarea>]",
            "(is there|has there been) any {sensed} [<inarea>] [(today|tonight)]",
            "(does|did) the {binary_sensor_name:name} detect [any] {sensed}",
            "are there any (problems|updates|leaks|alerts|warnings)"
            " [(with|on|for) [the] {binary_sensor_name:name}]",
            "(what|which) updates are available",
            "how many (updates|problems|alerts) are (there|available)",
        ),
        fixed("HassGetState", "binary_sensor"),
        1400,
    ),
    "state_sensor_quantities": F(
        (
            "(what is|what's|whats) the {quantity} (of|in|on|from|indicated by|measured by|reported by|at) "
            "[the] {sensor_name:name}",
            "(what is|what's|whats) [the] {sensor_name:name} {quantity}",
            "(what is|what's|whats) {sensor_name:name}'s {quantity}",
            "(what is|what's|whats) the {quantity} [<inarea>] [(today|right now|this month)]",
            "how much {quantity} (is|are) (the {sensor_name:name}|we) (using|producing|consuming|getting)",
            "(tell me|give me|read me) the {quantity} [of the {sensor_name:name}]",
        ),
        fixed("HassGetState", "sensor"),
        1400,
    ),
    "polite_on": F(
        (
            "(will you|would you|could you|can you|is it possible to|would you mind|would it be possible to)"
            " <lighton> the {light_name:name} [<inarea>] [please]",
            "(will you|would you|could you|can you|is it possible to|would you mind)"
            " (turn on|switch on|start) the {appliance_name:name} [please]",
            "(will you|would you|could you|can you|is it possible to)"
            " (lock|secure) the {lock_name:name} [please]",
            "(will you|would you|could you|can you|is it possible to) open the {cover_name:name} [please]",
        ),
        fixed("HassTurnOn", "*"),
        500,
    ),
    "polite_off": F(
        (
            "(will you|would you|could you|can you|is it possible to|would you mind)"
            " (turn off|switch off|shut off) the {light_name:name} [<inarea>] [please]",
            "(will you|would you|could you|can you|is it possible to|would you mind)"
            " (turn off|switch off|stop) the {appliance_name:name} [please]",
            "(will you|would you|could you|can you|is it possible to) unlock the {lock_name:name} [please]",
            "(will you|would you|could you|can you|is it possible to) close the {cover_name:name} [please]",
        ),
        fixed("HassTurnOff", "*"),
        500,
    ),
    "state_lock": F(
        (
            "is the {lock_name:name} {lock_state:state}",
            "did i (lock|leave) the {lock_name:name} [{lock_state:state}]",
            "(are|is) (all|any of) the (doors|locks) {lock_state:state}",
            "(check|tell me) if the {lock_name:name} is {lock_state:state}",
            "is the (front|back|side) door {lock_state:state}",
        ),
        fixed("HassGetState", "lock"),
        500,
    ),
    "state_cover": F(
        (
            "(is|are) the {cover_name:name} {cover_state:state} [<inarea>]",
            "did i leave the {cover_name:name} {cover_state:state}",
            "(check|tell me) if the {cover_name:name} (is|are) {cover_state:state}",
            "(is|are) (any|all) [of] the (blinds|curtains|shades|covers) {cover_state:state} [<inarea>]",
        ),
        fixed("HassGetState", "cover"),
        500,
    ),
    "state_device": F(
        (
            "is the {light_name:name} {onoff_state:state} [<inarea>]",
            "did i leave the {appliance_name:name} {onoff_state:state}",
            "(is|are) the {appliance_name:name} (on|off|running) [<inarea>]",
            "(is|are) the {vacuum_name:name} (running|on|cleaning|docked|charging|going|still going)"
            " [<inarea>]",
            "(check|tell me) if the {light_name:name} is {onoff_state:state}",
            "(what's|what is) the {appliance_name:name} doing",
        ),
        _GET_STATE,
        600,
    ),
    "state_lights": F(
        (
            "which (lights|lamps) are {onoff_state:state} [<inarea>]",
            "(are|is) (any|all) [of] the (lights|lamps) {onoff_state:state} [<inarea>]",
            "(how many|what) lights are {onoff_state:state} [<inarea>]",
        ),
        fixed("HassGetState", "light"),
        400,
    ),
    "state_presence": F(
        (
            "is (anyone|anybody|someone|somebody) (home|at home|in the house)",
            "who(s| is) (home|at home|in the house)",
            "is {person_name:name} (home|at home|back [yet])",
            "where is {person_name:name}",
            "is {person_name:name} at {zone:state}",
            "(has|did) {person_name:name} (left|come home|gotten home|got home) [yet]",
            "how many people are (home|in the house)",
        ),
        fixed("HassGetState", "person"),
        500,
    ),
    "list_remove": F(
        (
            "(remove|delete|take) {item} (from|off) [my|the] {todo_name:name} list",
            "(remove|delete|take) {item} (from|off) [my|the] list",
            "i don't need {item} on [my|the] {todo_name:name} list [anymore]",
        ),
        fixed("HassListRemoveItem"),
        300,
    ),
    "list_complete": F(
        (
            "(check|tick|cross) off {item} (from|on) [my|the] {todo_name:name} list",
            "mark {item} as (done|complete|completed) on [my|the] {todo_name:name} list",
            "i('ve| have) (done|finished) {item} on [my|the] {todo_name:name} list",
        ),
        fixed("HassListCompleteItem"),
        300,
    ),
    "list_add": F(
        (
            "(add|put) {item} (to|on) [my|the] {todo_name:name} list",
            "on [my|the] {todo_name:name} list (add|put) {item}",
            "remind me to (buy|get) {item} on [my|the] {todo_name:name} list",
        ),
        fixed("HassListAddItem"),
        300,
    ),
    "shopping_complete": F(
        (
            "(check|tick|cross) off {item} [(from|on) [my|the] shopping list]",
            "i (bought|got) [the] {item} [(from|on) the shopping list]",
            "mark {item} as (bought|done) [on [my|the] shopping list]",
        ),
        fixed("HassShoppingListCompleteItem"),
        300,
    ),
    "respond": F(
        (
            "(hello|hi|hey) [there] [assistant]",
            "what can (i|you) (say|ask|do)",
            "what (can|do) you (do|know)",
            "who (made|built|created) you",
            "are you (always|still) (listening|recording)",
            "where does my (data|voice) go",
        ),
        fixed("HassRespond"),
        300,
    ),
    "broadcast": F(
        (
            "(broadcast|announce) [to everyone] [that] {message}",
            "(tell|let) everyone [know] [that] {message}",
            "(tell|let) the (whole house|house|family|kids) [know] [that] {message}",
            "(make an announcement|announce on all speakers) [that] {message}",
        ),
        fixed("HassBroadcast"),
        300,
    ),
    "scene": F(
        (
            "(activate|start|turn on|set|run|enable|trigger) [the] {scene_name:name} scene",
            "(activate|start|set) [the] {scene_name:name} [mode|lighting]",
            "(set the mood|set the scene) (to|for) {scene_name:name}",
            "(run|start|execute|trigger|turn on) [the] {script_name:name} [script|routine]",
            "(it's|its) {scene_name:name} time",
        ),
        fixed("HassTurnOn", "*"),
        500,
    ),
    "fan_speed": F(
        (
            "set the {fan_name:name} [speed] to {percentage} [percent]",
            "(turn|put) the {fan_name:name} (to|at|on) {percentage} percent",
            "{fan_name:name} (to|at) {percentage} percent",
            "(fan|fan speed) (to|at) {percentage} percent [<inarea>]",
            "run the {fan_name:name} at {percentage} percent",
        ),
        fixed("HassFanSetSpeed", "fan"),
        400,
    ),
    "mow_start": F(
        (
            "(start|begin) mowing [the (lawn|grass|garden)]",
            "mow the (lawn|grass|garden) [please|now]",
            "(start|turn on|run|send out) the {mower_name:name}",
            "(cut|trim) the (grass|lawn)",
            "(let|have) the {mower_name:name} (mow|cut the grass)",
        ),
        fixed("HassLawnMowerStartMowing", "lawn_mower"),
        300,
    ),
    "mow_dock": F(
        (
            "(stop|pause) mowing",
            "(dock|park|return) the {mower_name:name}",
            "send the {mower_name:name} (home|back|to its (base|dock|station))",
            "(bring|call) the {mower_name:name} (home|back|in)",
        ),
        fixed("HassLawnMowerDock", "lawn_mower"),
        300,
    ),
    "clean_area": F(
        (
            "(vacuum|hoover|clean) the {area} [please|now]",
            "(send|have|let) the <vac> (clean|vacuum|hoover) the {area}",
            "i need the {area} (vacuumed|cleaned|hoovered)",
            "(clean|vacuum) (the {area} and the {area}|the {area} and {area})",
            "(start|run) [the] <vac> in the {area}",
        ),
        fixed("HassVacuumCleanArea", "vacuum"),
        400,
    ),
}
