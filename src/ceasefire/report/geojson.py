"""An agreement's geography as one GeoJSON FeatureCollection, for maps and other GIS tools."""

from __future__ import annotations

from typing import Any

from shapely.geometry import mapping

from ceasefire.domain.agreement import Agreement


def agreement_geography(agreement: Agreement) -> dict[str, Any]:
    features: list[dict[str, Any]] = []
    if agreement.line_of_contact is not None:
        line = agreement.line_of_contact
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "agreement": agreement.id,
                    "id": "line_of_contact",
                    "kind": "line_of_contact",
                    "valid_on": line.valid_on.isoformat(),
                    "source": line.source,
                },
                "geometry": mapping(line.line),
            }
        )
    for zone in agreement.zones:
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "agreement": agreement.id,
                    "id": zone.id,
                    "kind": str(zone.kind),
                    "description": zone.description,
                    "prohibited": sorted(zone.prohibited_categories),
                    "weapon_classes": sorted(zone.weapon_classes),
                    "lower_m": zone.lower_m,
                    "upper_m": zone.upper_m,
                    "exempt": sorted(zone.exempt),
                },
                "geometry": mapping(zone.geometry),
            }
        )
    return {"type": "FeatureCollection", "features": features}
