"""Parity of the two SQL backends: the same CLI commands give the same output on both.

Runs, for each backend, the commands a user runs: ``ceasefire ingest --db STORE`` of the
bundled data files (missile-attack bulletins, Bellingcat, CIR, UCDP), then, for every shipped
agreement, ``ceasefire assess --agreement A --db STORE --json``; and compares the outputs byte
for byte. Exit 1 on any difference. The PostgreSQL store must be empty (a new database, or a
new schema through ``?options=-csearch_path%3Dname``)::

    createdb -h 127.0.0.1 -U root ceasefire_parity
    .venv/bin/python bench/store_parity.py --pg postgresql://root@127.0.0.1/ceasefire_parity
    dropdb -h 127.0.0.1 -U root ceasefire_parity

Prints a Markdown table (agreement, identical, seconds per backend) for docs/benchmarks.md.
tests/test_store_parity.py runs the same comparison for one agreement in the suite.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ceasefire.paths import bundled_sources, shipped_agreements
from ceasefire.store import open_store

#: The installed command, next to this interpreter (the venv's bin directory).
CLI = [str(Path(sys.executable).parent / "ceasefire")]


def run(args: list[str]) -> tuple[str, float]:
    """stdout of one CLI command, and its wall time; any failure stops the comparison."""
    began = time.perf_counter()
    done = subprocess.run([*CLI, *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args[:3])}... failed ({done.returncode}): {done.stderr}")
    return done.stdout, time.perf_counter() - began


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", required=True, help="An empty PostgreSQL store URL.")
    args = parser.parse_args()
    probe = open_store(args.pg)
    if probe.count_observations() != 0:
        raise SystemExit(f"{probe.url} is not empty: give a new database or schema")
    probe.close()
    with tempfile.TemporaryDirectory() as tmp:
        stores = {"sqlite": f"sqlite:///{Path(tmp) / 'parity.db'}", "postgresql": args.pg}
        files = [str(p) for p in bundled_sources()]
        print("| step | identical | SQLite s | PostgreSQL s |\n|---|---|---|---|")
        differ = 0
        steps = [("ingest (bundled data)", ["ingest", *files])] + [
            (a.stem, ["assess", "--agreement", str(a), "--json"]) for a in shipped_agreements()
        ]
        for name, command in steps:
            outputs = {b: run([*command, "--db", url]) for b, url in stores.items()}
            texts = {b: out for b, (out, _) in outputs.items()}
            if name.startswith("ingest"):  # the store's name is in the last line
                texts = {b: out.replace(stores[b], "STORE") for b, out in texts.items()}
            same = texts["sqlite"] == texts["postgresql"]
            differ += not same
            print(f"| {name} | {'yes' if same else 'NO'} | {outputs['sqlite'][1]:.1f}"
                  f" | {outputs['postgresql'][1]:.1f} |")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
