"""The service's own clock: deadlines that pass while nobody is asking.

Why a sweep and not only computation on read: a notice that escalates, or a response clock
that runs out, must be in the ledger (and on the hotline's event stream) when it happens,
not when someone next opens the list. Both records are dated at their deadline and recorded
at most once (`hotline.escalation`, `verify.clocks`), so sweeping early, late or twice
records exactly the same thing; the sweep only decides *when* the world learns of it.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import timedelta

import anyio.to_thread

from ceasefire.api.services import Services
from ceasefire.domain.errors import CeasefireError
from ceasefire.monitoring.hotline import record_escalations
from ceasefire.monitoring.review import record_overdue

log = logging.getLogger("ceasefire.api.sweeper")


@dataclass(frozen=True, slots=True)
class Swept:
    """What one sweep recorded."""

    escalations: int
    overdue: int
    forgotten_keys: int = 0


def sweep_once(services: Services) -> Swept:
    """Record every escalation and overdue alert due by the service's `now`, and forget the
    idempotency keys older than their retention."""
    now = services.now()
    after = timedelta(minutes=services.config.escalate_after_minutes)
    escalated = record_escalations(services.store, now, after)
    overdue = record_overdue(services.store, now)
    retention = timedelta(hours=services.config.idempotency_hours)
    forgotten = services.idempotency.prune(now - retention)
    return Swept(len(escalated), len(overdue), forgotten)


async def sweep_forever(services: Services, interval_s: float) -> None:
    """Sweep every `interval_s` until cancelled. A sweep the store refuses (busy, full) is
    logged and tried again at the next interval: nothing is lost, since the next sweep
    records everything due by then."""
    while True:
        try:
            swept = await anyio.to_thread.run_sync(sweep_once, services)
            if swept.escalations or swept.overdue or swept.forgotten_keys:
                log.info("recorded %d escalations and %d overdue alerts; forgot %d keys",
                         swept.escalations, swept.overdue, swept.forgotten_keys)
        except CeasefireError as error:
            log.warning("sweep failed, retrying in %.0f s: %s", interval_s, error)
        await asyncio.sleep(interval_s)
