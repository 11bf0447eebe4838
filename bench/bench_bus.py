"""Bus benchmark: the bundled real data through NATS JetStream into a ledgered store, against
`ceasefire ingest` of the same files. A first measurement, not the 10^6 benchmark of issue 13.

Run (about a minute; needs nats-server on PATH, started here on a free port)::

    .venv/bin/python bench/bench_bus.py                 # 1 and 2 workers
    .venv/bin/python bench/bench_bus.py --workers 1 2 3 --batch 200

For each worker count, in fresh temporary directories: our own nats-server, a SQLite store
with an initialised ledger, N `ceasefire worker` processes; then `ceasefire publish` of the
bundled files. Measured: publish (reading, encoding, one synchronous JetStream round trip per
message) and end to end (publish start until the store holds every observation). The
baseline is `ceasefire ingest` of the same files into a ledgered store. Every run must end
with exactly the ledger ids the baseline stored (checked; the run fails otherwise).
"""

from __future__ import annotations

import argparse
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ceasefire.ledger.note import Signer
from ceasefire.paths import bundled_sources
from ceasefire.store import SqliteStore

CEASEFIRE = str(Path(sys.executable).parent / "ceasefire")


def ledgered(db: Path) -> None:
    store = SqliteStore(db)
    store.initialise_ledger("bench/bus", Signer.generate("bench/bus").verifier())
    store.close()


def ledger_ids(db: Path) -> set[str]:
    with sqlite3.connect(db) as connection:
        return {r[0] for r in connection.execute("SELECT ledger_id FROM records")}


def rows(db: Path) -> int:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=60) as connection:
        return int(connection.execute("SELECT count(*) FROM records").fetchone()[0])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def ingest_baseline(tmp: Path, files: list[str]) -> tuple[float, set[str]]:
    db = tmp / "ingest.db"
    ledgered(db)
    start = time.perf_counter()
    subprocess.run([CEASEFIRE, "ingest", "--db", str(db), *files], check=True,
                   capture_output=True)
    return time.perf_counter() - start, ledger_ids(db)


def through_bus(
    tmp: Path, files: list[str], workers: int, batch: int, expected: int
) -> tuple[float, float]:
    port = free_port()
    (tmp / "js").mkdir()
    server = subprocess.Popen(
        [shutil.which("nats-server") or "/usr/sbin/nats-server", "-js", "-sd",
         str(tmp / "js"), "-a", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"nats://127.0.0.1:{port}"
    db = tmp / "bus.db"
    ledgered(db)
    time.sleep(1.0)  # the server starts listening
    procs = [
        subprocess.Popen([CEASEFIRE, "worker", "--bus", url, "--db", str(db), "--batch",
                          str(batch), "--stop-when-idle", "5"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(workers)
    ]
    try:
        time.sleep(3.0)  # the workers start and create their consumer
        start = time.perf_counter()
        subprocess.run([CEASEFIRE, "publish", "--bus", url, *files], check=True,
                       capture_output=True)
        published = time.perf_counter() - start
        while rows(db) < expected:
            time.sleep(0.05)
        end_to_end = time.perf_counter() - start
        for p in procs:
            p.wait(timeout=120)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return published, end_to_end


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--batch", type=int, default=100)
    args = parser.parse_args()
    files = [str(p) for p in bundled_sources()]
    with tempfile.TemporaryDirectory() as tmp:
        baseline, expected = ingest_baseline(Path(tmp), files)
    n = len(expected)
    print(f"{n} observations (the bundled real data), batch {args.batch}\n")
    print("| path | publish s | end to end s | observations/s end to end | same ledger ids |")
    print("|---|---:|---:|---:|---|")
    print(f"| `ceasefire ingest` (baseline) | - | {baseline:.1f} | {n / baseline:,.0f} | - |")
    for workers in args.workers:
        with tempfile.TemporaryDirectory() as tmp:
            published, total = through_bus(Path(tmp), files, workers, args.batch, n)
            same = ledger_ids(Path(tmp) / "bus.db") == expected
        print(f"| publish + {workers} worker(s) over NATS | {published:.1f} | {total:.1f} |"
              f" {n / total:,.0f} | {'yes' if same else 'NO'} |")
        if not same:
            raise SystemExit("the bus stored other records than ingest")


if __name__ == "__main__":
    main()
