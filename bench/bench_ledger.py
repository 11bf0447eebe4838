"""Ledger benchmark: append throughput, proof generation and verification vs log size.

Run (default sizes 10^4 and 10^6, about a minute)::

    .venv/bin/python bench/bench_ledger.py
    .venv/bin/python bench/bench_ledger.py --sizes 10000,1000000,10000000   # ~5 min

Single-threaded throughout, so every figure is for one core. For each size
it measures, in the same run:

- core append: canonical bytes -> leaf hashes -> tiles, batched, in memory;
- persisted append: the same through `Ledger` into SQLite (WAL), batched;
- naive append: one record per transaction (what batching saves);
- raw SQLite ceiling: inserting the same rows with no hashing at all;
- inclusion and consistency proof generation from the persisted tiles
  (a fresh `Ledger`, so random proofs mostly read level-0 tiles from SQLite:
  "cold"), and the same inclusion proofs again with their tiles cached ("warm");
- proof verification (RFC 9162 algorithms);
- naive proof: recomputing the needed subtrees from all leaf hashes.

Timings are printed as a Markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import platform
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from ceasefire.ledger import tiles
from ceasefire.ledger.canonical import canonical_json
from ceasefire.ledger.log import Ledger
from ceasefire.ledger.merkle import (
    LeafHashes,
    inclusion_proof,
    leaf_hash,
    verify_consistency,
    verify_inclusion,
)
from ceasefire.store.sqlite_ledger import PAGE_SIZE, SqliteLedgerStorage

BATCH = 100_000


def make_entries(start: int, count: int) -> list[tuple[str, bytes]]:
    """Deterministic observation-like records, already canonical (~150 bytes each).

    Written with a template (keys already in canonical order) because building
    10^7 records through `canonical_json` would dominate the run; `check_template`
    proves the template's bytes are canonical.
    """
    out = []
    for i in range(start, start + count):
        rid = f"obs-{i:09d}"
        lat = 47.5 + (i % 1000) / 10000
        data = (
            f'{{"count":{i % 17},"id":"{rid}","kind":"observation","lat":{lat!r},'
            f'"lon":34.4,"source":"uaf-bulletin","time":"2025-04-19T15:00:00Z","weapon":"Shahed-136"}}'
        ).encode()
        out.append((rid, data))
    return out


def check_template() -> None:
    """The benchmark's records are exactly what `Ledger.append_many` would store."""
    for rid, data in make_entries(0, 2000):
        assert canonical_json(json.loads(data)) == data, rid


