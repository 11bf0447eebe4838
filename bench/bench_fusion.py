"""Fusion benchmark (issue 10): `ceasefire fuse --input` on 10^6 synthetic observations.

    make bench-fusion                                    # 10^6 rows (needs scikit-learn)
    make bench-fusion BENCH_ARGS="--n 100000"            # a quick run
    .venv-bench-fusion/bin/python bench/bench_fusion.py --n 1000000 --skip-dbscan

One run, one fixed seed:

1. generates `--n` CSV rows with a known partition: events on a 24 km grid over Ukraine's
   extent and a year (each grid cell holds at most one event every other day, so distinct
   events can never pass the gates together), 1-5 reports per event, 60 % geolocated sites
   (100-1,000 m, minute or hour dated), 30 % town level (2-5 km, day dated), 10 % wider
   (5-6.5 km, day dated), each report within half its radius of the event, 5 % of rows
   re-delivered. What makes the reports of one event pass the gates of `fusion/gates.py`
   (checked again after the time gate became "share half of the shorter widened interval"
   and discs over 10 km and intervals over 2 days stopped joining): a minute-dated report is
   posted within 5 minutes of the strike, so two of them, each widened by 15 min to 30 min,
   share at least 19 min (15 needed); an hour-dated report names the strike's hour; a
   day-dated report its UTC day (24 h, under the 2-day limit), which contains the timed
   reports; every radius
   is at most 6.5 km, under `WIDE_RADIUS_M`. Real posts can be later than 5 minutes; the
   generator does not model them, because the gates would (rightly) not join them either;
2. runs the whole `ceasefire fuse --input` CLI in a subprocess (CSV parsing included) and
   reads its peak resident set (GNU time), also at n/10 to show how memory grows;
3. checks that the known partition is recovered exactly: every event one incident, nothing
   split, nothing merged;
4. fits scikit-learn's `DBSCAN(min_samples=1)` on the same distinct points in a subprocess
   (projected metres plus time scaled to metres; eps below), timing `fit` alone;
5. on a 10^4 subsample (whole events, in time order) compares a straightforward O(N^2)
   pairwise implementation (the same gates on every pair, union-find) with our search, and
   checks the partitions are equal.
"""

from __future__ import annotations

import argparse
import csv
import math
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from ceasefire.domain.taxonomy import Category  # noqa: E402
from ceasefire.fusion.candidates import candidate_edges  # noqa: E402
from ceasefire.fusion.columns import Columns  # noqa: E402
from ceasefire.fusion.gates import (  # noqa: E402
    CATEGORY_CODE,
    pass_mask,
    precision_codes_for_lengths,
)
from ceasefire.fusion.partition import components  # noqa: E402

CEASEFIRE = Path(sys.executable).parent / "ceasefire"
EARTH_M_PER_DEG = 6_371_008.8 * math.pi / 180
LAT0, LAT1, LON0, LON1 = 44.4, 52.3, 22.2, 40.2  # Ukraine's extent (bounding box)
CELL_M = 24_000.0
YEAR_START = 1_735_689_600.0  # 2025-01-01T00:00:00Z
DAY = 86_400.0
#: DBSCAN works on (x, y, t * v): v turns seconds into metres; eps in those metres.
DBSCAN_V = 0.25
DBSCAN_EPS = 6_000.0
SOURCES = np.array(["bellingcat", "cir", "ucdp", "airforce", "acled", "deepstate"])
SPECIFIC = [
    Category.ARTILLERY_SHELLING,
    Category.AIR_STRIKE,
    Category.LONG_RANGE_MISSILE,
    Category.ONE_WAY_ATTACK_DRONE,
    Category.TACTICAL_DRONE,
]
DRONE = {Category.ONE_WAY_ATTACK_DRONE, Category.TACTICAL_DRONE}

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]


