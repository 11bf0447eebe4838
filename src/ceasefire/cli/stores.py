"""Opening the store a monitoring command works on: it must exist and hold something."""

from __future__ import annotations

import os

from ceasefire.cli.options import check_db_path, db_file
from ceasefire.domain.errors import NotFoundError
from ceasefire.store import Store, open_store

DEFAULT_DB = "ceasefire.db"
#: The store every command uses when no --db is given (as `ceasefire serve` does):
#: a SQLite path or a URL such as postgresql://root@127.0.0.1/ceasefire.
STORE_VARIABLE = "CEASEFIRE_STORE"


def default_store() -> str:
    """CEASEFIRE_STORE when set, else ceasefire.db in the working directory."""
    return os.environ.get(STORE_VARIABLE) or DEFAULT_DB


def existing_store(db: str | None, *, readonly: bool = False) -> Store:
    """The store at `db` (default ceasefire.db); a missing file is an error that says what
    to run first, never an empty store created by a command that only reads."""
    value = check_db_path(db or default_store())
    path = db_file(value)
    if path is not None and not path.exists():
        raise NotFoundError(
            f"no store at {value}: ingest sources (`ceasefire ingest --db {value} FILE...`) "
            f"and fuse them (`ceasefire fuse --db {value} --out OUT.csv`) first"
        )
    return open_store(value, readonly=readonly)
