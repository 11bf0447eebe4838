"""A published report, recorded by its digest so that any copy can be checked against the log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ceasefire.domain.timeinterval import TimeInterval


@dataclass(frozen=True, slots=True)
class Report:
    """What was published, for which period, when; the document itself lives outside the record.

    Only the digest is committed: reports are large (HTML, PDF) and re-rendering must not be
    needed to prove which version went out.
    """

    id: str
    title: str
    period: TimeInterval
    """The period the report covers."""
    issued_at: datetime
    media_type: str
    """``text/markdown``, ``text/html``, ``application/pdf``."""
    sha256: str
    """Hex SHA-256 of the published document's bytes."""
    agreement_ids: tuple[str, ...] = ()
