"""Who sees which incidents, clocks and details (pure: principals and views in, views out).

The rules (docs/service.md): the mission's roles see everything; a party's liaison and a
nation's planners see verified incidents only, without the raw observations and the fusion
reasoning built from them (those stay inside the mission); the public sees verified incidents
with locations generalised to a grid and the radius widened so that the true point still lies
inside it, and no names of the people who decided. Clocks: the mission sees all of them, a
party's liaison those that notified its party, nobody else any.
"""

from __future__ import annotations

import math
from typing import Any

from ceasefire.api.roles import Principal, Role
from ceasefire.domain import IncidentState, Message, Side

View = dict[str, Any]

#: Metres per degree of latitude (and of longitude at the equator), WGS84 mean.
METRES_PER_DEGREE = 111_320.0


def sees_incident(principal: Principal, state: IncidentState) -> bool:
    return principal.in_mission or state is IncidentState.VERIFIED


def sees_clock(principal: Principal, notified: Side) -> bool:
    if principal.in_mission:
        return True
    return principal.role is Role.PARTY_LIAISON and principal.party is notified


def generalise(
    lat: float | None, lon: float | None, radius_m: float, precision_deg: float
) -> tuple[float | None, float | None, float]:
    """The point snapped to the centre grid of `precision_deg` and a radius that still
    contains every point the original disc contained.

    Rounding moves the point by at most half a cell in each axis; the widening uses the
    cell's half-diagonal with a degree of longitude counted as long as one at the equator,
    which bounds the shift at any latitude.
    """
    if lat is None or lon is None:
        return lat, lon, radius_m
    snapped_lat = round(round(lat / precision_deg) * precision_deg, 6)
    snapped_lon = round(round(lon / precision_deg) * precision_deg, 6)
    shift = math.hypot(precision_deg / 2, precision_deg / 2) * METRES_PER_DEGREE
    return max(-90.0, min(90.0, snapped_lat)), max(-180.0, min(180.0, snapped_lon)), (
        radius_m + math.ceil(shift)
    )


def row_for(principal: Principal, row: View, precision_deg: float) -> View:
    """An incident's summary as `principal` may see it."""
    if principal.role is not Role.PUBLIC:
        return row
    lat, lon, radius = generalise(row["lat"], row["lon"], row["radius_m"], precision_deg)
    return {**row, "lat": lat, "lon": lon, "radius_m": radius}


def detail_for(principal: Principal, detail: View, precision_deg: float) -> View:
    """An incident's detail as `principal` may see it: outside the mission without the
    observations and the reasoning over them; for the public also without names, exact
    places and attribution reasons (which quote distances to places)."""
    if principal.in_mission:
        return detail
    out = {
        **row_for(principal, detail, precision_deg),
        "observations": None,
        "fusion": None,
        "sources": None,
        "supporting": None,
        "clocks": [c for c in detail["clocks"]
                   if sees_clock(principal, Side(c["notified_party"]))],
    }
    if principal.role is Role.PUBLIC:
        out["attribution"] = {**detail["attribution"], "reasons": []}
        out["history"] = [{**t, "actor": "", "organisation": ""} for t in detail["history"]]
    return out


def side_of(principal: Principal) -> Side | None:
    """The end of the hotline a caller speaks for: its party, or None for the mission."""
    return None if principal.in_mission else principal.party


def sees_message(principal: Principal, message: Message) -> bool:
    """Each side sees what it sent or received: the mission every message (it is one end
    of each), a party's liaison those from or to its own party."""
    if principal.in_mission:
        return True
    if principal.role is not Role.PARTY_LIAISON or principal.party is None:
        return False
    return principal.party in (message.sender_party, message.recipient_party)


def receives(principal: Principal, message: Message) -> bool:
    """Whether the caller is on the receiving end (and so may mark it read or acknowledge)."""
    if principal.in_mission:
        return message.recipient_party is None
    return (principal.role is Role.PARTY_LIAISON and principal.party is not None
            and message.recipient_party is principal.party)
