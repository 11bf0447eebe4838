"""Exporting then importing loses nothing: every format gives back == equal incidents."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from ceasefire.domain.incident import Attribution, Incident, SourceGroup
from ceasefire.export import (
    read_acled,
    read_geojson,
    read_ucdp,
    write_acled,
    write_geojson,
    write_ucdp,
)
from export_helpers import AWKWARD, INCIDENT_LISTS, incidents, real_incidents

Writer = Callable[[Sequence[Incident]], str]
Reader = Callable[[str], list[Incident]]
FORMATS: list[tuple[Writer, Reader]] = [
    (write_acled, read_acled),
    (write_ucdp, read_ucdp),
    (write_geojson, read_geojson),
]
IDS = ["acled", "ucdp", "geojson"]


@pytest.mark.parametrize(("write", "read"), FORMATS, ids=IDS)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batch=INCIDENT_LISTS)
def test_generated_incidents_come_back_equal(
    write: Writer, read: Reader, batch: list[Incident]
) -> None:
    assert read(write(batch)) == batch


@pytest.mark.parametrize(("write", "read"), FORMATS, ids=IDS)
def test_real_incidents_come_back_equal_through_a_utf8_file(
    write: Writer, read: Reader, data: Path, tmp_path: Path
) -> None:
    batch = real_incidents(data)
    path = tmp_path / "export"
    path.write_bytes(write(batch).encode("utf-8"))
    assert read(path.read_bytes().decode("utf-8")) == batch


@pytest.mark.parametrize(("write", "read"), FORMATS, ids=IDS)
@settings(max_examples=30, deadline=None)
@given(incident=incidents())
def test_awkward_text_in_every_free_text_field(
    write: Writer, read: Reader, incident: Incident
) -> None:
    """Commas, quotes, every kind of line break, NUL and non-ASCII in the id, the reasons and
    the source names survive, and each incident stays one row or feature."""
    awkward = replace(
        incident,
        id=AWKWARD[1],
        attribution=Attribution(incident.attribution.side, 0.5, AWKWARD[2], tuple(AWKWARD)),
        sources=(SourceGroup((AWKWARD[0],), (AWKWARD[3], AWKWARD[5]), AWKWARD[4]),),
    )
    assert read(write([awkward])) == [awkward]


@pytest.mark.parametrize(("write", "read"), FORMATS, ids=IDS)
def test_an_empty_export_reads_as_no_incidents(write: Writer, read: Reader) -> None:
    assert read(write([])) == []


def test_a_spreadsheets_byte_order_mark_and_lf_line_ends_are_accepted(data: Path) -> None:
    batch = real_incidents(data, 3)
    text = write_acled(batch)
    # A quoted field keeps its own line breaks; only the row ends are rewritten.
    assert read_acled("\ufeff" + text.replace('"\r\n', '"\n')) == batch
