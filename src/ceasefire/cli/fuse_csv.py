"""Reading the `fuse --input` CSV: a stream of rows into columns, bad rows as Problems.

The contract (docs/fusion.md, "`ceasefire fuse --input`"): header
``id,source,t_start,t_end,lat,lon,radius_m,category`` (any order), ISO 8601 times with an
offset, `radius_m` the location uncertainty, `category` a `Category` value. A row repeated
with the same id and the same content is a re-delivery and counts once; a repeated id with
other content is a correction and the later row wins. The file is read as a stream, in
blocks of `BLOCK_CHARS` converted a column at a time (`fuse_bulk`), and kept as columns of
numbers (no object per row). Rows the bulk conversion declines go through `_parse` one by one;
a quoted field left open at a block's end, a byte that is not UTF-8 or a CSV syntax error
sends the whole file through `read_fuse_csv_rowwise`, the reference reader that the bulk one
must equal (tests/test_fuse_csv_bulk.py). Re-deliveries and corrections are found by one
stable sort by id, which also gives the order the fusion core wants.
"""

from __future__ import annotations

import csv
import gc
import io
import math
import sys
from array import array
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from itertools import compress
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from ceasefire.cli.fuse_bulk import category_codes, floats, iso_seconds
from ceasefire.domain.errors import InvalidInputError, Problem, Severity
from ceasefire.domain.taxonomy import Category
from ceasefire.fusion.columns import Columns
from ceasefire.fusion.gates import CATEGORY_CODE, precision_codes_for_lengths
from ceasefire.safe_files import InputKind, open_text

HEADER = ("id", "source", "t_start", "t_end", "lat", "lon", "radius_m", "category")

_CATEGORY_BY_NAME = {str(c): CATEGORY_CODE[c] for c in Category}


#: Characters read and converted together (then up to the end of the line): large enough that
#: per-block overhead is noise, small enough that one block's strings stay tens of megabytes.
BLOCK_CHARS = 4 * 2**20

FloatArray = NDArray[np.float64]


@dataclass
class FuseInput:
    """What the file held: the distinct observations sorted by id, and what was skipped or
    replaced (problems in line order)."""

    ids: list[str]
    sources: list[str]
    start: FloatArray
    end: FloatArray
    lat: FloatArray
    lon: FloatArray
    radius: FloatArray
    category: NDArray[np.int8]
    problems: list[Problem]
    rows: int
    redeliveries: int
    corrections: int

    def columns(self) -> Columns:
        """The distinct observations as fusion columns (sorted by id)."""
        return Columns(
            ids=self.ids,
            lat=self.lat,
            lon=self.lon,
            radius=self.radius,
            start=self.start,
            end=self.end,
            category=self.category,
            precision=precision_codes_for_lengths(self.end - self.start),
        )


@dataclass
class _Stream:
    """The row-wise reader's state: columns grown a row at a time."""

    ids: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    start: array[float] = field(default_factory=lambda: array("d"))
    end: array[float] = field(default_factory=lambda: array("d"))
    lat: array[float] = field(default_factory=lambda: array("d"))
    lon: array[float] = field(default_factory=lambda: array("d"))
    radius: array[float] = field(default_factory=lambda: array("d"))
    category: array[int] = field(default_factory=lambda: array("b"))
    problems: list[Problem] = field(default_factory=list)
    rows: int = 0
    redeliveries: int = 0
    corrections: int = 0

    def finish(self) -> FuseInput:
        """The rows sorted by id, as `FuseInput` holds them."""
        order = sorted(range(len(self.ids)), key=self.ids.__getitem__)
        at = np.array(order, dtype=np.int64)

        def f64(values: array[float]) -> FloatArray:
            return np.frombuffer(values, dtype=np.float64)[at]

        return FuseInput(
            ids=[self.ids[k] for k in order],
            sources=[self.sources[k] for k in order],
            start=f64(self.start),
            end=f64(self.end),
            lat=f64(self.lat),
            lon=f64(self.lon),
            radius=f64(self.radius),
            category=np.frombuffer(self.category, dtype=np.int8)[at],
            problems=self.problems,
            rows=self.rows,
            redeliveries=self.redeliveries,
            corrections=self.corrections,
        )


