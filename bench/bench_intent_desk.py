"""The service's intent desk: accepted submissions per second on a SQLite store, and the
rebuild of the engine from the store when the service starts.

    .venv/bin/python bench/bench_intent_desk.py [--intents 1000]

Each submission asks the desk for its area view first (as a cooperative planner does with
POST /v1/intents/area), then submits: decision, intent record and ledger entry, audit entry.
The intents lie on a grid in western Ukraine (clear of the shipped agreements' zones), 3 km
circles two hours long; priorities rise, so overlaps are accepted with notifications. Not a
test: the figures depend on the machine (docs/service.md quotes one run).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ceasefire.api.app import load_shipped_agreements
from ceasefire.api.audit import Auditor
from ceasefire.api.intent_desk import IntentDesk, agreement_constraints
from ceasefire.api.roles import OrgKind, Principal, Role
from ceasefire.domain.intent import Circle, IntentState, OperationalIntent, Volume4D
from ceasefire.store import open_store

AT = datetime(2026, 6, 1, tzinfo=UTC)
PLANNER = Principal("planner", "Nation A", OrgKind.NATION, None, Role.OPERATIONS_PLANNER, "t")


def plan(k: int) -> OperationalIntent:
    start = datetime(2027, 1, 1, tzinfo=UTC) + timedelta(hours=k % 50)
    volume = Volume4D(Circle(22.5 + 0.05 * (k // 50), 48.0 + 0.01 * (k % 50), 3000.0),
                      0.0, 1000.0, start, start + timedelta(hours=2))
    return OperationalIntent(f"bench-{k:06d}", "wing", "Nation A", "", k,
                             IntentState.ACCEPTED, (volume,))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--intents", type=int, default=1000)
    n = parser.parse_args().intents
    constraints = agreement_constraints(load_shipped_agreements())
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(str(Path(tmp) / "ceasefire.db"))
        desk = IntentDesk.open(store, Auditor(store, lambda: AT), constraints)
        began = time.perf_counter()
        for k in range(n):
            intent = plan(k)
            seen = {i.id: i.version for i in desk.area(intent.volumes)}
            desk.submit(PLANNER, intent, seen, AT)
        submitted = time.perf_counter()
        IntentDesk.open(store, Auditor(store, lambda: AT), constraints)
        rebuilt = time.perf_counter()
        store.close()
    took = submitted - began
    print(f"{n} accepted submissions: {took:.2f} s ({1000 * took / n:.1f} ms each,"
          f" {n / took:.0f}/s); rebuild from the store: {rebuilt - submitted:.2f} s")


if __name__ == "__main__":
    main()
