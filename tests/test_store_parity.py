"""The same commands give the same answers on SQLite and on PostgreSQL (issue 13, point 5).

One agreement over one real source here; bench/store_parity.py runs every shipped agreement
over all the bundled data. Also: the ledger and audit commands take a postgresql:// --db, and
CEASEFIRE_STORE is the store of a command given no --db."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ceasefire.cli import app
from pg_helpers import ThrowawayDatabase

runner = CliRunner()


def ok(args: list[str]) -> str:
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.slow
def test_ingest_then_assess_prints_the_same_on_both_backends(
    tmp_path: Path, pg: ThrowawayDatabase, bulletins_csv: Path, agreements: Path
) -> None:
    agreement = str(agreements / "victory-day-truce-2025.yaml")
    printed = {}
    for name, url in {"sqlite": f"sqlite:///{tmp_path}/p.db", "pg": pg.fresh_url()}.items():
        ingested = ok(["ingest", "--db", url, str(bulletins_csv)])
        assert "3701 observations stored" in ingested
        printed[name] = ok(["assess", "--agreement", agreement, "--db", url, "--json"])
    assert printed["sqlite"] == printed["pg"]
    summary = json.loads(printed["pg"])["summary"]
    assert sum(v["findings"] for v in summary.values()) == 3701  # every bulletin was assessed
    assert summary["violation"]["findings"] >= 1  # and the comparison is not of empty answers


def test_ledger_and_audit_commands_take_a_postgresql_url(
    tmp_path: Path, pg: ThrowawayDatabase, data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = pg.fresh_url()
    key = tmp_path / "log.key"
    ok(["ledger", "init", "--db", url, "--origin", "test.example/pg-cli", "--key", str(key)])
    monkeypatch.setenv("CEASEFIRE_STORE", url)  # no --db: the ingest goes to PostgreSQL
    incidents = data / "events" / "bellingcat_incidents.json"
    ingested = ok(["ingest", str(incidents)])
    assert "2511 observations stored in postgresql://" in ingested
    assert "ledger: 2511 records" in ingested
    assert "2511" in ok(["ledger", "status", "--db", url])
    ok(["ledger", "verify", "--db", url])
    ok(["ledger", "checkpoint", "--db", url, "--key", str(key)])
    ok(["verify", "--db", url])
    empty = pg.fresh_url()
    result = runner.invoke(app, ["ledger", "status", "--db", empty])
    assert result.exit_code != 0
    assert "holds no" in result.output