class _BadRowError(InvalidInputError):
    """One field of one row is unusable; the message says which and why."""


def _time(text: str, name: str) -> float:
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise _BadRowError(f"{name} {text!r} is not an ISO 8601 time") from None
    if value.tzinfo is None:
        raise _BadRowError(f"{name} {text!r} has no UTC offset (write Z or +hh:mm)")
    return value.timestamp()


def _number(text: str, name: str, low: float, high: float) -> float:
    try:
        value = float(text)
    except ValueError:
        raise _BadRowError(f"{name} {text!r} is not a number") from None
    if not (math.isfinite(value) and low <= value <= high):
        raise _BadRowError(f"{name} {text!r} is outside [{low:g}, {high:g}]")
    return value


#: Half the Earth's circumference: no disc on the Earth is wider.
_MAX_RADIUS_M = 20_037_509.0

_Row = tuple[str, str, float, float, float, float, float, int]


def _parse(row: list[str], at: tuple[int, ...], width: int) -> _Row:
    """The contract's fields of one row (at their positions `at` in a header `width` wide)."""
    if len(row) != width:
        raise _BadRowError(f"{len(row)} fields, expected {width}")
    id_, source, t0, t1, lat, lon, radius, category = (row[k] for k in at)
    id_ = id_.strip()
    if not id_:
        raise _BadRowError("id is empty")
    start, end = _time(t0, "t_start"), _time(t1, "t_end")
    if end < start:
        raise _BadRowError(f"t_end {t1!r} is before t_start {t0!r}")
    code = _CATEGORY_BY_NAME.get(category.strip())
    if code is None:
        raise _BadRowError(f"category {category!r} is not one of {', '.join(_CATEGORY_BY_NAME)}")
    return (
        id_,
        source.strip(),
        start,
        end,
        _number(lat, "lat", -90.0, 90.0),
        _number(lon, "lon", -180.0, 180.0),
        _number(radius, "radius_m", 0.0, _MAX_RADIUS_M),
        code,
    )


def _header(reader: Iterator[list[str]], name: str) -> tuple[tuple[int, ...], int]:
    """(position of each contract column, header width); a missing column is fatal."""
    header = [h.strip() for h in next(reader, [])]
    missing = [h for h in HEADER if h not in header]
    if missing:
        raise InvalidInputError(
            f"{name}: header lacks {', '.join(missing)} (expected {','.join(HEADER)})"
        )
    return tuple(header.index(h) for h in HEADER), len(header)


def read_fuse_csv_rowwise(path: Path) -> FuseInput:
    """Every good row of the file, once per id; bad rows become Problems (with their line).

    The reference reader: one row at a time through `_parse`. Raises `InvalidInputError` when
    the header lacks a column (no row can be read); a file that cannot be opened raises
    through `safe_files` (missing, a FIFO, over the size limit).
    """
    out = _Stream()
    where: dict[str, int] = {}
    line_of: list[int] = []
    name = str(path)
    with open_text(path, InputKind.SOURCE, "utf-8-sig") as handle:
        reader = csv.reader(handle)
        try:
            at, width = _header(reader, name)
            line = reader.line_num + 1
            for row in reader:
                out.rows += 1
                try:
                    values = _parse(row, at, width)
                except _BadRowError as bad:
                    out.problems.append(Problem(name, str(bad), line=line))
                else:
                    _keep(out, where, line_of, values, line, name)
                line = reader.line_num + 1
        except (csv.Error, UnicodeDecodeError) as exc:
            reason = f"{exc}; rows from this line on were not read"
            out.problems.append(Problem(name, reason, line=reader.line_num + 1))
    return out.finish()


