"""Organisations, users and API tokens, kept in their own small SQLite file.

Why apart from the evidence store: the store and its ledger are append-only evidence that
every party may audit, while accounts are mutable (tokens are revoked) and hold secrets'
hashes, which have no place in a record the parties receive. The file lives at
``<data-dir>/accounts.db`` with owner-only permissions.

Tokens: ``secrets.token_urlsafe(32)`` (256 random bits), shown once when created and stored
only as their SHA-256 hash, so a copy of this file lets nobody call the service. Each token
has a public id (``tok-…``) to name it in revocations and audit entries, an expiry, and a
revocation time. Its scopes are its user's role at issue (``role:reviewer``), stored with
it: a token is honoured only while they cover the role its user holds.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import sqlite3
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ceasefire.api.roles import (
    PARTY_SIDES,
    ROLE_ORG_KIND,
    OrgKind,
    Principal,
    Role,
    role_scopes,
)
from ceasefire.domain import Side
from ceasefire.domain.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    Problem,
)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS organisations (
    name TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    side TEXT
);
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY,
    organisation TEXT NOT NULL REFERENCES organisations(name),
    role TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens (
    id TEXT PRIMARY KEY,
    user TEXT NOT NULL REFERENCES users(name),
    sha256 TEXT NOT NULL UNIQUE,
    scopes TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT
);
"""

MAX_NAME = 100


@dataclass(frozen=True, slots=True)
class Organisation:
    name: str
    kind: OrgKind
    side: Side | None


@dataclass(frozen=True, slots=True)
class TokenInfo:
    id: str
    user: str
    scopes: tuple[str, ...]
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None


@dataclass(frozen=True, slots=True)
class UserInfo:
    name: str
    organisation: str
    role: Role
    created_at: datetime
    tokens: tuple[TokenInfo, ...]


@dataclass(frozen=True, slots=True)
class NewToken:
    """A token as created: `secret` is shown to the operator once and never again."""

    info: TokenInfo
    secret: str


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def _name(what: str, value: str) -> str:
    text = value.strip()
    if not text or len(text) > MAX_NAME or not text.isprintable():
        raise InvalidInputError(
            f"{what} name {value!r} is invalid",
            [Problem(source=what, field="name",
                     reason=f"must be 1 to {MAX_NAME} printable characters")],
        )
    return text


