"""Incidents as a UCDP GED-style CSV, and back.

The columns are GED's, in the order of the bundled GED extract (data/events/
peacerep_UCDP-Ukraine.csv), followed by the ceasefire columns (`ceasefire.export.lossless`).
Dates are written as that extract writes most of them (``M/D/YYYY 12:00:00 AM``), which our
own UCDP adapter reads, so an export can be ingested back as observations; `where_prec` is
chosen so that the radius the adapter then gives is never smaller than the incident's.
Importing with `read_ucdp` gives back exactly the incidents exported. Tables and thresholds:
docs/exports.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from types import MappingProxyType

from ceasefire.domain.incident import Incident
from ceasefire.domain.taxonomy import HOSTILE_ACTS, Side
from ceasefire.export.country import UKRAINE, Country
from ceasefire.export.lossless import CF_COLUMNS, actor_side, lossless_cells, number, source_names
from ceasefire.export.precision import date_range, priogrid_gid, ucdp_date_prec, ucdp_where_prec
from ceasefire.export.table import read_table, write_table

#: GED's columns, named and ordered as in the bundled GED extract.
UCDP_COLUMNS: tuple[str, ...] = (
    "id", "relid", "year", "active_year", "code_status", "type_of_violence", "conflict_dset_id",
    "conflict_new_id", "conflict_name", "dyad_dset_id", "dyad_new_id", "dyad_name",
    "side_a_dset_id", "side_a_new_id", "side_a", "side_b_dset_id", "side_b_new_id", "side_b",
    "number_of_sources", "source_article", "source_office", "source_date", "source_headline",
    "source_original", "where_prec", "where_coordinates", "where_description", "adm_1", "adm_2",
    "latitude", "longitude", "geom_wkt", "priogrid_gid", "country", "country_id", "region",
    "event_clarity", "date_prec", "date_start", "date_end", "deaths_a", "deaths_b",
    "deaths_civilians", "deaths_unknown", "best", "high", "low", "gwnoa", "gwnob",
)  # fmt: skip
HEADER: tuple[str, ...] = UCDP_COLUMNS + CF_COLUMNS

#: Columns that describe the export (the exporter's country), not the incident.
CONTEXT_COLUMNS = frozenset({"country", "country_id", "region"})

#: UCDP's actors for our sides: name, UCDP actor id (`side_*_dset_id`), Gleditsch-Ward number.
GOVERNMENTS: MappingProxyType[Side, tuple[str, int, int]] = MappingProxyType(
    {
        Side.RU: ("Government of Russia (Soviet Union)", 57, 365),
        Side.UA: ("Government of Ukraine", 61, 369),
    }
)
_OPPONENT = {Side.RU: Side.UA, Side.UA: Side.RU}
_MISSION = "Ceasefire Monitoring Mission"


def ucdp_date(day: date) -> str:
    return f"{day.month}/{day.day}/{day.year} 12:00:00 AM"


def _sides(side: Side) -> dict[str, str]:
    """side_a is the side the act is attributed to, side_b its opponent. UCDP has no "unknown"
    side: an unattributed incident leaves both empty rather than guess a perpetrator."""
    cells: dict[str, str] = {}
    if side in GOVERNMENTS:
        for slot, who in (("a", side), ("b", _OPPONENT[side])):
            name, actor_id, gw = GOVERNMENTS[who]
            cells |= {
                f"side_{slot}": name,
                f"side_{slot}_dset_id": str(actor_id),
                f"side_{slot}_new_id": str(actor_id),
                f"gwno{slot}": str(gw),
            }
        cells["dyad_name"] = f"{cells['side_a']} - {cells['side_b']}"
    elif side is Side.MISSION:
        cells["side_a"] = _MISSION
    return cells


def ucdp_row(incident: Incident, country: Country = UKRAINE) -> dict[str, str]:
    """One incident as a row of GED's columns and ours."""
    loc, interval = incident.location, incident.interval
    first, last = date_range(interval)
    row = dict.fromkeys(UCDP_COLUMNS, "")
    row.update(
        {
            "id": incident.id,
            "year": str(first.year),
            # GED's type 1 is state-based violence; presence, flights and restrictions are no
            # violence at all, and GED has no type for them.
            "type_of_violence": "1" if incident.category in HOSTILE_ACTS else "",
            "number_of_sources": str(incident.independent_sources),
            "source_office": ";".join(source_names(incident)),
            "where_prec": str(ucdp_where_prec(loc)),
            "where_coordinates": loc.region or "",
            "where_description": loc.region or "",
            "country": country.name,
            "country_id": str(country.gw_code),
            "region": country.region,
            "date_prec": str(ucdp_date_prec(interval)),
            "date_start": ucdp_date(first),
            "date_end": ucdp_date(last),
        }
    )
    if loc.lat is not None and loc.lon is not None:
        lat, lon = number(loc.lat), number(loc.lon)
        row |= {
            "latitude": lat,
            "longitude": lon,
            "geom_wkt": f"POINT ({lon} {lat})",
            "priogrid_gid": str(priogrid_gid(loc.lat, loc.lon)),
        }
    row.update(_sides(Side(actor_side(incident))))
    row.update(lossless_cells(incident))
    return row


def write_ucdp(incidents: Sequence[Incident], country: Country = UKRAINE) -> str:
    """The incidents as UCDP GED-style CSV text (write it as UTF-8).

    Raises InvalidInputError naming the incident if one holds a value its record cannot carry.
    """
    return write_table(HEADER, [ucdp_row(i, country) for i in incidents])


def read_ucdp(text: str, source: str = "UCDP export") -> list[Incident]:
    """The incidents of a GED-style export written by `write_ucdp`, exactly as exported.

    Raises InvalidInputError naming every refused row (line, incident, column) and why.
    """
    return read_table(text, source, HEADER, ucdp_row, CONTEXT_COLUMNS, "UCDP GED")
