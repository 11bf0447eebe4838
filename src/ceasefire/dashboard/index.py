"""The incidents as the map filters them, kept in memory and rebuilt only when the store's
incidents, workflow moves or findings changed.

Why a kept index: the map asks again at every pan, zoom and scrub of the timeline; reading
ten thousand incidents and their transitions takes about half a second, finding nothing new
in the change feed a millisecond. Audit entries (which every mission read appends) do not
touch what the map shows, so they do not force a rebuild.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ceasefire.domain import Finding, Incident, IncidentState, RecordKind, RecordRef, Verdict
from ceasefire.monitoring.views import incident_row, workflow_state
from ceasefire.store import Store
from ceasefire.verify.territory import map_day

#: Record kinds whose change can change the map; anything else (audit entries, messages,
#: clocks) leaves it as it is.
MAP_KINDS = frozenset({RecordKind.INCIDENT, RecordKind.TRANSITION, RecordKind.FINDING})

#: Worst first: a cell or an incident shows the worst verdict among its findings.
VERDICT_ORDER = (str(Verdict.VIOLATION), str(Verdict.POSSIBLE), str(Verdict.NOT_COVERED),
                 "none")


@dataclass(frozen=True, slots=True)
class Entry:
    """One incident with what the filters ask about, derived once per rebuild."""

    row: dict[str, Any]
    """`monitoring.views.incident_row`: the exact place (generalised per caller later)."""
    state: IncidentState
    sources: frozenset[str]
    oblast: str | None
    day: str
    observation_ids: tuple[str, ...]


def sources_of(incident: Incident) -> frozenset[str]:
    """The sources that reported an incident: the part of each observation id before its
    first colon (`source:source_record_id`, as ingest derives ids)."""
    return frozenset(o.split(":", 1)[0] for o in incident.observation_ids)


def worst_verdict(verdicts: Iterable[str]) -> str:
    found = set(verdicts)
    return next((v for v in VERDICT_ORDER if v in found), "none")


def observation_verdicts(findings: Iterable[Finding]) -> dict[str, str]:
    """Observation id -> the verdict its finding gave (findings about other kinds skipped)."""
    return {f.subject.id: str(f.verdict) for f in findings
            if f.subject.kind is RecordKind.OBSERVATION}


class IncidentIndex:
    """The store's current incidents as map entries, and findings by agreement, refreshed
    from the change feed. Safe to share between the service's worker threads."""

    def __init__(self, store: Store, unit_of: Callable[[float, float], str | None]) -> None:
        self._store = store
        self._unit_of = unit_of
        self._lock = threading.Lock()
        self._head = -1
        self._entries: list[Entry] = []
        self._verdicts: dict[str, dict[str, str]] = {}

    def _changed(self) -> bool:
        head = self._store.change_head()
        if self._head < 0:
            self._head = head
            return True
        relevant = False
        cursor = self._head
        while cursor < head and not relevant:
            page = self._store.changes(cursor)
            relevant = any(c.ref.kind in MAP_KINDS for c in page.items)
            cursor = int(page.next or head) if page.items else head
        self._head = head
        return relevant

    def _entry(self, incident: Incident) -> Entry:
        state = workflow_state(self._store.transitions(
            RecordRef(RecordKind.INCIDENT, incident.id)))
        loc = incident.location
        oblast = None if loc.lat is None or loc.lon is None else self._unit_of(loc.lat, loc.lon)
        return Entry(incident_row(incident, state), state, sources_of(incident),
                     oblast or loc.region or None, map_day(incident.interval).isoformat(),
                     tuple(incident.observation_ids))

    def entries(self) -> list[Entry]:
        """Every current incident (rebuilt first if the store changed what the map shows)."""
        with self._lock:
            if self._changed():
                self._entries = [self._entry(i) for i in self._store.incidents()]
                self._verdicts = {}
            return self._entries

    def verdicts(self, agreement_id: str) -> dict[str, str]:
        """Observation id -> verdict under one agreement (read once per rebuild)."""
        self.entries()
        with self._lock:
            if agreement_id not in self._verdicts:
                self._verdicts[agreement_id] = observation_verdicts(
                    self._store.findings(agreement_id))
            return self._verdicts[agreement_id]
