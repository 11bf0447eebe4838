"""Incidents as a GeoJSON FeatureCollection (RFC 7946), and back.

One feature per incident, with the incident id as the feature id. A point is a Point in
longitude, latitude order (RFC 7946, 3.1.1), WGS84 and no `crs` member (the RFC removed it);
an incident known only by its region is a feature with a null geometry (3.2), so that maps
skip it and nothing is lost. Properties are flat and readable for GIS tools (category, times,
radius, sides) and carry the incident's record envelope under `record`, from which import
rebuilds the incident and against which it checks every other member.

`ceasefire.report.geojson` maps an agreement's geography; this module maps incidents.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ceasefire.domain.errors import InvalidInputError, Problem
from ceasefire.domain.incident import Incident
from ceasefire.export.lossless import actor_side, incident_from_record, record_bytes, utc_text
from ceasefire.ledger.canonical import CanonicalError, canonical_json


def incident_feature(incident: Incident) -> dict[str, Any]:
    loc, interval, attribution = incident.location, incident.interval, incident.attribution
    geometry = (
        None
        if loc.lat is None or loc.lon is None
        else {"type": "Point", "coordinates": [loc.lon + 0.0, loc.lat + 0.0]}
    )
    return {
        "type": "Feature",
        "id": incident.id,
        "geometry": geometry,
        "properties": {
            "category": str(incident.category),
            "side": actor_side(incident),
            "attribution_method": attribution.method,
            "attribution_confidence": attribution.confidence + 0.0,
            "confidence": incident.confidence + 0.0,
            "start": utc_text(interval.start),
            "end": utc_text(interval.end),
            "time_precision": str(interval.precision),
            "uncertainty_m": loc.uncertainty_m + 0.0,
            "region": loc.region,
            "observation_ids": list(incident.observation_ids),
            "independent_sources": incident.independent_sources,
            "record": json.loads(record_bytes(incident)),
        },
    }


def write_geojson(incidents: Sequence[Incident]) -> str:
    """The incidents as GeoJSON text (RFC 7946 requires UTF-8 when written to a file).

    Raises InvalidInputError naming the incident if one holds a value its record cannot carry.
    """
    collection = {
        "type": "FeatureCollection",
        "features": [incident_feature(i) for i in incidents],
    }
    return json.dumps(collection, ensure_ascii=False, indent=1, allow_nan=False) + "\n"


def read_geojson(text: str, source: str = "GeoJSON export") -> list[Incident]:
    """The incidents of a collection written by `write_geojson`, exactly as exported.

    Raises InvalidInputError naming every refused feature (by index and incident) and why.
    """
    try:
        document = json.loads(text)
    except (ValueError, RecursionError) as exc:
        reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        raise InvalidInputError(f"{source}: not JSON: {reason}") from None
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise InvalidInputError(f"{source}: not a GeoJSON FeatureCollection")
    features = document.get("features")
    if not isinstance(features, list):
        raise InvalidInputError(f"{source}: the FeatureCollection has no `features` list")
    incidents: list[Incident] = []
    problems: list[Problem] = []
    first: dict[str, int] = {}
    for index, feature in enumerate(features):
        pointer = f"features[{index}]"
        try:
            incident = _incident(feature)
        except ValueError as exc:
            problems.append(Problem(source, str(exc), pointer=pointer))
            continue
        if incident.id in first:
            reason = f"incident {incident.id!r} again (first at features[{first[incident.id]}])"
            problems.append(Problem(source, reason, pointer=pointer))
            continue
        first[incident.id] = index
        incidents.append(incident)
    if problems:
        detail = f"{source}: {len(problems)} of {len(features)} features refused"
        raise InvalidInputError(detail, problems)
    return incidents


def _incident(feature: object) -> Incident:
    """The incident a feature was written for; ValueError says what does not match."""
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise ValueError("not a GeoJSON Feature")
    properties = feature.get("properties")
    if not isinstance(properties, dict) or "record" not in properties:
        raise ValueError("no `record` among the properties: not a ceasefire incident export")
    try:
        data = canonical_json(properties["record"])
    except CanonicalError as exc:
        raise ValueError(f"`record` is not a record: {exc}") from None
    incident = incident_from_record(data)
    expected = incident_feature(incident)
    where = f"incident {incident.id}"
    for key in sorted(set(feature) | set(expected)):
        if key != "properties" and feature.get(key) != expected.get(key):
            raise ValueError(f"{where}: `{key}` is {_shown(feature.get(key))} but the record"
                             f" gives {_shown(expected.get(key))} (edited after export?)")
    wanted = expected["properties"]
    for key in sorted(set(properties) | set(wanted)):
        if properties.get(key) != wanted.get(key):
            raise ValueError(f"{where}: property `{key}` is {_shown(properties.get(key))} but"
                             f" the record gives {_shown(wanted.get(key))} (edited after export?)")
    return incident


def _shown(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."
