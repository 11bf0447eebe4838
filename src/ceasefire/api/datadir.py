"""The service's data directory: opened as it is, or initialised on first start.

Why initialise here rather than ask for ``ledger init`` first: an operator starting the
service on an empty directory must get a working service whose every record and audit entry
is committed to a signed log from the first request. The log's private key is generated once
and kept in the directory, readable by its owner only (0600); its public key is written next
to it (``log.vkey``) so parties can verify checkpoints.
"""

from __future__ import annotations

import os
from pathlib import Path

from ceasefire.api.config import ServiceConfig
from ceasefire.domain.errors import InvalidInputError
from ceasefire.ledger.note import Signer
from ceasefire.store import Store, open_store


def _write_secret(path: Path, text: str) -> None:
    """Create `path` owner-only and write it; never overwrite an existing key."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text + "\n")


def log_signer(config: ServiceConfig) -> Signer:
    """The ledger's signing key: read from the data directory, or generated there."""
    path = config.log_key_path
    if path.exists():
        try:
            return Signer.from_skey(path.read_text(encoding="utf-8").strip())
        except (ValueError, UnicodeDecodeError) as exc:
            raise InvalidInputError(f"log key {path} is unreadable: {exc}") from None
    signer = Signer.generate(config.ledger_origin)
    _write_secret(path, signer.skey())
    path.with_suffix(".vkey").write_text(signer.verifier().vkey() + "\n", encoding="utf-8")
    return signer


def open_data_dir(config: ServiceConfig) -> Store:
    """The store named by `config`, with its evidence ledger initialised if it had none."""
    config.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    store = open_store(config.store_url)
    try:
        if store.ledger() is None:
            store.initialise_ledger(config.ledger_origin, log_signer(config).verifier())
    except BaseException:
        store.close()
        raise
    return store
