"""Send messages to the bus, or into the post's spool while the bus cannot be reached.

The policy, in one place: with no spool, a bus that does not answer is an error (exit 7; a
re-run re-sends safely). With a spool, the first message the bus does not acknowledge — and
every later one — goes to the spool, so the link is not waited on once per message; and while
the spool holds anything, new messages queue behind it, so they leave in the order they were
read. `ceasefire publish --drain` sends the spool later.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ceasefire.bus.contract import Bus, BusUnavailableError, Outgoing, PublishAck
from ceasefire.bus.spool import Spool


@dataclass
class SendTally:
    """Counts over one run."""

    published: int = 0
    """Kept by the bus as new messages."""
    duplicates: int = 0
    """Acknowledged as already kept (a re-send within the duplicate window)."""
    spooled: int = 0
    """Put in the spool to be drained later (a copy already waiting there is not counted)."""


class Sender:
    """Publishes to `bus`, falling back to `spool` (if any) once the bus stops answering."""

    def __init__(self, bus: Bus, spool: Spool | None = None, offline: str | None = None) -> None:
        """`offline`: why the bus is known to be unreachable already (with a spool, nothing is
        then tried: every message goes to the spool)."""
        self._bus = bus
        self._spool = spool
        if spool is not None and offline is None and spool.pending():
            offline = "older messages wait in the spool"
        self._offline = spool is not None and offline is not None
        self.offline_reason = offline if self._offline else None
        self.tally = SendTally()

    def send_many(self, messages: Sequence[Outgoing]) -> None:
        """Publish (or spool) messages in order, pipelined; from the first one the bus did
        not acknowledge, all go to the spool (those of them the bus did take come again
        later as duplicates it drops). BusUnavailableError only when there is no spool."""
        if not self._offline:
            results = self._bus.publish_many(messages)
            for i, result in enumerate(results):
                if isinstance(result, BusUnavailableError):
                    if self._spool is None:
                        raise result
                    self._offline, self.offline_reason = True, result.detail
                    messages = messages[i:]
                    break
                self._count(result)
            else:
                return
        assert self._spool is not None
        self.tally.spooled += self._spool.put(messages)

    def _count(self, ack: PublishAck) -> None:
        self.tally.published += not ack.duplicate
        self.tally.duplicates += ack.duplicate
