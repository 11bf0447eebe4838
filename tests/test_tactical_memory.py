"""Issue 9, defect 10 (tactical half): detection memory is bounded by a chunk of candidate pairs,
a picture too dense for the documented limit is refused, and results are the same as before."""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray
from typer.testing import CliRunner

from ceasefire.cli import app
from ceasefire.deconflict.tactical import (
    CHUNK_PAIRS,
    MAX_CANDIDATE_PAIRS,
    PairConflicts,
    TooManyPairsError,
    Traffic,
    candidate_pairs,
    cpa,
    detect,
)

RPZ, HPZ, LOOK = 9260.0, 304.8, 300.0


def seeded_traffic(n: int, seed: int, side_km: float, alt_span_m: float = 6000.0) -> Traffic:
    """Fixed-seed traffic in a square (the benchmark's generator, with hovering and climbing)."""
    rng = np.random.default_rng(seed)
    lat0 = 48.5
    lat = lat0 + rng.uniform(-0.5, 0.5, n) * side_km / 111.2
    lon = 31.0 + rng.uniform(-0.5, 0.5, n) * side_km / (111.2 * np.cos(np.radians(lat0)))
    gs = rng.uniform(0.0, 260.0, n)
    gs[: n // 10] = 0.0
    return Traffic(
        np.array([f"T{k:06d}" for k in range(n)], dtype=np.str_),
        lat,
        lon,
        6000.0 + rng.uniform(0.0, alt_span_m, n),
        rng.uniform(0.0, 360.0, n),
        gs,
        np.where(rng.random(n) < 0.2, rng.uniform(-12.0, 12.0, n), 0.0),
    )


def as_rows(r: PairConflicts) -> NDArray[np.float64]:
    """Every number of every conflict, one row per pair, in pair order."""
    rows = np.column_stack([r.i, r.j, r.tcpa_s, r.dcpa_m, r.tin_s, r.tout_s])
    return rows[np.lexsort((rows[:, 1], rows[:, 0]))]


def todays_detect(t: Traffic) -> PairConflicts:
    """Detection as it was before chunking: every candidate pair at once."""
    return cpa(t, *candidate_pairs(t, RPZ, LOOK), RPZ, HPZ, LOOK)


@pytest.mark.parametrize(
    ("n", "seed", "side_km"),
    [(3000, 1, 400.0), (1500, 7, 60.0), (400, 3, 5.0), (1, 4, 10.0), (0, 5, 10.0)],
)
@pytest.mark.parametrize("chunk", [1, 997, 100_000, CHUNK_PAIRS])
def test_chunked_detection_gives_exactly_todays_conflicts(
    n: int, seed: int, side_km: float, chunk: int
) -> None:
    t = seeded_traffic(n, seed, side_km)
    before = todays_detect(t)
    after = detect(t, RPZ, HPZ, LOOK, chunk_pairs=chunk)
    assert after.candidates == before.candidates
    assert np.array_equal(as_rows(after), as_rows(before))  # bit for bit, not approximately
    if n == 1500:
        assert len(after) > 100  # the case is dense enough to mean something


def traced_peak(run: Callable[[], PairConflicts]) -> tuple[PairConflicts, int]:
    """The result of `run` and the peak of memory allocated while it ran (numpy included)."""
    tracemalloc.start()
    try:
        result = run()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_peak_memory_is_bounded_by_the_chunk_not_by_the_pairs() -> None:
    """2,500 level tracks in a 40 km square, rpz 500 m: 3.1 million candidate pairs, all past
    the vertical pre-filter. All at once (as before this fix) the CPA's per-pair arrays take
    about 700 MiB; in chunks of 10^6 about 225 MiB, whatever the number of pairs."""
    t = seeded_traffic(2500, 11, 40.0, alt_span_m=1.0)
    rpz = 500.0
    found, peak = traced_peak(lambda: detect(t, rpz, HPZ, LOOK))
    assert found.candidates > 3 * CHUNK_PAIRS
    assert peak < 300 * 2**20, f"peak {peak / 2**20:.0f} MiB"
    before, peak_before = traced_peak(
        lambda: cpa(t, *candidate_pairs(t, rpz, LOOK), rpz, HPZ, LOOK)
    )
    assert peak < peak_before / 2
    assert np.array_equal(as_rows(found), as_rows(before))


def test_a_picture_over_the_limit_is_refused_early() -> None:
    t = seeded_traffic(3000, 2, 3.0)  # every pair a candidate: 4.5 million
    with pytest.raises(TooManyPairsError, match=r"more than 100,000 candidate pairs") as caught:
        detect(t, RPZ, HPZ, LOOK, max_pairs=100_000)
    assert "3,000 tracks are too dense" in caught.value.detail
    assert caught.value.exit_code == 4


def test_the_cli_refuses_a_dense_theatre_with_a_clear_message(tmp_path: Path) -> None:
    """8,000 tracks in one spot are 3.2 x 10^7 candidate pairs, over the default limit: before
    this fix the CPA needed over 6 GB here; now it stops after counting and says why."""
    n = 8000
    assert n * (n - 1) // 2 > MAX_CANDIDATE_PAIRS
    t = seeded_traffic(n, 5, 2.0)
    tracks = tmp_path / "dense.csv"
    columns = (t.lat, t.lon, t.alt_m, t.trk_deg, t.gs_mps, t.vs_mps)
    lines = ["id,lat,lon,alt_m,trk_deg,gs_mps,vs_mps"]
    lines += [",".join([str(t.ids[k])] + [repr(float(c[k])) for c in columns]) for k in range(n)]
    tracks.write_text("\n".join(lines) + "\n")
    out = tmp_path / "conflicts.csv"
    argv = ["deconflict", "tactical", "--tracks", str(tracks), "--out", str(out)]
    result = CliRunner().invoke(app, argv)
    assert result.exit_code == 4, result.output
    assert "error[invalid-input]: 8,000 tracks are too dense" in result.output
    assert f"{MAX_CANDIDATE_PAIRS:,} candidate pairs" in result.output
    assert "Traceback" not in result.output
