"""The load generator of `bench_api_load.py`: many keep-alive HTTP/1.1 connections per process.

Why a hand-written client on raw asyncio streams instead of httpx or aiohttp: on a 2-core
machine the client shares the CPU with the server it measures, and a full client library
spends several times more CPU per request than the server's own framework does. Here a
request is one pre-formatted ``bytes`` write and an answer is one header read plus one body
read, so the client's share stays small (the benchmark measures it and prints it).

Why several processes: one asyncio loop is one core at most, and the benchmark must be able
to tell "the server is slow" from "the client is saturated"; `run_phase` spreads the
connections over `processes` forked workers and adds up their CPU time.

Every request of a run has an identity (phase, worker, connection, number) from which its
Idempotency-Key and its observations' ``source_record_id`` are derived, so a retry phase can
send exactly the same request again and the counts after the run can be checked against the
identities the server accepted.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

#: A request's identity: (phase, worker, connection, number).
Identity = tuple[str, int, int, int]

#: Connection failures and refused answers are counted, never raised: a benchmark that stops
#: at the first 503 would hide exactly what it should show.
_ERRORS = (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError)


@dataclass(frozen=True, slots=True)
class Phase:
    """One phase: what every connection sends, how many at most, and until when."""

    name: str
    kind: str  # "submit" (POST observations), "read" (GET a page), "retry" (POST again)
    token: str
    batch: int = 1  # observations per submission
    requests_per_connection: int = 1_000_000
    seconds: float = 30.0
    #: For kind "retry": identities to send again, spread over the connections.
    retries: tuple[Identity, ...] = ()
    read_path: str = "/v1/observations?limit=50"


@dataclass(slots=True)
class Tally:
    """What one worker (and, added up, the phase) saw."""

    statuses: Counter[int] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    latencies_ms: list[float] = field(default_factory=list)
    accepted: list[Identity] = field(default_factory=list)
    #: Observations the server said it accepted (``received`` of each 201) and added.
    received: int = 0
    added: int = 0
    cpu_s: float = 0.0
    wall_s: float = 0.0

    def merge(self, other: Tally) -> None:
        self.statuses.update(other.statuses)
        self.errors.update(other.errors)
        self.latencies_ms += other.latencies_ms
        self.accepted += other.accepted
        self.received += other.received
        self.added += other.added
        self.cpu_s += other.cpu_s
        self.wall_s = max(self.wall_s, other.wall_s)

    @property
    def ok(self) -> int:
        return sum(n for status, n in self.statuses.items() if 200 <= status < 300)


def observation_json(run: str, identity: Identity, item: int) -> str:
    """One observation of request `identity`; its id is unique to (run, identity, item)."""
    phase, worker, conn, number = identity
    minute = (number + item) % 60
    return (
        '{"source":"load-bench","source_record_id":"'
        f'{run}-{phase}-{worker}-{conn}-{number}-{item}",'
        f'"start":"2026-01-01T10:{minute:02d}:00Z","end":"2026-01-01T10:{minute:02d}:30Z",'
        f'"lat":{47.0 + (item % 100) / 100:.2f},"lon":{36.0 + (number % 100) / 100:.2f},'
        '"category":"artillery_shelling","description":"load benchmark"}'
    )


def submission(run: str, identity: Identity, batch: int, token: str, host: str) -> bytes:
    """The full HTTP request submitting `batch` observations under the identity's key."""
    body = ("[" + ",".join(observation_json(run, identity, i) for i in range(batch)) + "]")
    data = body.encode()
    key = f"{run}-{'-'.join(map(str, identity))}"
    head = (
        f"POST /v1/observations HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n"
        f"Content-Type: application/json\r\nIdempotency-Key: {key}\r\n"
        f"Content-Length: {len(data)}\r\n\r\n"
    )
    return head.encode() + data


def read_request(path: str, token: str, host: str) -> bytes:
    return (f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n\r\n"
            ).encode()


async def _exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> tuple[int, bytes]:
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    body = await reader.readexactly(length) if length else b""
    return status, body


def _count_answer(tally: Tally, identity: Identity, status: int, body: bytes) -> None:
    tally.statuses[status] += 1
    if status == 201:
        answer = json.loads(body)
        tally.received += int(answer["received"])
        tally.added += int(answer["added"])
        tally.accepted.append(identity)


async def _connection(
    host: str, port: int, run: str, phase: Phase, worker: int, conn: int, deadline: float,
    work: Sequence[Identity] | None, tally: Tally,
) -> None:
    """One client: a keep-alive connection sending its requests back to back."""
    try:
        reader, writer = await asyncio.open_connection(host, port, limit=1 << 22)
    except OSError as exc:
        tally.errors[type(exc).__name__] += 1
        return
    read = read_request(phase.read_path, phase.token, f"{host}:{port}")
    todo: Iterable[Identity] = work if work is not None else (
        (phase.name, worker, conn, n) for n in range(phase.requests_per_connection)
    )
    try:
        for identity in todo:
            if time.monotonic() >= deadline:
                break
            request = read if phase.kind == "read" else submission(
                run, identity, phase.batch, phase.token, f"{host}:{port}")
            start = time.perf_counter()
            try:
                status, body = await _exchange(reader, writer, request)
            except _ERRORS as exc:
                tally.errors[type(exc).__name__] += 1
                return
            tally.latencies_ms.append((time.perf_counter() - start) * 1000.0)
            if phase.kind == "read":
                tally.statuses[status] += 1
            else:
                _count_answer(tally, identity, status, body)
    finally:
        writer.close()


def _worker_share(phase: Phase, worker: int, workers: int, connections: int
                  ) -> list[Sequence[Identity] | None]:
    """Per connection of this worker: its retries (kind "retry"), or None (numbered work).
    A retry goes to two connections at once, so a duplicate also arrives concurrently."""
    if phase.kind != "retry":
        return [None] * connections
    mine = phase.retries[worker::workers]
    lanes: list[list[Identity]] = [[] for _ in range(connections)]
    for n, identity in enumerate(mine):
        lanes[n % connections].append(identity)
        lanes[(n + 1) % connections].append(identity)
    return list(lanes)


async def _worker_main(host: str, port: int, run: str, phase: Phase, worker: int,
                       workers: int, connections: int) -> Tally:
    tally = Tally()
    cpu0, wall0 = time.process_time(), time.perf_counter()
    deadline = time.monotonic() + phase.seconds
    shares = _worker_share(phase, worker, workers, connections)
    await asyncio.gather(*(
        _connection(host, port, run, phase, worker, c, deadline, shares[c], tally)
        for c in range(connections)
    ))
    tally.cpu_s = time.process_time() - cpu0
    tally.wall_s = time.perf_counter() - wall0
    return tally


def _worker(args: tuple[str, int, str, Phase, int, int, int]) -> Tally:
    return asyncio.run(_worker_main(*args))


def run_phase(host: str, port: int, run: str, phase: Phase, clients: int,
              processes: int) -> Tally:
    """Run `phase` on `clients` connections spread over `processes` forked workers; the
    merged tally (CPU time summed over the workers, wall time the longest)."""
    processes = max(1, min(processes, clients))
    sizes = [clients // processes + (1 if w < clients % processes else 0)
             for w in range(processes)]
    jobs = [(host, port, run, phase, w, processes, sizes[w]) for w in range(processes)]
    context = multiprocessing.get_context("fork")
    with context.Pool(processes) as pool:
        tallies = pool.map(_worker, jobs)
    total = Tally()
    for tally in tallies:
        total.merge(tally)
    return total
