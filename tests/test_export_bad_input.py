"""Import refuses what is not exactly an export, naming the row or feature, the column, and why."""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ceasefire.domain import RecordKind, RecordRef, Transition
from ceasefire.domain.errors import ErrorCode, InvalidInputError
from ceasefire.domain.incident import FusionLink, Incident
from ceasefire.export import (
    read_acled,
    read_geojson,
    read_ucdp,
    write_acled,
    write_geojson,
    write_ucdp,
)
from ceasefire.records import encode
from export_helpers import real_incidents


@pytest.fixture(scope="module")
def batch(data: Path) -> list[Incident]:
    return real_incidents(data, 3)


def _edit(text: str, row: int, column: str, value: str) -> str:
    """`text` with one cell changed, written back as a conforming CSV writer would."""
    rows = list(csv.reader(io.StringIO(text, newline="")))
    rows[row][rows[0].index(column)] = value
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def _refusal(read: object, text: str) -> InvalidInputError:
    assert callable(read)
    with pytest.raises(InvalidInputError) as caught:
        read(text)
    assert caught.value.code is ErrorCode.INVALID_INPUT
    return caught.value


def test_an_edited_acled_cell_is_refused_with_line_incident_and_column(
    batch: list[Incident],
) -> None:
    text = _edit(write_acled(batch), 2, "latitude", "48.0")
    error = _refusal(read_acled, text)
    (problem,) = error.problems
    assert problem.field == "latitude"
    assert problem.pointer == f"incident {batch[1].id}"
    assert problem.line == text[: text.index(f",804,{batch[1].id},")].count("\n") + 1
    assert "says '48.0' but the record gives" in problem.reason
    assert "edited after export" in problem.reason
    assert "1 of 3 rows refused" in str(error)


def test_the_line_of_a_row_after_a_multi_line_field_is_its_physical_line(
    batch: list[Incident],
) -> None:
    multi = [replace(batch[0], id="first\nsecond\nthird"), batch[1]]
    text = _edit(write_acled(multi), 2, "event_type", "Battles")
    (problem,) = _refusal(read_acled, text).problems
    second_row = text.index(f",804,{batch[1].id},")
    assert problem.line == text[:second_row].count("\n") + 1 > 4


def test_an_edited_context_column_is_accepted(batch: list[Incident]) -> None:
    """The country and export time describe the export; the record does not hold them."""
    assert read_ucdp(_edit(write_ucdp(batch), 1, "country", "Moldova")) == batch


def test_an_edited_record_is_refused_even_when_the_visible_cells_agree(
    batch: list[Incident],
) -> None:
    text = write_ucdp(batch)
    record = json.loads(next(csv.DictReader(io.StringIO(text, newline="")))["cf_record"])
    record["incident"]["confidence"] = 0.99
    edited = json.dumps(record, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    (problem, *_) = _refusal(read_ucdp, _edit(text, 1, "cf_record", edited)).problems
    assert problem.field == "cf_record"
    assert "not its canonical record" in problem.reason


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("", "not a record"),
        ("{not json", "not a record"),
        ('{"id":"x","kind":"audit","schema":1,"audit":{}}', "not a valid audit"),
    ],
)
def test_a_cf_record_that_is_no_incident_is_refused(
    batch: list[Incident], value: str, reason: str
) -> None:
    (problem,) = _refusal(read_acled, _edit(write_acled(batch[:1]), 1, "cf_record", value)).problems
    assert problem.field == "cf_record"
    assert reason in problem.reason


def test_a_record_of_another_kind_is_refused(batch: list[Incident]) -> None:
    transition = Transition("t-1", RecordRef(RecordKind.INCIDENT, "i"), "reported", "verified",
                            datetime(2025, 1, 1, tzinfo=UTC), "reviewer", "checked")
    cell = encode(transition).data.decode()
    with pytest.raises(InvalidInputError, match="holds a Transition, not an incident"):
        read_acled(_edit(write_acled(batch[:1]), 1, "cf_record", cell))


