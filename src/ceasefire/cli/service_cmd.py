"""`ceasefire serve`, `users`, `orgs` and `audit`: running the service and managing who may
call it, from the host it runs on.

Why accounts are managed only here and not over HTTP: creating a token is the one act that
no token can authorise without a first token; the operator with access to the data directory
is that root of trust. FastAPI and uvicorn are imported only when `serve` runs, so the other
commands stay quick.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from ceasefire.api.accounts import Accounts, UserInfo, utc_now
from ceasefire.api.config import ServiceConfig, load_config
from ceasefire.api.roles import OrgKind, Role
from ceasefire.cli.errors import error_console, exits_on_error, wide_console
from ceasefire.domain import AuditEntry, RecordKind, Side
from ceasefire.domain.errors import NotFoundError
from ceasefire.store import open_store

users_app = typer.Typer(help="Users of the service and their tokens.", no_args_is_help=True)
orgs_app = typer.Typer(help="Organisations: the mission, the parties, nations, the public.",
                       no_args_is_help=True)

DataDirOption = Annotated[
    Path | None,
    typer.Option("--data-dir", help="Data directory (default $CEASEFIRE_DATA_DIR or"
                                    " ./ceasefire-data)."),
]
ConfigOption = Annotated[
    Path | None, typer.Option("--config", help="TOML settings file (docs/service.md).")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _config(data_dir: Path | None, config_file: Path | None) -> ServiceConfig:
    overrides: dict[str, object] = {} if data_dir is None else {"data_dir": str(data_dir)}
    return load_config(os.environ, config_file, overrides)


def _accounts(config: ServiceConfig) -> Accounts:
    return Accounts(config.accounts_path)


def _json(value: Any) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = 8765,
    data_dir: DataDirOption = None,
    config_file: ConfigOption = None,
    demo: Annotated[bool, typer.Option(
        "--demo", help="Serve the dashboard over the bundled real data (built into the data"
                       " directory, or a temporary one) with a demo user of each role.")] = False,
) -> None:
    """Serve the HTTP API and the dashboard (/); an empty data directory is initialised
    (store, ledger, log key)."""
    from ceasefire.api.server import serve as run

    if demo:
        from ceasefire.cli.serve_demo import announce, demo_data_dir, prepare_demo

        config = _config(demo_data_dir(data_dir), config_file)
        tokens = prepare_demo(config, error_console())
        typer.echo(announce(config, host, port, tokens))
        sys.stdout.flush()
    else:
        config = _config(data_dir, config_file)
    run(config, host, port)


def orgs_add(
    name: Annotated[str, typer.Argument(help="Organisation name, e.g. 'UA liaison office'.")],
    kind: Annotated[OrgKind, typer.Option("--kind", help="mission, party, nation or public.")],
    side: Annotated[
        Side | None, typer.Option("--side", help="For a party: the side it speaks for (RU, UA).")
    ] = None,
    data_dir: DataDirOption = None,
    config_file: ConfigOption = None,
) -> None:
    """Register an organisation; users are added to existing organisations only."""
    accounts = _accounts(_config(data_dir, config_file))
    try:
        org = accounts.add_organisation(name, kind, side)
    finally:
        accounts.close()
    typer.echo(f"organisation {org.name} ({org.kind}{', ' + str(org.side) if org.side else ''})")


def orgs_list(data_dir: DataDirOption = None, config_file: ConfigOption = None,
              as_json: JsonOption = False) -> None:
    """List the organisations."""
    accounts = _accounts(_config(data_dir, config_file))
    try:
        orgs = accounts.organisations()
    finally:
        accounts.close()
    rows = [{"name": o.name, "kind": str(o.kind), "side": None if o.side is None else str(o.side)}
            for o in orgs]
    if as_json:
        _json(rows)
        return
    for row in rows:
        typer.echo(f"{row['name']}\t{row['kind']}\t{row['side'] or ''}")


def users_add(
    org: Annotated[str, typer.Option("--org", help="The user's organisation (must exist).")],
    role: Annotated[Role, typer.Option("--role", help="The user's one role.")],
    name: Annotated[str | None, typer.Option("--name", help="User name (default generated).")]
    = None,
    expires_days: Annotated[
        int | None,
        typer.Option("--expires-days", min=1, max=3650,
                     help="Token lifetime in days (default: the token_days setting)."),
    ] = None,
    data_dir: DataDirOption = None,
    config_file: ConfigOption = None,
) -> None:
    """Create a user and print its token: once, now; only its hash is kept."""
    config = _config(data_dir, config_file)
    accounts = _accounts(config)
    try:
        user, token = accounts.add_user(org, role, name, now=utc_now(),
                                        days=expires_days or config.token_days)
    finally:
        accounts.close()
    typer.echo(f"user {user.name} ({user.role}, {user.organisation}); token {token.info.id}"
               f" expires {token.info.expires_at.isoformat()}", err=True)
    typer.echo(token.secret)


def users_revoke(
    token_or_user: Annotated[str, typer.Argument(help="A token id (tok-...) or a user name.")],
    data_dir: DataDirOption = None,
    config_file: ConfigOption = None,
) -> None:
    """Revoke a token, or every token of a user; the service refuses them at once."""
    accounts = _accounts(_config(data_dir, config_file))
    try:
        revoked = accounts.revoke(token_or_user, now=utc_now())
    finally:
        accounts.close()
    typer.echo(f"revoked {len(revoked)} token(s): {', '.join(revoked) or 'none were live'}")


def _user_view(u: UserInfo) -> dict[str, Any]:
    return {
        "name": u.name, "organisation": u.organisation, "role": str(u.role),
        "created_at": u.created_at.isoformat(),
        "tokens": [{"id": t.id, "scopes": list(t.scopes), "expires_at": t.expires_at.isoformat(),
                    "revoked_at": None if t.revoked_at is None else t.revoked_at.isoformat()}
                   for t in u.tokens],
    }


def users_list(data_dir: DataDirOption = None, config_file: ConfigOption = None,
               as_json: JsonOption = False) -> None:
    """List users, their roles and their tokens (ids, expiry, revocation; never secrets)."""
    accounts = _accounts(_config(data_dir, config_file))
    try:
        users = [_user_view(u) for u in accounts.users()]
    finally:
        accounts.close()
    if as_json:
        _json(users)
        return
    now = utc_now().isoformat()
    table = Table(title=f"users ({len(users)})")
    for column in ("user", "organisation", "role", "live tokens"):
        table.add_column(column)
    for u in users:
        live = [t["id"] for t in u["tokens"]
                if t["revoked_at"] is None and t["expires_at"] > now]
        table.add_row(u["name"], u["organisation"], u["role"], ", ".join(live))
    wide_console().print(table)


def audit(
    data_dir: DataDirOption = None,
    config_file: ConfigOption = None,
    as_json: JsonOption = False,
) -> None:
    """List the service's audit entries (who read or did what, allowed or not), oldest first."""
    config = _config(data_dir, config_file)
    if config.store is None and not (config.data_dir / "ceasefire.db").exists():
        raise NotFoundError(f"no service store in {config.data_dir}: start `ceasefire serve`"
                            f" with --data-dir {config.data_dir} first")
    store = open_store(config.store_url, readonly=True)
    try:
        entries = [r.value() for r in store.stored_records() if r.ref.kind is RecordKind.AUDIT]
    finally:
        store.close()
    rows = [_audit_view(e) for e in entries if isinstance(e, AuditEntry)]
    if as_json:
        _json(rows)
        return
    for r in rows:
        typer.echo(f"{r['at']}  {r['outcome']:<7}  {r['actor']}  {r['action']}  {r['target']}"
                   f"  {r['detail']}")


def _audit_view(e: AuditEntry) -> dict[str, str]:
    return {"id": e.id, "at": e.at.isoformat(), "actor": e.actor, "action": e.action,
            "target": e.target, "outcome": str(e.outcome), "detail": e.detail}


users_app.command("add")(exits_on_error(users_add))
users_app.command("revoke")(exits_on_error(users_revoke))
users_app.command("list")(exits_on_error(users_list))
orgs_app.command("add")(exits_on_error(orgs_add))
orgs_app.command("list")(exits_on_error(orgs_list))