def generate(n_rows: int, seed: int) -> dict[str, Any]:
    """Distinct observations (with their true event) and the rows to write (re-deliveries
    included, shuffled)."""
    rng = np.random.default_rng(seed)
    n_obs = round(n_rows / 1.05)
    reports = rng.integers(1, 6, size=n_obs)  # 1-5 per event, more than needed
    n_events = int(np.searchsorted(np.cumsum(reports), n_obs)) + 1
    reports = reports[:n_events]
    reports[-1] -= int(reports.sum()) - n_obs
    dlat = CELL_M / EARTH_M_PER_DEG
    dlon = CELL_M / (EARTH_M_PER_DEG * math.cos(math.radians(LAT1)))
    rows_, cols_ = int((LAT1 - LAT0) / dlat), int((LON1 - LON0) / dlon)
    slots = rows_ * cols_ * 182
    if n_events > slots:
        raise SystemExit(f"{n_events} events do not fit in {slots} separated slots")
    slot = rng.choice(slots, size=n_events, replace=False)
    cell, k = slot // 182, slot % 182
    r, c = cell // cols_, cell % cols_
    day = 2 * k + (r + c) % 2  # neighbours alternate days, a cell holds one event per 2 days
    ev_lat = LAT0 + (r + 0.5) * dlat + rng.uniform(-1, 1, n_events) * 1_000 / EARTH_M_PER_DEG
    ev_lon = LON0 + (c + 0.5) * dlon
    ev_lon += rng.uniform(-1, 1, n_events) * 1_000 / (EARTH_M_PER_DEG * np.cos(np.radians(ev_lat)))
    ev_t = YEAR_START + (day + rng.uniform(0.0, 1.0, n_events)) * DAY
    ev_cat = rng.integers(0, len(SPECIFIC), n_events)

    event = np.repeat(np.arange(n_events), reports)
    kind = rng.choice(3, size=n_obs, p=[0.6, 0.3, 0.1])
    radius = np.select(
        [kind == 0, kind == 1],
        [rng.uniform(100, 1_000, n_obs), rng.uniform(2_000, 5_000, n_obs)],
        rng.uniform(5_000, 6_500, n_obs),
    )
    dist = 0.5 * radius * np.sqrt(rng.uniform(0, 1, n_obs))
    bearing = rng.uniform(0, 2 * math.pi, n_obs)
    lat = ev_lat[event] + dist * np.cos(bearing) / EARTH_M_PER_DEG
    lon = ev_lon[event] + dist * np.sin(bearing) / (
        EARTH_M_PER_DEG * np.cos(np.radians(ev_lat[event]))
    )
    t = ev_t[event]
    hourly = rng.uniform(0, 1, n_obs) < 0.3
    minute_start = np.floor((t + rng.uniform(-300, 300, n_obs)) / 60) * 60
    start = np.where(kind == 0, np.where(hourly, np.floor(t / 3_600) * 3_600, minute_start),
                     np.floor(t / DAY) * DAY)  # fmt: skip
    end = start + np.where(kind == 0, np.where(hourly, 3_600.0, 0.0), DAY)
    cats = np.array([str(c) for c in SPECIFIC] + ["strike_unspecified", "unidentified_drone"])
    generic = rng.uniform(0, 1, n_obs) < 0.2
    is_drone = np.isin(ev_cat[event], [SPECIFIC.index(d) for d in DRONE])
    cat = np.where(generic, np.where(is_drone, 6, 5), ev_cat[event])
    ids = np.array([f"obs-{v:08d}" for v in rng.permutation(n_obs)])
    source = SOURCES[rng.integers(0, len(SOURCES), n_obs)]
    order = np.concatenate([np.arange(n_obs), rng.integers(0, n_obs, n_rows - n_obs)])
    rng.shuffle(order)
    return {
        "ids": ids, "source": source, "start": start, "end": end, "lat": lat, "lon": lon,
        "radius": radius, "cat": cat, "cat_names": cats, "event": event, "order": order,
        "n_events": n_events,
    }  # fmt: skip


def _iso(seconds: F64) -> NDArray[np.str_]:
    return np.char.add(np.datetime_as_string(seconds.astype("datetime64[s]"), unit="s"), "Z")


def write_csv(data: dict[str, Any], path: Path) -> None:
    o = data["order"]
    t0, t1 = _iso(data["start"][o]), _iso(data["end"][o])
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write("id,source,t_start,t_end,lat,lon,radius_m,category\n")
        cats = data["cat_names"][data["cat"][o]]
        fields = zip(
            data["ids"][o].tolist(), data["source"][o].tolist(), t0.tolist(), t1.tolist(),
            data["lat"][o].tolist(), data["lon"][o].tolist(), data["radius"][o].tolist(),
            cats.tolist(), strict=True,
        )  # fmt: skip
        line = "{},{},{},{},{:.6f},{:.6f},{:.0f},{}\n".format
        handle.writelines(line(*row) for row in fields)


