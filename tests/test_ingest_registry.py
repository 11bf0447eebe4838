"""Format registries: registration, detection order, clear errors, and the bundled files."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ceasefire.cli import app
from ceasefire.domain.track import TrackSource
from ceasefire.ingest.detect import SourceKind, read_source
from ceasefire.ingest.registry import Registry, SniffedFormat, UnknownFormatError
from ceasefire.ingest.sources import OBSERVATION_SOURCES
from ceasefire.ingest.track_feeds import TRACK_FEEDS, read_track_file
from deconflict_helpers import DATA

FT = 0.3048
KT = 1852.0 / 3600.0


def _fmt(name: str, prefix: str) -> SniffedFormat:
    return SniffedFormat(name, f"starts with {prefix}", lambda head: head.startswith(prefix))


def test_first_registered_match_wins_and_names_are_unique(tmp_path: Path) -> None:
    reg: Registry[SniffedFormat] = Registry("test format")
    reg.register(_fmt("specific", "ab"))
    reg.register(_fmt("general", "a"))
    with pytest.raises(ValueError, match="'general' is already registered"):
        reg.register(_fmt("general", "x"))
    f = tmp_path / "f.txt"
    f.write_text("abc")
    assert reg.detect(f).name == "specific"
    f.write_text("axe")
    assert reg.detect(f).name == "general"
    assert reg.names() == ["specific", "general"]


def test_unknown_file_names_every_registered_format(tmp_path: Path) -> None:
    odd = tmp_path / "odd.csv"
    odd.write_text("a,b,c\n1,2,3\n")
    with pytest.raises(UnknownFormatError) as err:
        OBSERVATION_SOURCES.detect(odd)
    message = str(err.value)
    assert "unrecognised format (header 'a,b,c')" in message
    for name in ("airforce", "ucdp", "cir", "bellingcat"):
        assert f"{name} (" in message
    with pytest.raises(UnknownFormatError, match="cannot read"):
        OBSERVATION_SOURCES.detect(tmp_path / "missing.csv")


def test_ingest_kind_accepts_exactly_the_registered_sources(tmp_path: Path) -> None:
    assert sorted(k.value for k in SourceKind) == ["airforce", "bellingcat", "cir", "ucdp"]
    assert sorted(OBSERVATION_SOURCES.names()) == [k.value for k in SourceKind]
    args = ["ingest", "--db", str(tmp_path / "x.db"), "--kind", "adsb", "f"]
    res = CliRunner().invoke(app, args, env={"COLUMNS": "200"})
    assert res.exit_code == 2
    assert "'airforce', 'bellingcat', 'cir', 'ucdp'" in res.output


@pytest.mark.parametrize(
    ("relative", "name"),
    [
        ("events/mauforonda_cir_events.csv", "cir"),
        ("events/bellingcat_incidents.json", "bellingcat"),
    ],
)
def test_observations_carry_the_registered_name(relative: str, name: str) -> None:
    path = DATA / relative
    assert OBSERVATION_SOURCES.detect(path).name == name
    report = read_source(path, DATA / "missile_attacks")
    assert report.source == name
    assert report.observations
    assert {o.source for o in report.observations} == {name}


@pytest.mark.parametrize(
    ("relative", "name"),
    [
        ("traffic_samples/derived_switzerland_10min.json.gz", "adsb-json"),
        ("traffic_samples/noisy__noisy_spoofing.json.gz", "adsb-json"),  # pandas columns
        ("ais/pyais_sample.ais", "ais-nmea"),  # begins with comments
        ("ais/pyais_timestamped.ais", "ais-nmea"),
        ("ais/pyais_nmea_data_sample.txt", "ais-nmea"),
    ],
)
def test_bundled_recordings_are_detected(relative: str, name: str) -> None:
    assert TRACK_FEEDS.detect(DATA / relative).name == name


def test_a_feed_flag_only_accepts_that_feed() -> None:
    with pytest.raises(UnknownFormatError) as err:
        read_track_file(DATA / "ais" / "pyais_sample.ais", TrackSource.ADSB, 0.0)
    assert "adsb-json (" in str(err.value)
    assert "adsb-sbs (" in str(err.value)
    assert "ais-nmea" not in str(err.value)


def test_traffic_json_rows_become_states_in_si_units(tmp_path: Path) -> None:
    with gzip.open(DATA / "traffic_samples" / "derived_switzerland_10min.json.gz", "rt") as f:
        rows = json.load(f)
    batch = read_track_file(
        DATA / "traffic_samples" / "derived_switzerland_10min.json.gz", TrackSource.ADSB, 0.0
    )
    assert (len(batch.states), len(batch.errors)) == (len(rows), 0) == (2359, 0)
    assert len({s.id for s in batch.states}) == len({r["icao24"] for r in rows}) == 62
    first, row = batch.states[0], rows[0]
    assert (first.id, first.t) == (row["icao24"], row["timestamp"] / 1000.0)
    assert first.alt_m == pytest.approx(row["altitude"] * FT)
    assert first.gs_mps == pytest.approx(row["groundspeed"] * KT)
    # The same rows uncompressed read the same: gzip is detected by content, not by name.
    plain = tmp_path / "plain.json"
    plain.write_text(json.dumps(rows))
    assert read_track_file(plain, TrackSource.ADSB, 0.0).states == batch.states


def test_garbage_in_the_middle_of_a_recording_is_one_error_with_its_line(tmp_path: Path) -> None:
    lines = (DATA / "ais" / "pyais_nmea_data_sample.txt").read_text().splitlines()[:20]
    clean = tmp_path / "clean.nmea"
    clean.write_text("\n".join(lines) + "\n")
    dirty = tmp_path / "dirty.nmea"
    dirty.write_text("\n".join([*lines[:9], "%%% not a sentence %%%", *lines[9:]]) + "\n")
    good = read_track_file(clean, TrackSource.AIS, 1.7e9)
    bad = read_track_file(dirty, TrackSource.AIS, 1.7e9)
    assert good.states
    assert bad.states == good.states
    new = [e for e in bad.errors if e.line == 10]
    assert len(new) == 1
    assert "not a valid NMEA sentence" in new[0].reason
    assert len(bad.errors) == len(good.errors) + 1
