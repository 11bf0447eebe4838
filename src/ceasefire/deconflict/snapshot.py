"""Validate a tracks snapshot given as CSV rows (id,lat,lon,alt_m,trk_deg,gs_mps,vs_mps).

Pure: takes the header and rows already split by the csv module, returns the valid tracks as
a `Traffic` and one Problem per rejected row (the row number and every reason), so one
bad line never stops the others.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from ceasefire.deconflict.tactical import Traffic
from ceasefire.domain.errors import InvalidInputError, Problem
from ceasefire.domain.track import state_problems

COLUMNS = ("id", "lat", "lon", "alt_m", "trk_deg", "gs_mps", "vs_mps")


class SnapshotError(InvalidInputError):
    """The file as a whole cannot be read (e.g. required columns missing)."""


def parse_snapshot(
    header: Sequence[str], rows: Iterable[Sequence[str]], source: str
) -> tuple[Traffic, list[Problem]]:
    """Header + data rows -> (valid tracks, errors). Raises SnapshotError for a bad header."""
    names = [h.strip() for h in header]
    missing = [c for c in COLUMNS if c not in names]
    if missing:
        raise SnapshotError(
            f"{source}: missing column(s) {', '.join(missing)}; need {','.join(COLUMNS)}"
        )
    pos = {c: names.index(c) for c in COLUMNS}
    cols: dict[str, list[float]] = {c: [] for c in COLUMNS[1:]}
    ids: list[str] = []
    seen: set[str] = set()
    errors: list[Problem] = []
    for lineno, row in enumerate(rows, start=2):
        if len(row) < len(names):
            errors.append(Problem(source, f"{len(row)} fields, expected {len(names)}", line=lineno))
            continue
        tid = row[pos["id"]].strip()
        problems: list[str] = []
        if not tid:
            problems.append("empty id")
        elif tid in seen:
            problems.append(f"duplicate id {tid!r} (one snapshot holds one state per object)")
        values: dict[str, float] = {}
        for c in COLUMNS[1:]:
            raw = row[pos[c]].strip()
            try:
                values[c] = float(raw)
            except ValueError:
                problems.append(f"{c} is not a number ({raw!r})")
                values[c] = math.nan
        if not problems:
            problems = state_problems(
                values["lat"],
                values["lon"],
                values["alt_m"],
                values["trk_deg"],
                values["gs_mps"],
                values["vs_mps"],
            )
        if problems:
            errors.append(Problem(source, "; ".join(problems), line=lineno, pointer=tid or None))
            continue
        seen.add(tid)
        ids.append(tid)
        for c in COLUMNS[1:]:
            cols[c].append(values[c] % 360.0 if c == "trk_deg" else values[c])
    traffic = Traffic.from_columns(
        ids,
        cols["lat"],
        cols["lon"],
        cols["alt_m"],
        cols["trk_deg"],
        cols["gs_mps"],
        cols["vs_mps"],
    )
    return traffic, errors
