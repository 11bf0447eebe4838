"""Track store: latest state, smoothed velocity, refusals, snapshots; real ADS-B replay."""

from __future__ import annotations

import gzip
import json

import numpy as np
import pytest

from ceasefire.deconflict.tactical import PairConflicts, Traffic, detect
from ceasefire.deconflict.tracks import TrackStore
from ceasefire.domain.track import TrackSource, TrackState
from ceasefire.ingest.adsb import parse_traffic_json
from ceasefire.ingest.ais import parse_nmea
from deconflict_helpers import DATA


def st(t: float, lat: float, trk: float = 90.0, gs: float = 100.0, tid: str = "a") -> TrackState:
    return TrackState(tid, t, lat, 31.0, 1000.0, trk, gs, 0.0, TrackSource.ADSB)


def test_latest_state_and_smoothing() -> None:
    store = TrackStore(tau_s=10.0)
    assert store.update(st(0.0, 48.0, trk=90.0)) is None
    assert store.update(st(10.0, 48.0, trk=0.0)) is None  # a sudden 90 degree turn
    tr = store.get("a")
    assert tr is not None
    assert tr.state.t == 10.0
    a = 1 - np.exp(-1.0)
    assert tr.ve_mps == pytest.approx(100.0 * (1 - a))
    assert tr.vn_mps == pytest.approx(100.0 * a)
    assert 0.0 < tr.trk_deg < 90.0
    assert tr.updates == 2


def test_out_of_order_and_impossible_jump_are_refused() -> None:
    store = TrackStore()
    store.update(st(100.0, 48.0))
    late = store.update(st(50.0, 48.0))
    assert late is not None
    assert "out of order" in late.reason
    jump = store.update(st(101.0, 49.0))  # 111 km in 1 s
    assert jump is not None
    assert "impossible speed" in jump.reason
    tr = store.get("a")
    assert tr is not None
    assert tr.state.t == 100.0


def test_snapshot_extrapolates_to_a_common_time_and_expires() -> None:
    store = TrackStore()
    store.update(st(0.0, 48.0, trk=0.0, gs=111.0, tid="north"))
    store.update(st(10.0, 48.0, trk=90.0, gs=0.0, tid="still"))
    snap = store.snapshot(now=10.0)
    assert snap.ids.tolist() == ["north", "still"]
    assert snap.lat[0] == pytest.approx(48.0 + 1110.0 / 111_194.9, rel=1e-6)
    assert snap.lat[1] == 48.0
    assert store.expire(now=10.0, max_age_s=5.0) == 1
    assert len(store) == 1


def test_real_adsb_replay_finds_conflicts_and_refuses_spoofed_jumps() -> None:
    with gzip.open(DATA / "traffic_samples" / "derived_switzerland_10min.json.gz", "rt") as f:
        states = sorted(parse_traffic_json(json.load(f), "ch").states, key=lambda s: s.t)
    store = TrackStore()
    assert store.update_all(states) == []
    now = states[-1].t
    last_seen = {s.id: s.t for s in states}  # states are sorted by time
    stale = {i for i, t in last_seen.items() if now - t > 120.0}
    assert stale  # the sample has aircraft that left coverage minutes before its end
    assert store.expire(now, 120.0) == len(stale)
    snap = store.snapshot(now)
    assert set(snap.ids.tolist()) == last_seen.keys() - stale
    assert 30 < len(snap) < 100
    found = detect(snap, 9260.0, 304.8, 300.0)
    assert 0 < len(found) < found.candidates
    assert np.all(found.dcpa_m <= 9260.0)
    assert np.all(found.tin_s < 300.0)
    assert np.all(found.tout_s > 0.0)
    # The answer does not depend on the order of the tracks.
    rev = np.arange(len(snap))[::-1]
    flipped = Traffic(*(getattr(snap, f)[rev] for f in Traffic.__slots__))
    again = detect(flipped, 9260.0, 304.8, 300.0)

    def pairs(t: Traffic, r: PairConflicts) -> dict[frozenset[str], float]:
        return {
            frozenset((str(t.ids[a]), str(t.ids[b]))): float(d)
            for a, b, d in zip(r.i, r.j, r.dcpa_m, strict=True)
        }

    p1, p2 = pairs(snap, found), pairs(flipped, again)
    assert p1.keys() == p2.keys()
    assert all(p1[k] == pytest.approx(p2[k], rel=1e-9) for k in p1)
    with gzip.open(DATA / "traffic_samples" / "noisy__noisy_spoofing.json.gz", "rt") as f:
        noisy = parse_traffic_json(json.load(f), "noisy").states
    refused = TrackStore().update_all(sorted(noisy, key=lambda s: s.t))
    assert refused
    assert all("impossible speed" in e.reason for e in refused)


def test_real_ais_into_the_store() -> None:
    with (DATA / "ais" / "pyais_nmea_data_sample.txt").open("rb") as f:
        r = parse_nmea(f, "ais", 1.7e9)
    store = TrackStore()
    refused = store.update_all(r.states)
    # The sample has no receive times, so every report is stamped 1.7e9: a ship reported at
    # two places more than the slack apart has "jumped" in 0 s, and the later report is refused.
    assert refused
    assert all("impossible speed" in e.reason for e in refused)
    # Every report either updated its ship's track or was refused: none vanishes silently.
    ids = sorted({s.id for s in r.states})
    tracks = [store.get(i) for i in ids]
    assert sum(tr.updates for tr in tracks if tr is not None) + len(refused) == len(r.states)
    snap = store.snapshot()
    assert snap.ids.tolist() == ids
    # One common time: nothing to extrapolate, ships stay where last accepted, at sea level.
    lat = [tr.state.lat for tr in tracks if tr is not None]
    lon = [tr.state.lon for tr in tracks if tr is not None]
    assert snap.lat.tolist() == pytest.approx(lat, abs=1e-9)
    assert snap.lon.tolist() == pytest.approx(lon, abs=1e-9)  # up to the antimeridian wrap
    assert np.all(snap.alt_m == 0.0)


def test_vertical_speed_tail_is_cut_after_level_off() -> None:
    store = TrackStore(tau_s=10.0)
    store.update(TrackState("a", 0.0, 48.0, 31.0, 1000.0, 0.0, 100.0, 5.0))
    vus = []
    for k in range(1, 12):
        store.update(TrackState("a", 10.0 * k, 48.0 + 0.009 * k, 31.0, 1000.0, 0.0, 100.0, 0.0))
        tr = store.get("a")
        assert tr is not None
        vus.append(tr.vu_mps)
    assert vus[0] == pytest.approx(5.0 * np.exp(-1.0))
    assert vus[-1] == 0.0
