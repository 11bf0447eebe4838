"""What the routes share: the store, the accounts, the auditor, the settings and the clock.

One object on ``app.state.services`` rather than globals, so that a test can run several
differently configured apps in one process (a tiny rate limit next to a normal one).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from ceasefire.api.accounts import Accounts
from ceasefire.api.audit import Auditor
from ceasefire.api.config import ServiceConfig
from ceasefire.api.idempotency import IdempotencyKeys
from ceasefire.api.intake import Intake
from ceasefire.api.intent_desk import IntentDesk
from ceasefire.api.live_picture import LivePicture
from ceasefire.deconflict.constraints import AirspaceConstraint
from ceasefire.domain.agreement import Agreement
from ceasefire.store import Store


@dataclass(frozen=True, slots=True)
class Services:
    config: ServiceConfig
    store: Store
    accounts: Accounts
    auditor: Auditor
    now: Callable[[], datetime]
    agreements: tuple[Agreement, ...]
    idempotency: IdempotencyKeys
    constraints: tuple[AirspaceConstraint, ...]
    """The loaded agreements' zones as deconfliction constraints (intents, incursions)."""
    intents: IntentDesk
    tracks: LivePicture
    #: Submissions go through its single writer (group commit, docs/service.md).
    intake: Intake