def _keep(
    out: _Stream,
    where: dict[str, int],
    line_of: list[int],
    values: _Row,
    line: int,
    name: str,
) -> None:
    id_, source, start, end, lat, lon, radius, code = values
    k = where.get(id_)
    if k is None:
        where[id_] = len(out.ids)
        line_of.append(line)
        out.ids.append(id_)
        out.sources.append(source)
        out.start.append(start)
        out.end.append(end)
        out.lat.append(lat)
        out.lon.append(lon)
        out.radius.append(radius)
        out.category.append(code)
        return
    stored = (
        out.sources[k], out.start[k], out.end[k], out.lat[k], out.lon[k], out.radius[k],
        out.category[k],
    )  # fmt: skip
    if stored == (source, start, end, lat, lon, radius, code):
        out.redeliveries += 1
        return
    out.corrections += 1
    reason = f"id {id_!r} corrected: this row replaces line {line_of[k]}"
    out.problems.append(Problem(name, reason, line=line, severity=Severity.WARNING))
    line_of[k] = line
    out.sources[k], out.start[k], out.end[k] = source, start, end
    out.lat[k], out.lon[k], out.radius[k], out.category[k] = lat, lon, radius, code


def _sorted_groups(ids: list[str]) -> tuple[IntArray, NDArray[np.bool_]]:
    """(a stable order of rows by id, whether each row in that order starts a new id).

    numpy sorts strings by code point as Python does, several times faster, but drops
    trailing NUL characters: ids with a NUL are sorted by Python.
    """
    if not ids:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.bool_)
    first = np.ones(len(ids), dtype=np.bool_)
    joined = "".join(ids)
    if "\0" in joined:
        order = np.array(sorted(range(len(ids)), key=ids.__getitem__), dtype=np.int64)
        ordered = [ids[k] for k in order.tolist()]
        first[1:] = [a != b for a, b in zip(ordered[1:], ordered[:-1], strict=True)]
        return order, first
    # ASCII ids sort as bytes, faster still (UTF-8 bytes would too, but numpy's bytes are ASCII).
    keys = np.array(ids, dtype=np.bytes_ if joined.isascii() else np.str_)
    order = np.argsort(keys, kind="stable")
    ordered_keys = keys[order]
    first[1:] = ordered_keys[1:] != ordered_keys[:-1]
    return order, first


def read_fuse_csv(path: Path) -> FuseInput:
    """What `read_fuse_csv_rowwise` returns, computed a chunk of rows and a column at a time
    (module docstring); a file the chunks cannot read exactly goes through the reference."""
    bulk = _read_bulk(path)
    return read_fuse_csv_rowwise(path) if bulk is None else bulk


IntArray = NDArray[np.int64]


