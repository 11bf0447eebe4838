"""Audit entries: who read or did what through the service, and whether it was allowed.

Parties distrust each other and the mission; each must be able to check afterwards who looked
at what. Entries are records like any other, so the ledger commits to them too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class AuditOutcome(StrEnum):
    ALLOWED = "allowed"
    DENIED = "denied"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One access or action."""

    id: str
    at: datetime
    actor: str
    """The user (or token) that acted, and through it its organisation and role."""
    action: str
    """What was attempted, e.g. ``incident.transition`` or ``observation.read``."""
    target: str
    """What it was attempted on: a record reference (``incident/…``) or a collection."""
    outcome: AuditOutcome
    detail: str = ""
