"""The subject and message-id rules, and the bus setting."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from bus_helpers import BLACK_SEA, KHARKIV, corrected, observation
from ceasefire.api.config import load_config
from ceasefire.bus.subjects import (
    REASON_HEADER,
    UNPLACED,
    dead_letter,
    observation_message,
    sector_of,
    subject_of,
    token,
)
from ceasefire.domain.errors import InvalidInputError
from ceasefire.domain.observation import Location
from ceasefire.monitoring.setup import bundled_unit_of
from ceasefire.records import encode


def at(lat: float | None, lon: float | None, region: str | None = None) -> Location:
    return Location(lat, lon, 0.0, region)


@pytest.mark.parametrize(
    ("location", "sector"),
    [
        (at(*KHARKIV), "kharkiv"),
        (at(50.45, 30.52), "kyiv-city"),
        (at(*BLACK_SEA), UNPLACED),
        (at(52.23, 21.01), UNPLACED),  # Warsaw: abroad
        (at(None, None, "Odesa oblast"), "odesa"),
        (at(None, None, "Kryvyi Rih"), "dnipropetrovsk"),
        (at(None, None, "south"), UNPLACED),  # several oblasts
        (at(None, None, "Ukraine"), UNPLACED),
        (at(None, None, "somewhere unreadable"), UNPLACED),
        (at(*KHARKIV, "Odesa oblast"), "kharkiv"),  # a point wins over a region text
    ],
)
def test_the_sector_is_the_one_unit_an_observation_lies_in(
    location: Location, sector: str
) -> None:
    o = replace(observation(1), location=location)
    assert sector_of(o, bundled_unit_of()) == sector


@pytest.mark.parametrize(
    ("text", "expected"),
    [("UCDP", "ucdp"), ("air force.bulletins", "air-force-bulletins"), ("a*b>c", "a-b-c"),
     ("...", "unknown"), ("post_7", "post_7")],
)
def test_a_source_becomes_one_safe_subject_token(text: str, expected: str) -> None:
    assert token(text) == expected


def test_subject_and_message_id_name_source_sector_record_and_content() -> None:
    o = observation(1)
    unit_of = bundled_unit_of()
    message = observation_message(o, unit_of)
    assert message.subject == subject_of(o, unit_of) == "ceasefire.obs.post-7.kharkiv"
    assert message.msg_id == encode(o).ledger_id
    assert message.msg_id.startswith(f"observation/{o.id}/")
    assert message.data == encode(o).data
    assert observation_message(o, unit_of).msg_id == message.msg_id  # stable
    assert observation_message(corrected(o), unit_of).msg_id != message.msg_id


def test_a_dead_letter_keeps_the_bytes_and_a_one_line_reason() -> None:
    letter = dead_letter("ceasefire.obs.x.y", b"\x00bytes", "m-1", "bad\nthing\r\n here")
    assert letter.subject == "ceasefire.dead.ceasefire.obs.x.y"
    assert letter.data == b"\x00bytes"
    assert letter.headers[REASON_HEADER] == "bad thing here"
    assert letter.msg_id == "dead/m-1"


def test_the_bus_setting_comes_from_the_environment_or_toml_and_is_checked(
    tmp_path: Path,
) -> None:
    assert load_config({}).bus == "memory"
    assert load_config({"CEASEFIRE_BUS": "nats://127.0.0.1:4222"}).bus == "nats://127.0.0.1:4222"
    toml = tmp_path / "service.toml"
    toml.write_text('[service]\nbus = "nats://10.0.0.5:4222"\n', encoding="utf-8")
    assert load_config({}, toml).bus == "nats://10.0.0.5:4222"
    with pytest.raises(InvalidInputError) as caught:
        load_config({"CEASEFIRE_BUS": "kafka://broker:9092"})
    problem = caught.value.problems[0]
    assert (problem.field, problem.source) == ("bus", "environment")
    assert "no bus for 'kafka'" in problem.reason
