"""Strategic deconfliction: accept or reject planned operations (4D intents).

A submission is checked against every live intent and every agreement constraint:
- coarse: H3 cells + time + altitude (`index.VolumeIndex`), fine: exact 4D intersection in a
  local projection (`volumes.intersect`);
- a conflict with a constraint always rejects (priority does not override the agreement),
  unless the constraint exempts the intent's command or mandate;
- a conflict with another intent rejects, unless the submission has strictly higher priority:
  then both stand and the other intent's owner is notified;
- off-nominal states (nonconforming, contingent) describe what an aircraft is already doing:
  they are recorded even when they conflict, and the owners of the intents they conflict with
  are notified;
- optimistic concurrency as the InterUSS DSS does it: the submitter states the version of
  every intent it has seen in the area (including the one it updates); if any live intent in
  the area is missing from that view or newer than seen, the submission is rejected as stale
  with exactly what was missed, and nothing changes.

Intents live in this object's memory, for one writer. The CLI re-submits them from its input
file on each run; the HTTP service stores every accepted version as an ``intent`` record and,
when it starts, puts the stored live intents back with `restore` (docs/service.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import shapely

from ceasefire.deconflict.constraints import AirspaceConstraint
from ceasefire.deconflict.index import DEFAULT_RESOLUTION, VolumeIndex
from ceasefire.deconflict.volumes import Overlap, intersect, intersect_area, wgs84_outline
from ceasefire.domain.errors import Problem
from ceasefire.domain.intent import LIVE_STATES, OFF_NOMINAL_STATES, IntentState, OperationalIntent


@dataclass(frozen=True, slots=True)
class VolumeOverlap:
    """Volume `own_volume` of the submission meets volume `other_volume` of the other party."""

    own_volume: int
    other_volume: int
    overlap: Overlap


@dataclass(frozen=True, slots=True)
class IntentConflict:
    """The submission intersects another live intent."""

    intent_id: str
    version: int
    command: str
    priority: int
    overlaps: tuple[VolumeOverlap, ...]


@dataclass(frozen=True, slots=True)
class ConstraintConflict:
    """The submission enters an agreement constraint it is not exempt from."""

    constraint_id: str
    kind: str
    overlaps: tuple[VolumeOverlap, ...]


@dataclass(frozen=True, slots=True)
class Missed:
    """An intent the submitter's view lacked (seen_version None) or knew in an older version."""

    intent_id: str
    current_version: int
    seen_version: int | None


