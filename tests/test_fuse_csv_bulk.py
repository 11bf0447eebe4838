"""The bulk `fuse --input` reader against the row-wise reference, and the whole command
against a straightforward O(N^2) fusion: byte for byte.

The bulk reader converts whole columns and declines what it cannot convert exactly; these
tests feed both readers files full of awkward rows (times in other ISO forms, bad dates,
numbers with underscores or out of range, quoted fields with commas and line breaks, CRLF,
blank lines, re-deliveries and corrections, a BOM) cut into blocks of every size, and require
the same observations, counts and problems, line numbers included.
"""

from __future__ import annotations

import csv
from itertools import combinations
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import ceasefire.cli.fuse_csv as fuse_csv
from ceasefire.cli.app import app
from ceasefire.cli.fuse_csv import FuseInput, read_fuse_csv, read_fuse_csv_rowwise
from ceasefire.fusion.gates import pass_mask
from ceasefire.fusion.partition import fresh_id

HEADER = "id,source,t_start,t_end,lat,lon,radius_m,category"

_TIMES = [
    "2025-06-01T12:00:00Z",
    "2025-06-01T12:10:00Z",
    "2025-06-01T13:00:00+00:00",
    "2025-06-01T14:30:00+02:30",
    "2025-06-01T09:00:00-03:00",
    "2025-06-02T00:00:00Z",
    "2025-06-01 12:05:00Z",  # valid, not the fast form
    "2025-06-01T12:00:00.5Z",  # valid, not the fast form
    " 2025-06-01T12:20:00Z ",  # valid once stripped
    "2025-06-01T12:00:00",  # no offset
    "2023-02-29T12:00:00Z",  # no such day
    "2025-06-01T24:00:00Z",
    "2025-06-01T12:00:00+24:00",
    "yesterday",
    "",
    "2025-06-01T12:00:00Zé",
]
_NUMBERS = ["48.0", "48.001", " 48.002 ", "1_000", "nan", "inf", "1e400", "91", "-1", "x", "0"]
_CATEGORIES = ["air_strike", "strike_unspecified", " air_strike ", "kite", ""]
_IDS = ["a", "b", "c", "d", " e ", "", "id,with comma", 'q"uote', "é"]
_SOURCES = ["cir", "bellingcat", "two words", "a,b"]


