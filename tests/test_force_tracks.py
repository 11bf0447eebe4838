"""Own-asset tracks against their nation's mandates: leaving the area, outliving the mandate."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from typer.testing import CliRunner

from ceasefire.cli import app
from ceasefire.domain.track import TrackState
from ceasefire.force.tracks import track_alerts
from force_helpers import ZAPORIZHZHIA, example_force

RUN = CliRunner()
T0 = datetime(2026, 2, 2, 9, tzinfo=UTC).timestamp()


def _state(track: str, t: float, lon: float, lat: float) -> TrackState:
    return TrackState(track, t, lat, lon, 9_000.0, 90.0, 230.0, 0.0)


def test_a_jet_flying_into_its_nations_excluded_band_raises_one_alert_with_the_clause() -> None:
    east = [(26.0 + k, 49.0 - 0.15 * k) for k in range(0, 9)] + [ZAPORIZHZHIA, ZAPORIZHZHIA]
    states = [_state("43C1A1", T0 + 600 * k, lon, lat) for k, (lon, lat) in enumerate(east)]
    states.append(_state("unknown", T0, *ZAPORIZHZHIA))  # not ours: ignored
    alerts = track_alerts(example_force(), states)
    assert [(a.unit_id, a.refusal.mandate, a.refusal.clause) for a in alerts] == [
        ("gb-typhoon-1", "gb-government-2026", "area.excluded[0]")
    ]
    first_inside = alerts[0]
    assert first_inside.at > datetime.fromtimestamp(T0, UTC)
    assert "within 50 km of the line of contact" in first_inside.describe()


def test_a_ship_leaving_the_black_sea_and_a_jet_after_expiry_raise_alerts() -> None:
    force = example_force()
    bosporus_out = [_state("271000901", T0, 29.5, 41.6), _state("271000901", T0 + 3600, 28.9, 40.9)]
    (alert,) = track_alerts(force, bosporus_out)
    assert (alert.refusal.mandate, alert.refusal.clause) == ("tr-gnat-2026", "area.within[0]")
    may = datetime(2026, 5, 10, 0, 5, tzinfo=UTC).timestamp()
    (expired,) = track_alerts(force, [_state("3b7a01", may, 27.3, 49.7)])
    assert (expired.refusal.mandate, expired.refusal.clause) == (
        "fr-government-2026",
        "valid.until",
    )
    # Back in the sea, then out again: a second alert.
    again = [
        *bosporus_out,
        _state("271000901", T0 + 7200, 29.5, 41.6),
        _state("271000901", T0 + 9000, 28.9, 40.9),
    ]
    assert len(track_alerts(force, again)) == 2


def test_force_tracks_reads_an_adsb_recording_and_exits_1_on_an_alert(tmp_path: Path) -> None:
    rows = [
        {
            "icao24": "43c1a1",
            "timestamp": int((T0 + 60 * k) * 1000),
            "latitude": lat,
            "longitude": lon,
            "altitude": 30000,
            "groundspeed": 450,
            "track": 90,
            "vertical_rate": 0,
        }
        for k, (lon, lat) in enumerate([(30.0, 49.0), ZAPORIZHZHIA])
    ]
    recording = tmp_path / "own.json"
    recording.write_text(json.dumps(rows))
    result = RUN.invoke(app, ["force", "tracks", str(recording)])
    assert result.exit_code == 1, result.output
    assert (
        "ALERT" in result.stdout
    )
    assert (
        "gb-government-2026, clause area.excluded[0]" in result.stdout
    )
    assert "2 states, 1 own tracks, 1 alerts" in result.stdout
    calm = tmp_path / "calm.json"
    calm.write_text(json.dumps(rows[:1]))
    assert RUN.invoke(app, ["force", "tracks", str(calm)]).exit_code == 0
