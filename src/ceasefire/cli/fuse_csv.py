"""Reading the `fuse --input` CSV: a stream of rows into columns, bad rows as Problems.

The contract (docs/fusion.md, "`ceasefire fuse --input`"): header
``id,source,t_start,t_end,lat,lon,radius_m,category`` (any order), ISO 8601 times with an
offset, `radius_m` the location uncertainty, `category` a `Category` value. A row repeated
with the same id and the same content is a re-delivery and counts once; a repeated id with
other content is a correction and the later row wins. The file is read a line at a time and
kept as columns of numbers (no object per row), so a million rows cost tens of megabytes.
"""

from __future__ import annotations

import csv
import math
from array import array
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np

from ceasefire.domain.errors import InvalidInputError, Problem, Severity
from ceasefire.domain.taxonomy import Category
from ceasefire.fusion.columns import Columns, sorted_by_id
from ceasefire.fusion.gates import CATEGORY_CODE, precision_codes_for_lengths
from ceasefire.safe_files import InputKind, open_text

HEADER = ("id", "source", "t_start", "t_end", "lat", "lon", "radius_m", "category")

_CATEGORY_BY_NAME = {str(c): CATEGORY_CODE[c] for c in Category}


@dataclass
class FuseInput:
    """What the file held: the distinct observations, and what was skipped or replaced."""

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

    def columns(self) -> Columns:
        """The distinct observations as fusion columns, sorted by id."""
        start = np.frombuffer(self.start, dtype=np.float64)
        end = np.frombuffer(self.end, dtype=np.float64)
        return sorted_by_id(
            Columns(
                ids=self.ids,
                lat=np.frombuffer(self.lat, dtype=np.float64),
                lon=np.frombuffer(self.lon, dtype=np.float64),
                radius=np.frombuffer(self.radius, dtype=np.float64),
                start=start,
                end=end,
                category=np.frombuffer(self.category, dtype=np.int8),
                precision=precision_codes_for_lengths(end - start),
            )
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
        _number(radius, "radius_m", 0.0, 20_037_509.0),  # half the Earth's circumference
        code,
    )


def read_fuse_csv(path: Path) -> FuseInput:
    """Every good row of the file, once per id; bad rows become Problems (with their line).

    Raises `InvalidInputError` when the header lacks a column (no row can be read); a file
    that cannot be opened raises through `safe_files` (missing, a FIFO, over the size limit).
    """
    out = FuseInput()
    where: dict[str, int] = {}
    line_of: list[int] = []
    name = str(path)
    with open_text(path, InputKind.SOURCE, "utf-8-sig") as handle:
        reader = csv.reader(handle)
        try:
            header = [h.strip() for h in next(reader, [])]
            missing = [h for h in HEADER if h not in header]
            if missing:
                raise InvalidInputError(
                    f"{name}: header lacks {', '.join(missing)} (expected {','.join(HEADER)})"
                )
            at = tuple(header.index(h) for h in HEADER)
            line = reader.line_num + 1
            for row in reader:
                out.rows += 1
                try:
                    values = _parse(row, at, len(header))
                except _BadRowError as bad:
                    out.problems.append(Problem(name, str(bad), line=line))
                else:
                    _keep(out, where, line_of, values, line, name)
                line = reader.line_num + 1
        except (csv.Error, UnicodeDecodeError) as exc:
            reason = f"{exc}; rows from this line on were not read"
            out.problems.append(Problem(name, reason, line=reader.line_num + 1))
    return out


def _keep(
    out: FuseInput,
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
