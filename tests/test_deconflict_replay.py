"""Replay of recordings: the time grid, staleness, and the real Swiss ADS-B recording.

Expected values on the real recording are derived from the raw JSON rows with the haversine
formula written out here, not from the code under test.
"""

from __future__ import annotations

import gzip
import json
import math
from collections import defaultdict
from typing import Any

import pytest

from ceasefire.deconflict.replay import Picture, replay
from ceasefire.deconflict.tactical import detect
from ceasefire.domain.track import TrackSource, TrackState
from ceasefire.ingest.track_feeds import read_track_file
from deconflict_helpers import DATA

SWISS = DATA / "traffic_samples" / "derived_switzerland_10min.json.gz"
FT = 0.3048
RPZ, HPZ, LOOKAHEAD = 9260.0, 304.8, 300.0


def state(tid: str, t: float, lat: float = 48.0, trk: float = 0.0, gs: float = 0.0) -> TrackState:
    return TrackState(tid, t, lat, 31.0, 3000.0, trk, gs, 0.0, TrackSource.ADSB)


def test_pictures_fall_on_the_grid_and_take_every_state_up_to_their_time() -> None:
    states = [state("b", 10.0), state("a", 3.5), state("c", 10.01)]
    pictures = list(replay(states, step_s=10.0, stale_s=60.0))
    assert [p.t for p in pictures] == [10.0, 20.0]
    assert pictures[0].traffic.ids.tolist() == ["a", "b"]  # 10.0 itself belongs to t = 10
    assert pictures[1].traffic.ids.tolist() == ["a", "b", "c"]


def test_a_gap_in_the_recording_adds_no_empty_pictures() -> None:
    states = [state("a", 0.0), state("a", 10.0), state("a", 86_400.0)]
    assert [p.t for p in replay(states, step_s=10.0, stale_s=1e6)] == [0.0, 10.0, 86_400.0]


def test_a_silent_track_is_dropped_after_stale_s() -> None:
    states = [state("quiet", 0.0)] + [state("busy", 10.0 * k) for k in range(13)]
    pictures = {p.t: p for p in replay(states, step_s=10.0, stale_s=60.0)}
    assert pictures[60.0].traffic.ids.tolist() == ["busy", "quiet"]  # 60 s old: still kept
    assert pictures[70.0].traffic.ids.tolist() == ["busy"]
    assert pictures[70.0].expired == 1
    assert all(p.traffic.ids.tolist() == ["busy"] for t, p in pictures.items() if t > 60.0)


def test_head_on_pair_conflicts_at_the_time_a_hand_calculation_gives() -> None:
    # Two aircraft 60 km apart on a meridian, closing head-on at 200 m/s each: CPA after
    # 60,000 / 400 = 150 s, the protected zone is entered when 9,260 m apart: after
    # (60,000 - 9,260) / 400 = 126.85 s.
    m_per_deg = 6_371_000.0 * math.pi / 180.0
    north = 60_000.0 / m_per_deg
    states = [
        state("s", 0.0, 48.0, trk=0.0, gs=200.0),
        state("n", 0.0, 48.0 + north, trk=180.0, gs=200.0),
    ]
    (picture,) = replay(states, step_s=10.0, stale_s=60.0)
    found = detect(picture.traffic, RPZ, HPZ, LOOKAHEAD)
    assert len(found) == 1
    assert found.tcpa_s[0] == pytest.approx(150.0, abs=1e-6)
    assert found.tin_s[0] == pytest.approx(126.85, abs=1e-6)


def test_refused_states_are_returned_with_their_picture() -> None:
    states = [state("a", 0.0, 48.0), state("a", 1.0, 49.0)]  # 111 km in one second
    first, second = replay(states, step_s=10.0, stale_s=60.0)
    assert (first.t, first.refused) == (0.0, [])
    assert [e.pointer for e in second.refused] == ["a"]
    assert "impossible speed" in second.refused[0].reason
    assert second.traffic.lat.tolist() == [48.0]  # the refused jump did not move the track


def test_step_and_staleness_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        list(replay([state("a", 0.0)], step_s=0.0))


# --- the real recording -----------------------------------------------------------------


def _haversine_m(a: dict[str, Any], b: dict[str, Any]) -> float:
    lat1, lat2 = math.radians(a["latitude"]), math.radians(b["latitude"])
    dlat, dlon = lat2 - lat1, math.radians(b["longitude"] - a["longitude"])
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * 6_371_000.0 * math.asin(math.sqrt(h))


@pytest.fixture(scope="module")
def raw_rows() -> list[dict[str, Any]]:
    with gzip.open(SWISS, "rt") as f:
        rows: list[dict[str, Any]] = json.load(f)
    return rows


