"""`ceasefire serve` on PostgreSQL: CEASEFIRE_STORE names the store, and the service answers
from it exactly as it does from its SQLite file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from api_helpers import Service, running_service
from ceasefire.api.config import ServiceConfig, apply_settings, from_environment
from pg_helpers import ThrowawayDatabase


def _observations(service: Service) -> list[Any]:
    with service.as_user("reviewer") as client:
        response = client.get("/v1/observations", params={"limit": 1000})
    assert response.status_code == 200, response.text
    items: list[Any] = response.json()["items"]
    return items


def test_serve_reads_its_store_from_ceasefire_store(tmp_path: Path, pg: ThrowawayDatabase) -> None:
    url = pg.fresh_url()
    config = apply_settings(ServiceConfig(), from_environment({"CEASEFIRE_STORE": url}), "env")
    assert config.store_url == url
    with running_service(tmp_path / "pg", store=config.store) as on_pg:
        assert on_pg.store.url.startswith("postgresql://")
        served = _observations(on_pg)
        ledger = on_pg.store.ledger()
        assert ledger is not None
        assert ledger.verify().ok
    with running_service(tmp_path / "sqlite") as on_sqlite:
        assert on_sqlite.store.url.startswith("sqlite://")
        assert _observations(on_sqlite) == served
    assert served
