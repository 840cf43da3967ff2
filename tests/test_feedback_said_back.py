"""A turn that ended "done" or "answered" and did not say back what was asked: the next request asking for it
again is a correction, with or without "no" (edge.feedback.said_back through the recorder's detector)."""

from __future__ import annotations

from edge.config import FeedbackSettings
from edge.feedback.ellipsis import ADDITION, another_action, fragment, fragment_fix, objects
from edge.feedback.observations import BargeIn
from edge.feedback.record import TurnRecord
from edge.feedback.said_back import Reading, bare_name, unsaid
from edge.feedback.signals import detect_rephrases

FB = FeedbackSettings()


def _turn(
    tid: str,
    t: float,
    text: str,
    intent: str | None,
    slots: dict[str, str],
    targets: tuple[str, ...] = (),
    response: str = "",
    scores: tuple[float, ...] = (),
    ok: bool | None = True,
) -> TurnRecord:
    cmds = tuple({"entity_id": e, "state": "on"} for e in targets) if response.startswith("OK") else ()
    return TurnRecord(
        tid,
        "s",
        "h",
        t,
        t + 1.5,
        asr_text=text,
        text=text,
        intent=intent,
        slots=slots,
        targets=targets,
        target_scores=scores,
        commands=cmds,
        result_ok=ok,
        response=response,
    )


def _links(turns: list[TurnRecord], barge_ins: tuple[BargeIn, ...] = ()) -> list[tuple[str, str]]:
    return [(s.turn_id, s.related_turn_id) for s in detect_rephrases(turns, FB, barge_ins=barge_ins)]


def test_what_a_response_did_not_say_back() -> None:
    night = Reading("turn on the night light", "HassTurnOn", {"name": "night light"}, ("light.kids",))
    assert unsaid(night, "OK, the kids room light is on.") == {"name": frozenset({"night"})}
    assert unsaid(night, "OK, the night light is on.") == {}
    timer = Reading("set a timer for fifteen minutes", "HassStartTimer", {"minutes": "15"})
    assert unsaid(timer, "Timer set for 50 minutes.") == {"minutes": frozenset({"15"})}
    assert unsaid(timer, "Timer set for fifteen minutes.") == {}  # numbers in one spelling
    oven = Reading("is the oven on", "HassGetState", {"domain": "oven", "state": "on"}, ("oven.kitchen",))
    assert unsaid(oven, "No, the oven is off.") == {}  # how it is, not what: an answer need not repeat it
    assert unsaid(night, "OK.") == {} and unsaid(night, "Done, turned it on.") == {}  # said nothing instead
    assert unsaid(timer, "Your timer is set and running.") == {}  # no other number said in its place
    kitchen = Reading(
        "what's the temperature in the kitchen", "HassClimateGetTemperature", {"area": "kitchen"}
    )
    assert unsaid(kitchen, "It's 21 degrees right now.") == {}  # no other place named in its place
    assert unsaid(kitchen, "It's 21 degrees in the hallway.") == {"area": frozenset({"kitchen"})}
    misheard = Reading("turn on the gaest room light", "HassTurnOn", {"area": "gaest room"}, ("light.guest",))
    assert unsaid(misheard, "Turned on the guest room light.") == {}  # the NLU found it all the same
    jazz = Reading("play some jazz in the kitchen", "Play", {"search_query": "some jazz", "area": "kitchen"})
    assert unsaid(jazz, "Playing jazz on the bedroom speaker.") == {"area": frozenset({"kitchen"})}


def test_a_bare_name_leans_on_the_request_before() -> None:
    assert bare_name(Reading("the reading lamp", "HassTurnOn", {"name": "reading lamp"}))
    assert not bare_name(Reading("turn on the reading lamp", "HassTurnOn", {"name": "reading lamp"}))