Windows = dict[tuple[str, str], tuple[float, float]]


@pytest.fixture(scope="module")
def swiss() -> list[tuple[Picture, Windows]]:
    """Each picture of the replay with its conflicts: sorted id pair -> (tin_s, tout_s)."""
    batch = read_track_file(SWISS, TrackSource.ADSB, 0.0)
    out = []
    for p in replay(batch.states, step_s=10.0, stale_s=60.0):
        found = detect(p.traffic, RPZ, HPZ, LOOKAHEAD)
        ids = p.traffic.ids
        windows: Windows = {}
        for i, j, tin, tout in zip(found.i, found.j, found.tin_s, found.tout_s, strict=True):
            a, b = sorted((str(ids[i]), str(ids[j])))
            windows[(a, b)] = (float(tin), float(tout))
        out.append((p, windows))
    return out


def test_real_replay_pictures_and_tracks_follow_the_raw_rows(
    raw_rows: list[dict[str, Any]], swiss: list[tuple[Picture, Windows]]
) -> None:
    times = sorted({r["timestamp"] / 1000.0 for r in raw_rows})
    assert [p.t for p, _ in swiss] == times  # reports every 10 s on the grid: 60 pictures
    assert len(swiss) == 60
    last_seen: dict[str, float] = {}
    by_time: dict[float, list[str]] = defaultdict(list)
    for r in raw_rows:
        by_time[r["timestamp"] / 1000.0].append(r["icao24"])
    for p, _ in swiss:
        for icao in by_time[p.t]:
            last_seen[icao] = p.t
        live = sorted(i for i, t in last_seen.items() if p.t - t <= 60.0)
        assert p.traffic.ids.tolist() == live
        assert p.refused == []
    assert len({i for p, _ in swiss for i in p.traffic.ids.tolist()}) == 62


def test_real_losses_of_separation_are_reported_when_they_happen(
    raw_rows: list[dict[str, Any]], swiss: list[tuple[Picture, Windows]]
) -> None:
    by_time: dict[float, list[dict[str, Any]]] = defaultdict(list)
    for r in raw_rows:
        by_time[r["timestamp"] / 1000.0].append(r)
    losses = []
    for t, rows in by_time.items():
        for k, a in enumerate(rows):
            for b in rows[k + 1 :]:
                d = _haversine_m(a, b)
                dz = abs(a["altitude"] - b["altitude"]) * FT
                if d < 0.99 * RPZ and dz < HPZ - 1.0:  # clearly inside, by hand
                    x, y = sorted((a["icao24"], b["icao24"]))
                    losses.append((t, (x, y)))
    assert len(losses) == 6
    pictures = {p.t: windows for p, windows in swiss}
    for t, pair in losses:
        windows = pictures[t]
        assert pair in windows, (t, pair)
        tin, tout = windows[pair]
        assert tin <= 0.0 < tout  # the loss of separation has begun


def test_real_conflict_is_predicted_minutes_before_it_happens(
    raw_rows: list[dict[str, Any]], swiss: list[tuple[Picture, Windows]]
) -> None:
    pair = ("400efd", "4ca740")
    a = {r["timestamp"] / 1000.0: r for r in raw_rows if r["icao24"] == pair[0]}
    b = {r["timestamp"] / 1000.0: r for r in raw_rows if r["icao24"] == pair[1]}
    inside = sorted(
        t
        for t in a.keys() & b.keys()
        if _haversine_m(a[t], b[t]) < RPZ and abs(a[t]["altitude"] - b[t]["altitude"]) * FT < HPZ
    )
    assert inside == [1533123440.0, 1533123450.0, 1533123460.0]  # 11:37:20 to 11:37:40
    first = next((p.t, w[pair]) for p, w in swiss if pair in w)
    t0, (tin, tout) = first
    assert inside[0] - t0 >= 180.0  # three minutes of warning
    # every observed instant inside the zone lies in the predicted window (one step of slack)
    assert all(t0 + tin - 10.0 <= t <= t0 + tout + 10.0 for t in inside)


def test_unsorted_input_gives_the_same_pictures(swiss: list[tuple[Picture, Windows]]) -> None:
    batch = read_track_file(SWISS, TrackSource.ADSB, 0.0)
    reversed_pictures = list(replay(list(reversed(batch.states)), 10.0, 60.0))
    assert [p.t for p in reversed_pictures] == [p.t for p, _ in swiss]
    assert all(
        r.traffic.ids.tolist() == p.traffic.ids.tolist()
        for r, (p, _) in zip(reversed_pictures, swiss, strict=True)
    )
