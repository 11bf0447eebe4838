"""Tracks: position reports into the live picture, the picture, and its conflicts now.

Who may: ``monitor`` (the mission's feeds: ADS-B, AIS) and ``operations_planner`` (its force's
own position reports) send reports; mission roles and planners read the picture, its
conflicts and its zone incursions, as they read intents. Parties and the public may not
(403): the picture shows where the force is. Reports, and every read, are audited.

A batch is checked whole before anything is taken: a report outside the plausibility limits
of `domain.track` or outside the picture's time bounds refuses the batch (422, each bad
report named by ``body.states.N``). A report the track store refuses against what it holds
(out of order, a jump at an impossible speed) is listed in the answer and the others are
taken: one bad position from a feed must not hold back the rest of the picture.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from ceasefire.api.auth import allow
from ceasefire.api.filters import (
    After,
    BBox,
    Box,
    End,
    PageLimit,
    Start,
    parse_bbox,
    time_window,
)
from ceasefire.api.live_picture import HeldTrack, time_problems
from ceasefire.api.paging import list_page
from ceasefire.api.roles import MISSION_ROLES, Principal, Role
from ceasefire.api.services import Services
from ceasefire.api.track_models import (
    ConflictPage,
    ConflictPairView,
    IncursionPage,
    IncursionView,
    RefusedReport,
    TrackBatch,
    TrackBatchAnswer,
    TrackIn,
    TrackPage,
    TrackView,
)
from ceasefire.deconflict.incursion import predict_incursions
from ceasefire.deconflict.tactical import Traffic, detect
from ceasefire.domain import AuditOutcome
from ceasefire.domain.errors import CeasefireError, InvalidInputError, Problem
from ceasefire.domain.track import TrackState, state_problems

router = APIRouter(tags=["tracks"])
REPORTERS = allow(Role.MONITOR, Role.OPERATIONS_PLANNER)
READERS = allow(*MISSION_ROLES, Role.OPERATIONS_PLANNER)

#: Separation minima and look-ahead of a conflict query; defaults are 5 NM, 1,000 ft, 5 min.
RpzM = Annotated[float, Query(gt=0, le=100_000, description="Protected radius, metres.")]
HpzM = Annotated[float, Query(gt=0, le=10_000, description="Protected half-height, metres.")]
LookaheadS = Annotated[float, Query(gt=0, le=3600, description="Look-ahead, seconds.")]


def _services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


def _now(services: Services) -> tuple[datetime, float]:
    moment = services.now()
    return moment, moment.timestamp()


def _state(row: TrackIn) -> TrackState:
    return TrackState(id=row.id, t=row.t.timestamp(), lat=row.lat, lon=row.lon,
                      alt_m=row.alt_m, trk_deg=row.trk_deg, gs_mps=row.gs_mps,
                      vs_mps=row.vs_mps, source=row.source)


def checked_states(batch: TrackBatch, now: float, stale_s: float) -> list[TrackState]:
    """The batch as track states, or one 422 naming every implausible report."""
    problems: list[Problem] = []
    states = []
    for k, row in enumerate(batch.states):
        state = _state(row)
        reasons = state_problems(state.lat, state.lon, state.alt_m, state.trk_deg,
                                 state.gs_mps, state.vs_mps)
        reasons += time_problems(state.t, now, stale_s)
        problems += [Problem("request", f"track {row.id!r}: {r}", pointer=f"body.states.{k}",
                             field=r.split(" ", 1)[0]) for r in reasons]
        states.append(state)
    if problems:
        named = ", ".join(sorted({p.pointer or "" for p in problems})[:5])
        raise InvalidInputError(f"track reports refused, nothing taken: {named}", problems)
    return states


@router.post("/v1/tracks", name="tracks.submit")
def submit_tracks(
    request: Request, principal: Annotated[Principal, Depends(REPORTERS)], body: TrackBatch,
) -> TrackBatchAnswer:
    """Take a batch of 1-1000 track reports into the live picture."""
    services = _services(request)
    _, now = _now(services)
    picture = services.tracks
    try:
        states = checked_states(body, now, picture.stale_s)
        taken = picture.take(states, principal.organisation, now)
    except CeasefireError as error:  # implausible reports, or the picture is full
        services.auditor.refused(principal, "tracks.submit", "tracks", error)
        raise
    services.auditor.record(principal, "tracks.submit", f"tracks/{len(states)}",
                            AuditOutcome.ALLOWED,
                            f"taken={taken.taken} refused={len(taken.refused)}")
    return TrackBatchAnswer(
        received=len(states), taken=taken.taken,
        refused=[RefusedReport(index=k, id=states[k].id, reason=p.reason)
                 for k, p in taken.refused],
        expired=taken.expired, held=taken.held,
    )


def _view(held: HeldTrack) -> TrackView:
    s, track = held.track.state, held.track
    return TrackView(
        id=s.id, t=datetime.fromtimestamp(s.t, UTC), lat=s.lat, lon=s.lon, alt_m=s.alt_m,
        trk_deg=s.trk_deg, gs_mps=s.gs_mps, vs_mps=s.vs_mps, source=s.source,
        reported_by=held.reported_by, updates=track.updates, smoothed_trk_deg=track.trk_deg,
        smoothed_gs_mps=track.gs_mps, smoothed_vs_mps=track.vu_mps,
    )


@router.get("/v1/tracks", name="tracks.list")
def list_tracks(
    request: Request,
    principal: Annotated[Principal, Depends(READERS)],
    after: After = None,
    limit: PageLimit = 100,
    start: Start = None,
    end: End = None,
    bbox: BBox = None,
) -> TrackPage:
    """The latest report of each track in the picture, by id (not extrapolated)."""
    services = _services(request)
    window = time_window(start, end)
    box = parse_bbox(bbox)
    _, now = _now(services)

    def wanted(held: HeldTrack) -> bool:
        s = held.track.state
        in_time = window is None or window[0].timestamp() <= s.t < window[1].timestamp()
        return in_time and (box is None or box.contains(s.lat, s.lon))

    chosen = [h for h in services.tracks.held(now) if wanted(h)]
    items, next_cursor = list_page(chosen, lambda h: h.track.state.id, after, limit)
    services.auditor.record(principal, "tracks.list", str(request.url.query)[:200] or "all",
                            AuditOutcome.ALLOWED)
    return TrackPage(items=[_view(h) for h in items], next=next_cursor)


def _in_box(picture: Traffic, k: int, box: Box | None) -> bool:
    return box is None or box.contains(float(picture.lat[k]), float(picture.lon[k]))


@router.get("/v1/tracks/conflicts", name="tracks.conflicts")
def track_conflicts(
    request: Request,
    principal: Annotated[Principal, Depends(READERS)],
    after: After = None,
    limit: PageLimit = 100,
    bbox: BBox = None,
    rpz_m: RpzM = 9260.0,
    hpz_m: HpzM = 304.8,
    lookahead_s: LookaheadS = 300.0,
) -> ConflictPage:
    """Pairs of tracks predicted to lose separation within the look-ahead, every track
    extrapolated to now; a pair is listed when either track is in `bbox`. Ordered by
    (id1, id2); the cursor is ``id1 id2``."""
    services = _services(request)
    box = parse_bbox(bbox)
    moment, now = _now(services)
    picture = services.tracks.snapshot(now)
    found = detect(picture, rpz_m, hpz_m, lookahead_s)
    pairs = []
    for n in range(len(found)):
        i, j = int(found.i[n]), int(found.j[n])
        if not (_in_box(picture, i, box) or _in_box(picture, j, box)):
            continue
        first, second = sorted((str(picture.ids[i]), str(picture.ids[j])))
        pairs.append(ConflictPairView(
            id1=first, id2=second, tcpa_s=float(found.tcpa_s[n]), dcpa_m=float(found.dcpa_m[n]),
            tin_s=float(found.tin_s[n]), tout_s=float(found.tout_s[n])))
    pairs.sort(key=lambda p: (p.id1, p.id2))
    items, next_cursor = list_page(pairs, lambda p: f"{p.id1} {p.id2}", after, limit)
    services.auditor.record(principal, "tracks.conflicts", str(request.url.query)[:200] or "all",
                            AuditOutcome.ALLOWED, f"conflicts={len(pairs)}")
    return ConflictPage(at=moment, tracks=len(picture), items=items, next=next_cursor)


@router.get("/v1/tracks/incursions", name="tracks.incursions")
def track_incursions(
    request: Request,
    principal: Annotated[Principal, Depends(READERS)],
    after: After = None,
    limit: PageLimit = 100,
    bbox: BBox = None,
    lookahead_s: LookaheadS = 300.0,
) -> IncursionPage:
    """Tracks predicted to enter a zone of the loaded agreements within the look-ahead (or
    inside one now), ordered by track then zone; the cursor is ``track_id zone_id``."""
    services = _services(request)
    box = parse_bbox(bbox)
    moment, now = _now(services)
    picture = services.tracks.snapshot(now)
    index = {str(k): n for n, k in enumerate(picture.ids)}
    found = [IncursionView.model_validate(i, from_attributes=True)
             for i in predict_incursions(picture, services.constraints, moment, lookahead_s)
        if _in_box(picture, index[i.track_id], box)]
    found.sort(key=lambda i: (i.track_id, i.constraint_id))
    items, next_cursor = list_page(found, lambda i: f"{i.track_id} {i.constraint_id}", after,
                                   limit)
    services.auditor.record(principal, "tracks.incursions",
                            str(request.url.query)[:200] or "all", AuditOutcome.ALLOWED,
                            f"incursions={len(found)}")
    return IncursionPage(at=moment, tracks=len(picture), items=items, next=next_cursor)
