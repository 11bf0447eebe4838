"""An agreement's zones as airspace and sea-surface constraints for deconfliction.

No-fly zones keep their altitude band; buffer zones that prohibit military flights close
all altitudes; a maritime corridor is closed to military operations at the surface (a band
around sea level) so the force's own ships and low flights are routed around merchant traffic.
Withdrawal zones restrict ground weapons, not movement, and give no constraint. The zone's
exempt parties become both exempt commands and exempt mandates: a party id names the mission
whichever way an intent identifies it.
"""

from __future__ import annotations

import shapely
from shapely.geometry.base import BaseGeometry

from ceasefire.deconflict.constraints import AirspaceConstraint
from ceasefire.domain import Category
from ceasefire.domain.agreement import Agreement, Zone, ZoneKind

ALL_ALTITUDES_M = (-1_000.0, 40_000.0)
#: Surface band for maritime corridors: ships and helicopters hovering over them.
SEA_SURFACE_BAND_M = (-100.0, 300.0)


def _areas_only(geometry: BaseGeometry) -> BaseGeometry:
    """Clipping can leave slivers of lines or points beside the polygons; keep the polygons."""
    parts = [g for g in getattr(geometry, "geoms", [geometry]) if g.geom_type.endswith("Polygon")]
    merged = shapely.union_all(parts) if parts else shapely.Polygon()
    return merged if merged.is_valid else shapely.make_valid(merged)


def _band(zone: Zone) -> tuple[float, float] | None:
    if zone.kind is ZoneKind.NO_FLY:
        low, high = ALL_ALTITUDES_M
        return (
            zone.lower_m if zone.lower_m is not None else low,
            zone.upper_m if zone.upper_m is not None else high,
        )
    if zone.kind is ZoneKind.BUFFER and Category.MILITARY_FLIGHT in zone.prohibited_categories:
        return ALL_ALTITUDES_M
    if zone.kind is ZoneKind.MARITIME_CORRIDOR:
        return SEA_SURFACE_BAND_M
    return None


def airspace_constraints(agreement: Agreement) -> list[AirspaceConstraint]:
    constraints = []
    for zone in agreement.zones:
        band = _band(zone)
        if band is None:
            continue
        area = _areas_only(zone.geometry)
        if area.is_empty:
            continue
        constraints.append(
            AirspaceConstraint(
                id=f"{agreement.id}/{zone.id}",
                geometry=area,
                lower_m=band[0],
                upper_m=band[1],
                start=agreement.window.start,
                end=agreement.window.end,
                kind=str(zone.kind),
                exempt_commands=zone.exempt,
                exempt_mandates=zone.exempt,
            )
        )
    return constraints
