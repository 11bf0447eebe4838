"""Canonical JSON: the RFC 8785 examples, and refusals that name the offending value."""

import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ceasefire.ledger.canonical import CanonicalError, canonical_json, format_number


def test_rfc8785_example() -> None:
    source = (
        '{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],'
        '"string":"\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",'
        '"literals":[null,true,false]}'
    )
    expected = (
        '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],'
        '"string":"\u20ac$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}'
    )
    assert canonical_json(json.loads(source)) == expected.encode()


def test_keys_sort_by_utf16_code_units_not_code_points() -> None:
    keys = ["\u20ac", "\r", "\ufb33", "1", "\U0001f600", "\u0080", "\u00f6"]
    out = canonical_json(dict.fromkeys(keys, 0)).decode()
    order = [json.loads("{" + part + "}") for part in out[1:-1].split(",")]
    assert [next(iter(o)) for o in order] == [
        "\r",
        "1",
        "\u0080",
        "\u00f6",
        "\u20ac",
        "\U0001f600",
        "\ufb33",
    ]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.0, "0"),
        (-0.0, "0"),
        (1.0, "1"),
        (1e20, "100000000000000000000"),
        (1e21, "1e+21"),
        (1e-6, "0.000001"),
        (1e-7, "1e-7"),
        (5e-324, "5e-324"),
        (1.7976931348623157e308, "1.7976931348623157e+308"),
        (-1.5, "-1.5"),
        (123456789.125, "123456789.125"),
        (9007199254740992.0, "9007199254740992"),
    ],
)
def test_numbers_are_written_as_ecmascript_does(value: float, text: str) -> None:
    assert format_number(value) == text


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_number_text_round_trips(x: float) -> None:
    assert float(format_number(x)) == x


@given(
    st.recursive(
        st.none()
        | st.booleans()
        | st.integers(-(2**53) + 1, 2**53 - 1)
        | st.floats(allow_nan=False, allow_infinity=False)
        | st.text(),
        lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner),
        max_leaves=20,
    )
)
def test_canonical_json_parses_back_to_the_same_value(value: object) -> None:
    text = canonical_json(value)
    # parse numbers the way JavaScript does: every number is a double
    assert json.loads(text, parse_int=float) == value
    assert canonical_json(json.loads(text)) == text  # Python's parser: idempotent too


def test_large_integral_double_survives_a_python_round_trip() -> None:
    text = canonical_json({"x": 5.584969908182285e16})
    assert text == b'{"x":55849699081822850}'
    assert canonical_json(json.loads(text)) == text


@pytest.mark.parametrize(
    ("value", "path", "reason"),
    [
        ({"a": [1, math.nan]}, "$.a[1]", "not a JSON number"),
        ({"a": {"b": math.inf}}, "$.a.b", "not a JSON number"),
        ({"a": 2**53 + 1}, "$.a", "store it as a string"),
        ({"a": {1: 2}}, "$.a", "not a string"),
        ({"when": b"x"}, "$.when", "bytes is not JSON"),
    ],
)
def test_refusals_name_the_path(value: object, path: str, reason: str) -> None:
    with pytest.raises(CanonicalError) as info:
        canonical_json(value)
    assert info.value.path == path
    assert reason in info.value.reason


def test_lone_surrogate_is_refused() -> None:
    with pytest.raises(CanonicalError, match="not valid Unicode"):
        canonical_json({"s": "\ud800"})
