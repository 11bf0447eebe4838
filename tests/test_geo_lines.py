import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

from ceasefire.geo.lines import band_along, derive_line_of_contact
from ceasefire.geo.projection import LocalProjection
from ceasefire.ingest.deepstate import TerritoryFileError, read_polygons, read_territory


@pytest.fixture(scope="module")
def outline(data: Path) -> BaseGeometry:
    return read_polygons(data / "basemap" / "derived_ukraine_outline.geojson")


def test_derived_line_matches_the_reference_derivation(data: Path, outline: BaseGeometry) -> None:
    snapshot = read_territory(data / "deepstate" / "deepstatemap_data_20251215.geojson")
    assert snapshot.valid_on is not None
    assert snapshot.valid_on.isoformat() == "2025-12-15"
    projection = LocalProjection.centred_on(outline)
    ours = projection.to_metres(derive_line_of_contact(snapshot.geometry, outline, projection))
    document = json.loads(
        (data / "deepstate" / "derived_line_of_contact_20251215.geojson").read_text()
    )
    reference = projection.to_metres(shape(document["features"][0]["geometry"]))
    # Same length within 1 %, and nothing longer than 5 km of either lies off the other.
    assert ours.length == pytest.approx(reference.length, rel=0.01)
    for one, other in ((ours, reference), (reference, ours)):
        off = one.difference(other.buffer(5_000))
        assert all(piece.length < 5_000 for piece in getattr(off, "geoms", [off]))
    assert 1_300_000 < ours.length < 1_600_000  # the front is about 1,450 km long


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
