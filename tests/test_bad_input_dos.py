"""Issue 9, defects 6 and 7: input that hangs, eats memory, or is deconflicted wrongly.

Every case runs the real CLI in a child process with a timeout and an address-space limit, so
a regression fails the test (timeout, exit status) instead of hanging or exhausting the
machine that runs the suite. Small bad files live in `tests/bad_input/dos/`; FIFOs, devices,
directories and big files are made at run time.
"""

from __future__ import annotations

import gzip
import json
import os
import resource
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pyproj import Geod

from ceasefire.deconflict.strategic import StrategicDeconflictor
from ceasefire.domain.intent import (
    MAX_OUTLINE_RADIUS_M,
    Circle,
    IntentError,
    IntentState,
    OperationalIntent,
    Volume4D,
)
from ceasefire.safe_files import InputFileError, InputKind, open_maybe_gzip, parse_yaml

CORPUS = Path(__file__).parent / "bad_input" / "dos"
INTERUSS = Path(__file__).parents[1] / "data" / "interuss" / "conflicting_flights.yaml"
GEOD = Geod(ellps="WGS84")
T0 = datetime(2026, 1, 15, 8, tzinfo=UTC)
KYIV = (30.52, 50.45)
TIMEOUT_S = 30
MEMORY_BYTES = 3 << 30  # address space, not resident memory: imports map ~1 GB of it


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))