def test_another_device_of_the_same_kind_after_a_name_not_said_back_is_a_correction() -> None:
    first = _turn(
        "a",
        0,
        "turn on the night light",
        "HassTurnOn",
        {"name": "night light"},
        ("light.kids",),
        "OK, the kids room light is on.",
    )
    meant = _turn(
        "b", 5.5, "turn on the bedside lamp", "HassTurnOn", {"name": "bedside lamp"}, ("light.bedside",)
    )
    assert _links([first, meant]) == [("a", "b")]
    said = _turn(
        "a",
        0,
        "turn on the kitchen light",
        "HassTurnOn",
        {"name": "kitchen light"},
        ("light.kitchen",),
        "OK, the kitchen light is on.",
        (1.0,),
    )
    other = _turn(
        "b", 5.5, "turn on the hallway light", "HassTurnOn", {"name": "hallway light"}, ("light.hall",)
    )
    assert _links([said, other]) == []  # it did what was said: the next one is a new request
    alias = _turn(
        "a",
        0,
        "dim the big light to fifty percent",
        "HassLightSet",
        {"name": "big light", "brightness": "50"},
        ("light.ceiling",),
        "OK, the living room ceiling light is at 50 percent.",
        (1.0,),
    )
    lamp = _turn(
        "b",
        5.5,
        "dim the reading lamp to fifty percent",
        "HassLightSet",
        {"name": "reading lamp", "brightness": "50"},
        ("light.lamp",),
    )
    assert _links([alias, lamp]) == []  # found by its alias: the response's name for it is still it
    radio = _turn(
        "b", 5.5, "play the radio", "Play", {"search_query": "the radio"}, ("media_player.kitchen",)
    )
    assert _links([first, radio]) == []  # another wish altogether


def test_a_value_or_a_word_not_said_back_asked_for_again_is_a_correction() -> None:
    timer = _turn(
        "a",
        0,
        "set a timer for fifteen minutes",
        "HassStartTimer",
        {"minutes": "15"},
        response="Timer set for 50 minutes.",
    )
    again = _turn("b", 4.5, "set a timer for one five minutes", "HassStartTimer", {"minutes": "5"})
    assert _links([timer, again]) == [("a", "b")]
    heard = _turn(
        "a",
        0,
        "set a timer for fifteen minutes",
        "HassStartTimer",
        {"minutes": "15"},
        response="Timer set for 15 minutes.",
    )
    assert _links([heard, again]) == []
    warm = _turn(
        "a",
        0,
        "how warm is it in the bedroom",
        "HassClimateGetTemperature",
        {"area": "bedroom"},
        response="It's 20 degrees in the living room.",
    )
    bedroom = _turn(
        "b", 6.5, "what's the temperature in the bedroom", "HassClimateGetTemperature", {"area": "bedroom"}
    )
    assert _links([warm, bedroom]) == [("a", "b")]
    right = _turn(
        "a",
        0,
        "how warm is it in the bedroom",
        "HassClimateGetTemperature",
        {"area": "bedroom"},
        response="It's 20 degrees in the bedroom.",
    )
    assert _links([right, bedroom]) == []  # answered as asked: asked again


def test_asked_again_landing_on_the_device_acted_on_is_not_a_correction() -> None:
    big = _turn(
        "a",
        0,
        "turn off the big light",
        "HassTurnOff",
        {"name": "big light"},
        ("light.ceiling",),
        "OK, the living room ceiling light is off.",
    )
    again = _turn("b", 8, "turn off the big light", "HassTurnOff", {"name": "big light"}, ("light.ceiling",))
    assert _links([big, again]) == []
    oven = _turn(
        "a",
        0,
        "is the oven on",
        "HassGetState",
        {"domain": "oven", "state": "on"},
        ("oven.kitchen",),
        "No, the oven is off.",
    )
    assert (
        _links([oven, _turn("b", 5, "is the oven on", "HassGetState", {"state": "on"}, ("oven.kitchen",))])
        == []
    )


def test_a_refinement_needs_a_named_device_of_the_same_kind() -> None:
    down = _turn(
        "a",
        0,
        "turn the volume down",
        "HassSetVolumeRelative",
        {"volume_step": "down"},
        ("media_player.kitchen",),
        "OK, the kitchen speaker is quieter.",
    )
    more = _turn(
        "b",
        5,
        "turn the volume down a bit more",
        "HassSetVolumeRelative",
        {"domain": "media_player"},
        ("media_player.tv",),
    )
    assert _links([down, more]) == []  # nothing named: the NLU's default device, not the user's choice
    blinds = _turn(
        "a",
        0,
        "close the blinds",
        "HassTurnOff",
        {"name": "blinds"},
        ("cover.bedroom",),
        "OK, the bedroom blinds are closed.",
    )
    meant = _turn(
        "b",
        5,
        "close the living room blinds",
        "HassTurnOff",
        {"name": "living room blinds"},
        ("cover.living_room",),
    )
    assert _links([blinds, meant]) == [("a", "b")]


