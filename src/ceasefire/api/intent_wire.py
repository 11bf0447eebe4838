"""Operational intents between the service's bodies and the deconfliction engine (pure).

Why refusals become errors here: the engine answers a refused submission with a `Decision`,
but the service answers every refusal as an RFC 9457 problem (409), naming each intent that
was missed (a stale view) or that blocks the plan (a conflict), so a client scripts against
one error shape whatever went wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ceasefire.api.intent_models import (
    CircleIn,
    ConstraintConflictView,
    DecisionView,
    IntentChange,
    IntentConflictView,
    IntentIn,
    IntentRefView,
    IntentView,
    NotificationView,
    OverlapView,
    VolumeIn,
)
from ceasefire.deconflict.strategic import Decision, Missed, VolumeOverlap
from ceasefire.domain.errors import ConflictError, InvalidInputError, Problem
from ceasefire.domain.intent import (
    Circle,
    IntentError,
    IntentState,
    OperationalIntent,
    Volume4D,
)
from ceasefire.domain.intent_record import IntentRecord


def _volume(body: VolumeIn, pointer: str) -> tuple[Volume4D | None, list[Problem]]:
    outline: tuple[tuple[float, float], ...] | Circle
    if (body.polygon is None) == (body.circle is None):
        reason = "give exactly one of polygon and circle"
        return None, [Problem("request", reason, pointer=pointer, field="polygon")]
    if body.circle is not None:
        outline = Circle(body.circle.lon, body.circle.lat, body.circle.radius_m)
    else:
        outline = tuple((float(lon), float(lat)) for lon, lat in body.polygon or ())
    try:
        return Volume4D(outline, body.lower_m, body.upper_m, body.start, body.end), []
    except IntentError as exc:  # the volume's own check, e.g. end before start, too large
        return None, [Problem("request", exc.detail, pointer=pointer)]


def volumes(bodies: Sequence[VolumeIn], where: str) -> tuple[Volume4D, ...]:
    """The volumes of a body, or one 422 naming every bad volume (``body.volumes.2``)."""
    out: list[Volume4D] = []
    problems: list[Problem] = []
    for k, body in enumerate(bodies):
        volume, bad = _volume(body, f"body.{where}.{k}")
        problems.extend(bad)
        if volume is not None:
            out.append(volume)
    if problems:
        named = ", ".join(sorted({p.pointer or "body" for p in problems})[:5])
        raise InvalidInputError(f"intent refused, nothing changed: bad volumes at {named}",
                                problems)
    return tuple(out)


def to_intent(body: IntentIn | IntentChange, intent_id: str, nation: str) -> OperationalIntent:
    """The engine's intent for a body; the nation is the caller's organisation."""
    nominal = volumes(body.volumes, "volumes")
    off_nominal = volumes(body.off_nominal_volumes, "off_nominal_volumes")
    try:
        return OperationalIntent(
            id=intent_id, command=body.command, nation=nation, mandate=body.mandate,
            priority=body.priority, state=IntentState(body.state), volumes=nominal,
            off_nominal_volumes=off_nominal,
        )
    except IntentError as exc:
        raise InvalidInputError(f"intent {intent_id!r} refused: {exc.detail}") from None


def seen_with_own(seen: dict[str, int], intent_id: str, version: int) -> dict[str, int]:
    """The area view with the caller's version of the intent it changes (the body's
    `version` wins over an entry for the same id in `seen`)."""
    return {**seen, intent_id: version}


def volume_view(v: Volume4D) -> VolumeIn:
    if isinstance(v.outline, Circle):
        c = v.outline
        return VolumeIn(circle=CircleIn(lon=c.lon, lat=c.lat, radius_m=c.radius_m),
                        lower_m=v.lower_m, upper_m=v.upper_m, start=v.start, end=v.end)
    return VolumeIn(polygon=list(v.outline), lower_m=v.lower_m, upper_m=v.upper_m,
                    start=v.start, end=v.end)


def intent_view(record: IntentRecord) -> IntentView:
    i = record.intent
    return IntentView(
        id=i.id, version=i.version, state=i.state, nation=i.nation, command=i.command,
        mandate=i.mandate, priority=i.priority, volumes=[volume_view(v) for v in i.volumes],
        off_nominal_volumes=[volume_view(v) for v in i.off_nominal_volumes],
        recorded_at=record.recorded_at, recorded_by=record.recorded_by,
    )


def ref_view(i: OperationalIntent) -> IntentRefView:
    return IntentRefView(id=i.id, version=i.version, state=i.state, nation=i.nation,
                         command=i.command, priority=i.priority)


def _overlaps(overlaps: Sequence[VolumeOverlap]) -> list[OverlapView]:
    return [OverlapView(own_volume=o.own_volume, other_volume=o.other_volume,
                        start=o.overlap.start, end=o.overlap.end, lower_m=o.overlap.lower_m,
                        upper_m=o.overlap.upper_m, area_m2=o.overlap.area_m2)
            for o in overlaps]


def decision_view(d: Decision, nation_of: Callable[[str], str]) -> DecisionView:
    """The engine's decision as answered; `nation_of(intent id)` names each notified owner's
    nation (the organisation whose planners must hear of it)."""
    return DecisionView(
        accepted=d.accepted, reason=d.reason, version=d.version,
        conflicts=[IntentConflictView(intent_id=c.intent_id, version=c.version,
                                      command=c.command, priority=c.priority,
                                      overlaps=_overlaps(c.overlaps)) for c in d.conflicts],
        constraint_conflicts=[ConstraintConflictView(constraint_id=c.constraint_id, kind=c.kind,
                                                     overlaps=_overlaps(c.overlaps))
                              for c in d.constraint_conflicts],
        notifications=[NotificationView(
            recipient_command=n.recipient_command, recipient_nation=nation_of(n.intent_id),
            intent_id=n.intent_id, intent_version=n.intent_version,
            by_intent_id=n.by_intent_id, by_command=n.by_command, reason=n.reason)
            for n in d.notifications],
    )


def _missed(m: Missed) -> Problem:
    seen = "not seen" if m.seen_version is None else f"seen at version {m.seen_version}"
    return Problem("seen", f"intent {m.intent_id!r} is at version {m.current_version}; {seen}",
                   pointer=f"body.seen.{m.intent_id}", field=m.intent_id)


def _overlap_text(overlaps: Sequence[VolumeOverlap]) -> str:
    return "; ".join(
        f"volume {o.own_volume} x {o.other_volume}: {o.overlap.start.isoformat()} to"
        f" {o.overlap.end.isoformat()}, {o.overlap.lower_m:g}-{o.overlap.upper_m:g} m,"
        f" {o.overlap.area_m2:.0f} m2" for o in overlaps[:5])


def refusal(d: Decision) -> ConflictError:
    """A refused decision as a 409 naming what was missed or what blocks the plan."""
    if d.missed:
        names = ", ".join(repr(m.intent_id) for m in d.missed[:5])
        return ConflictError(
            f"intent {d.intent_id!r} refused, nothing changed: stale view, intents in the area"
            f" changed since you looked ({names}); fetch POST /v1/intents/area and resubmit",
            [_missed(m) for m in d.missed])
    problems = [Problem("conflict", f"overlaps intent {c.intent_id!r} v{c.version} of"
                        f" {c.command} (priority {c.priority}): {_overlap_text(c.overlaps)}",
                        pointer=f"intent/{c.intent_id}") for c in d.conflicts]
    problems += [Problem("constraint", f"enters {c.kind} {c.constraint_id!r} of the"
                         f" agreement: {_overlap_text(c.overlaps)}",
                         pointer=f"constraint/{c.constraint_id}")
                 for c in d.constraint_conflicts]
    named = ", ".join(p.pointer or "" for p in problems[:5])
    return ConflictError(f"intent {d.intent_id!r} refused, nothing changed: {d.reason}"
                         f" ({named})", problems)
