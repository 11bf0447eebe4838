"""Audit over real HTTP, read back with `ceasefire audit`; the `users`, `orgs` and `serve`
commands as an operator runs them (issue 11: names, options and paths are a contract)."""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import httpx
from typer.testing import CliRunner

from api_helpers import running_service
from ceasefire.cli.app import app
from ceasefire.domain import AuditEntry, IncidentState, RecordKind

RUN = CliRunner()


def _invoke(*args: str, code: int = 0) -> str:
    result = RUN.invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result.stdout


def test_restricted_reads_and_changes_are_audited_in_the_ledger(tmp_path: Path) -> None:
    with running_service(tmp_path) as service:
        verified = next(i for i, s in service.states().items() if s is IncidentState.VERIFIED)
        with service.as_user("reviewer") as reviewer:
            assert reviewer.get("/v1/incidents").status_code == 200
            assert reviewer.get(f"/v1/incidents/{verified}").status_code == 200
            refused = reviewer.post(f"/v1/incidents/{verified}/transitions",
                                    json={"to": "dismissed", "reason": "changed my mind"})
            assert refused.status_code == 409
        with service.as_user("public") as public:  # published data: not restricted
            assert public.get("/v1/incidents").status_code == 200
        with service.as_user("monitor") as monitor:
            assert monitor.post(f"/v1/incidents/{verified}/transitions",
                                json={"to": "dismissed", "reason": "x"}).status_code == 403
        with service.as_user("ru_liaison") as ru:
            assert ru.post(f"/v1/clocks/{verified}:UA:military/acknowledge").status_code == 403
        with service.as_user("party_liaison") as ua:
            assert ua.post(f"/v1/clocks/{verified}:UA:military/acknowledge",
                           json={"reason": "received"}).status_code == 201
        with service.client() as anonymous:
            assert anonymous.get("/v1/incidents").status_code == 401
        ledger = service.store.ledger()
        assert ledger is not None
        ledger.refresh()
        stored = [r for r in service.store.stored_records() if r.ref.kind is RecordKind.AUDIT]
        for record in stored:
            assert ledger.entry(record.ledger_id).data == record.data
        printed = json.loads(_invoke("audit", "--data-dir", str(service.config.data_dir),
                                     "--json"))
    assert [e["id"] for e in printed] == [r.value().id for r in stored
                                          if isinstance(r.value(), AuditEntry)]
    seen = [(e["actor"], e["action"], e["target"], e["outcome"]) for e in printed]
    assert seen == [
        ("reviewer", "incidents.list", "all", "allowed"),
        ("reviewer", "incident.read", f"incident/{verified}", "allowed"),
        ("reviewer", "incident.transition", f"incident/{verified}", "failed"),
        ("monitor", "incident.transition", f"/v1/incidents/{verified}/transitions", "denied"),
        ("ru_liaison", "clock.acknowledge", f"clock/{verified}:UA:military", "denied"),
        ("party_liaison", "clock.acknowledge", f"clock/{verified}:UA:military", "allowed"),
    ]
    assert "org=Mission role=reviewer token=tok-" in printed[0]["detail"]
    assert "conflict" in printed[2]["detail"]


def test_users_and_orgs_commands(tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    _invoke("orgs", "add", "OSCE SMM", "--kind", "mission", "--data-dir", data)
    _invoke("orgs", "add", "UA liaison", "--kind", "party", "--side", "UA", "--data-dir", data)
    refused = RUN.invoke(app, ["orgs", "add", "Nobody", "--kind", "party", "--data-dir", data])
    assert refused.exit_code == 4
    assert "side" in refused.output
    token = _invoke("users", "add", "--org", "OSCE SMM", "--role", "reviewer", "--name", "ana",
                    "--expires-days", "7", "--data-dir", data).strip()
    assert len(token) >= 40
    assert "\n" not in token
    wrong_kind = RUN.invoke(app, ["users", "add", "--org", "UA liaison", "--role", "reviewer",
                                  "--data-dir", data])
    assert wrong_kind.exit_code == 4
    assert "mission" in wrong_kind.output
    missing = RUN.invoke(app, ["users", "add", "--org", "Nope", "--role", "admin",
                               "--data-dir", data])
    assert missing.exit_code == 6
    assert "ceasefire orgs add" in missing.output
    listed = json.loads(_invoke("users", "list", "--data-dir", data, "--json"))
    assert [(u["name"], u["organisation"], u["role"]) for u in listed] == [
        ("ana", "OSCE SMM", "reviewer")]
    (tok,) = listed[0]["tokens"]
    assert tok["revoked_at"] is None
    accounts_file = (tmp_path / "data" / "accounts.db")
    assert token.encode() not in accounts_file.read_bytes()  # only its hash is kept
    assert stat.S_IMODE(accounts_file.stat().st_mode) == 0o600
    assert tok["id"] in _invoke("users", "revoke", "ana", "--data-dir", data)
    after = json.loads(_invoke("users", "list", "--data-dir", data, "--json"))
    assert after[0]["tokens"][0]["revoked_at"] is not None
    assert RUN.invoke(app, ["users", "revoke", "nobody", "--data-dir", data]).exit_code == 6


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_serve_initialises_an_empty_data_dir(tmp_path: Path) -> None:
    data = tmp_path / "fresh"
    port = _free_port()
    env = {**os.environ, "CEASEFIRE_RATE_PER_MINUTE": "1000"}
    command = [str(Path(sys.executable).parent / "ceasefire"), "serve", "--host", "127.0.0.1",
               "--port", str(port), "--data-dir", str(data)]
    server = subprocess.Popen(command, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        health = None
        while time.monotonic() < deadline and server.poll() is None:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        assert health is not None, "the server did not answer"
        assert health.json() == {"status": "ok"}
        assert "server" not in health.headers
        schema = httpx.get(f"http://127.0.0.1:{port}/openapi.json").json()
        assert schema["openapi"].startswith("3.1")
        assert httpx.get(f"http://127.0.0.1:{port}/v1/incidents").status_code == 401
        key = data / "log.key"
        assert stat.S_IMODE(key.stat().st_mode) == 0o600
        assert (data / "log.vkey").read_text().startswith("ceasefire.service/ledger+")
        assert (data / "ceasefire.db").exists()
        assert stat.S_IMODE((data / "accounts.db").stat().st_mode) == 0o600
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0].decode()
    assert "Traceback" not in output
