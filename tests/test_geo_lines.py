import csv
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyproj import Geod
from shapely.geometry import Point, box, shape
from shapely.geometry.base import BaseGeometry

from ceasefire.geo.lines import DEFAULT_BORDER_TOLERANCE_M, band_along, derive_line_of_contact
from ceasefire.geo.projection import LocalProjection
from ceasefire.ingest.deepstate import TerritoryFileError, read_polygons, read_territory


@pytest.fixture(scope="module")
def outline(data: Path) -> BaseGeometry:
    return read_polygons(data / "basemap" / "derived_ukraine_outline.geojson")


#: The two pieces the reference derivation leaves out: the whole edges of two detached occupied
#: patches in Kupiansk (0.15 and 0.21 km2, 6-8 km from the main line), on land and longer than
#: the 2 km minimum, so they are front under our rule (docs/assessment.md, point 7).
KUPIANSK_PATCHES = ((49.70, 37.61), (49.72, 37.61))


def _reference_line(data: Path) -> BaseGeometry:
    document = json.loads(
        (data / "deepstate" / "derived_line_of_contact_20251215.geojson").read_text()
    )
    return shape(document["features"][0]["geometry"])


def test_derived_line_matches_the_reference_derivation(data: Path, outline: BaseGeometry) -> None:
    """Piece by piece: every reference piece is one of ours, and ours has no other piece but
    the two named Kupiansk patches (before the land rule, also a 2.7 km edge out at sea)."""
    snapshot = read_territory(data / "deepstate" / "deepstatemap_data_20251215.geojson")
    assert snapshot.valid_on is not None
    assert snapshot.valid_on.isoformat() == "2025-12-15"
    projection = LocalProjection.centred_on(outline)
    ours = list(
        projection.to_metres(derive_line_of_contact(snapshot.geometry, outline, projection)).geoms
    )
    reference = list(projection.to_metres(_reference_line(data)).geoms)
    unmatched = list(ours)
    for piece in reference:
        twins = [o for o in unmatched if o.hausdorff_distance(piece) < 100]
        assert len(twins) == 1, f"reference piece of {piece.length:.0f} m has {len(twins)} twins"
        assert twins[0].length == pytest.approx(piece.length, rel=0.005)
        unmatched.remove(twins[0])
    extra = sorted(
        (round(c.y, 2), round(c.x, 2))
        for c in (projection.to_lonlat(p.centroid) for p in unmatched)
    )
    assert extra == sorted(KUPIANSK_PATCHES)
    assert all(p.is_ring and p.length < 3_000 for p in unmatched)
    assert 1_300_000 < sum(p.length for p in ours) < 1_600_000  # the front is ~1,450 km long


def test_no_front_out_at_sea_or_abroad(data: Path, outline: BaseGeometry) -> None:
    """On every bundled snapshot, every piece lies on land, at least the tolerance inland."""
    projection = LocalProjection.centred_on(outline)
    inland = projection.to_metres(outline).buffer(-DEFAULT_BORDER_TOLERANCE_M + 1)
    for path in sorted((data / "deepstate").glob("deepstatemap_data_*.geojson")):
        snapshot = read_territory(path)
        line = projection.to_metres(derive_line_of_contact(snapshot.geometry, outline, projection))
        assert inland.contains(line), path.name


def test_mariupol_is_113_km_from_the_front(data: Path, outline: BaseGeometry) -> None:
    """CIR UW3345 (damage in Mariupol, 47.108 N 37.636 E): the offshore edge near Novoazovsk
    made it 34.9 km; the reference line, measured on the ellipsoid, says 113.3 km."""
    with (data / "events" / "mauforonda_cir_events.csv").open(newline="", encoding="utf-8") as f:
        row = next(r for r in csv.DictReader(f) if r["entry"] == "UW3345")
    lat, lon = float(row["lat"]), float(row["lon"])
    geod = Geod(ellps="WGS84")
    nearest_vertex_m = min(
        geod.inv(lon, lat, x, y)[2]
        for piece in _reference_line(data).geoms
        for x, y in piece.coords
    )
    assert nearest_vertex_m == pytest.approx(113_300, abs=500)
    projection = LocalProjection.centred_on(outline)
    snapshot = read_territory(data / "deepstate" / "deepstatemap_data_20251215.geojson")
    line = projection.to_metres(derive_line_of_contact(snapshot.geometry, outline, projection))
    ours_m = line.distance(projection.to_metres(Point(lon, lat)))
    # to the line, not a vertex: never farther than the nearest vertex, beyond 0.5 % scale error
    assert nearest_vertex_m - 1_000 < ours_m < nearest_vertex_m * 1.005


def test_an_edge_drawn_out_to_sea_is_not_front() -> None:
    """A synthetic coast: land south of 47 N; the occupied area spills 10 km out to sea."""
    land = box(37.0, 46.0, 39.0, 47.0)
    occupied = box(38.0, 46.0, 39.0, 47.09)  # east half, drawn ~10 km past the shore
    projection = LocalProjection.centred_on(land)
    line = projection.to_metres(derive_line_of_contact(occupied, land, projection))
    # only the meridian 38 E on land, less the 3 km at each end within the tolerance
    assert line.length == pytest.approx(111_100 - 2 * 3_000, rel=0.01)
    assert projection.to_metres(land).exterior.distance(line) > 2_900


def test_band_is_as_wide_as_asked(data: Path, outline: BaseGeometry) -> None:
    projection = LocalProjection.centred_on(outline)
    snapshot = read_territory(data / "deepstate" / "deepstatemap_data_20251215.geojson")
    line = derive_line_of_contact(snapshot.geometry, outline, projection)
    band = projection.to_metres(band_along(line, 10_000, projection))
    line_m = projection.to_metres(line)
    assert band.contains(line_m.interpolate(0.5, normalized=True))
    # Every vertex of the band's edge lies 10 km from the line (the buffer's arcs are
    # polygonised, so a vertex may sit a little inside).
    edge_points = [Point(xy) for ring in _rings(band) for xy in ring.coords]
    distances = [line_m.distance(p) for p in edge_points]
    assert min(distances) > 9_900
    assert max(distances) < 10_010


def _rings(area: BaseGeometry) -> Iterator[BaseGeometry]:
    for polygon in getattr(area, "geoms", [area]):
        yield polygon.exterior
        yield from polygon.interiors


def test_bad_territory_files(tmp_path: Path) -> None:
    empty = tmp_path / "deepstatemap_data_20250101.geojson"
    empty.write_text('{"type": "FeatureCollection", "features": []}')
    with pytest.raises(TerritoryFileError, match="no Polygon or MultiPolygon"):
        read_territory(empty)
    broken = tmp_path / "broken.geojson"
    broken.write_text('{"type": "Feature')
    with pytest.raises(TerritoryFileError, match="not valid JSON"):
        read_polygons(broken)
    with pytest.raises(TerritoryFileError, match="file not found"):
        read_polygons(tmp_path / "missing.geojson")
