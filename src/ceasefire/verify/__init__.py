"""Verification: the workflow that decides incidents, the review queue, response clocks and
attribution (docs/verification.md).

Everything here is pure: functions over domain values that return new records (transitions,
clocks, attributions) or raise, and take the current time as an argument. The store and the
CLI record what these functions return; only `territory_maps` reads files, and it is the edge
that hands `attribution` its map.
"""

from ceasefire.verify.attribution import LaunchEvidence, attribute
from ceasefire.verify.clocks import (
    ClockStatus,
    acknowledge,
    clock_state,
    clock_status,
    overdue_alerts,
    start_clocks,
)
from ceasefire.verify.queue import QueueEntry, QueueItem, review_queue
from ceasefire.verify.territory import TerritoryMap, map_day
from ceasefire.verify.workflow import Role, TransitionRequest, decide, state_of

__all__ = [
    "ClockStatus",
    "LaunchEvidence",
    "QueueEntry",
    "QueueItem",
    "Role",
    "TerritoryMap",
    "TransitionRequest",
    "acknowledge",
    "attribute",
    "clock_state",
    "clock_status",
    "decide",
    "map_day",
    "overdue_alerts",
    "review_queue",
    "start_clocks",
    "state_of",
]
