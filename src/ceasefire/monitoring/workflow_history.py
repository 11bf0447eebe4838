"""An incident's workflow moves among all the transitions the store keeps about it.

The store records every change of a record as a transition: corrections (current ->
superseded), merges, and the workflow's moves. `verify.workflow` replays only the workflow,
as one chain from `reported`; the creation record (``new -> reported``, written by fusion) is
where that chain starts and when the incident began to wait.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from ceasefire.domain import IncidentState, Transition

#: The from-state of the transition that records an incident's creation by fusion.
NEW = "new"
_STATES = frozenset(str(s) for s in IncidentState)


def workflow_moves(moves: Sequence[Transition]) -> list[Transition]:
    """The transitions between workflow states, in order."""
    return [t for t in moves if t.from_state in _STATES and t.to_state in _STATES]


def created_at(moves: Sequence[Transition]) -> datetime | None:
    """When fusion first recorded the incident, if it did."""
    return next((t.at for t in moves if t.from_state == NEW), None)
