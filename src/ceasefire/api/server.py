"""Run the service: open (or initialise) the data directory and serve it with uvicorn.

The only module of `ceasefire.api` that opens a socket. One process serves; uvicorn's own
access log stays on, and the ``Server`` header is left out (it tells an attacker the stack).
uvicorn picks uvloop and httptools (locked dependencies) by itself: under load they took a
fifth off the time of each request (docs/benchmarks.md, "Service load"). On shutdown the
group committer finishes what it was given before the files are closed.
"""

from __future__ import annotations

import uvicorn

from ceasefire.api.accounts import Accounts
from ceasefire.api.app import create_app
from ceasefire.api.config import ServiceConfig
from ceasefire.api.datadir import open_data_dir


def serve(config: ServiceConfig, host: str, port: int) -> None:
    store = open_data_dir(config)
    accounts = Accounts(config.accounts_path)
    try:
        app = create_app(config, store, accounts)
        app.state.dashboard.warm()
        try:
            uvicorn.run(app, host=host, port=port, server_header=False, log_level="info")
        finally:
            app.state.services.intake.close()  # the writer finishes what it was given
            app.state.services.idempotency.close()
    finally:
        accounts.close()
        store.close()
