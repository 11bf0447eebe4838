"""Deconfliction benchmark: ours vs BlueSky 1.1.1 StateBased (numpy) and CStateBased (C++).

One command (creates .venv-bench with bluesky-simulator, then runs this file):
    make bench-deconflict
or, in an environment that has both packages:
    python bench/bench_deconflict.py [--sizes 1000,2000,5000,10000,20000] [--quick]

Every (detector, scenario) runs in its own subprocess pinned to one CPU, so peak memory
(ru_maxrss growth during detection) and time are its own. Conflict pairs of all detectors are
compared unordered; disagreements are classified as inside/outside the boundary band
(docs/deconfliction.md). BlueSky numpy needs dense N x N arrays: sizes whose predicted memory
exceeds --mem-budget-gb are skipped and reported as such. Also times strategic submissions
against 10,000 live intents. Writes bench/results/deconflict.json and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from ceasefire.deconflict.tactical import Traffic, detect, pair_metrics  # noqa: E402
from ceasefire.deconflict.tracks import TrackStore  # noqa: E402
from ceasefire.ingest.adsb import parse_traffic_json  # noqa: E402

RPZ_M = 9260.0  # 5 NM
HPZ_M = 304.8  # 1,000 ft
LOOKAHEAD_S = 300.0
KM2_PER_AIRCRAFT = 500.0  # en-route density: one aircraft per 500 km^2 at FL200-FL400
REPLAY_FILE = ROOT / "data" / "traffic_samples" / "derived_switzerland_10min.json.gz"
DETECTORS = ("ours", "bluesky_cpp", "bluesky_numpy")


def random_traffic(n: int, seed: int) -> Traffic:
    """Fixed-seed en-route traffic: uniform in a square sized for constant density."""
    rng = np.random.default_rng(seed)
    side_km = float(np.sqrt(n * KM2_PER_AIRCRAFT))
    lat0 = 48.5
    lat = lat0 + rng.uniform(-0.5, 0.5, n) * side_km / 111.2
    lon = 31.0 + rng.uniform(-0.5, 0.5, n) * side_km / (111.2 * np.cos(np.radians(lat0)))
    vs = np.where(rng.random(n) < 0.2, rng.uniform(-12.0, 12.0, n), 0.0)
    return Traffic(
        np.array([f"AC{k:05d}" for k in range(n)], dtype=np.str_),
        lat,
        lon,
        rng.uniform(6096.0, 12192.0, n),
        rng.uniform(0.0, 360.0, n),
        rng.uniform(180.0, 260.0, n),
        vs,
    )


def replay_snapshots() -> list[Traffic]:
    """Real ADS-B (traffic library sample, Switzerland): a snapshot every 60 s for 10 min."""
    with gzip.open(REPLAY_FILE, "rt") as f:
        states = sorted(
            parse_traffic_json(json.load(f), REPLAY_FILE.name).states, key=lambda s: s.t
        )
    t0 = states[0].t
    snaps = []
    for k in range(1, 11):
        now = t0 + 60.0 * k
        store = TrackStore()
        store.update_all(s for s in states if s.t <= now)
        store.expire(now, 120.0)
        snaps.append(store.snapshot(now))
    return snaps


def scenario(name: str) -> list[Traffic]:
    if name == "replay":
        return replay_snapshots()
    n = int(name.split("_")[1])
    return [random_traffic(n, seed=n)]


def _pin_one_core() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def worker(detector: str, name: str, repeats: int, out: Path) -> None:
    """Run one detector on one scenario; write timings, memory and pairs to `out`."""
    _pin_one_core()
    snaps = scenario(name)
    run: Any
    if detector == "ours":
        detect(snaps[0], RPZ_M, HPZ_M, LOOKAHEAD_S)  # warm-up (imports, first-call costs)

        def run(t: Traffic) -> set[tuple[str, str]]:
            r = detect(t, RPZ_M, HPZ_M, LOOKAHEAD_S)
            return set(zip(t.ids[r.i].tolist(), t.ids[r.j].tolist(), strict=True))
    else:
        from bluesky.traffic.asas import cstatebased, statebased

        def run(t: Traffic) -> set[tuple[str, str]]:
            n = len(t)
            ac = SimpleNamespace(
                ntraf=n,
                id=t.ids.tolist(),
                lat=t.lat,
                lon=t.lon,
                trk=t.trk_deg,
                gs=t.gs_mps,
                alt=t.alt_m,
                vs=t.vs_mps,
            )
            ones = np.ones(n)
            args = (ac, ac, RPZ_M * ones, HPZ_M * ones, LOOKAHEAD_S * ones)
            if detector == "bluesky_numpy":
                res = statebased.StateBased.detect(None, *args)
            else:
                res = cstatebased.detect(*args)
            return {(a, b) if a < b else (b, a) for a, b in res[0]}

    times: list[float] = []
    pairs: set[tuple[str, str]] = set()
    for _ in range(repeats):
        pairs = set()
        t0 = time.perf_counter()
        for k, snap in enumerate(snaps):
            pairs |= {(f"{k}:{a}", f"{k}:{b}") for a, b in run(snap)}
        times.append(time.perf_counter() - t0)
    # Memory in a separate, untimed run: tracemalloc sees numpy buffers and the Python
    # objects the C++ extension creates, and costs time we do not want in the figures.
    tracemalloc.start()
    for snap in snaps:
        run(snap)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    out.write_text(
        json.dumps(
            {
                "time_s": min(times),
                "times_s": times,
                "peak_mem_bytes": peak,
                "pairs": sorted(pairs),
            }
        )
    )


def run_worker(detector: str, name: str, repeats: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "r.json"
        env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
        cmd = [sys.executable, __file__, "--worker", detector, name, str(repeats), str(out)]
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
        if proc.returncode != 0 or not out.exists():
            return {"error": (proc.stderr or proc.stdout).strip().splitlines()[-1:]}
        result: dict[str, Any] = json.loads(out.read_text())
        return result


def boundary_band(name: str, pairs: set[tuple[str, str]]) -> tuple[int, int]:
    """(inside, outside) the boundary band for pairs on which detectors disagree."""
    snaps = scenario(name)
    inside = outside = 0
    for p in pairs:
        k_a, a = p[0].split(":", 1)
        _, b = p[1].split(":", 1)
        t = snaps[int(k_a)]
        idx = {v: n for n, v in enumerate(t.ids.tolist())}
        i, j = np.array([idx[a]]), np.array([idx[b]])
        m = pair_metrics(t, i, j, RPZ_M, HPZ_M, LOOKAHEAD_S)
        eps = 1e-6
        dcpa = float(np.sqrt(m.dcpa2_m2[0]))
        band = (
            abs(dcpa - RPZ_M) <= eps * RPZ_M
            or abs(float(m.tin_s[0]) - LOOKAHEAD_S) <= eps
            or abs(float(m.tin_s[0]) - float(m.tout_s[0])) <= eps
            or abs(float(m.tout_s[0])) <= eps
            or (abs(float(m.dvs_mps[0])) < 1e-6 and abs(abs(float(m.dalt_m[0])) - HPZ_M) <= 1e-3)
            or float(m.vrel2[0]) <= 1e-6
        )
        inside += int(band)
        outside += int(not band)
    return inside, outside


def strategic_bench(n_live: int, n_submit: int, seed: int = 42) -> dict[str, Any]:
    """Time submissions against `n_live` live intents (random boxes over ~1,000 km)."""
    from ceasefire.deconflict.strategic import StrategicDeconflictor
    from ceasefire.domain.intent import IntentState, OperationalIntent, Volume4D

    rng = np.random.default_rng(seed)
    t0 = datetime(2026, 1, 15, tzinfo=UTC)

    def make(k: int, priority: int) -> OperationalIntent:
        lon = 24.0 + rng.uniform(0, 14.0)
        lat = 44.5 + rng.uniform(0, 8.0)
        w, h = rng.uniform(0.01, 0.12), rng.uniform(0.01, 0.09)  # ~1-9 km
        lo = float(rng.uniform(0, 11000))
        start = t0 + timedelta(minutes=float(rng.uniform(0, 24 * 60)))
        vol = Volume4D(
            ((lon, lat), (lon + w, lat), (lon + w, lat + h), (lon, lat + h)),
            lo,
            lo + float(rng.uniform(300, 3000)),
            start,
            start + timedelta(minutes=float(rng.uniform(30, 240))),
        )
        return OperationalIntent(
            f"op{k}", "EU-AIR", "FR", "reassurance", priority, IntentState.ACCEPTED, (vol,)
        )

    d = StrategicDeconflictor()
    seed_start = time.perf_counter()
    for k in range(n_live):
        it = make(k, priority=k + 1)  # strictly increasing priority: every seed stands
        d.submit(it, d.view(it))
    seed_s = time.perf_counter() - seed_start
    live_before = len(d.live())
    check, view, total, accepted = [], [], [], 0
    for k in range(n_submit):
        it = make(n_live + k, priority=0)
        t_a = time.perf_counter()
        seen = d.view(it)
        t_b = time.perf_counter()
        dec = d.submit(it, seen)
        t_c = time.perf_counter()
        view.append(t_b - t_a)
        check.append(t_c - t_b)
        total.append(t_c - t_a)
        accepted += int(dec.accepted)
    return {
        "live_intents": live_before,
        "submissions": n_submit,
        "accepted": accepted,
        "seed_total_s": seed_s,
        "submit_median_ms": 1000 * statistics.median(check),
        "submit_p95_ms": 1000 * float(np.percentile(check, 95)),
        "submit_max_ms": 1000 * max(check),
        "view_median_ms": 1000 * statistics.median(view),
        "view_plus_submit_median_ms": 1000 * statistics.median(total),
        "view_plus_submit_p95_ms": 1000 * float(np.percentile(total, 95)),
        "view_plus_submit_max_ms": 1000 * max(total),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--sizes", default="1000,2000,5000,10000,20000")
    ap.add_argument("--mem-budget-gb", type=float, default=8.0)
    ap.add_argument("--quick", action="store_true", help="sizes 1000,2000 and 1,000 intents")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "deconflict.json"))
    args = ap.parse_args()
    sizes = [1000, 2000] if args.quick else [int(s) for s in args.sizes.split(",")]
    try:
        import bluesky  # noqa: F401

        detectors: tuple[str, ...] = DETECTORS
    except ImportError:
        print("bluesky-simulator not installed: timing ours only (use make bench-deconflict)")
        detectors = ("ours",)

    rows: list[dict[str, Any]] = []
    numpy_bytes_per_pair: float | None = None
    for name in ["replay", *[f"random_{n}" for n in sizes]]:
        # For the replay, N is the largest snapshot (the pairs are summed over 10 snapshots).
        n = max(len(t) for t in replay_snapshots()) if name == "replay" else int(name.split("_")[1])
        results: dict[str, dict[str, Any]] = {}
        for det in detectors:
            if det == "bluesky_numpy" and numpy_bytes_per_pair and name != "replay":
                predicted = numpy_bytes_per_pair * n * n
                if predicted > args.mem_budget_gb * 1e9:
                    results[det] = {"skipped": f"predicted {predicted / 1e9:.1f} GB > budget"}
                    continue
            repeats = 5 if det == "ours" else (3 if n <= 2000 else 1)
            print(f"  {name:>13} {det:<14}", end="", flush=True)
            r = run_worker(det, name, repeats)
            results[det] = r
            print(
                f" {r.get('time_s', float('nan')):9.4f} s  {len(r.get('pairs', [])):6d} pairs"
                f"  {r.get('peak_mem_bytes', 0) / 1e6:9.1f} MB {r.get('error', '')}"
            )
            if det == "bluesky_numpy" and name != "replay" and "peak_mem_bytes" in r:
                numpy_bytes_per_pair = max(r["peak_mem_bytes"] / (n * n), numpy_bytes_per_pair or 0)
        ours: set[tuple[str, str]] = {(a, b) for a, b in results["ours"]["pairs"]}
        row: dict[str, Any] = {"scenario": name, "n": n}
        for det, r in results.items():
            row[det] = {k: v for k, v in r.items() if k != "pairs"}
            if "pairs" in r:
                row[det]["n_pairs"] = len(r["pairs"])
                if det != "ours":
                    diff = ours ^ {(a, b) for a, b in r["pairs"]}
                    inside, outside = boundary_band(name, diff)
                    row[det]["disagree_in_band"] = inside
                    row[det]["disagree_outside_band"] = outside
        rows.append(row)

    strategic = strategic_bench(1000 if args.quick else 10_000, 200)
    out = {
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "parameters": {
            "rpz_m": RPZ_M,
            "hpz_m": HPZ_M,
            "lookahead_s": LOOKAHEAD_S,
            "km2_per_aircraft": KM2_PER_AIRCRAFT,
        },
        "tactical": rows,
        "strategic": strategic,
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(out, indent=2))
    print_table(out)


def print_table(out: dict[str, Any]) -> None:
    """Markdown summary, as pasted into docs/benchmarks.md."""
    print(
        "\n| scenario | N | detector | time (s) | pairs | peak mem (MB) | disagree (band/outside) |"
    )
    print("|---|---|---|---|---|---|---|")
    for row in out["tactical"]:
        for det in DETECTORS:
            r = row.get(det)
            if r is None:
                continue
            if "skipped" in r or "error" in r:
                why = r.get("skipped") or r.get("error")
                print(f"| {row['scenario']} | {row['n']} | {det} | - | - | - | {why} |")
                continue
            dis = (
                f"{r['disagree_in_band']}/{r['disagree_outside_band']}"
                if "disagree_in_band" in r
                else "-"
            )
            print(
                f"| {row['scenario']} | {row['n']} | {det} | {r['time_s']:.4f} | {r['n_pairs']} "
                f"| {r['peak_mem_bytes'] / 1e6:.1f} | {dis} |"
            )
    s = out["strategic"]
    print(
        f"\nStrategic: {s['live_intents']} live intents, {s['submissions']} submissions "
        f"({s['accepted']} accepted): check median {s['submit_median_ms']:.2f} ms, "
        f"p95 {s['submit_p95_ms']:.2f} ms, max {s['submit_max_ms']:.2f} ms; "
        f"area view median {s['view_median_ms']:.2f} ms"
    )


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "--worker":
        worker(sys.argv[2], sys.argv[3], int(sys.argv[4]), Path(sys.argv[5]))
    else:
        main()
