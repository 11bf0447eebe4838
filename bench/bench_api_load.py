"""Service load benchmark (issue 11): submissions and reads over real loopback HTTP.

Run (about two minutes; nothing to install beyond the project's venv)::

    make bench-api
    .venv/bin/python bench/bench_api_load.py --clients 100 --seconds 20 --json load.json

What it does, in order:

1. a fresh temporary data directory; ``ceasefire orgs add`` and ``ceasefire users add`` (the
   real CLI) make a monitor token and an analyst (reader) token;
2. ``ceasefire serve`` in its own process on a free loopback port, with the per-token rate
   limit raised (``CEASEFIRE_RATE_PER_MINUTE``): 100 clients on one token would otherwise be
   answered 429, which measures the limiter, not the intake;
3. phases, each bounded by a request count per client and a time limit:
   ``single`` (one observation per request), ``batched`` (100 per request), ``reads`` (GET a
   page of observations while single submissions go on beside them), ``retry`` (accepted
   single requests sent again with the same Idempotency-Key and body, each twice at once);
4. the server is stopped (SIGINT, a clean shutdown) and the store is opened read-only: the
   observations it holds, and those of them whose ledger id is in the ledger, are counted and
   compared with the observations the clients were told were accepted (201 answers), so lost
   and duplicated observations are counted, not assumed.

Client and server CPU are measured per phase (the client's workers' process time, the
server's from /proc), so a reader can see whether the client starved the server.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from load_client import Phase, Tally, run_phase

HOST = "127.0.0.1"
CLI = [str(Path(sys.executable).parent / "ceasefire")]


@dataclass(frozen=True, slots=True)
class Result:
    """One phase's figures, as printed and written to JSON."""

    phase: str
    requests_ok: int
    refused: dict[int, int]
    errors: dict[str, int]
    observations_accepted: int
    seconds: float
    per_second: float
    observations_per_second: float
    p50_ms: float
    p99_ms: float
    client_cpu_s: float
    server_cpu_s: float
    #: Server CPU per answered request: what the machine's other load cannot change much.
    server_cpu_ms_per_request: float


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def cli(data_dir: Path, *args: str) -> str:
    done = subprocess.run([*CLI, *args, "--data-dir", str(data_dir)], check=True,
                          capture_output=True, text=True)
    return done.stdout.strip()


def make_tokens(data_dir: Path) -> tuple[str, str]:
    """A monitor's and an analyst's token, made with the real CLI."""
    cli(data_dir, "orgs", "add", "Mission", "--kind", "mission")
    monitor = cli(data_dir, "users", "add", "--org", "Mission", "--role", "monitor")
    analyst = cli(data_dir, "users", "add", "--org", "Mission", "--role", "analyst")
    return monitor, analyst


def start_server(data_dir: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "CEASEFIRE_RATE_PER_MINUTE": "1000000000"}
    server = subprocess.Popen(
        [*CLI, "serve", "--host", HOST, "--port", str(port), "--data-dir", str(data_dir)],
        env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"ceasefire serve exited with {server.returncode}; see {log}")
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}/healthz", timeout=1) as answer:
                if answer.status == 200:
                    return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit(f"ceasefire serve did not answer /healthz within 60 s; see {log}")


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process so far, from /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def summarise(name: str, tally: Tally, server_cpu: float) -> Result:
    wall = tally.wall_s or float("nan")
    return Result(
        phase=name,
        requests_ok=tally.ok,
        refused={s: n for s, n in sorted(tally.statuses.items()) if not 200 <= s < 300},
        errors=dict(tally.errors),
        observations_accepted=tally.received,
        seconds=round(wall, 2),
        per_second=round(tally.ok / wall, 1),
        observations_per_second=round(tally.received / wall, 1),
        p50_ms=round(percentile(tally.latencies_ms, 50), 2),
        p99_ms=round(percentile(tally.latencies_ms, 99), 2),
        client_cpu_s=round(tally.cpu_s, 2),
        server_cpu_s=round(server_cpu, 2),
        server_cpu_ms_per_request=round(1000 * server_cpu / max(1, tally.ok), 3),
    )


def count_stored(data_dir: Path) -> dict[str, int]:
    """Observations of this run in the store (current and all versions), and how many of
    their versions have their entry in the ledger; read-only, after the server stopped."""
    db = sqlite3.connect(f"file:{data_dir / 'ceasefire.db'}?mode=ro", uri=True)
    try:
        def one(sql: str) -> int:
            return int(db.execute(sql).fetchone()[0])
        return {
            "current": one("SELECT count(*) FROM records WHERE kind = 'observation'"
                           " AND current = 1"),
            "versions": one("SELECT count(*) FROM records WHERE kind = 'observation'"),
            "distinct_ids": one("SELECT count(DISTINCT id) FROM records"
                                " WHERE kind = 'observation'"),
            "ledgered": one("SELECT count(*) FROM records r JOIN ledger_entries e"
                            " ON e.record_id = r.ledger_id WHERE r.kind = 'observation'"),
            "ledger_entries": one("SELECT count(*) FROM ledger_entries"),
            # One audit entry per executed submission: a retry that was executed again
            # instead of replayed would add one (and say added=0), even though the store
            # would count its observations as already present.
            "submissions_audited": one(
                "SELECT count(*) FROM records WHERE kind = 'audit' AND CAST(body AS TEXT)"
                " LIKE '%\"action\":\"observations.submit\"%'"),
        }
    finally:
        db.close()


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0] if __doc__ else None)
    p.add_argument("--clients", type=int, default=100, help="concurrent connections")
    p.add_argument("--processes", type=int, default=2, help="client worker processes")
    p.add_argument("--seconds", type=float, default=20.0, help="time limit of each phase")
    p.add_argument("--single", type=int, default=400, help="single submissions per client")
    p.add_argument("--batched", type=int, default=40, help="batched submissions per client")
    p.add_argument("--batch", type=int, default=100, help="observations per batched request")
    p.add_argument("--readers", type=int, default=20,
                   help="of the clients, how many read in the reads phase (others submit)")
    p.add_argument("--reads", type=int, default=400, help="reads per reading client")
    p.add_argument("--retries", type=int, default=500, help="accepted requests sent again")
    p.add_argument("--json", type=Path, help="also write the results here")
    p.add_argument("--keep", action="store_true", help="keep the data directory")
    return p.parse_args(argv)


