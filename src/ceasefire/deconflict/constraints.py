"""The typed input through which agreement zones reach deconfliction.

Deconfliction does not read the agreement: whoever compiles the agreement (no-fly zones,
buffer-zone airspace, maritime corridors) adapts each zone into an `AirspaceConstraint`.
This keeps `deconflict` independent of the agreement schema.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import shapely
import shapely.errors
import shapely.geometry

from ceasefire.domain.errors import Problem
from ceasefire.domain.intent import IntentError


@dataclass(frozen=True, slots=True)
class AirspaceConstraint:
    """A 4D block that operations must stay out of, unless exempt.

    geometry: shapely Polygon or MultiPolygon in WGS84 (lon, lat) degrees.
    lower_m / upper_m: altitude band, metres WGS84 (use -1e3 / 4e4 for "all altitudes";
    a maritime corridor is a band around 0 m). start / end: UTC-aware; bounds inclusive.
    kind: free text such as "no_fly", "buffer_airspace", "maritime_corridor".
    exempt_commands / exempt_mandates: operations owned by these commands, or flown under these
    mandates (e.g. the monitoring mission's), may enter.
    """

    id: str
    geometry: shapely.Geometry
    lower_m: float
    upper_m: float
    start: datetime
    end: datetime
    kind: str = "no_fly"
    exempt_commands: frozenset[str] = field(default_factory=frozenset)
    exempt_mandates: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if not isinstance(self.geometry, shapely.Polygon | shapely.MultiPolygon):
            raise IntentError(f"constraint {self.id!r}: geometry must be a (multi)polygon")
        if self.geometry.is_empty or not self.geometry.is_valid:
            raise IntentError(f"constraint {self.id!r}: geometry is empty or invalid")
        if self.lower_m > self.upper_m:
            raise IntentError(f"constraint {self.id!r}: lower altitude above upper")
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise IntentError(f"constraint {self.id!r}: times must be timezone-aware")
        if self.end < self.start:
            raise IntentError(f"constraint {self.id!r}: end before start")

    def exempts(self, command: str, mandate: str) -> bool:
        """Whether an operation of this command under this mandate may enter."""
        return command in self.exempt_commands or mandate in self.exempt_mandates


def constraints_from_geojson(
    doc: Any, source: str
) -> tuple[list[AirspaceConstraint], list[Problem]]:
    """A GeoJSON FeatureCollection of (multi)polygons -> constraints, one error per bad feature.

    Feature properties: id, kind, lower_m, upper_m, start, end (RFC 3339), exempt_commands and
    exempt_mandates (lists). Missing altitudes mean all altitudes; missing times mean always.
    A convenience for the CLI and tests; the agreement module builds constraints directly.
    """
    feats = doc.get("features") if isinstance(doc, Mapping) else None
    if not isinstance(feats, list):
        return [], [Problem(source, "expected a GeoJSON FeatureCollection")]
    out: list[AirspaceConstraint] = []
    errors: list[Problem] = []
    for k, f in enumerate(feats):
        props = (f.get("properties") or {}) if isinstance(f, Mapping) else {}
        label = str(props.get("id", f"feature {k}"))
        try:
            geom = shapely.geometry.shape(f["geometry"])
            out.append(
                AirspaceConstraint(
                    id=label,
                    geometry=geom,
                    lower_m=float(props.get("lower_m", -1_000.0)),
                    upper_m=float(props.get("upper_m", 40_000.0)),
                    start=_time(props.get("start"), _ALWAYS_START),
                    end=_time(props.get("end"), _ALWAYS_END),
                    kind=str(props.get("kind", "no_fly")),
                    exempt_commands=frozenset(props.get("exempt_commands", [])),
                    exempt_mandates=frozenset(props.get("exempt_mandates", [])),
                )
            )
        except (IntentError, KeyError, TypeError, ValueError, AttributeError) as exc:
            errors.append(Problem(source, f"bad constraint: {exc}", pointer=label))
        except shapely.errors.GEOSException as exc:
            errors.append(Problem(source, f"bad geometry: {exc}", pointer=label))
    return out, errors


_ALWAYS_START = datetime(1970, 1, 1, tzinfo=UTC)
_ALWAYS_END = datetime(9999, 12, 31, tzinfo=UTC)


def _time(value: Any, default: datetime) -> datetime:
    if value is None:
        return default
    t = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if t.tzinfo is None:
        raise ValueError(f"time {value!r} has no time zone")
    return t.astimezone(UTC)
