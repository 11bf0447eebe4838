"""ADS-B -> aircraft track states, from two formats.

1. The `traffic` library's JSON samples: a list of row objects, or pandas' column-oriented
   object ({"column": {"row": value}}). Units as in the library: altitude ft, groundspeed kt,
   track deg, vertical_rate ft/min, timestamp ms since the epoch (or an ISO string).
2. BaseStation / SBS-1 text (port 30003 CSV): MSG,3 positions, MSG,4 velocities, MSG,2
   surface positions, MSG,5/7 altitudes; per aircraft the latest parts are merged and a
   state is emitted on each new position once a velocity is known.

Separation is flown on pressure altitude, so the barometric `altitude` is used when present
(and `geoaltitude` otherwise). Rows without a position, or still without any velocity, are
reported as Problems (they are common in real feeds and must not stop the rest).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import Any

from ceasefire.domain.errors import Problem
from ceasefire.domain.track import TrackSource, TrackState, state_problems

FT_M = 0.3048
KT_MPS = 1852.0 / 3600.0
FPM_MPS = FT_M / 60.0


@dataclass
class AdsbResult:
    """States decoded in input order, and one error per rejected record."""

    states: list[TrackState] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)


def _num(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def _timestamp(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return float(value) / 1000.0 if value > 1e11 else float(value)
    if isinstance(value, str):
        try:
            t = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        return (t if t.tzinfo else t.replace(tzinfo=UTC)).timestamp()
    return None


def rows_of(doc: Any) -> list[Mapping[str, Any]]:
    """Rows from either JSON layout of the traffic library (records or columns)."""
    if isinstance(doc, list):
        return [r if isinstance(r, Mapping) else {} for r in doc]
    if isinstance(doc, Mapping) and doc and all(isinstance(v, Mapping) for v in doc.values()):
        index = list(next(iter(doc.values())).keys())
        return [{col: values.get(k) for col, values in doc.items()} for k in index]
    raise ValueError("expected a list of rows or a column-oriented object")


@dataclass
class _Last:
    gs: float | None = None
    trk: float | None = None
    vs: float | None = None
    alt: float | None = None


def parse_traffic_json(doc: Any, source: str) -> AdsbResult:
    """Decode a traffic-library JSON document; velocity and altitude carry forward per aircraft."""
    out = AdsbResult()
    try:
        rows = rows_of(doc)
    except ValueError as exc:
        out.errors.append(Problem(source, str(exc)))
        return out
    last: dict[str, _Last] = {}
    for k, row in enumerate(rows):
        icao = row.get("icao24")
        at = partial(Problem, source, pointer=f"row {k}")
        if not isinstance(icao, str) or not icao:
            out.errors.append(at("missing icao24"))
            continue
        t = _timestamp(row.get("timestamp"))
        if t is None:
            out.errors.append(at(f"{icao}: missing or bad timestamp"))
            continue
        mem = last.setdefault(icao, _Last())
        gs, trk, vr = (
            _num(row.get("groundspeed")),
            _num(row.get("track")),
            _num(row.get("vertical_rate")),
        )
        alt = _num(row.get("altitude"))
        if alt is None:
            alt = _num(row.get("geoaltitude"))
        mem.gs = gs * KT_MPS if gs is not None else mem.gs
        mem.trk = trk if trk is not None else mem.trk
        mem.vs = vr * FPM_MPS if vr is not None else mem.vs
        mem.alt = alt * FT_M if alt is not None else mem.alt
        lat, lon = _num(row.get("latitude")), _num(row.get("longitude"))
        if lat is None or lon is None:
            out.errors.append(at(f"{icao}: no position"))
            continue
        if mem.gs is None or mem.trk is None or mem.alt is None:
            out.errors.append(at(f"{icao}: no velocity or altitude yet"))
            continue
        _emit(out, at, icao, t, lat, lon, mem.gs, mem.trk, mem.alt, mem.vs)
    return out


def _emit(
    out: AdsbResult,
    at: Callable[[str], Problem],
    icao: str,
    t: float,
    lat: float,
    lon: float,
    gs: float,
    trk: float,
    alt: float,
    vs: float | None,
) -> None:
    """Validate one merged state and append it, or the reasons it is implausible."""
    vs = vs if vs is not None else 0.0
    problems = state_problems(lat, lon, alt, trk % 360.0, gs, vs)
    if problems:
        out.errors.append(at(f"{icao}: " + "; ".join(problems)))
        return
    out.states.append(TrackState(icao, t, lat, lon, alt, trk % 360.0, gs, vs, TrackSource.ADSB))


def _sbs_time(date: str, time: str) -> float | None:
    try:
        t = datetime.strptime(f"{date} {time}", "%Y/%m/%d %H:%M:%S.%f")
    except ValueError:
        try:
            t = datetime.strptime(f"{date} {time}", "%Y/%m/%d %H:%M:%S")
        except ValueError:
            return None
    return t.replace(tzinfo=UTC).timestamp()


def parse_sbs(lines: Iterable[str], source: str) -> AdsbResult:
    """Decode BaseStation/SBS-1 lines (times are taken as UTC)."""
    out = AdsbResult()
    last: dict[str, _Last] = {}
    for lineno, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line:
            continue
        at = partial(Problem, source, line=lineno)
        f = line.split(",")
        if len(f) < 22 or f[0] != "MSG":
            out.errors.append(at("not an SBS MSG line with 22 fields"))
            continue
        kind, icao = f[1], f[4].strip().lower()
        if not icao:
            out.errors.append(at("missing hex ident"))
            continue
        t = _sbs_time(f[6], f[7]) or _sbs_time(f[8], f[9])
        if t is None:
            out.errors.append(at(f"{icao}: bad date/time"))
            continue
        mem = last.setdefault(icao, _Last())
        alt, gs, trk = _num(f[11]), _num(f[12]), _num(f[13])
        lat, lon, vr = _num(f[14]), _num(f[15]), _num(f[16])
        if alt is not None:
            mem.alt = alt * FT_M
        if kind in ("2", "4"):
            mem.gs = gs * KT_MPS if gs is not None else mem.gs
            mem.trk = trk if trk is not None else mem.trk
        if kind == "4" and vr is not None:
            mem.vs = vr * FPM_MPS
        if kind not in ("2", "3"):
            continue  # identity, altitude or velocity only: merged, nothing to emit
        if lat is None or lon is None:
            out.errors.append(
                at(f"{icao}: position message without position")
            )
            continue
        if mem.gs is None or mem.trk is None or mem.alt is None:
            out.errors.append(at(f"{icao}: no velocity or altitude yet"))
            continue
        _emit(out, at, icao, t, lat, lon, mem.gs, mem.trk, mem.alt, mem.vs)
    return out
