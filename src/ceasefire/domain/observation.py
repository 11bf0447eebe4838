"""An observation: one source's report of one act or presence, kept with its raw record."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ceasefire.domain.frozen import FrozenMap
from ceasefire.domain.taxonomy import Category, ReportKind, Side, TargetClass, WeaponClass
from ceasefire.domain.timeinterval import TimeInterval


@dataclass(frozen=True, slots=True)
class Location:
    """Where: a WGS84 point with an uncertainty radius, a named region, or both.

    Bulletins name regions ("south", "Odesa oblast") without coordinates; geocoded sources give
    points whose precision varies (a UCDP `where_prec` of 4 is a whole province). The radius lets
    zone clauses answer "possible" when the uncertainty straddles a zone edge.
    """

    lat: float | None = None
    lon: float | None = None
    uncertainty_m: float = 0.0
    region: str | None = None

    def __post_init__(self) -> None:
        has_lat, has_lon = self.lat is not None, self.lon is not None
        if has_lat != has_lon:
            raise ValueError("a point needs both lat and lon")
        if self.lat is not None and self.lon is not None:
            if not (math.isfinite(self.lat) and -90.0 <= self.lat <= 90.0):
                raise ValueError(f"latitude {self.lat} is outside [-90, 90]")
            if not (math.isfinite(self.lon) and -180.0 <= self.lon <= 180.0):
                raise ValueError(f"longitude {self.lon} is outside [-180, 180]")
        if not (math.isfinite(self.uncertainty_m) and self.uncertainty_m >= 0.0):
            raise ValueError(f"uncertainty {self.uncertainty_m} m must be finite and >= 0")
        if not has_lat and not self.region:
            raise ValueError("a location needs a point or a region name")

    @property
    def has_point(self) -> bool:
        return self.lat is not None


@dataclass(frozen=True, slots=True)
class Observation:
    """One source record, normalised; `extras` keeps every raw field so nothing is lost.

    `id` is derived from the source and the record's content (or the source's own id), so
    re-importing a file yields the same ids and adds nothing. `source` is the feed or dataset
    the row came from (the Air Force bulletins, UCDP, Bellingcat); `publisher` is who published
    the row's content within it (the Air Force headquarters, a regional air command, the General
    Staff) and `report_kind` what its numbers count; `reported_by` is who put it into this
    system (an organisation of the mission, a party's liaison office, a feed), which is what the
    coming service checks rights against and what corroboration must not count twice.
    `extras` is frozen on construction (a `FrozenMap`): the raw row is evidence once stored.
    """

    id: str
    source: str
    source_record_id: str
    interval: TimeInterval
    location: Location
    category: Category
    weapon_model: str | None = None
    weapon_class: WeaponClass = WeaponClass.UNKNOWN
    launched: int | None = None
    destroyed: int | None = None
    side: Side = Side.UNKNOWN
    target_class: TargetClass = TargetClass.UNKNOWN
    description: str = ""
    extras: Mapping[str, Any] = field(default_factory=FrozenMap)
    reported_by: str = ""
    publisher: str = ""
    report_kind: ReportKind = ReportKind.UNKNOWN

    def __post_init__(self) -> None:
        if not isinstance(self.extras, FrozenMap):
            object.__setattr__(self, "extras", FrozenMap(self.extras))
        for name in ("launched", "destroyed"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise ValueError(f"{name} must be >= 0, got {value}")
