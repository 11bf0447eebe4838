"""Bulletin rows as supporting evidence of the geolocated incidents they may include.

An Air Force bulletin row counts a night's launches at a region ("south", "Odesa oblast",
"Ukraine"): it is an aggregate, not a report of any one event, so fusing it into an incident
would move the incident's place to a region's centre and count the bulletin as a second
witness of an event it never described. Instead it is *linked* to every incident whose point
lies in one of the row's oblasts, whose time meets the row's period and whose category the
row could count; the link says so in words, and the incident's count of independent sources
does not change.

A row whose region cannot be read (`geo.regions.units_named` gives None) links nothing, and
the number of such rows is reported, so a reader sees what could not be used.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from ceasefire.domain import Category, Incident, Observation, SupportingLink
from ceasefire.geo.regions import units_named

Compatible = Callable[[Category, Category], bool]
UnitOf = Callable[[float, float], str | None]


@dataclass(frozen=True, slots=True)
class SupportResult:
    """The links found, per incident id, and the rows that could not be placed."""

    links: dict[str, tuple[SupportingLink, ...]]
    unplaced: tuple[str, ...]
    """Ids of region-only rows whose region names nothing this system can map."""


def _days(start: datetime, end: datetime) -> Iterable[date]:
    day = start.date()
    while day <= end.date():
        yield day
        day += timedelta(days=1)


def _meets(a: Incident, row: Observation) -> bool:
    """Half-open intervals meet (an instant inside the other's interval counts)."""
    s1, e1 = a.interval.start, a.interval.end
    s2, e2 = row.interval.start, row.interval.end
    if s1 == e1:
        return s2 <= s1 < e2 or s1 == s2
    if s2 == e2:
        return s1 <= s2 < e1
    return s1 < e2 and s2 < e1


def link_supporting(
    incidents: Sequence[Incident],
    rows: Sequence[Observation],
    unit_of: UnitOf,
    compatible: Compatible,
) -> SupportResult:
    """Link each region-only row in `rows` to the incidents it may count (see module doc)."""
    by_day: dict[date, list[tuple[Incident, str]]] = defaultdict(list)
    for incident in incidents:
        loc = incident.location
        if loc.lat is None or loc.lon is None:
            continue
        unit = unit_of(loc.lat, loc.lon)
        if unit is None:
            continue
        for day in _days(incident.interval.start, incident.interval.end):
            by_day[day].append((incident, unit))
    found: dict[str, dict[str, SupportingLink]] = defaultdict(dict)
    unplaced: list[str] = []
    for row in sorted(rows, key=lambda r: r.id):
        region = row.location.region or ""
        units = units_named(region)
        if units is None:
            unplaced.append(row.id)
            continue
        for day in _days(row.interval.start, row.interval.end):
            for incident, unit in by_day.get(day, ()):
                if unit not in units or row.id in found[incident.id]:
                    continue
                if not (_meets(incident, row) and compatible(incident.category, row.category)):
                    continue
                found[incident.id][row.id] = SupportingLink(
                    row.id,
                    f"{row.source} row counts {row.category} at {region!r} for "
                    f"{row.interval.start:%Y-%m-%d %H:%M}..{row.interval.end:%Y-%m-%d %H:%M} "
                    f"UTC; the incident lies in {unit}, inside that region and period",
                )
    links = {
        incident_id: tuple(rows_by_id[k] for k in sorted(rows_by_id))
        for incident_id, rows_by_id in found.items()
        if rows_by_id
    }
    return SupportResult(links, tuple(unplaced))
