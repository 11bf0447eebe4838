"""The typed input through which agreement zones reach deconfliction.

Deconfliction does not read the agreement: whoever compiles the agreement (no-fly zones,
buffer-zone airspace, maritime corridors) adapts each zone into an `AirspaceConstraint`.
This keeps `deconflict` independent of the agreement schema.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import shapely

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

    def active_at(self, t: datetime) -> bool:
        """Whether the constraint is in force at `t` (inclusive bounds)."""
        return self.start <= t <= self.end
