"""`ceasefire serve --demo`: the dashboard over the bundled real data, with one demo user of
each role whose tokens are printed at start.

Why the demo builds its store exactly as `ceasefire demo` does (`build_demo_store`), into the
data directory and signed with that directory's log key: the service then proves and signs
checkpoints of the very ledger the demo sealed, so the dashboard's proof check covers real
records. A data directory that already holds a demo store is reused (the build takes about a
minute); its users get fresh tokens and their old ones are revoked, because a secret shown
once cannot be shown again.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from rich.console import Console

from ceasefire.api.accounts import Accounts, utc_now
from ceasefire.api.config import ServiceConfig
from ceasefire.api.datadir import log_signer
from ceasefire.api.roles import OrgKind, Role
from ceasefire.cli.demo_cmd import build_demo_store
from ceasefire.domain import Side
from ceasefire.domain.errors import UsageError

DEMO_ORGS: tuple[tuple[str, OrgKind, Side | None], ...] = (
    ("Mission", OrgKind.MISSION, None),
    ("RU liaison", OrgKind.PARTY, Side.RU),
    ("UA liaison", OrgKind.PARTY, Side.UA),
    ("Nation A", OrgKind.NATION, None),
    ("Press", OrgKind.PUBLIC, None),
)
DEMO_USERS: tuple[tuple[str, str, Role], ...] = (
    ("demo-admin", "Mission", Role.ADMIN),
    ("demo-monitor", "Mission", Role.MONITOR),
    ("demo-analyst", "Mission", Role.ANALYST),
    ("demo-reviewer", "Mission", Role.REVIEWER),
    ("demo-ru-liaison", "RU liaison", Role.PARTY_LIAISON),
    ("demo-ua-liaison", "UA liaison", Role.PARTY_LIAISON),
    ("demo-planner", "Nation A", Role.OPERATIONS_PLANNER),
    ("demo-public", "Press", Role.PUBLIC),
)
#: Demo tokens live a day: long enough to explore, short enough to be harmless if leaked.
DEMO_TOKEN_DAYS = 1


def demo_data_dir(given: Path | None) -> Path:
    return given if given is not None else Path(tempfile.mkdtemp(prefix="ceasefire-demo-"))


def demo_users(accounts: Accounts) -> list[tuple[str, Role, str]]:
    """Create the demo organisations and users if missing; a fresh token for each user."""
    now = utc_now()
    known_orgs = {o.name for o in accounts.organisations()}
    for name, kind, side in DEMO_ORGS:
        if name not in known_orgs:
            accounts.add_organisation(name, kind, side)
    known_users = {u.name for u in accounts.users()}
    tokens = []
    for user, org, role in DEMO_USERS:
        if user in known_users:
            accounts.revoke(user, now=now)
            token = accounts.issue_token(user, now=now, days=DEMO_TOKEN_DAYS)
        else:
            _, token = accounts.add_user(org, role, user, now=now, days=DEMO_TOKEN_DAYS)
        tokens.append((user, role, token.secret))
    return tokens


def prepare_demo(config: ServiceConfig, console: Console) -> list[tuple[str, Role, str]]:
    """Build (or reuse) the demo store in the data directory and make the demo users."""
    if config.store is not None:
        raise UsageError("--demo builds its own store in the data directory; drop the store"
                         " setting (CEASEFIRE_STORE or store in the settings file)")
    config.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    db = config.data_dir / "ceasefire.db"
    signer = log_signer(config)
    if db.exists():
        console.print(f"reusing the demo store {db}")
    else:
        console.print(f"building the demo store {db} from the bundled data (about a minute)")
        build_demo_store(db, signer, config.data_dir, console)
    accounts = Accounts(config.accounts_path)
    try:
        return demo_users(accounts)
    finally:
        accounts.close()


def announce(config: ServiceConfig, host: str, port: int,
             tokens: list[tuple[str, Role, str]]) -> str:
    """What `serve --demo` prints before serving: where, the log key, each user's token."""
    vkey = config.log_key_path.with_suffix(".vkey").read_text(encoding="utf-8").strip()
    lines = [f"dashboard: http://{host}:{port}/  (data directory {config.data_dir})",
             f"log key (paste into the proof check): {vkey}",
             "demo tokens (valid one day; paste one into the dashboard):"]
    lines += [f"  {role:<18} {user:<16} {secret}" for user, role, secret in tokens]
    return "\n".join(lines)
