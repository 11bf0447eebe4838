"""The dashboard's map data: basemap, lines of contact by day, an agreement's geography and
the incidents aggregated for a zoom (issue 12).

The fixed layers are public documents but are served, like the agreements, to every role
with a token: the gate lets nothing but health and the schema through anonymously. Incidents
follow the caller's visibility exactly as `GET /v1/incidents` does (a party sees verified
incidents only, the public generalised places), and a mission role's read is audited.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response

from ceasefire.api.auth import allow
from ceasefire.api.filters import parse_bbox
from ceasefire.api.map_models import MapDays, MapIncidents
from ceasefire.api.openapi import raw_response
from ceasefire.api.roles import Principal, Role
from ceasefire.api.services import Services
from ceasefire.api.visibility import row_for, sees_incident
from ceasefire.dashboard.grid import MapPoint, aggregate, per_day
from ceasefire.dashboard.index import Entry, worst_verdict
from ceasefire.dashboard.query import MapQuery, facets, matches
from ceasefire.dashboard.service import DashboardData
from ceasefire.domain import AuditOutcome, Category, IncidentState
from ceasefire.domain.errors import NotFoundError

router = APIRouter(tags=["map"])
ANYONE = allow(*Role)
GEOJSON = raw_response("application/json", "object", "A GeoJSON document.")
Filter = Annotated[str | None, Query(min_length=1, max_length=200)]


def _data(request: Request) -> DashboardData:
    data: DashboardData = request.app.state.dashboard
    return data


def _json(body: bytes) -> Response:
    return Response(body, media_type="application/json",
                    headers={"Cache-Control": "private, max-age=300"})


@router.get("/v1/map/basemap", name="map.basemap", response_class=Response, responses=GEOJSON)
def basemap(request: Request, principal: Annotated[Principal, Depends(ANYONE)]) -> Response:
    """Countries (Natural Earth, German point of view) and Ukraine's oblasts, as GeoJSON."""
    return _json(_data(request).basemap())


@router.get("/v1/map/days", name="map.days")
def days(request: Request, principal: Annotated[Principal, Depends(ANYONE)]) -> MapDays:
    """The days with a map of the line of contact."""
    return MapDays(maps=_data(request).map_days())


@router.get("/v1/map/lines/{day}", name="map.lines", response_class=Response,
            responses=GEOJSON)
def lines(request: Request, principal: Annotated[Principal, Depends(ANYONE)],
          day: Annotated[date, Path(description="YYYY-MM-DD")]) -> Response:
    """The occupied area and the line of contact of one day (404 for a day without a map)."""
    body = _data(request).lines.on(day)
    if body is None:
        raise NotFoundError(f"no map of the line of contact for {day.isoformat()}")
    return _json(body)


@router.get("/v1/map/agreements/{agreement_id}", name="map.agreement",
            response_class=Response, responses=GEOJSON)
def agreement(request: Request, principal: Annotated[Principal, Depends(ANYONE)],
              agreement_id: Annotated[str, Path(min_length=1, max_length=200)]) -> Response:
    """An agreement's line of contact and zones (buffer, withdrawal, no-fly, corridors)."""
    body = _data(request).agreements.of(agreement_id)
    if body is None:
        raise NotFoundError(f"no agreement {agreement_id}")
    return _json(body)


def _point(entry: Entry, row: dict[str, Any], verdict: str) -> MapPoint | None:
    if row["lat"] is None or row["lon"] is None:
        return None
    return MapPoint(entry.row["id"], row["lat"], row["lon"], str(entry.state), verdict,
                    entry.row["category"], entry.day)


@router.get("/v1/map/incidents", name="map.incidents")
def incidents(
    request: Request,
    principal: Annotated[Principal, Depends(ANYONE)],
    zoom: Annotated[int, Query(ge=0, le=18, description="Web-mercator zoom of the view.")] = 6,
    bbox: Annotated[str | None, Query(max_length=200, description="west,south,east,north")]
    = None,
    day: Annotated[date | None, Query(description="Only incidents placed on this day.")]
    = None,
    state: Annotated[IncidentState | None, Query()] = None,
    category: Annotated[Category | None, Query()] = None,
    source: Filter = None,
    oblast: Filter = None,
    agreement: Annotated[str | None, Query(min_length=1, max_length=200,
                                           description="Colour by this agreement's verdicts.")]
    = None,
) -> MapIncidents:
    """The incidents the caller may see, filtered, as points (few) or grid cells (many)."""
    services: Services = request.app.state.services
    data = _data(request)
    if agreement is not None and data.agreements.of(agreement) is None:
        raise NotFoundError(f"no agreement {agreement}")
    box = parse_bbox(bbox)
    query = MapQuery(None if day is None else day.isoformat(),
                     None if state is None else str(state),
                     None if category is None else str(category), source, oblast)
    verdicts = data.index.verdicts(agreement) if agreement is not None else {}
    visible = [e for e in data.index.entries() if sees_incident(principal, e.state)]
    precision = services.config.public_precision_deg
    undated, points, unplaced = query.without_day(), list[MapPoint](), 0
    for entry in visible:
        if not matches(entry, undated):
            continue
        verdict = worst_verdict(verdicts.get(o, "none") for o in entry.observation_ids)
        point = _point(entry, row_for(principal, entry.row, precision), verdict)
        if point is None:
            unplaced += 1
        elif box is None or box.contains(point.lat, point.lon):
            points.append(point)
    shown = aggregate((p for p in points if query.day in (None, p.day)), zoom)
    if principal.role is not Role.PUBLIC:
        services.auditor.record(principal, "map.incidents",
                                str(request.url.query)[:200] or "all", AuditOutcome.ALLOWED)
    return MapIncidents.model_validate({
        **shown, "unplaced": unplaced, "days": per_day(points),
        "facets": facets(visible)})