def measured(command: list[str], tmp: Path) -> tuple[float, float, str]:
    """Wall time (s), peak RSS (MiB) and stdout of `command`, run under GNU time: its peak is
    the command's own (a child forked from this big process would inherit our high-water
    mark in ru_maxrss)."""
    report = tmp / "time.txt"
    begin = time.perf_counter()
    done = subprocess.run(
        ["/usr/bin/time", "-f", "%M", "-o", str(report), *command],
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - begin
    if done.returncode != 0:
        raise SystemExit(f"{command[0]} failed: {done.stderr[-2000:]}")
    return wall, int(report.read_text().split()[-1]) / 1024, done.stdout


def run_cli(csv_path: Path, out: Path, tmp: Path) -> tuple[float, float]:
    """Wall time (s) and peak RSS (MiB) of the whole `ceasefire fuse --input` process."""
    command = [str(CEASEFIRE), "fuse", "--input", str(csv_path), "--out", str(out)]
    wall, rss, stdout = measured(command, tmp)
    print("  cli:", stdout.strip())
    return wall, rss


def check_partition(data: dict[str, Any], out: Path) -> tuple[bool, int, int, int]:
    """(exact, incidents, events split, incidents merging events) of the CLI output."""
    event_of = dict(zip(data["ids"].tolist(), data["event"].tolist(), strict=True))
    incident_events: dict[str, set[int]] = {}
    event_incidents: dict[int, set[str]] = {}
    with out.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        for obs, inc in reader:
            ev = event_of[obs]
            incident_events.setdefault(inc, set()).add(ev)
            event_incidents.setdefault(ev, set()).add(inc)
    split = sum(1 for v in event_incidents.values() if len(v) > 1)
    merged = sum(1 for v in incident_events.values() if len(v) > 1)
    exact = split == 0 and merged == 0 and len(event_incidents) == data["n_events"]
    return exact, len(incident_events), split, merged


def dbscan_worker(points_path: str) -> None:
    from sklearn.cluster import DBSCAN

    points = np.load(points_path)
    begin = time.perf_counter()
    labels = DBSCAN(eps=DBSCAN_EPS, min_samples=1).fit(points).labels_
    print(f"{time.perf_counter() - begin:.3f} {len(set(labels.tolist()))}")


def run_dbscan(data: dict[str, Any], tmp: Path) -> tuple[float, float, int]:
    """DBSCAN fit time (s), peak RSS of its process (MiB) and its cluster count."""
    from ceasefire.geo.projection import LocalProjection

    proj = LocalProjection(31.2, 48.4)
    x, y = proj.points_to_metres(data["lon"], data["lat"])
    mid = (data["start"] + data["end"]) / 2
    points = np.column_stack((x, y, (mid - YEAR_START) * DBSCAN_V))
    path = tmp / "points.npy"
    np.save(path, points)
    command = [sys.executable, __file__, "--dbscan-worker", str(path)]
    _, rss, stdout = measured(command, tmp)  # fails if scikit-learn is missing
    fit, clusters = stdout.split()
    return float(fit), rss, int(clusters)


def columns_of(data: dict[str, Any], rows: I64) -> Columns:
    order = rows[np.argsort(data["ids"][rows])]
    start, end = data["start"][order], data["end"][order]
    code_of = {name: CATEGORY_CODE[Category(name)] for name in data["cat_names"].tolist()}
    codes = np.array([code_of[n] for n in data["cat_names"].tolist()], dtype=np.int8)
    return Columns(
        ids=data["ids"][order].tolist(), lat=data["lat"][order], lon=data["lon"][order],
        radius=data["radius"][order], start=start, end=end, category=codes[data["cat"][order]],
        precision=precision_codes_for_lengths(end - start),
    )  # fmt: skip


def naive_partition(c: Columns) -> I64:
    """Every pair through the same gates, union-find: O(N^2)."""
    n = len(c)
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    tol = c.tolerance
    for i in range(n - 1):
        j = np.arange(i + 1, n, dtype=np.int64)
        ok = pass_mask(c.lat, c.lon, c.radius, c.start, c.end, tol, c.category,
                       np.full(len(j), i, dtype=np.int64), j)  # fmt: skip
        for k in j[ok].tolist():
            a, b = root(i), root(k)
            if a != b:
                parent[max(a, b)] = min(a, b)
    return np.array([root(i) for i in range(n)], dtype=np.int64)


def same_partition(a: I64, b: I64) -> bool:
    pairs = set(zip(a.tolist(), b.tolist(), strict=True))
    return len(pairs) == len(set(a.tolist())) == len(set(b.tolist()))


def subsample(data: dict[str, Any], size: int) -> I64:
    """Whole events in time order until `size` observations."""
    first = np.argsort(data["start"], kind="stable")
    events: list[int] = []
    seen: set[int] = set()
    for ev in data["event"][first].tolist():
        if ev not in seen:
            seen.add(ev)
            events.append(ev)
        if len(seen) * 3 > size * 1.2:
            break
    rows = np.flatnonzero(np.isin(data["event"], np.array(events)))
    return rows[np.argsort(data["start"][rows], kind="stable")][:size]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="CSV rows (re-deliveries too)")
    parser.add_argument("--naive-n", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument("--skip-dbscan", action="store_true")
    parser.add_argument("--skip-small", action="store_true", help="no n/10 memory run")
    parser.add_argument("--dbscan-worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.dbscan_worker:
        dbscan_worker(args.dbscan_worker)
        return
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        sizes = [args.n] if args.skip_small else [args.n // 10, args.n]
        results: dict[int, tuple[float, float]] = {}
        for n in sizes:
            begin = time.perf_counter()
            data = generate(n, args.seed)
            src, out = tmp / f"obs-{n}.csv", tmp / f"out-{n}.csv"
            write_csv(data, src)
            print(f"n={n:,}: generated {len(data['ids']):,} observations of "
                  f"{data['n_events']:,} events, {src.stat().st_size / 2**20:.0f} MiB CSV "
                  f"in {time.perf_counter() - begin:.1f} s")  # fmt: skip
            wall, rss = run_cli(src, out, tmp)
            results[n] = (wall, rss)
            exact, incidents, split, merged = check_partition(data, out)
            print(f"  fuse --input: {wall:.2f} s wall, peak RSS {rss:.0f} MiB; "
                  f"{incidents:,} incidents for {data['n_events']:,} events; "
                  f"partition recovered exactly: {exact} "
                  f"(split {split}, merged {merged})")  # fmt: skip
        if len(sizes) == 2:
            (w1, m1), (w2, m2) = results[sizes[0]], results[sizes[1]]
            per_row = (m2 - m1) / (sizes[1] - sizes[0]) * 2**20
            print(f"  growth x10 rows: time x{w2 / w1:.1f}, peak RSS x{m2 / m1:.1f} "
                  f"({per_row:.0f} bytes per extra row)")  # fmt: skip
        if not args.skip_dbscan:
            fit, dbrss, clusters = run_dbscan(data, tmp)
            print(f"  DBSCAN(eps={DBSCAN_EPS:.0f} m, min_samples=1) fit alone: {fit:.2f} s, "
                  f"peak RSS {dbrss:.0f} MiB, {clusters:,} clusters")  # fmt: skip
            print(f"  ratio DBSCAN fit / whole fuse CLI run: {fit / results[args.n][0]:.2f}x")
        rows = subsample(data, args.naive_n)
        cols = columns_of(data, rows)
        begin = time.perf_counter()
        ours = components(len(cols), candidate_edges(cols))[1]
        t_ours = time.perf_counter() - begin
        begin = time.perf_counter()
        naive = naive_partition(cols)
        t_naive = time.perf_counter() - begin
        print(f"subsample {len(cols):,} observations: O(N^2) pairwise {t_naive:.2f} s, "
              f"ours {t_ours:.3f} s, ratio {t_naive / t_ours:.0f}x; "
              f"same partition: {same_partition(ours, naive)}")  # fmt: skip


if __name__ == "__main__":
    main()
