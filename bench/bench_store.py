"""Store benchmark: what writing records and their ledger entries in one transaction costs.

Run (about a minute)::

    .venv/bin/python bench/bench_store.py            # the bundled real observations
    .venv/bin/python bench/bench_store.py --repeat 5

On the bundled real data (every observation of `make demo`), in the same run:

- encode: the records' versioned envelopes (`ceasefire.records.encode`), nothing written;
- store only: `SqliteStore.add_observations` into a store that keeps no ledger;
- store + ledger: the same into a store with an initialised ledger, one transaction each
  (the unit of work: the records, their ledger entries and tiles commit together);
- ledger only (baseline): the same envelope bytes appended straight to a `Ledger` on its own
  SQLite file, as the pipeline did before both shared a transaction;
- re-import: the same observations again into the store + ledger (nothing new; every record
  is checked against the store and the log).

Each figure is the median of `--repeat` runs into a fresh temporary file. Printed as a Markdown
table for docs/benchmarks.md.

With ``--pg URL`` (an existing database, e.g. ``postgresql://root@127.0.0.1/ceasefire_bench``
after ``createdb ceasefire_bench``) the store steps also run on PostgreSQL, side by side, each
into a fresh schema of that database (dropped afterwards)::

    .venv/bin/python bench/bench_store.py --pg postgresql://root@127.0.0.1/ceasefire_bench
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import psycopg

from ceasefire.domain import Observation
from ceasefire.ingest.detect import read_source
from ceasefire.ledger.log import Ledger
from ceasefire.ledger.note import Signer
from ceasefire.paths import bundled_sources, data_dir
from ceasefire.records import encode
from ceasefire.store import SqliteStore, Store, open_store
from ceasefire.store.sqlite_ledger import SqliteLedgerStorage

ORIGIN = "bench/store"


def bundled_observations() -> list[Observation]:
    out: list[Observation] = []
    for path in bundled_sources():
        out += read_source(path, data_dir() / "missile_attacks").observations
    return out


def median_seconds(runs: int, work: Callable[[Path], None]) -> float:
    times = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            work(Path(tmp))
            times.append(time.perf_counter() - start)
    return statistics.median(times)


@contextmanager
def fresh_schema(database: str) -> Iterator[str]:
    """A store URL whose tables live in a new schema of `database`, dropped on exit."""
    schema = f"bench_{secrets.token_hex(6)}"
    with psycopg.connect(database, autocommit=True) as db:
        db.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{database}?options={quote(f'-csearch_path={schema},public', safe='')}"
    finally:
        with psycopg.connect(database, autocommit=True) as db:
            db.execute(f'DROP SCHEMA "{schema}" CASCADE')


def postgres_rows(
    database: str, observations: list[Observation], key: Signer, repeat: int
) -> list[tuple[str, float]]:
    """The store steps on PostgreSQL: median seconds of `repeat` runs, each in a new schema."""

    def timed(work: Callable[[Store], None], ledgered: bool, prefill: bool) -> float:
        times = []
        for _ in range(repeat):
            with fresh_schema(database) as url:
                store = open_store(url)  # migrations are not timed
                if ledgered:
                    store.initialise_ledger(ORIGIN, key.verifier())
                if prefill:
                    store.add_observations(observations)
                start = time.perf_counter()
                work(store)
                times.append(time.perf_counter() - start)
                store.close()
        return statistics.median(times)

    def add(store: Store) -> None:
        store.add_observations(observations)

    def add_again(store: Store) -> None:
        again = store.add_observations(observations)
        assert (again.added, again.logged) == (0, 0)

    return [
        ("PostgreSQL: store only (no ledger)", timed(add, ledgered=False, prefill=False)),
        ("PostgreSQL: store + ledger, one transaction", timed(add, ledgered=True, prefill=False)),
        ("PostgreSQL: re-import (nothing new)", timed(add_again, ledgered=True, prefill=True)),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pg", help="Also run the store steps on this PostgreSQL database.")
    args = parser.parse_args()
    observations = bundled_observations()
    key = Signer.generate(ORIGIN)
    n = len(observations)

    def encode_all(_: Path) -> None:
        for o in observations:
            encode(o)

    def store_only(tmp: Path) -> None:
        store = SqliteStore(tmp / "s.db")
        store.add_observations(observations)
        store.close()

    def ledgered_store(tmp: Path) -> SqliteStore:
        store = SqliteStore(tmp / "s.db")
        store.initialise_ledger(ORIGIN, key.verifier())
        store.add_observations(observations)
        return store

    def store_and_ledger(tmp: Path) -> None:
        ledgered_store(tmp).close()

    def ledger_only(tmp: Path) -> None:
        storage = SqliteLedgerStorage(tmp / "l.db")
        Ledger.initialise(storage, ORIGIN, key.verifier())
        entries = [(e.ledger_id, e.data) for e in map(encode, observations)]
        Ledger(storage).append_missing_entries(entries)
        storage.close()

    rows = [
        ("encode envelopes", median_seconds(args.repeat, encode_all)),
        ("store only (no ledger)", median_seconds(args.repeat, store_only)),
        ("store + ledger, one transaction", median_seconds(args.repeat, store_and_ledger)),
        ("ledger only (baseline: encode + append)", median_seconds(args.repeat, ledger_only)),
    ]
    reimport = []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            store = ledgered_store(Path(tmp))
            start = time.perf_counter()
            again = store.add_observations(observations)
            reimport.append(time.perf_counter() - start)
            assert again.added == 0
            assert again.logged == 0
            store.close()
    rows.append(("re-import (nothing new)", statistics.median(reimport)))
    if args.pg:
        rows += postgres_rows(args.pg, observations, key, args.repeat)

    base = dict(rows)["ledger only (baseline: encode + append)"]
    print(f"{n} observations (the bundled real data), median of {args.repeat} runs\n")
    print("| step | seconds | records/s | vs ledger only |")
    print("|---|---:|---:|---:|")
    for name, seconds in rows:
        print(f"| {name} | {seconds:.2f} | {n / seconds:,.0f} | {seconds / base:.2f}x |")


if __name__ == "__main__":
    main()
