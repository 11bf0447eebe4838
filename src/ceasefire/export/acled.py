"""Incidents as an ACLED-style CSV, and back.

The columns are ACLED's own, in the order of a real ACLED export (the PeaceRep extract of
ACLED Ukraine), followed by the ceasefire columns (`ceasefire.export.lossless`). An ACLED
consumer finds each incident where it expects it: its event and sub-event type, the acting
side as ACLED names it, the date and the point with ACLED's precision codes. What ACLED cannot
say (the exact interval, the radius, the fusion reasoning) is in the cf_ columns, and importing
the file gives back exactly the incidents that were exported. Tables and thresholds:
docs/exports.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType

from ceasefire.domain.incident import Incident
from ceasefire.domain.taxonomy import Category, Side
from ceasefire.export.country import UKRAINE, Country
from ceasefire.export.lossless import (
    CF_COLUMNS,
    actor_side,
    lossless_cells,
    number,
    source_names,
    utc_text,
)
from ceasefire.export.precision import acled_geo_precision, acled_time_precision, midpoint_date
from ceasefire.export.table import read_table, write_table

#: ACLED's columns, named and ordered as in a real ACLED export.
ACLED_COLUMNS: tuple[str, ...] = (
    "id", "iso", "event_id_cnty", "event_date", "year", "time_precision", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "region", "country", "admin1", "admin2", "admin3", "location", "latitude",
    "longitude", "source_scale", "notes", "fatalities", "timestamp", "geo_precision", "source",
    "civilian_targeting", "disorder_type", "tags", "actor_dyad",
)  # fmt: skip
HEADER: tuple[str, ...] = ACLED_COLUMNS + CF_COLUMNS

#: Columns that describe the export (the exporter's country, when it ran), not the incident.
CONTEXT_COLUMNS = frozenset({"iso", "region", "country", "timestamp"})


@dataclass(frozen=True, slots=True)
class AcledType:
    """ACLED's event type, sub-event type and disorder type for one of our categories."""

    event_type: str
    sub_event_type: str
    disorder_type: str


_REMOTE = "Explosions/Remote violence"
_VIOLENCE = "Political violence"
_STRATEGIC = "Strategic developments"
_SHELLING = AcledType(_REMOTE, "Shelling/artillery/missile attack", _VIOLENCE)
_AIR = AcledType(_REMOTE, "Air/drone strike", _VIOLENCE)
_CLASH = AcledType("Battles", "Armed clash", _VIOLENCE)
_ACTIVITY = AcledType(_STRATEGIC, "Change to group/activity", _STRATEGIC)
_OTHER = AcledType(_STRATEGIC, "Other", _STRATEGIC)

#: Our categories as ACLED codes such events. Acts of force fall under political violence;
#: presence, flights and restrictions, which are no violence, are strategic developments.
#: A strike of unstated means is coded as ACLED codes most such reports from this war: shelling.
EVENT_TYPES: MappingProxyType[Category, AcledType] = MappingProxyType(
    {
        Category.LONG_RANGE_MISSILE: _SHELLING,
        Category.ARTILLERY_SHELLING: _SHELLING,
        Category.STRIKE_UNSPECIFIED: _SHELLING,
        Category.ONE_WAY_ATTACK_DRONE: _AIR,
        Category.TACTICAL_DRONE: _AIR,
        Category.UNIDENTIFIED_DRONE: _AIR,
        Category.AIR_STRIKE: _AIR,
        Category.SMALL_ARMS: _CLASH,
        Category.GROUND_ASSAULT: _CLASH,
        Category.RECONNAISSANCE_DRONE: _ACTIVITY,
        Category.MILITARY_FLIGHT: _ACTIVITY,
        Category.HEAVY_WEAPON_PRESENT: _ACTIVITY,
        Category.MOVEMENT_RESTRICTION: _ACTIVITY,
        Category.OTHER: _OTHER,
    }
)

#: Actor names and ACLED actor-type codes (`inter1`) as ACLED's Ukraine data writes them:
#: Russia's forces are external forces (8) in Ukraine, Ukraine's are state forces (1).
ACTORS: MappingProxyType[Side, tuple[str, int]] = MappingProxyType(
    {
        Side.RU: ("Military Forces of Russia (2000-)", 8),
        Side.UA: ("Military Forces of Ukraine (2019-)", 1),
        Side.MISSION: ("Ceasefire Monitoring Mission", 8),
        Side.UNKNOWN: ("Unidentified Military Forces", 8),
    }
)


def acled_date(incident: Incident) -> str:
    """event_date as the ACLED extract writes it: ``DD/MM/YYYY 00:00:00``."""
    return midpoint_date(incident.interval).strftime("%d/%m/%Y 00:00:00")


def _notes(incident: Incident) -> str:
    """A sentence such as ACLED writes in `notes`, from what the incident says."""
    interval, attribution = incident.interval, incident.attribution
    sources = incident.independent_sources
    text = (
        f"{str(incident.category).replace('_', ' ').capitalize()} between"
        f" {utc_text(interval.start)} and {utc_text(interval.end)} (UTC),"
        f" {len(incident.observation_ids)} observation(s),"
        f" {sources} independent source{'s' if sources != 1 else ''}."
    )
    if attribution.determined:
        text += (
            f" Attributed to {attribution.side} by {attribution.method}"
            f" (confidence {number(attribution.confidence)})"
        )
        text += (": " + "; ".join(attribution.reasons) + ".") if attribution.reasons else "."
    else:
        text += " Attribution undetermined."
    return text


def acled_row(
    incident: Incident, country: Country = UKRAINE, exported_at: datetime | None = None
) -> dict[str, str]:
    """One incident as a row of ACLED's columns and ours."""
    kind = EVENT_TYPES[incident.category]
    actor, inter = ACTORS[Side(actor_side(incident))]
    loc, day = incident.location, midpoint_date(incident.interval)
    row = dict.fromkeys(ACLED_COLUMNS, "")
    row.update(
        {
            "iso": str(country.iso_numeric),
            "event_id_cnty": incident.id,
            "event_date": acled_date(incident),
            "year": str(day.year),
            "time_precision": str(acled_time_precision(incident.interval)),
            "event_type": kind.event_type,
            "sub_event_type": kind.sub_event_type,
            "actor1": actor,
            "inter1": str(inter),
            "inter2": "0",
            "interaction": str(inter * 10),
            "region": country.region,
            "country": country.name,
            "location": loc.region or "",
            "latitude": "" if loc.lat is None else number(loc.lat),
            "longitude": "" if loc.lon is None else number(loc.lon),
            "notes": _notes(incident),
            "timestamp": "" if exported_at is None else str(int(exported_at.timestamp())),
            "geo_precision": str(acled_geo_precision(loc)),
            "source": "; ".join(source_names(incident)),
            "disorder_type": kind.disorder_type,
            "actor_dyad": f"{actor} - ",
        }
    )
    row.update(lossless_cells(incident))
    return row


def write_acled(
    incidents: Sequence[Incident],
    country: Country = UKRAINE,
    exported_at: datetime | None = None,
) -> str:
    """The incidents as ACLED-style CSV text (write it as UTF-8).

    Raises InvalidInputError naming the incident if one holds a value its record cannot carry.
    """
    return write_table(HEADER, [acled_row(i, country, exported_at) for i in incidents])


def read_acled(text: str, source: str = "ACLED export") -> list[Incident]:
    """The incidents of an ACLED-style export written by `write_acled`, exactly as exported.

    Raises InvalidInputError naming every refused row (line, incident, column) and why.
    """
    return read_table(text, source, HEADER, acled_row, CONTEXT_COLUMNS, "ACLED")