@dataclass
class _Chunks:
    """The good rows of the chunks read so far, in line order, and the bad rows' problems."""

    ids: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    lines: list[IntArray] = field(default_factory=list)
    values: list[FloatArray] = field(default_factory=list)  # start, end, lat, lon, radius
    category: list[NDArray[np.int8]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    rows: int = 0


def _read_bulk(path: Path) -> FuseInput | None:
    """The file read in blocks; None when only the row-wise reader can read it exactly (a
    quoted field open at a block's end, bytes that are not UTF-8, a CSV syntax error)."""
    name = str(path)
    got = _Chunks()
    with open_text(path, InputKind.SOURCE, "utf-8-sig") as handle, _collector_paused():
        try:
            reader = csv.reader(handle)
            at, width = _header(reader, name)
            line = reader.line_num + 1
            while block := handle.read(BLOCK_CHARS):
                block += handle.readline()  # end on a line boundary ("\r\n" kept whole)
                rows = _block_rows(block, line, width)
                _convert(got, rows, at, width, name)
                line += rows.count
        except (csv.Error, UnicodeDecodeError):
            return None
        return _distinct(got, name)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off while a million small lists are made and dropped: it
    would walk them again and again (seconds at 10^6 rows) and there is no cycle to find."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


@dataclass(frozen=True, slots=True)
class _Block:
    """The rows of a block of whole lines, as rows or, when all fit the header, as columns."""

    lines: IntArray
    """The line each row starts on."""
    count: int
    """Lines consumed."""
    rows: list[list[str]] | None = None
    columns: list[list[str]] | None = None

    def row(self, k: int) -> list[str]:
        if self.rows is not None:
            return self.rows[k]
        return [column[k] for column in self.columns or []]


def _block_rows(block: str, line: int, width: int) -> _Block:
    """The rows of `block` (whole lines, the first being `line`).

    Without a quote, carriage return or NUL a row is a line split at commas, which is what
    the csv module makes of it. When, too, every line has `width` fields, the block is cut
    into columns by one `str.split` with a marker field at each line's end (checked in
    place), the fastest way there is. Otherwise the csv module reads the block, strictly: a
    quoted field left open at the block's end, or any other doubt, raises and the whole file
    goes through the row-wise reader.
    """
    if '"' not in block and "\r" not in block and "\0" not in block:
        if not block.endswith("\n"):
            block += "\n"
        n = block.count("\n")
        lines = np.arange(line, line + n, dtype=np.int64)
        fields = block.replace("\n", ",\n,").split(",")
        stride = width + 1
        markers = fields[width : n * stride : stride]
        if len(fields) == n * stride + 1 and markers.count("\n") == n:
            columns = [fields[k : n * stride : stride] for k in range(width)]
            return _Block(lines, n, columns=columns)
        texts = block.split("\n")[:n]
        return _Block(lines, n, rows=[text.split(",") if text else [] for text in texts])
    reader = csv.reader(io.StringIO(block, newline=""), strict=True)
    rows = []
    starts: list[int] = []
    before = 0
    for row in reader:
        rows.append(row)
        starts.append(line + before)
        before = reader.line_num
    return _Block(np.array(starts, dtype=np.int64), reader.line_num, rows=rows)


def _convert(got: _Chunks, block: _Block, at: tuple[int, ...], width: int, name: str) -> None:
    """Append the block's good rows to `got` (bulk where it can, `_parse` for the rest)."""
    n = len(block.lines)
    got.rows += n
    cols = block.columns
    if block.rows is not None:
        fits = np.fromiter(map(len, block.rows), dtype=np.int64, count=n) == width
        fitting = [block.rows[k] for k in np.flatnonzero(fits).tolist()]
        cols = [list(c) for c in zip(*fitting, strict=True)] if fitting else None
    else:
        fits = np.ones(n, dtype=np.bool_)
    where = np.flatnonzero(fits)
    declined = ~fits
    ids: list[str] = []
    sources: list[str] = []
    values = np.zeros((0, 5), dtype=np.float64)
    category = np.zeros(0, dtype=np.int8)
    if cols:
        ids = list(map(str.strip, cols[at[0]]))
        sources = list(map(sys.intern, map(str.strip, cols[at[1]])))
        columns = [
            iso_seconds(cols[at[2]]),
            iso_seconds(cols[at[3]]),
            floats(cols[at[4]], -90.0, 90.0),
            floats(cols[at[5]], -180.0, 180.0),
            floats(cols[at[6]], 0.0, _MAX_RADIUS_M),
        ]
        values = np.column_stack([v for v, _ in columns])
        category, bad = category_codes(cols[at[7]], _CATEGORY_BY_NAME)
        for _, declined_here in columns:
            bad |= declined_here
        bad |= np.fromiter(map(len, ids), dtype=np.int64, count=len(ids)) == 0
        bad |= values[:, 1] < values[:, 0]
        declined[where[bad]] = True
        good = ~bad
        if not good.all():
            ids = list(compress(ids, good.tolist()))
            sources = list(compress(sources, good.tolist()))
            values, category, where = values[good], category[good], where[good]
    slow = np.flatnonzero(declined)
    if len(slow):
        parsed: list[int] = []
        for k in slow.tolist():
            try:
                id_, source, start, end, lat, lon, radius, code = _parse(block.row(k), at, width)
            except _BadRowError as exc:
                got.problems.append(Problem(name, str(exc), line=int(block.lines[k])))
                continue
            parsed.append(k)
            ids.append(id_)
            sources.append(source)
            values = np.vstack((values, [[start, end, lat, lon, radius]]))
            category = np.append(category, np.int8(code))
        where = np.concatenate((where, np.array(parsed, dtype=np.int64)))
        order = np.argsort(where, kind="stable")
        ids = [ids[k] for k in order.tolist()]
        sources = [sources[k] for k in order.tolist()]
        values, category, where = values[order], category[order], where[order]
    got.ids.extend(ids)
    got.sources.extend(sources)
    got.lines.append(block.lines[where])
    got.values.append(values)
    got.category.append(category)


def _distinct(got: _Chunks, name: str) -> FuseInput:
    """One row per id, sorted by id (re-deliveries dropped, corrections applied and reported
    as `_keep` does): one stable sort by id puts each id's rows together in line order."""
    ids, sources = got.ids, got.sources
    values = np.concatenate(got.values) if got.values else np.zeros((0, 5))
    category = np.concatenate(got.category) if got.category else np.zeros(0, dtype=np.int8)
    lines = np.concatenate(got.lines) if got.lines else np.zeros(0, dtype=np.int64)
    order, first = _sorted_groups(ids)
    starts = np.flatnonzero(first)
    ends = np.append(starts[1:], len(ids))
    keep = order[starts]
    size = ends - starts
    pairs = np.flatnonzero(size == 2)  # the common repeat: one re-delivery, checked in bulk
    first_row, second_row = order[starts[pairs]], order[starts[pairs] + 1]
    same = (values[first_row] == values[second_row]).all(axis=1)
    same &= category[first_row] == category[second_row]
    pairs_of_rows = zip(first_row.tolist(), second_row.tolist(), strict=True)
    same &= np.array([sources[a] == sources[b] for a, b in pairs_of_rows], dtype=np.bool_)
    redeliveries = int(same.sum())
    corrections = 0
    problems = list(got.problems)
    for g, p, q in zip(pairs[~same].tolist(), second_row[~same].tolist(),
                       first_row[~same].tolist(), strict=True):  # fmt: skip
        corrections += 1
        reason = f"id {ids[p]!r} corrected: this row replaces line {int(lines[q])}"
        problems.append(Problem(name, reason, line=int(lines[p]), severity=Severity.WARNING))
        keep[g] = p
    for g in np.flatnonzero(size > 2).tolist():
        rows = order[starts[g] : ends[g]].tolist()
        content = values[rows].tolist()
        k = 0
        for n in range(1, len(rows)):
            p, q = rows[n], rows[k]
            if sources[p] == sources[q] and category[p] == category[q] and content[n] == content[k]:
                redeliveries += 1
                continue
            corrections += 1
            reason = f"id {ids[p]!r} corrected: this row replaces line {int(lines[q])}"
            problems.append(Problem(name, reason, line=int(lines[p]), severity=Severity.WARNING))
            k = n
        keep[g] = rows[k]
    problems.sort(key=lambda problem: problem.line or 0)
    pick = keep.tolist()
    ids = [ids[k] for k in pick]
    sources = [sources[k] for k in pick]
    values, category = values[keep], category[keep]
    return FuseInput(
        ids=ids,
        sources=sources,
        start=np.ascontiguousarray(values[:, 0]),
        end=np.ascontiguousarray(values[:, 1]),
        lat=np.ascontiguousarray(values[:, 2]),
        lon=np.ascontiguousarray(values[:, 3]),
        radius=np.ascontiguousarray(values[:, 4]),
        category=category,
        problems=problems,
        rows=got.rows,
        redeliveries=redeliveries,
        corrections=corrections,
    )