def batches(n: int) -> Iterator[list[tuple[str, bytes]]]:
    for start in range(0, n, BATCH):
        yield make_entries(start, min(BATCH, n - start))


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def bench_size(n: int, workdir: Path, proofs: int, naive_proofs: int) -> dict[str, float]:
    rng = random.Random(n)
    res: dict[str, float] = {"n": n}

    # core append: hashing + tiles only, in memory
    store: dict[tiles.TileKey, bytes] = {}
    edge: dict[int, bytes] = {}
    all_hashes: list[bytes] = []
    core_s = 0.0
    size = 0
    for batch in batches(n):
        t = time.perf_counter()
        hashes = [leaf_hash(data) for _, data in batch]
        written, edge = tiles.extend(size, edge, hashes)
        store.update(written)
        core_s += time.perf_counter() - t
        size += len(batch)
        all_hashes.extend(hashes)
    res["core_append_per_s"] = n / core_s
    del store

    # persisted append through Ledger into SQLite
    db = workdir / f"ledger-{n}.db"
    storage = SqliteLedgerStorage(db)
    ledger = Ledger(storage)
    persisted_s = 0.0
    for batch in batches(n):
        t = time.perf_counter()
        ledger.append_entries(batch)
        persisted_s += time.perf_counter() - t
    res["persisted_append_per_s"] = n / persisted_s

    # naive append: one transaction per record, on top of the same log
    sample = make_entries(n, min(2000, n))
    t = time.perf_counter()
    for entry in sample:
        ledger.append_entries([entry])
    res["unbatched_append_per_s"] = len(sample) / (time.perf_counter() - t)

    # SQLite alone: the same rows, same schema, no hashing, no tiles
    raw = sqlite3.connect(workdir / f"raw-{n}.db", isolation_level=None)
    raw.execute(f"PRAGMA page_size={PAGE_SIZE}")
    raw.execute("PRAGMA journal_mode=WAL")
    raw.execute("PRAGMA synchronous=NORMAL")
    raw.execute(
        "CREATE TABLE e (idx INTEGER PRIMARY KEY, record_id TEXT NOT NULL UNIQUE, data BLOB)"
    )
    raw_n = min(n, 1_000_000)
    raw_s = 0.0
    done = 0
    for batch in batches(raw_n):
        t = time.perf_counter()
        raw.execute("BEGIN IMMEDIATE")
        rids, datas = zip(*batch, strict=True)
        raw.executemany("INSERT INTO e VALUES (?, ?, ?)", zip(itertools.count(done), rids, datas))
        raw.execute("COMMIT")
        raw_s += time.perf_counter() - t
        done += len(batch)
    raw.close()
    res["sqlite_only_insert_per_s"] = raw_n / raw_s
    storage.close()

    # proofs from a fresh reader: cold tile cache, as a separate process would be
    storage = SqliteLedgerStorage(db)
    reader = Ledger(storage)
    root_n = reader.root(n)
    indices = [rng.randrange(n) for _ in range(proofs)]
    t = time.perf_counter()
    incl = [reader.inclusion_proof(i, n) for i in indices]
    res["inclusion_proof_us"] = (time.perf_counter() - t) / proofs * 1e6
    t = time.perf_counter()  # same proofs again: every tile they need is now cached
    for i in indices:
        reader.inclusion_proof(i, n)
    res["inclusion_proof_warm_us"] = (time.perf_counter() - t) / proofs * 1e6
    t = time.perf_counter()
    for i, p in zip(indices, incl, strict=True):
        verify_inclusion(all_hashes[i], i, n, p, root_n)
    res["inclusion_verify_us"] = (time.perf_counter() - t) / proofs * 1e6
    res["inclusion_proof_len"] = statistics.mean(len(p) for p in incl)

    olds = [rng.randrange(1, n) for _ in range(proofs)]
    t = time.perf_counter()
    cons = [reader.consistency_proof(m, n) for m in olds]
    res["consistency_proof_us"] = (time.perf_counter() - t) / proofs * 1e6
    old_roots = [reader.root(m) for m in olds]
    t = time.perf_counter()
    for m, p, r in zip(olds, cons, old_roots, strict=True):
        verify_consistency(m, n, p, r, root_n)
    res["consistency_verify_us"] = (time.perf_counter() - t) / proofs * 1e6

    # naive: rebuild every needed subtree from the leaf hashes
    naive = LeafHashes(all_hashes[:n])
    t = time.perf_counter()
    for i in indices[:naive_proofs]:
        assert inclusion_proof(i, n, naive) == reader.inclusion_proof(i, n)
    res["naive_inclusion_proof_us"] = (time.perf_counter() - t) / naive_proofs * 1e6
    storage.close()
    res["db_bytes"] = sum(
        os.path.getsize(p) for p in workdir.glob(f"ledger-{n}.db*") if p.is_file()
    )
    return res


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--sizes", default="10000,1000000", help="comma-separated log sizes")
    parser.add_argument("--proofs", type=int, default=2000, help="random proofs per size")
    parser.add_argument("--naive-proofs", type=int, default=3, help="naive proofs per size")
    parser.add_argument("--workdir", default=None, help="where the SQLite files go (temp)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    check_template()

    print(f"python {platform.python_version()} · sqlite {sqlite3.sqlite_version} · {cpu_name()}")
    rows = []
    with tempfile.TemporaryDirectory(dir=args.workdir) as tmp:
        for n in sizes:
            t = time.perf_counter()
            rows.append(bench_size(n, Path(tmp), args.proofs, args.naive_proofs))
            print(f"  n={n:,} done in {time.perf_counter() - t:.1f} s", flush=True)

    print()
    print(
        "| entries | core append /s | persisted append /s | unbatched append /s "
        "| SQLite-only insert /s | incl. proof µs cold | warm | incl. verify µs | path len "
        "| cons. proof µs | cons. verify µs | naive incl. proof µs | naive / tiles |"
    )
    print("|" + "---|" * 13)
    for r in rows:
        print(
            f"| {int(r['n']):,} | {r['core_append_per_s']:,.0f}"
            f" | {r['persisted_append_per_s']:,.0f}"
            f" | {r['unbatched_append_per_s']:,.0f} | {r['sqlite_only_insert_per_s']:,.0f}"
            f" | {r['inclusion_proof_us']:.1f} | {r['inclusion_proof_warm_us']:.1f}"
            f" | {r['inclusion_verify_us']:.1f}"
            f" | {r['inclusion_proof_len']:.1f} | {r['consistency_proof_us']:.1f}"
            f" | {r['consistency_verify_us']:.1f} | {r['naive_inclusion_proof_us']:,.0f}"
            f" | {r['naive_inclusion_proof_us'] / r['inclusion_proof_us']:,.0f}x |"
        )
    print()
    print("proof cost per tree level (µs / log2 n):")
    for r in rows:
        lg = math.log2(r["n"])
        print(
            f"  n={int(r['n']):,}: generate {r['inclusion_proof_us'] / lg:.2f} cold, "
            f"{r['inclusion_proof_warm_us'] / lg:.2f} warm, "
            f"verify {r['inclusion_verify_us'] / lg:.2f}; db {r['db_bytes'] / 1e6:.0f} MB"
        )


if __name__ == "__main__":
    main()
