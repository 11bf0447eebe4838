"""An agreement compiled for fast assessment: zones projected to metres and prepared.

Compiling is done once per agreement; assessing then needs only vectorised point-in-polygon
and point-to-boundary distances, with no projection set-up per observation.
"""

from __future__ import annotations

from dataclasses import dataclass

import shapely
from shapely.geometry.base import BaseGeometry

from ceasefire.domain.agreement import Agreement, Zone
from ceasefire.geo.projection import LocalProjection


@dataclass(frozen=True)
class CompiledZone:
    zone: Zone
    area_m: BaseGeometry
    boundary_m: BaseGeometry


@dataclass(frozen=True)
class CompiledAgreement:
    agreement: Agreement
    projection: LocalProjection
    zones: tuple[CompiledZone, ...]
    line_m: BaseGeometry | None


def compile_agreement(agreement: Agreement) -> CompiledAgreement:
    geometries = [z.geometry for z in agreement.zones]
    if agreement.line_of_contact is not None:
        geometries.append(agreement.line_of_contact.line)
    anchor = shapely.union_all(geometries) if geometries else None
    projection = (
        LocalProjection.centred_on(anchor)
        if anchor is not None and not anchor.is_empty
        else LocalProjection(31.2, 48.4)  # Ukraine's centre: used only for distances to nothing
    )
    zones = []
    for zone in agreement.zones:
        area = projection.to_metres(zone.geometry)
        shapely.prepare(area)
        boundary = area.boundary
        shapely.prepare(boundary)
        zones.append(CompiledZone(zone, area, boundary))
    line_m = None
    if agreement.line_of_contact is not None and not agreement.line_of_contact.line.is_empty:
        line_m = projection.to_metres(agreement.line_of_contact.line)
        shapely.prepare(line_m)
    return CompiledAgreement(agreement, projection, tuple(zones), line_m)
