"""Home Assistant templates as HA renders them (edge.context.ha_templates): HA's variables and filters,
bounded, and a failure is one TemplateError naming the entity and the template."""

from __future__ import annotations

import pytest

from edge.context.ha_templates import TemplateError, _compiled, render_command, render_value

Z2M_STATE = '{"state":"ON","brightness":128,"linkquality":96,"contact":false,"temperature":21.456}'


@pytest.mark.parametrize(
    ("template", "payload", "expected"),
    [
        ("{{ value_json.state }}", Z2M_STATE, "ON"),  # Zigbee2MQTT's HA configs
        ("{{value_json.POWER}}", '{"POWER":"OFF"}', "OFF"),  # Tasmota's
        ("{{ value_json.contact }}", Z2M_STATE, "False"),  # compared with payload_on: false -> "False"
        ("{{ value | float(0) | round(1) }}", "21.456", "21.5"),
        ("{{ value | float(0) }}", "n/a", "0"),
        ("{{ value_json.temperature | round(1) }}", Z2M_STATE, "21.5"),
        ("{{ (value | int) * 2 }}", "21", "42"),
        ("{{ iif(value_json.contact, 'open', 'closed') }}", Z2M_STATE, "closed"),
        ("{{ 'on' if value_json.brightness is defined else 'off' }}", Z2M_STATE, "on"),
        ("{{ value_json.missing | default('none') }}", Z2M_STATE, "none"),
        ("{{ value_json | to_json }}", '{"a":1}', '{"a":1}'),
        ("{{ (value | from_json).a }}", '{"a":2}', "2"),
        ("{{ value_json is none }}", "not json", "True"),
        ("{{ max(1, value | int) }}", "5", "5"),
        ("{{ value | bool }}", "on", "True"),
        ("{{ value | upper }}", "online", "ONLINE"),
        ("{{ this.entity_id }}", "x", "light.kettle"),
    ],
)
def test_renders_like_home_assistant(template: str, payload: str, expected: str) -> None:
    assert render_value(template, payload, "light.kettle") == expected


def test_command_templates_get_their_variables() -> None:
    assert render_command('{"position": {{ position }}}', 50, "cover.blind", {"position": 50}) == (
        '{"position": 50}'
    )
    assert render_command("{{ value }}", "ON", "switch.plug") == "ON"


@pytest.mark.parametrize(
    ("template", "why"),
    [
        ("{{ value_json.missing }}", "has no attribute"),
        ("{{ value_json.__class__ }}", "unsafe"),
        ("{{ 'a' * 100000 }}", "output limit"),
        ("{% for i in range(10**9) %}x{% endfor %}", "over 1000"),
        ("{% for i in range(999) %}{% for j in range(999) %}{% endfor %}{% endfor %}", "steps"),
        ("{% for i in range(900) %}{{ 'x' * 900 }}{% endfor %}", "output over"),
        ("{{ value | float }}", "invalid input"),
        ("{{ ", "cannot render"),
        ("{{ 2 ** 100000 }}", "exponent"),
    ],
)
def test_a_bad_or_unbounded_template_is_one_clear_error(template: str, why: str) -> None:
    with pytest.raises(TemplateError) as caught:
        render_value(template, '{"a": 1}', "sensor.probe", what="value_template")
    message = str(caught.value)
    assert message.startswith("sensor.probe value_template: template ")
    assert why in message
    assert "\n" not in message


def test_compiled_once() -> None:
    _compiled.cache_clear()
    for n in range(5):
        render_value("{{ value_json.n }}", f'{{"n": {n}}}', "sensor.n")
    assert _compiled.cache_info().misses == 1 and _compiled.cache_info().hits == 4