def _time(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


class Accounts:
    """The accounts file; one object may be shared by the server's threads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fresh = not path.exists()
        if fresh:  # create it owner-only before SQLite writes anything into it
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA foreign_keys = ON")
        self._db.executescript(_SCHEMA)
        self._lock = threading.Lock()

    def close(self) -> None:
        self._db.close()

    # -- organisations -----------------------------------------------------------------

    def add_organisation(self, name: str, kind: OrgKind, side: Side | None = None) -> Organisation:
        """Register an organisation; a party must name its side, no other kind may."""
        name = _name("organisation", name)
        if kind is OrgKind.PARTY and side not in PARTY_SIDES:
            raise InvalidInputError(
                f"organisation {name}: a party needs --side RU or UA",
                [Problem(source="organisation", pointer=name, field="side",
                         reason="required for kind party: RU or UA")],
            )
        if kind is not OrgKind.PARTY and side is not None:
            raise InvalidInputError(
                f"organisation {name}: only a party has a side",
                [Problem(source="organisation", pointer=name, field="side",
                         reason=f"kind {kind} takes no side")],
            )
        with self._lock:
            try:
                self._db.execute(
                    "INSERT INTO organisations (name, kind, side) VALUES (?, ?, ?)",
                    (name, str(kind), None if side is None else str(side)),
                )
            except sqlite3.IntegrityError:
                raise ConflictError(f"organisation {name} exists already") from None
        return Organisation(name, kind, side)

    def organisation(self, name: str) -> Organisation:
        with self._lock:
            row = self._db.execute(
                "SELECT name, kind, side FROM organisations WHERE name = ?", (name.strip(),)
            ).fetchone()
        if row is None:
            raise NotFoundError(
                f"no organisation {name!r}: create it first with"
                f" `ceasefire orgs add {name} --kind mission|party|nation|public`"
            )
        return Organisation(row[0], OrgKind(row[1]), None if row[2] is None else Side(row[2]))

    def organisations(self) -> list[Organisation]:
        with self._lock:
            rows = self._db.execute("SELECT name, kind, side FROM organisations ORDER BY name")
            return [Organisation(r[0], OrgKind(r[1]), None if r[2] is None else Side(r[2]))
                    for r in rows.fetchall()]

    # -- users and tokens --------------------------------------------------------------

    def add_user(
        self, organisation: str, role: Role, name: str | None, *, now: datetime, days: int
    ) -> tuple[UserInfo, NewToken]:
        """Create a user with one role in `organisation`, and its first token."""
        org = self.organisation(organisation)
        if ROLE_ORG_KIND[role] is not org.kind:
            raise InvalidInputError(
                f"role {role} needs an organisation of kind {ROLE_ORG_KIND[role]}, and"
                f" {org.name} is {org.kind}",
                [Problem(source="user", field="role",
                         reason=f"{role} belongs to a {ROLE_ORG_KIND[role]} organisation")],
            )
        user = _name("user", name) if name else f"{role}-{secrets.token_hex(4)}"
        with self._lock:
            try:
                self._db.execute(
                    "INSERT INTO users (name, organisation, role, created_at) VALUES (?,?,?,?)",
                    (user, org.name, str(role), now.isoformat()),
                )
            except sqlite3.IntegrityError:
                raise ConflictError(f"user {user} exists already") from None
        token = self.issue_token(user, now=now, days=days)
        return UserInfo(user, org.name, role, now, (token.info,)), token

    def issue_token(self, user: str, *, now: datetime, days: int) -> NewToken:
        """A new token for `user`, scoped to the user's role as it is now."""
        if days < 1:
            raise InvalidInputError(f"token lifetime {days} days: must be at least 1 day")
        with self._lock:
            row = self._db.execute("SELECT role FROM users WHERE name = ?", (user,)).fetchone()
        if row is None:
            raise NotFoundError(f"no user {user!r}")
        secret = secrets.token_urlsafe(32)
        info = TokenInfo(f"tok-{secrets.token_hex(6)}", user, role_scopes(Role(row[0])), now,
                         now + timedelta(days=days), None)
        with self._lock:
            self._db.execute(
                "INSERT INTO tokens (id, user, sha256, scopes, created_at, expires_at,"
                " revoked_at) VALUES (?, ?, ?, ?, ?, ?, NULL)",
                (info.id, user, token_hash(secret), " ".join(info.scopes), now.isoformat(),
                 info.expires_at.isoformat()),
            )
        return NewToken(info, secret)

    def revoke(self, token_or_user: str, *, now: datetime) -> list[str]:
        """Revoke one token (by id) or every live token of a user (by name); the ids revoked."""
        key = token_or_user.strip()
        with self._lock:
            rows = self._db.execute(
                "SELECT id FROM tokens WHERE (id = ? OR user = ?) AND revoked_at IS NULL"
                " ORDER BY id", (key, key),
            ).fetchall()
            known = self._db.execute(
                "SELECT 1 FROM tokens WHERE id = ? OR user = ?", (key, key)
            ).fetchone()
            if known is None:
                raise NotFoundError(f"no token or user {key!r}")
            self._db.executemany(
                "UPDATE tokens SET revoked_at = ? WHERE id = ?",
                [(now.isoformat(), r[0]) for r in rows],
            )
        return [r[0] for r in rows]

    def users(self) -> list[UserInfo]:
        with self._lock:
            users = self._db.execute(
                "SELECT name, organisation, role, created_at FROM users ORDER BY name"
            ).fetchall()
            tokens = self._db.execute(
                "SELECT id, user, scopes, created_at, expires_at, revoked_at FROM tokens"
                " ORDER BY id"
            ).fetchall()
        by_user: dict[str, list[TokenInfo]] = {}
        for t in tokens:
            by_user.setdefault(t[1], []).append(
                TokenInfo(t[0], t[1], tuple(t[2].split()), datetime.fromisoformat(t[3]),
                          datetime.fromisoformat(t[4]), _time(t[5]))
            )
        return [UserInfo(u[0], u[1], Role(u[2]), datetime.fromisoformat(u[3]),
                         tuple(by_user.get(u[0], ()))) for u in users]

    def resolve(self, secret: str, *, now: datetime) -> Principal | None:
        """The principal a presented token stands for, or None when it is unknown, expired or
        revoked (the caller is then anonymous: one answer, so a probe learns nothing)."""
        with self._lock:
            row = self._db.execute(
                "SELECT t.id, t.expires_at, t.revoked_at, u.name, o.name, o.kind, o.side,"
                " u.role, t.scopes FROM tokens t JOIN users u ON u.name = t.user"
                " JOIN organisations o ON o.name = u.organisation WHERE t.sha256 = ?",
                (token_hash(secret),),
            ).fetchone()
        if row is None or row[2] is not None:
            return None
        if now >= datetime.fromisoformat(row[1]):
            return None
        if not set(role_scopes(Role(row[7]))) <= set(row[8].split()):
            return None  # the token was scoped for another role than the user holds now
        return Principal(
            user=row[3],
            organisation=row[4],
            org_kind=OrgKind(row[5]),
            party=None if row[6] is None else Side(row[6]),
            role=Role(row[7]),
            token_id=row[0],
        )


def utc_now() -> datetime:
    return datetime.now(UTC)
