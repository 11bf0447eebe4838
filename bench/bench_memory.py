"""Peak memory benchmark (issue 9, defect 10): tactical detection and bulletin ingest.

    .venv/bin/python bench/bench_memory.py                      # every case
    .venv/bin/python bench/bench_memory.py --cases tactical     # or: ingest, or case names

Every case runs in a fresh subprocess, so its peak resident set (ru_maxrss) is its own:

- tactical-<density>-<N>: fixed-seed traffic (the generator of bench_deconflict.py) at en-route
  density (one aircraft per 500 km^2), or packed into one 600 km x 600 km theatre ("dense");
  reports the peak RSS of the whole process, its growth during `detect`, the time, and the
  number of candidate pairs and conflicts, or the refusal above the documented limit.
- ingest-<rows>: a bulletin CSV of that many rows, generated on the fly from the bundled Air
  Force bulletins (each copy of a row under its own post, so none is a duplicate), ingested
  by `ceasefire ingest --db` into a new SQLite store; reports the peak RSS of that process.

Writes bench/results/memory.json and prints a Markdown table (docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BULLETINS = ROOT / "data" / "missile_attacks" / "missile_attacks_daily.csv"
CEASEFIRE = Path(sys.executable).parent / "ceasefire"
THEATRE_KM = 600.0  # side of the square a dense theatre packs all its tracks into
TACTICAL = {
    f"tactical-{density}-{n}": (density, n)
    for density in ("enroute", "dense")
    for n in (20_000, 200_000)
}
INGEST = {f"ingest-{n}": n for n in (100_000, 1_000_000)}


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def tactical_worker(density: str, n: int) -> dict[str, Any]:
    """Detection on one snapshot, in this (fresh) process."""
    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(ROOT / "bench"))
    import bench_deconflict as traffic_bench
    from ceasefire.deconflict.tactical import TooManyPairsError, detect

    if density == "dense":  # the same generator, at the density of n tracks in the theatre
        traffic_bench.KM2_PER_AIRCRAFT = THEATRE_KM**2 / n
    t = traffic_bench.random_traffic(n, seed=42)
    base = _rss_mib()
    start = time.perf_counter()
    outcome: dict[str, Any]
    try:
        found = detect(t, traffic_bench.RPZ_M, traffic_bench.HPZ_M, traffic_bench.LOOKAHEAD_S)
        outcome = {"candidates": found.candidates, "conflicts": len(found)}
    except TooManyPairsError as refused:
        outcome = {"refused": refused.detail}
    seconds = time.perf_counter() - start
    peak = _rss_mib()
    return {"peak_rss_mib": peak, "growth_mib": peak - base, "seconds": seconds, **outcome}


def bulletin_rows(n: int, out: Path) -> int:
    """Write `n` bulletin-like rows: the real rows again and again, each copy under its own
    post, so that every row is a distinct observation (about 210 bytes a row)."""
    with BULLETINS.open(newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader)
        rows = list(reader)
    source = header.index("source")
    with out.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        for k in range(n):
            row = list(rows[k % len(rows)])
            row[source] = f"{row[source]}-bench{k}"  # its own post: a distinct report
            writer.writerow(row)
    return out.stat().st_size


def ingest_case(n: int) -> dict[str, Any]:
    """`ceasefire ingest` of n generated rows into a new store, peak RSS of that process."""
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "bulletins.csv"
        size = bulletin_rows(n, source)
        start = time.perf_counter()
        done = subprocess.run(
            [str(CEASEFIRE), "ingest", "--db", str(Path(tmp) / "store.db"), str(source)],
            capture_output=True,
            text=True,
            check=False,
        )
        seconds = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    last = (done.stdout.strip().splitlines() or done.stderr.strip().splitlines() or [""])[-1]
    return {
        "file_mib": size / 2**20,
        "peak_rss_mib": peak,
        "seconds": seconds,
        "exit": done.returncode,
        "summary": last[:200],
    }


def run_case(name: str) -> dict[str, Any]:
    """One case in a fresh interpreter (ingest: this process only spawns `ceasefire`)."""
    done = subprocess.run(
        [sys.executable, __file__, "--worker", name], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1:] or [f"exit {done.returncode}"]}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--cases", default="tactical,ingest", help="kinds or case names")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        if args.worker in TACTICAL:
            print(json.dumps(tactical_worker(*TACTICAL[args.worker])))
        else:
            print(json.dumps(ingest_case(INGEST[args.worker])))
        return
    wanted = args.cases.split(",")
    names = [
        name for name in [*TACTICAL, *INGEST] if name in wanted or name.split("-", 1)[0] in wanted
    ]
    results = {}
    for name in names:
        results[name] = run_case(name)
        print(f"{name}: {json.dumps(results[name])}", flush=True)
    out = ROOT / "bench" / "results" / "memory.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print("\n| case | peak RSS (MiB) | time (s) | outcome |\n|---|---|---|---|")
    for name, r in results.items():
        outcome = r.get("refused") or r.get("summary") or r.get("error")
        if "conflicts" in r:
            outcome = f"{r['candidates']:,} candidate pairs, {r['conflicts']:,} conflicts"
        peak, seconds = r.get("peak_rss_mib", 0), r.get("seconds", 0)
        print(f"| {name} | {peak:,.0f} | {seconds:.1f} | {outcome} |")


if __name__ == "__main__":
    main()
