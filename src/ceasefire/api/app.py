"""`create_app`: the FastAPI application over a store and an accounts file.

Why the store and the accounts are passed in rather than opened here: the server opens them
once from the configuration (`ceasefire.api.server`), while tests hand in a store they
filled, and both get the same application. The interactive docs pages are left out: they load
scripts from a CDN, which this service must never make its users' browsers do; the schema
itself is served at ``/openapi.json`` (OpenAPI 3.1).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from datetime import datetime

from fastapi import FastAPI

from ceasefire import __version__
from ceasefire.agreement.loader import load_agreement
from ceasefire.api.accounts import Accounts, utc_now
from ceasefire.api.audit import Auditor
from ceasefire.api.auth import public_paths, public_prefixes
from ceasefire.api.config import ServiceConfig
from ceasefire.api.gate import GateMiddleware
from ceasefire.api.group_commit import GroupCommitter
from ceasefire.api.idempotency import IdempotencyKeys
from ceasefire.api.intake import Intake
from ceasefire.api.intent_desk import IntentDesk, agreement_constraints
from ceasefire.api.limits import RateLimiter
from ceasefire.api.live_picture import LivePicture
from ceasefire.api.openapi import error_responses, install_openapi
from ceasefire.api.problems import install_problem_handlers
from ceasefire.api.routes import (
    clocks,
    findings,
    hotline,
    incidents,
    intents,
    ledger,
    maps,
    meta,
    observations,
    reports,
    tracks,
    web,
)
from ceasefire.api.services import Services
from ceasefire.api.submissions import ObservationIn
from ceasefire.api.sweeper import sweep_forever
from ceasefire.dashboard.service import DashboardData
from ceasefire.domain.agreement import Agreement
from ceasefire.paths import shipped_agreements
from ceasefire.store import Store


def load_shipped_agreements() -> tuple[Agreement, ...]:
    return tuple(load_agreement(path) for path in shipped_agreements())


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Run the deadline sweep beside the routes for as long as the app serves."""
    services: Services = app.state.services
    interval = services.config.sweep_seconds
    task = asyncio.create_task(sweep_forever(services, interval)) if interval else None
    try:
        yield
    finally:
        if task is not None:
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task


def create_app(
    config: ServiceConfig,
    store: Store,
    accounts: Accounts,
    *,
    now: Callable[[], datetime] = utc_now,
    agreements: tuple[Agreement, ...] | None = None,
) -> FastAPI:
    app = FastAPI(
        lifespan=_lifespan,
        title="ceasefire",
        version=__version__,
        summary="Monitoring and verification of a ceasefire: the multi-party service.",
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
        responses=error_responses(),
    )
    install_openapi(app, [ObservationIn])
    keys = IdempotencyKeys(config.idempotency_path)
    committer = GroupCommitter(store)
    auditor = Auditor(store, now, committer)
    loaded = load_shipped_agreements() if agreements is None else agreements
    constraints = tuple(agreement_constraints(loaded))
    app.state.services = Services(
        config=config,
        store=store,
        accounts=accounts,
        auditor=auditor,
        now=now,
        agreements=loaded,
        idempotency=keys,
        intake=Intake(committer, keys, now),
        constraints=constraints,
        intents=IntentDesk.open(store, auditor, constraints),
        tracks=LivePicture(),
    )
    app.state.dashboard = DashboardData.over(store, app.state.services.agreements)
    app.state.internal_errors = 0
    install_problem_handlers(app)
    app.include_router(meta.router)
    app.include_router(incidents.router)
    app.include_router(clocks.router)
    app.include_router(observations.router)
    app.include_router(findings.router)
    app.include_router(ledger.router)
    app.include_router(hotline.router)
    app.include_router(reports.router)
    app.include_router(intents.router)
    app.include_router(tracks.router)
    app.include_router(maps.router)
    app.include_router(web.router)
    app.add_middleware(
        GateMiddleware,
        services=app.state.services,
        limiter=RateLimiter(config.rate_per_minute),
        public_paths=public_paths(app),
        public_prefixes=public_prefixes(app),
    )
    return app
