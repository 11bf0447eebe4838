"""Who is at a place at a time: units posted there, and units of operations planned there,
each with its nation, chain of command and the mandates that bind it there and then."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import shapely

from ceasefire.deconflict.volumes import wgs84_outline
from ceasefire.force.checks import ForceIntent
from ceasefire.force.force import Force, unique
from ceasefire.force.mandate import Mandate, Refusal, area_refusals
from ceasefire.force.model import Unit
from ceasefire.force.registry import Chain
from ceasefire.geo.local import geodesic_distance_m


@dataclass(frozen=True)
class MandateThere:
    """One mandate binding the unit's nation, in force then, and what it forbids there."""

    mandate: Mandate
    refusals: tuple[Refusal, ...]


@dataclass(frozen=True)
class Presence:
    """One unit there then: why it is counted, its chain and its mandates."""

    unit: Unit
    why: str
    chain: Chain
    mandates: tuple[MandateThere, ...]


def _stationed(
    force: Force, at: datetime, lon: float, lat: float, radius_m: float
) -> dict[str, str]:
    found: dict[str, str] = {}
    for unit in force.registry.units.values():
        for station in unit.stations:
            if not station.period.holds_at(at):
                continue
            d = geodesic_distance_m(lon, lat, station.lon, station.lat)
            if d <= radius_m:
                name = f" {station.name}" if station.name else ""
                found.setdefault(unit.id, f"stationed{name}, {d / 1000:.1f} km away")
    return found


def _operating(
    intents: Sequence[ForceIntent], at: datetime, lon: float, lat: float, radius_m: float
) -> dict[str, str]:
    found: dict[str, str] = {}
    point = shapely.Point(lon, lat)
    for fi in intents:
        for k, v in enumerate(fi.intent.occupied_volumes()):
            if v.start <= at < v.end and wgs84_outline(v, pad_m=radius_m).covers(point):
                for unit_id in fi.units:
                    found.setdefault(unit_id, f"operation {fi.intent.id} volume {k}")
    return found


def who(
    force: Force,
    at: datetime,
    lat: float,
    lon: float,
    radius_m: float,
    intents: Sequence[ForceIntent] = (),
) -> list[Presence]:
    """Units stationed within `radius_m` of the point at `at`, then units of operations whose
    volumes come within `radius_m` of it then (units of unknown id are left out)."""
    reasons = _stationed(force, at, lon, lat, radius_m)
    for unit_id, why in _operating(intents, at, lon, lat, radius_m).items():
        reasons.setdefault(unit_id, why)
    point = shapely.Point(lon, lat)
    out: list[Presence] = []
    for unit_id, why in reasons.items():
        unit = force.registry.units.get(unit_id)
        if unit is None:
            continue
        there = tuple(
            MandateThere(m, unique(area_refusals(m, point, "this point")))
            for m in force.binding(unit.nation)
            if m.period.holds_at(at)
        )
        out.append(Presence(unit, why, force.registry.chain_at(unit.id, at), there))
    return out
