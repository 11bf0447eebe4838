"""Published report documents on disk, one file per SHA-256 of its bytes.

Why content-addressed files beside the store rather than rows in it: the ledger commits to a
report's digest only (`domain.report.Report`), so the bytes need no evidence table; naming
each file by its digest makes a re-publication of the same bytes a no-op, makes any change
to a file detectable by the reader (every read re-hashes), and lets an operator mirror the
directory to the public as it is.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

from ceasefire.domain.errors import StorageUnavailableError, VerificationFailedError

_DIGEST = re.compile(r"^[0-9a-f]{64}$")


class ReportDocuments:
    """The documents under `root` (created 0700 on the first write)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, sha256: str) -> Path:
        if not _DIGEST.match(sha256):
            raise ValueError(f"{sha256!r} is not a lower-case hex SHA-256")
        return self.root / sha256

    def put(self, document: bytes) -> str:
        """Keep `document` (written whole or not at all) and return its hex SHA-256."""
        digest = hashlib.sha256(document).hexdigest()
        target = self._path(digest)
        if target.exists():
            return digest
        tmp: Path | None = None
        try:
            self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=self.root, prefix=".", suffix=".tmp",
                                             delete=False) as handle:
                tmp = Path(handle.name)
                handle.write(document)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, target)
            tmp = None
        except OSError as exc:
            raise StorageUnavailableError(
                f"the report document cannot be kept in {self.root}: {exc.strerror or exc}"
            ) from None
        finally:
            if tmp is not None:
                tmp.unlink(missing_ok=True)
        return digest

    def get(self, sha256: str) -> bytes | None:
        """The document with this digest, None when this service does not hold it; a file
        whose bytes no longer hash to its name is refused, never served."""
        try:
            document = self._path(sha256).read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StorageUnavailableError(
                f"report document {sha256} cannot be read: {exc.strerror or exc}"
            ) from None
        actual = hashlib.sha256(document).hexdigest()
        if actual != sha256:
            raise VerificationFailedError(
                f"report document {sha256} was altered on disk (its bytes hash to {actual});"
                " it is not served"
            )
        return document
