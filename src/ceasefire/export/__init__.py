"""Incidents to other systems' formats and back: ACLED-style CSV, UCDP GED-style CSV, GeoJSON.

Pure functions from a sequence of incidents to text and from text to incidents; files are read
and written at the edge (`ceasefire.cli.export_cmd`). Every format carries each incident's
record envelope, so importing an export gives back exactly the incidents exported, and a file
edited after export is refused with the row or feature and the column named. docs/exports.md
has the column tables and the precision thresholds.
"""

from ceasefire.export.acled import read_acled, write_acled
from ceasefire.export.country import UKRAINE, Country
from ceasefire.export.geojson import read_geojson, write_geojson
from ceasefire.export.ucdp import read_ucdp, write_ucdp

__all__ = [
    "UKRAINE",
    "Country",
    "read_acled",
    "read_geojson",
    "read_ucdp",
    "write_acled",
    "write_geojson",
    "write_ucdp",
]