def test_a_bare_name_after_a_barge_in_and_a_shortened_retry_after_an_error() -> None:
    lamp = _turn(
        "a",
        0,
        "turn off the lamp",
        "HassTurnOff",
        {"domain": "light"},
        ("light.office",),
        "OK, the office lamp is off.",
    )
    name = _turn("b", 2.5, "the reading lamp", "HassTurnOn", {"name": "reading lamp"}, ("light.reading",))
    assert _links([lamp, name], (BargeIn("a", 0.8, 0.6, 2.0),)) == [("a", "b")]
    failed = _turn(
        "a",
        0,
        "open the dining room curtains",
        "HassTurnOn",
        {"name": "dining room curtains"},
        ("cover.dining",),
        "The dining room curtains didn't respond.",
        ok=False,
    )
    short = _turn("b", 5, "open the curtains", "HassTurnOn", {"name": "curtains"}, ("cover.living_room",))
    assert _links([failed, short]) == [("a", "b")]  # fewer words for the same device, whatever was resolved
    other = _turn(
        "b",
        5,
        "what's the temperature in the hallway",
        "HassClimateGetTemperature",
        {"area": "hallway"},
        ("cover.dining",),
    )
    assert _links([failed, other]) == []  # another intent, nothing named alike: another request


def test_another_search_after_a_garbled_answer_is_another_wish_and_the_same_one_is_a_correction() -> None:
    garbled = _turn(
        "a",
        0,
        "put on taylor swift",
        "HassMediaSearchAndPlay",
        {"search_query": "taylor swift"},
        ("media_player.den",),
        "Play something oned the den speaker.",
    )
    other = _turn(
        "b", 5, "put on adele", "HassMediaSearchAndPlay", {"search_query": "adele"}, ("media_player.den",)
    )
    assert _links([garbled, other]) == []
    again = _turn(
        "b",
        5,
        "play songs by taylor swift",
        "HassMediaSearchAndPlay",
        {"search_query": "songs"},
        ("media_player.den",),
    )
    assert _links([garbled, again]) == [("a", "b")]


def test_an_item_is_said_back_as_said_and_a_name_may_be_said_back_spelled_right() -> None:
    apples = Reading("add apples to the shopping list", "HassShoppingListAddItem", {"item": "apples"})
    assert unsaid(apples, "Added maples to your shopping list.") == {"item": frozenset({"apples"})}
    assert unsaid(apples, "Added apples to your shopping list.") == {}
    guest = Reading("turn on the gaest room light", "HassTurnOn", {"name": "gaest room light"})
    assert unsaid(guest, "Turned on the guest room light.") == {}  # the NLU resolved a misheard name
    first = _turn("a", 0, "add apples to the shopping list", "HassShoppingListAddItem", {"item": "apples"},
                  response="Added maples to your shopping list.")  # fmt: skip
    again = _turn("b", 3, "add apples to the shopping list", "HassShoppingListAddItem", {"item": "apples"})
    assert _links([first, again]) == [("a", "b")]


def test_fragments_objections_and_actions_said_back() -> None:
    assert fragment("the kitchen one") and fragment("thirty percent") and fragment("in the office")
    assert fragment("on the kitchen speaker")  # "on" here is a place, not an action
    assert not fragment("turn on the kitchen light") and not fragment("what's on the telly")
    assert not fragment("louder") and not fragment("the") and not fragment("make that 12 minutes")
    assert objects("down, I said down") and objects("I wanted the coffee maker")
    assert objects("not the setting, the actual temperature") and objects("just the hall light")
    assert objects("island, not cabinet", "Turned on the cabinet lights.")
    assert not objects("it's not working", "Turned off the tv.") and not objects("turn on the lamp")
    assert not objects("that's not what I asked") and not objects("no, I said")  # bare: nothing put right
    assert ADDITION.search("on the soundbar too") and ADDITION.search("and the extractor")
    assert another_action("stop the music", "Skipped the track on the soundbar.", "stop the music")
    assert not another_action("stop the music", "Paused the soundbar.", "stop the music")
    assert not another_action("stop the music", "Skipped the track.", "play something else")
    assert not another_action("lower the blinds", "Closed the bedroom blinds.", "lower the blinds")  # alike
    kw: dict[str, object] = {"first_exact": False, "next_slots": None}
    assert fragment_fix("set the fan to low", "Set the bedroom fan to high.", "low please", acted=True, **kw)
    assert not fragment_fix("set the fan to low", "Set the fan to low.", "low please", acted=True, **kw)
    assert fragment_fix("turn on the fan", "Turned on the bathroom fan.", "in the office", acted=True, **kw)
    assert not fragment_fix("turn on the fan", "It's on.", "in the office", acted=False, **kw)
