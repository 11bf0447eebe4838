"""A real service for the API tests: a data directory built from real CIR rows, fused, with
one incident verified as a violation (so clocks run), accounts for every role, and uvicorn
listening on a free loopback port in a thread; the tests talk to it with httpx."""

from __future__ import annotations

import csv
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx
import uvicorn
from fastapi import FastAPI

from ceasefire.api.accounts import Accounts
from ceasefire.api.app import create_app, load_shipped_agreements
from ceasefire.api.config import ServiceConfig
from ceasefire.api.datadir import open_data_dir
from ceasefire.api.roles import OrgKind, Role
from ceasefire.domain import IncidentState, RecordKind, RecordRef, Side
from ceasefire.domain.agreement import Agreement
from ceasefire.monitoring.fusion_run import fuse_stored
from ceasefire.monitoring.review import transition_incident
from ceasefire.monitoring.setup import bundled_attributor, bundled_unit_of
from ceasefire.monitoring.views import workflow_state
from ceasefire.paths import data_dir
from ceasefire.pipeline import ingest_files
from ceasefire.store import Store
from ceasefire.verify.workflow import TransitionRequest

FUSED_AT = datetime(2025, 6, 1, tzinfo=UTC)
VERIFIED_AT = datetime(2025, 6, 2, tzinfo=UTC)

#: Real CIR rows: three pairs that fuse into corroborated incidents (two reports each, on
#: the same day within reach) and singles that stay reported.
CIR_ROWS = ("UW1247", "UW1262", "UW10464", "UW10469", "UW7015", "UW7593",
            "UW0067", "UW0064", "UW0157")

MISSION, RU, UA, NATION, PRESS = "Mission", "RU liaison", "UA liaison", "Nation A", "Press"
SEED_REVIEW = "Mission review board"
ORGS = [(MISSION, OrgKind.MISSION, None), (RU, OrgKind.PARTY, Side.RU),
        (UA, OrgKind.PARTY, Side.UA), (NATION, OrgKind.NATION, None),
        (PRESS, OrgKind.PUBLIC, None)]
HOME = {Role.ADMIN: MISSION, Role.MONITOR: MISSION, Role.ANALYST: MISSION,
        Role.REVIEWER: MISSION, Role.PARTY_LIAISON: UA, Role.OPERATIONS_PLANNER: NATION,
        Role.PUBLIC: PRESS}

_AGREEMENTS: list[tuple[Agreement, ...]] = []


def shipped() -> tuple[Agreement, ...]:
    """The shipped agreements, loaded once per test process (they take seconds)."""
    if not _AGREEMENTS:
        _AGREEMENTS.append(load_shipped_agreements())
    return _AGREEMENTS[0]


def cir_subset(directory: Path, entries: tuple[str, ...] = CIR_ROWS) -> Path:
    """The bundled CIR file cut down to `entries`, header kept, rows untouched."""
    source = data_dir() / "events" / "mauforonda_cir_events.csv"
    out = directory / "cir_subset.csv"
    with source.open(encoding="utf-8", newline="") as f_in, out.open(
        "w", encoding="utf-8", newline=""
    ) as f_out:
        reader = csv.reader(f_in)
        writer = csv.writer(f_out)
        writer.writerow(next(reader))
        for row in reader:
            if row[0] in entries:
                writer.writerow(row)
    return out


def incident_states(store: Store) -> dict[str, IncidentState]:
    return {
        i.id: workflow_state(store.transitions(RecordRef(RecordKind.INCIDENT, i.id)))
        for i in store.incidents()
    }


def fill_store(store: Store, directory: Path, reported_by: str = "") -> None:
    """Ingest the real rows (submitted by `reported_by`), fuse them, and verify the first
    corroborated incident as a violation by an independent reviewer (which starts RU and UA
    clocks)."""
    ingest_files(store, [cir_subset(directory)], reported_by=reported_by)
    fuse_stored(store, unit_of=bundled_unit_of(), attributor=bundled_attributor(), at=FUSED_AT)
    corroborated = sorted(i for i, s in incident_states(store).items()
                          if s is IncidentState.CORROBORATED)
    transition_incident(store, TransitionRequest(
        incident_id=corroborated[0], to_state=IncidentState.VERIFIED, actor="seed-reviewer",
        organisation=SEED_REVIEW, role="reviewer", reason="two independent reports agree",
        evidence=("cir:UW1247",), at=VERIFIED_AT, violation_clause="test-clause",
    ))


class Clock:
    """A service's `now` that a test moves by setting `at`."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


@dataclass
class Service:
    url: str
    app: FastAPI
    store: Store
    accounts: Accounts
    config: ServiceConfig
    tokens: dict[str, str] = field(default_factory=dict)
    """Token secret by user name; the users are named after their roles (and ``ru_liaison``)."""

    def client(self, token: str | None = None) -> httpx.Client:
        headers = {} if token is None else {"Authorization": f"Bearer {token}"}
        return httpx.Client(base_url=self.url, headers=headers, timeout=30.0)

    def as_user(self, user: str) -> httpx.Client:
        return self.client(self.tokens[user])

    def states(self) -> dict[str, IncidentState]:
        return incident_states(self.store)


def add_accounts(accounts: Accounts, now: datetime) -> dict[str, str]:
    for name, kind, side in ORGS:
        accounts.add_organisation(name, kind, side)
    tokens = {}
    for role, org in HOME.items():
        _, token = accounts.add_user(org, role, str(role), now=now, days=30)
        tokens[str(role)] = token.secret
    _, ru = accounts.add_user(RU, Role.PARTY_LIAISON, "ru_liaison", now=now, days=30)
    tokens["ru_liaison"] = ru.secret
    return tokens


@contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """Run `app` with uvicorn on a free loopback port; yields its base URL."""
    # IPPROTO_TCP spelt out: asyncio sets TCP_NODELAY on accepted connections only for
    # sockets whose proto says TCP, and without it every answer waits ~40 ms for a delayed ACK
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", server_header=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


@contextmanager
def running_service(
    directory: Path,
    now: Callable[[], datetime] | None = None,
    reported_by: str = "",
    **settings: object,
) -> Iterator[Service]:
    """A filled data directory served over HTTP; `settings` override `ServiceConfig`."""
    # no background sweep unless a test asks: records it adds would race the tests' counts
    config = ServiceConfig(data_dir=directory / "data", rate_per_minute=1_000_000,
                           sweep_seconds=0)
    config = ServiceConfig(**{**{f: getattr(config, f) for f in config.__slots__},
                              **settings})
    store = open_data_dir(config)
    fill_store(store, directory, reported_by)
    accounts = Accounts(config.accounts_path)
    clock = now or (lambda: datetime.now(UTC))
    tokens = add_accounts(accounts, clock())
    app = create_app(config, store, accounts, now=clock, agreements=shipped())
    try:
        with serving(app) as url:
            yield Service(url, app, store, accounts, config, tokens)
        assert app.state.internal_errors == 0, "the service answered 500"
    finally:
        app.state.services.intake.close()
        app.state.services.idempotency.close()
        accounts.close()
        store.close()