def run(args: argparse.Namespace, data_dir: Path) -> dict[str, Any]:
    monitor, analyst = make_tokens(data_dir)
    port = free_port()
    server = start_server(data_dir, port, data_dir / "serve.log")
    run_id = f"r{int(time.time())}"
    results: list[Result] = []
    accepted_obs = accepted_requests = 0
    try:
        def phase(name: str, ph: Phase, clients: int) -> Tally:
            before = cpu_seconds(server.pid)
            tally = run_phase(HOST, port, run_id, ph, clients, args.processes)
            results.append(summarise(name, tally, cpu_seconds(server.pid) - before))
            return tally

        single = phase("single", Phase("single", "submit", monitor,
                                       requests_per_connection=args.single,
                                       seconds=args.seconds), args.clients)
        batched = phase("batched", Phase("batched", "submit", monitor, batch=args.batch,
                                         requests_per_connection=args.batched,
                                         seconds=args.seconds), args.clients)
        before = cpu_seconds(server.pid)
        writers = args.clients - args.readers
        with ThreadPoolExecutor(2) as pool:
            reading = pool.submit(run_phase, HOST, port, run_id,
                                  Phase("reads", "read", analyst,
                                        requests_per_connection=args.reads,
                                        seconds=args.seconds), args.readers, 1)
            writing = pool.submit(run_phase, HOST, port, run_id,
                                  Phase("mixed", "submit", monitor,
                                        requests_per_connection=args.single,
                                        seconds=args.seconds), writers, args.processes)
            reads, mixed = reading.result(), writing.result()
        server_cpu = cpu_seconds(server.pid) - before
        results.append(summarise("reads (beside writes)", reads, server_cpu))
        results.append(summarise("writes (beside reads)", mixed, server_cpu))
        retried = tuple(single.accepted[: args.retries])
        retry = phase("retry", Phase("retry", "retry", monitor, retries=retried,
                                     seconds=args.seconds), min(args.clients, 20))
        accepted_obs = single.received + batched.received + mixed.received
        accepted_requests = single.ok + batched.ok + mixed.ok
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
    counts = count_stored(data_dir)
    return {
        "results": [asdict(r) for r in results],
        "accepted_observations": accepted_obs,
        "retry_answers_201": retry.statuses.get(201, 0),
        "retry_replayed": retry.added,
        "accepted_requests": accepted_requests,
        "executed_again": counts["submissions_audited"] - accepted_requests,
        "retries_sent": 2 * len(retried),
        "stored": counts,
        "lost": accepted_obs - counts["ledgered"],
        "duplicated": counts["versions"] - counts["distinct_ids"],
        "unaccounted": counts["current"] - accepted_obs,
        "server_exit": server.returncode,
        "clients": args.clients,
        "client_processes": args.processes,
        "load_average": os.getloadavg(),
    }


def print_report(report: dict[str, Any]) -> None:
    print("| phase | ok requests | refused / errors | obs accepted | s | req/s | obs/s |"
          " p50 ms | p99 ms | client CPU s | server CPU s | server CPU ms/request |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in report["results"]:
        bad = {**{str(k): v for k, v in r["refused"].items()}, **r["errors"]} or "-"
        print(f"| {r['phase']} | {r['requests_ok']} | {bad} | {r['observations_accepted']} |"
              f" {r['seconds']} | {r['per_second']} | {r['observations_per_second']} |"
              f" {r['p50_ms']} | {r['p99_ms']} | {r['client_cpu_s']} | {r['server_cpu_s']} |"
              f" {r['server_cpu_ms_per_request']} |")
    s = report["stored"]
    print(f"\naccepted observations (201 answers): {report['accepted_observations']}")
    print(f"stored: {s['current']} current, {s['versions']} versions of {s['distinct_ids']} ids;"
          f" ledgered: {s['ledgered']} (ledger holds {s['ledger_entries']} entries in all)")
    print(f"lost: {report['lost']}  duplicated: {report['duplicated']}"
          f"  stored but not accepted: {report['unaccounted']}")
    print(f"retries: {report['retries_sent']} sent, {report['retry_answers_201']} answered 201,"
          f" {report['retry_replayed']} of them the first answer (added=1) replayed;"
          f" submissions executed: {s['submissions_audited']} for"
          f" {report['accepted_requests']} accepted (executed again: {report['executed_again']})")
    print(f"load average after the run: {report['load_average']}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="ceasefire-load-"))
    report = run(args, tmp / "data")
    print_report(report)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, default=str) + "\n")
    if args.keep:
        print(f"data directory kept: {tmp / 'data'}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    ok = not (report["lost"] or report["duplicated"] or report["unaccounted"]
              or report["executed_again"])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
