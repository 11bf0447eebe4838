"""The bundled map data monitoring runs with, loaded once per process (I/O at the edge)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from ceasefire.domain import Attribution, Incident, Observation, Side
from ceasefire.domain.taxonomy import AERIAL_VEHICLES, LONG_RANGE_STRIKES
from ceasefire.geo.regions import Oblasts, load_oblasts
from ceasefire.monitoring.build import Attributor
from ceasefire.monitoring.supporting import UnitOf
from ceasefire.paths import data_dir
from ceasefire.verify.attribution import attribute, launch_evidence
from ceasefire.verify.territory import map_day
from ceasefire.verify.territory_maps import TerritoryMaps, bundled_maps_dir

#: Incidents a bulletin's launch areas can speak for: strikes from afar, which is what the
#: bulletins count. An artillery or unspecified strike in the same oblast that night may have
#: nothing to do with the launches the bulletin lists.
LAUNCHED_CATEGORIES = LONG_RANGE_STRIKES | AERIAL_VEHICLES


@cache
def bundled_oblasts() -> Oblasts:
    return load_oblasts(data_dir() / "basemap" / "derived_ukraine_oblasts.geojson")


def bundled_unit_of() -> UnitOf:
    return bundled_oblasts().unit_of


def stated_side(o: Observation) -> Side:
    """The perpetrator a report itself names: UCDP's one-sided events do; a geocoded row's
    side is inferred from its place (`attributed_by` in its extras), which the territory
    method judges afresh, so it is not counted a second time as a source's statement."""
    return Side.UNKNOWN if "attributed_by" in o.extras else o.side


class MapAttributor:
    """`verify.attribution.attribute` with the territory map of each incident's day."""

    def __init__(self, maps: TerritoryMaps) -> None:
        self._maps = maps

    def __call__(self, incident: Incident, evidence: Sequence[Observation]) -> Attribution:
        members = set(incident.observation_ids)
        reports = [o for o in evidence if o.id in members]
        bulletins = [o for o in evidence if o.id not in members]
        launches = (
            launch_evidence(bulletins) if incident.category in LAUNCHED_CATEGORIES else []
        )
        territory = self._maps.on(map_day(incident.interval))
        return attribute(incident, territory, launches, [stated_side(o) for o in reports])


def bundled_attributor() -> Attributor:
    return MapAttributor(TerritoryMaps(bundled_maps_dir()))