def _field(text: str) -> str:
    if any(c in text for c in ',"\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text


@st.composite
def _files(draw: st.DrawFn) -> str:
    lines: list[str] = []
    for _ in range(draw(st.integers(0, 30))):
        kind = draw(st.sampled_from(["good", "good", "good", "odd", "width", "blank", "again"]))
        if kind == "blank":
            lines.append("")
            continue
        if kind == "again" and lines:
            lines.append(draw(st.sampled_from(lines)))
            continue
        fields = [
            draw(st.sampled_from(_IDS[:4] if kind == "good" else _IDS)),
            draw(st.sampled_from(_SOURCES[:2] if kind == "good" else _SOURCES)),
            draw(st.sampled_from(_TIMES[:6] if kind == "good" else _TIMES)),
            draw(st.sampled_from(_TIMES[:6] if kind == "good" else _TIMES)),
            draw(st.sampled_from(_NUMBERS[:3] if kind == "good" else _NUMBERS)),
            draw(st.sampled_from(["35.0", "35.01"] if kind == "good" else _NUMBERS)),
            draw(st.sampled_from(["100", "3000"] if kind == "good" else _NUMBERS)),
            draw(st.sampled_from(_CATEGORIES[:2] if kind == "good" else _CATEGORIES)),
        ]
        if kind == "width":
            fields = fields[: draw(st.integers(1, 7))] + draw(st.sampled_from([[], ["x", "y"]]))
        if draw(st.booleans()) and kind == "odd":
            fields[1] = "line\nbreak"
        lines.append(",".join(_field(f) for f in fields))
    ending = draw(st.sampled_from(["\n", "\n", "\r\n"]))
    bom = draw(st.sampled_from(["", "\ufeff"]))
    text = bom + ending.join([HEADER, *lines])
    return text + (ending if draw(st.booleans()) else "")


def _same(a: FuseInput, b: FuseInput) -> None:
    assert a.ids == b.ids
    assert a.sources == b.sources
    for name in ("start", "end", "lat", "lon", "radius", "category"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    assert [(p.line, p.severity, str(p)) for p in a.problems] == [
        (p.line, p.severity, str(p)) for p in b.problems
    ]
    assert (a.rows, a.redeliveries, a.corrections) == (b.rows, b.redeliveries, b.corrections)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_files(), st.sampled_from([1, 7, 64, 4 * 2**20]))
def test_bulk_reader_equals_the_rowwise_reference(
    tmp_path_factory: pytest.TempPathFactory, text: str, block: int
) -> None:
    path = tmp_path_factory.mktemp("bulk") / "obs.csv"
    path.write_bytes(text.encode("utf-8"))
    saved = fuse_csv.BLOCK_CHARS
    fuse_csv.BLOCK_CHARS = block
    try:
        bulk = read_fuse_csv(path)
    finally:
        fuse_csv.BLOCK_CHARS = saved
    _same(bulk, read_fuse_csv_rowwise(path))


def test_bulk_reader_on_bytes_that_are_not_utf8(tmp_path: Path) -> None:
    good = "a,cir,2025-06-01T12:00:00Z,2025-06-01T12:00:00Z,48,35,1,air_strike\n"
    path = tmp_path / "obs.csv"
    path.write_bytes((HEADER + "\n" + good).encode() + b"b,\xff\n")
    bulk = read_fuse_csv(path)
    _same(bulk, read_fuse_csv_rowwise(path))
    assert "rows from this line on were not read" in str(bulk.problems[-1])


def _naive_output(path: Path) -> str:
    """`fuse --input` the plain way: the reference reader, every pair through the gates,
    union-find, the id rule, `csv.writer`."""
    c = read_fuse_csv_rowwise(path).columns()
    n = len(c)
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    for i, j in combinations(range(n), 2):
        one = np.array([i], dtype=np.int64)
        other = np.array([j], dtype=np.int64)
        tol = c.tolerance
        if pass_mask(c.lat, c.lon, c.radius, c.start, c.end, tol, c.category, one, other)[0]:
            a, b = root(i), root(j)
            parent[max(a, b)] = min(a, b)
    out = tmp = path.with_suffix(".naive")
    with tmp.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(("observation_id", "incident_id"))
        writer.writerows((c.ids[k], fresh_id(c.ids[root(k)])) for k in range(n))
    return out.read_text(encoding="utf-8")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_files())
def test_fuse_output_is_byte_identical_to_the_quadratic_reference(
    tmp_path_factory: pytest.TempPathFactory, text: str
) -> None:
    tmp = tmp_path_factory.mktemp("fuse")
    src, out = tmp / "obs.csv", tmp / "out.csv"
    src.write_bytes(text.encode("utf-8"))
    result = CliRunner().invoke(app, ["fuse", "--input", str(src), "--out", str(out)])
    if not read_fuse_csv_rowwise(src).ids:
        assert result.exit_code == 4
        return
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == _naive_output(src)


def test_fuse_output_on_a_thousand_rows_equals_the_quadratic_reference(tmp_path: Path) -> None:
    rng = np.random.default_rng(7)
    rows = [HEADER]
    for k in range(1_000):
        t = 1_748_779_200 + int(rng.integers(0, 3 * 86_400))
        span = int(rng.choice([0, 600, 3_600, 86_400]))
        start = np.datetime_as_string(np.datetime64(t, "s")) + "Z"
        end = np.datetime_as_string(np.datetime64(t + span, "s")) + "Z"
        lat, lon = 48.0 + rng.uniform(0, 0.2), 35.0 + rng.uniform(0, 0.3)
        radius = float(rng.choice([100.0, 800.0, 4_000.0, 12_000.0]))
        category = str(rng.choice(["air_strike", "strike_unspecified", "artillery_shelling"]))
        rows.append(f"o{k:04d},src{k % 3},{start},{end},{lat:.5f},{lon:.5f},{radius},{category}")
    src, out = tmp_path / "obs.csv", tmp_path / "out.csv"
    src.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["fuse", "--input", str(src), "--out", str(out)])
    assert result.exit_code == 0, result.output
    expected = _naive_output(src)
    assert out.read_text(encoding="utf-8") == expected
    incidents = {line.split(",")[1] for line in expected.splitlines()[1:]}
    assert 1 < len(incidents) < 1_000  # incidents of one and of several members