@dataclass(frozen=True, slots=True)
class Notification:
    """Tell `recipient_command` that its intent is now overlapped by a higher-priority one."""

    recipient_command: str
    intent_id: str
    intent_version: int
    by_intent_id: str
    by_command: str
    reason: str


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome of one submission. `version` is the stored version when accepted."""

    intent_id: str
    accepted: bool
    reason: str
    version: int | None = None
    conflicts: tuple[IntentConflict, ...] = ()
    constraint_conflicts: tuple[ConstraintConflict, ...] = ()
    missed: tuple[Missed, ...] = ()
    notifications: tuple[Notification, ...] = ()


@dataclass
class StrategicDeconflictor:
    """Live intents + constraints, with submit/end operations. One instance per airspace."""

    constraints: Sequence[AirspaceConstraint] = ()
    resolution: int = DEFAULT_RESOLUTION
    _intents: dict[str, OperationalIntent] = field(default_factory=dict, init=False)
    _index: VolumeIndex = field(init=False)
    _ctree: shapely.STRtree = field(init=False)

    def __post_init__(self) -> None:
        self._index = VolumeIndex(self.resolution)
        self.constraints = tuple(self.constraints)
        self._ctree = shapely.STRtree([c.geometry for c in self.constraints])

    # -- queries -------------------------------------------------------------------------
    def get(self, intent_id: str) -> OperationalIntent | None:
        """The stored intent, or None."""
        return self._intents.get(intent_id)

    def live(self) -> list[OperationalIntent]:
        """Every stored intent that still occupies airspace."""
        return [i for i in self._intents.values() if i.state in LIVE_STATES]

    def view(self, intent: OperationalIntent) -> dict[str, int]:
        """Versions of the live intents in the area of `intent` (what a submitter must have seen):
        the answer a DSS area query would give, to pass back with the submission."""
        return {k: self._intents[k].version for k in self._area(intent)}

    def _area(self, intent: OperationalIntent) -> set[str]:
        ids: set[str] = set()
        for v in intent.occupied_volumes():
            ids.update(owner for owner, _ in self._index.query(v))
        return ids

    # -- commands ------------------------------------------------------------------------
    def restore(self, intent: OperationalIntent) -> None:
        """Put back an intent decided earlier, at its version, without deciding it again
        (a service restarting from its store, or undoing a change its store refused).
        It replaces whatever is held under its id; an ended intent is not indexed."""
        if intent.id in self._intents:
            self._index.remove(intent.id)
        self._intents[intent.id] = intent
        if intent.state in LIVE_STATES:
            self._index.add(intent.id, intent.occupied_volumes())

    def forget(self, intent_id: str) -> None:
        """Drop an intent from memory (one that ended, or whose storing failed)."""
        if self._intents.pop(intent_id, None) is not None:
            self._index.remove(intent_id)

    def submit(self, intent: OperationalIntent, seen: Mapping[str, int] | None = None) -> Decision:
        """Check and, if acceptable, store a new intent or a new version of an existing one.

        `seen` maps intent id -> version for every intent the submitter knows in the area,
        including the previous version of `intent` itself when it is an update.
        """
        seen = dict(seen or {})
        previous = self._intents.get(intent.id)
        area = self._area(intent)
        if previous is not None:
            area.add(intent.id)
        missed = tuple(
            Missed(k, self._intents[k].version, seen.get(k))
            for k in sorted(area)
            if seen.get(k) != self._intents[k].version
        )
        if missed:
            return Decision(
                intent.id, False, "stale view: intents in the area changed", missed=missed
            )
        if intent.state is IntentState.ENDED:
            return self._end(intent.id)

        conflicts = self._intent_conflicts(intent)
        constraint_conflicts = self._constraint_conflicts(intent)
        off_nominal = intent.state in OFF_NOMINAL_STATES
        blocking = [c for c in conflicts if not intent.priority > c.priority]
        if not off_nominal and (blocking or constraint_conflicts):
            return Decision(
                intent.id,
                False,
                "conflicts with live intents or agreement constraints",
                conflicts=tuple(blocking),
                constraint_conflicts=constraint_conflicts,
            )
        notify_about = conflicts if off_nominal else [c for c in conflicts if c not in blocking]
        reason = "off-nominal state recorded" if off_nominal else "no blocking conflict"
        notifications = tuple(
            Notification(
                c.command,
                c.intent_id,
                c.version,
                intent.id,
                intent.command,
                reason="off-nominal operation overlaps your intent"
                if off_nominal
                else f"higher-priority intent ({intent.priority} > {c.priority}) overlaps yours",
            )
            for c in notify_about
        )
        version = previous.version + 1 if previous is not None else 1
        stored = replace(intent, version=version)
        if previous is not None:
            self._index.remove(intent.id)
        self._intents[intent.id] = stored
        self._index.add(intent.id, stored.occupied_volumes())
        return Decision(
            intent.id,
            True,
            reason,
            version=version,
            conflicts=tuple(conflicts) if off_nominal else (),
            constraint_conflicts=constraint_conflicts if off_nominal else (),
            notifications=notifications,
        )

    def _end(self, intent_id: str) -> Decision:
        previous = self._intents.get(intent_id)
        if previous is None:
            return Decision(intent_id, False, "no such intent to end")
        self._index.remove(intent_id)
        ended = replace(previous, state=IntentState.ENDED, version=previous.version + 1)
        self._intents[intent_id] = ended
        return Decision(intent_id, True, "ended", version=ended.version)

    def _intent_conflicts(self, intent: OperationalIntent) -> list[IntentConflict]:
        found: dict[str, list[VolumeOverlap]] = {}
        for i, v in enumerate(intent.occupied_volumes()):
            for owner, j in sorted(self._index.query(v)):
                if owner == intent.id:
                    continue
                other = self._intents[owner].occupied_volumes()[j]
                ov = intersect(v, other)
                if ov is not None:
                    found.setdefault(owner, []).append(VolumeOverlap(i, j, ov))
        out = []
        for owner, overlaps in sorted(found.items()):
            o = self._intents[owner]
            out.append(IntentConflict(o.id, o.version, o.command, o.priority, tuple(overlaps)))
        return out

    def _constraint_conflicts(self, intent: OperationalIntent) -> tuple[ConstraintConflict, ...]:
        if not self.constraints:
            return ()
        found: dict[int, list[VolumeOverlap]] = {}
        for i, v in enumerate(intent.occupied_volumes()):
            outline = wgs84_outline(v, pad_m=25.0)
            for ci in sorted(int(k) for k in self._ctree.query(outline)):
                c = self.constraints[ci]
                if c.exempts(intent.command, intent.mandate):
                    continue
                ov = intersect_area(v, c.geometry, c.lower_m, c.upper_m, c.start, c.end)
                if ov is not None:
                    found.setdefault(ci, []).append(VolumeOverlap(i, 0, ov))
        return tuple(
            ConstraintConflict(self.constraints[ci].id, self.constraints[ci].kind, tuple(ovs))
            for ci, ovs in sorted(found.items())
        )


@dataclass(frozen=True, slots=True)
class PlacedIntent:
    """An intent read from input, with where it was read: file and place inside it."""

    source: str
    pointer: str
    intent: OperationalIntent


def duplicate_ids(placed: Iterable[PlacedIntent]) -> list[Problem]:
    """One problem per intent whose id an earlier one of the same input already has.

    Submitted in order, the second would silently become a new version of the first (or be
    refused as stale), so a plan would vanish without anyone having asked for it: an input
    that gives one id twice is refused, naming both places."""
    first: dict[str, PlacedIntent] = {}
    problems: list[Problem] = []
    for p in placed:
        seen = first.setdefault(p.intent.id, p)
        if seen is not p:
            reason = (
                f"intent id {p.intent.id!r} given twice: first at {seen.source}: {seen.pointer}"
            )
            problems.append(Problem(p.source, reason, pointer=p.pointer))
    return problems


def submit_all(
    deconflictor: StrategicDeconflictor, intents: Iterable[OperationalIntent]
) -> list[Decision]:
    """Submit intents in order, each with the current view of its area (a cooperative client)."""
    return [deconflictor.submit(i, deconflictor.view(i) | _own(deconflictor, i)) for i in intents]


def _own(deconflictor: StrategicDeconflictor, intent: OperationalIntent) -> dict[str, int]:
    prev = deconflictor.get(intent.id)
    return {intent.id: prev.version} if prev is not None else {}
