"""The country an export names in the columns ACLED and UCDP require of every event.

Incidents carry a point or a region, not a country; the datasets file every event under one.
The exporter says which (Ukraine, as the bundled agreements are about it); the country columns
describe the export, so import does not check them against the incident.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Country:
    name: str
    iso_numeric: int
    """ISO 3166-1 numeric code (ACLED's `iso`)."""
    gw_code: int
    """Gleditsch-Ward number (UCDP's `country_id`)."""
    region: str
    """The world region both datasets file the country under."""


UKRAINE = Country("Ukraine", 804, 369, "Europe")
