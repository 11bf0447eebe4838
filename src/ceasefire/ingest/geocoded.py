"""Helpers shared by the geocoded event adapters (Bellingcat, CIR, UCDP)."""

from __future__ import annotations

import math

from ceasefire.domain import Location


def parse_point(lat_text: str, lon_text: str, uncertainty_m: float, region: str) -> Location:
    """A point location from text coordinates; raises ValueError naming the bad value."""
    try:
        lat, lon = float(lat_text), float(lon_text)
    except (TypeError, ValueError):
        raise ValueError(f"coordinates ({lat_text!r}, {lon_text!r}) are not numbers") from None
    if not (math.isfinite(lat) and math.isfinite(lon)):
        raise ValueError(f"coordinates ({lat_text!r}, {lon_text!r}) are not finite")
    return Location(lat=lat, lon=lon, uncertainty_m=uncertainty_m, region=region or None)