def test_header_problems_name_the_columns(batch: list[Incident]) -> None:
    text = write_acled(batch)
    header, rest = text.split("\r\n", 1)
    missing = _refusal(read_acled, header.replace(",cf_record", "") + "\r\n" + rest)
    assert "missing column(s) cf_record" in str(missing)
    extra = _refusal(read_ucdp, write_ucdp(batch).replace("gwnob,", "gwnob,mine,", 1))
    assert "unexpected column(s) mine" in str(extra)
    assert "not a ceasefire UCDP GED export" in str(extra)
    assert "not a ceasefire ACLED export" in str(_refusal(read_acled, write_ucdp(batch)))
    assert "empty" in str(_refusal(read_acled, ""))


def test_a_short_row_and_a_repeated_incident_are_refused(batch: list[Incident]) -> None:
    text = write_acled(batch[:1])
    header, row = text.rstrip("\r\n").split("\r\n", 1)
    short = _refusal(read_acled, f"{header}\r\na,b,c\r\n")
    assert "3 fields where the header has" in str(short)
    repeated = _refusal(read_acled, f"{header}\r\n{row}\r\n{row}\r\n")
    assert "again (first on line 2)" in str(repeated)


@pytest.mark.parametrize(
    ("tail", "syntax"),
    [('"never closed,\r\n', "unexpected end of data"), ('"x"y,z\r\n', "',' expected")],
)
def test_broken_csv_quoting_is_refused_with_its_line(
    batch: list[Incident], tail: str, syntax: str
) -> None:
    text = write_ucdp(batch[:1])
    (problem,) = _refusal(read_ucdp, text + tail).problems
    assert syntax in problem.reason
    assert problem.line == len(text.splitlines()) + 1


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "not JSON"),
        ("[" * 100_000, "not JSON"),
        ('{"type": "Feature"}', "not a GeoJSON FeatureCollection"),
        ('{"type": "FeatureCollection"}', "no `features` list"),
    ],
)
def test_a_document_that_is_no_collection_is_refused(text: str, reason: str) -> None:
    assert reason in str(_refusal(read_geojson, text))


def test_edited_features_are_refused_each_named_by_index(batch: list[Incident]) -> None:
    document = json.loads(write_geojson(batch))
    features = document["features"]
    features[0]["geometry"]["coordinates"].reverse()  # lat, lon: the classic mistake
    features[1]["properties"]["category"] = "small_arms"
    del features[2]["properties"]["record"]
    features.append({"type": "Feature", "geometry": None, "properties": None})
    features.append(dict(features[0]))
    error = _refusal(read_geojson, json.dumps(document))
    reasons = {p.pointer: p.reason for p in error.problems}
    assert "`geometry` is" in reasons["features[0]"]
    assert "property `category` is \"small_arms\"" in reasons["features[1]"]
    assert "no `record`" in reasons["features[2]"]
    assert "no `record`" in reasons["features[3]"]
    assert "`geometry` is" in reasons["features[4]"]
    assert "5 of 5 features refused" in str(error)


def test_a_repeated_feature_is_refused(batch: list[Incident]) -> None:
    document = json.loads(write_geojson(batch[:1]))
    document["features"].append(document["features"][0])
    error = _refusal(read_geojson, json.dumps(document))
    assert "again (first at features[0])" in str(error)


@pytest.mark.parametrize("write", [write_acled, write_ucdp, write_geojson])
def test_an_incident_its_record_cannot_carry_is_refused_on_export(
    batch: list[Incident], write: object
) -> None:
    assert callable(write)
    link = FusionLink("a", "b", math.nan, 1.0, 0.0, 0.0, ("x", "y"))
    broken = replace(batch[0], links=(link,))
    with pytest.raises(InvalidInputError, match=rf"incident/{batch[0].id}"):
        write([broken])