def ceasefire(
    args: list[str], env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the CLI in a child process that cannot hang the suite or exhaust the machine."""
    return subprocess.run(
        [sys.executable, "-c", "from ceasefire.cli import app; app()", *args],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        env={**os.environ, "COLUMNS": "200", **(env or {})},
        preexec_fn=_limit_memory,
        check=False,
    )


# --- defect 7: denial of service by input -------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One bad input: how to build the command line in `tmp`, what must come out."""

    name: str
    argv: Callable[[Path], list[str]]
    fragment: str
    env: dict[str, str] | None = None
    exit_code: int = 4


def _fifo(tmp: Path) -> str:
    path = tmp / "pipe.csv"
    os.mkfifo(path)
    return str(path)


def _big_csv(tmp: Path) -> str:
    path = tmp / "big.csv"
    path.write_text("date,model,launched\n" + "2025-01-01,Shahed-136,1\n" * 100_000)
    return str(path)


def _gzip_bomb(tmp: Path) -> str:
    path = tmp / "bomb.json.gz"
    path.write_bytes(gzip.compress(b'[{"icao24": "a"}' + b" " * (50 << 20) + b"]"))
    return str(path)


def _db(tmp: Path) -> str:
    return str(tmp / "store.db")


CASES = [
    Case("ingest a FIFO", lambda t: ["ingest", "--db", _db(t), _fifo(t)], "is a FIFO"),
    Case(
        "ingest a FIFO, kind given",
        lambda t: ["ingest", "--db", _db(t), "--kind", "airforce", _fifo(t)],
        "is a FIFO",
    ),
    Case("ingest a directory", lambda t: ["ingest", "--db", _db(t), str(t)], "is a directory"),
    Case("ingest /dev/zero", lambda t: ["ingest", "--db", _db(t), "/dev/zero"], "character device"),
    Case(
        "ingest a file over the source limit",
        lambda t: ["ingest", "--db", _db(t), _big_csv(t)],
        "over the source limit of 100000 bytes (raise it with CEASEFIRE_MAX_SOURCE_BYTES)",
        env={"CEASEFIRE_MAX_SOURCE_BYTES": "100000"},
    ),
    Case(
        "agreement geometry /dev/zero",
        lambda t: [
            "deconflict",
            "strategic",
            "--intents",
            str(INTERUSS),
            "--zones",
            str(CORPUS / "agreement_dev_zero_geometry.yaml"),
        ],
        "geography.no_fly[0].geometry: /dev/zero: is a character device",
    ),
    Case(
        "billion laughs in an InterUSS delta",
        lambda t: [
            "deconflict",
            "strategic",
            "--intents",
            str(CORPUS / "billion_laughs_interuss.yaml"),
        ],
        "expands to more than 1000000 nodes",
    ),
    Case(
        "intents nested 300 deep",
        lambda t: ["deconflict", "strategic", "--intents", str(CORPUS / "deep_intents.json")],
        "nested deeper than 100 levels",
    ),
    Case(
        "intents file is a directory",
        lambda t: ["deconflict", "strategic", "--intents", str(t)],
        "is a directory",
    ),
    Case(
        "snapshot is a FIFO",
        lambda t: ["deconflict", "tactical", "--tracks", _fifo(t), "--out", str(t / "c.csv")],
        "is a FIFO",
    ),
    Case(
        "zones are /dev/zero",
        lambda t: ["deconflict", "strategic", "--intents", str(INTERUSS), "--zones", "/dev/zero"],
        "is a character device",
    ),
    Case(
        "recording is a gzip bomb",
        lambda t: ["deconflict", "tactical", "--adsb", _gzip_bomb(t), "--out", str(t / "c.csv")],
        "over the recording limit of 10000000 bytes",
        env={"CEASEFIRE_MAX_RECORDING_BYTES": "10000000"},
    ),
    Case(
        "bundle is a FIFO",
        lambda t: ["ledger", "verify-bundle", _fifo(t), "--log-key", "x"],
        "is a FIFO",
    ),
    Case(
        "witness evidence is /dev/zero",
        lambda t: ["witness", "check-evidence", "/dev/zero", "--log-key", "x"],
        "is a character device",
    ),
    Case(
        "malformed limit",
        lambda t: ["ingest", "--db", _db(t), _big_csv(t)],
        "CEASEFIRE_MAX_SOURCE_BYTES='lots'",
        env={"CEASEFIRE_MAX_SOURCE_BYTES": "lots"},
        exit_code=2,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_is_refused_quickly(case: Case, tmp_path: Path) -> None:
    res = ceasefire(case.argv(tmp_path), case.env)
    assert res.returncode == case.exit_code, res.stdout + res.stderr
    assert case.fragment in res.stderr
    assert "Traceback" not in res.stderr


def test_yaml_aliases_are_counted_as_copies_but_sane_ones_load() -> None:
    ok = parse_yaml("base: &b {x: 1}\nc: {<<: *b, y: 2}\nd: [*b, *b]\n", "ok.yaml")
    assert ok == {"base": {"x": 1}, "c": {"x": 1, "y": 2}, "d": [{"x": 1}, {"x": 1}]}
    with pytest.raises(InputFileError, match="recursive YAML alias"):
        parse_yaml("a: &a [1, *a]\n", "loop.yaml")
    with pytest.raises(InputFileError, match=r"key 'a' given twice .*lines 1 and 3"):
        parse_yaml("a: 1\nb: 2\na: 3\n", "dup.yaml")


def test_small_gzip_bomb_is_bounded_after_decompression(tmp_path: Path) -> None:
    """The limit applies to what the reader gets, not to the 50 kB on disk."""
    bomb = tmp_path / "zeros.gz"
    bomb.write_bytes(gzip.compress(bytes(50 << 20)))
    assert bomb.stat().st_size < 100_000
    os.environ["CEASEFIRE_MAX_RECORDING_BYTES"] = str(1 << 20)
    try:
        with (
            pytest.raises(InputFileError, match="over the recording limit"),
            open_maybe_gzip(bomb, InputKind.RECORDING) as handle,
        ):
            handle.read()
    finally:
        del os.environ["CEASEFIRE_MAX_RECORDING_BYTES"]


# --- defect 6: intents that cannot be indexed correctly, ids given twice -------------------


def _circle_intent_json(intent_id: str, lon: float, lat: float, radius_m: float) -> dict[str, Any]:
    end = T0 + timedelta(hours=1)
    return {
        "reference": {"id": intent_id, "state": "Accepted"},
        "details": {
            "priority": 0,
            "volumes": [
                {
                    "volume": {
                        "outline_circle": {
                            "center": {"lng": lon, "lat": lat},
                            "radius": {"value": radius_m, "units": "M"},
                        },
                        "altitude_lower": {"value": 0, "reference": "W84", "units": "M"},
                        "altitude_upper": {"value": 1000, "reference": "W84", "units": "M"},
                    },
                    "time_start": {"value": T0.isoformat()},
                    "time_end": {"value": end.isoformat()},
                }
            ],
        },
    }


def _geodesic_overlap(a: tuple[float, float, float], b: tuple[float, float, float]) -> bool:
    """Independent check: two circles meet iff their centres are no farther apart (WGS84
    geodesic) than the sum of their radii."""
    _, _, d = GEOD.inv(a[0], a[1], b[0], b[1])
    return float(d) <= a[2] + b[2]


# The exact cases that were missed on main: a 5,000 km circle about Kyiv and a 10 km one
# 4,995 km north of it (over the pole), and a 3,000 km circle at 64 N with a 10 km one 2,995 km
# east. Both pairs overlap by 5 km, yet both intents were accepted.
MISSED = [
    ((KYIV[0], KYIV[1], 5_000_000.0), (-149.48, 84.772, 10_000.0)),
    ((30.52, 64.0, 3_000_000.0), (79.607, 53.302, 10_000.0)),
]


@pytest.mark.parametrize(("big", "small"), MISSED, ids=["5000 km about Kyiv", "3000 km at 64N"])
def test_circle_too_big_to_index_is_refused_not_missed(
    big: tuple[float, float, float], small: tuple[float, float, float], tmp_path: Path
) -> None:
    assert _geodesic_overlap(big, small)  # they do conflict
    path = tmp_path / "intents.json"
    path.write_text(
        json.dumps([_circle_intent_json("big", *big), _circle_intent_json("small", *small)])
    )
    res = ceasefire(["deconflict", "strategic", "--intents", str(path)])
    assert "ACCEPT big" not in res.stdout, res.stdout  # before: both accepted
    reaches = f"{path}: big: circle reaches {big[2] / 1000:.1f} km from its centre; at most 1000 km"
    assert reaches in res.stderr


@pytest.mark.parametrize(
    ("lon", "lat", "radius_m", "why"),
    [
        (30.0, 80.0, 900_000.0, "leaves the supported area"),  # over the pole
        (175.0, 0.0, 900_000.0, "leaves the supported area"),  # across the antimeridian
        (30.0, 78.0, 900_000.0, "leaves the supported area"),  # rim beyond 85 N
        (*KYIV, MAX_OUTLINE_RADIUS_M + 1.0, "at most 1000 km"),
    ],
)
def test_outlines_beyond_the_supported_area_are_refused(
    lon: float, lat: float, radius_m: float, why: str
) -> None:
    with pytest.raises(IntentError, match=why):
        Volume4D(Circle(lon, lat, radius_m), 0, 10, T0, T0)
    square = ((lon - 1, lat), (lon + 1, lat), (lon + 1, lat + 1), (lon - 1, lat + 1))
    if lat + 1 <= 85 and abs(lon) + 1 < 180 and "supported" not in why:
        Volume4D(square, 0, 10, T0, T0)  # a small polygon there is fine


def test_polygon_across_the_antimeridian_is_refused() -> None:
    with pytest.raises(IntentError, match="leaves the supported area"):
        Volume4D(((179.5, 0.0), (-179.5, 0.0), (-179.5, 1.0), (179.5, 1.0)), 0, 10, T0, T0)


def test_largest_circle_is_deconflicted_exactly_all_round() -> None:
    """At the limit, in the theatre: a small circle overlapping the rim by 500 m conflicts, one
    500 m clear does not, at every azimuth; the geodesic check says the same."""
    big = (KYIV[0], KYIV[1], MAX_OUTLINE_RADIUS_M)
    deconflictor = StrategicDeconflictor()
    outline = Circle(*big)
    volume = Volume4D(outline, 0, 1000, T0, T0 + timedelta(hours=1))
    deconflictor.submit(OperationalIntent("big", "c", "", "", 0, IntentState.ACCEPTED, (volume,)))
    for azimuth in range(0, 360, 20):
        for gap_m, expected in ((-500.0, True), (500.0, False)):
            lon, lat, _ = GEOD.fwd(big[0], big[1], azimuth, big[2] + 2_000.0 + gap_m)
            small = (float(lon), float(lat), 2_000.0)
            assert _geodesic_overlap(big, small) is expected
            v = Volume4D(Circle(*small), 0, 1000, T0, T0 + timedelta(hours=1))
            name = f"probe-{azimuth}-{gap_m:+.0f}"  # probes are 340 km apart: never in conflict
            probe = OperationalIntent(name, "c", "", "", 0, IntentState.ACCEPTED, (v,))
            decision = deconflictor.submit(probe, deconflictor.view(probe))
            assert decision.accepted is not expected, (azimuth, gap_m, decision.reason)


def test_intent_id_given_twice_in_one_file_names_both(tmp_path: Path) -> None:
    path = tmp_path / "intents.json"
    one = _circle_intent_json("op-1", 30.5, 50.4, 1_000.0)
    other = _circle_intent_json("op-1", 31.5, 50.4, 1_000.0)
    path.write_text(json.dumps([one, _circle_intent_json("op-2", 32.5, 50.4, 1_000.0), other]))
    res = ceasefire(["deconflict", "strategic", "--intents", str(path)])
    assert res.returncode == 4, res.stdout + res.stderr  # before: exit 0, op-1 silently v2
    assert f"{path}: [2]: intent id 'op-1' given twice: first at {path}: [0]" in res.stderr
    assert "ACCEPT" not in res.stdout


def test_intent_id_given_in_two_files_names_both(tmp_path: Path) -> None:
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    first.write_text(json.dumps([_circle_intent_json("op-1", 30.5, 50.4, 1_000.0)]))
    second.write_text(json.dumps([_circle_intent_json("op-1", 35.5, 50.4, 1_000.0)]))
    res = ceasefire(["deconflict", "strategic", "--intents", str(first), "--intents", str(second)])
    assert res.returncode == 4, res.stdout + res.stderr
    assert f"{second}: [0]: intent id 'op-1' given twice: first at {first}: [0]" in res.stderr


def test_interuss_name_given_twice_names_both_lines() -> None:
    path = CORPUS / "interuss_duplicate_key.yaml"
    res = ceasefire(["deconflict", "strategic", "--intents", str(path)])
    assert res.returncode == 4, res.stdout + res.stderr
    assert "key 'flight_1' given twice in one mapping (lines 3 and 13)" in res.stderr
