"""Schema version 1 of the operational intent record (kind ``intent``).

Frozen like `v1`-`v3`: released bodies never change. Times are written in UTC, so one instant
has one spelling whatever offset a planner sent; an outline is either ``{"polygon":
[[lon, lat], ...]}`` or ``{"circle": {"lon", "lat", "radius_m"}}``, the two shapes F3548 knows.
"""

from __future__ import annotations

from datetime import UTC, datetime

from ceasefire.domain.intent import Circle, IntentState, OperationalIntent, Volume4D
from ceasefire.domain.intent_record import IntentRecord
from ceasefire.records.v1 import Body


def _time(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def _volume(v: Volume4D) -> Body:
    outline: Body
    if isinstance(v.outline, Circle):
        c = v.outline
        outline = {"circle": {"lon": c.lon, "lat": c.lat, "radius_m": c.radius_m}}
    else:
        outline = {"polygon": [[lon, lat] for lon, lat in v.outline]}
    return {"outline": outline, "lower_m": v.lower_m, "upper_m": v.upper_m,
            "start": _time(v.start), "end": _time(v.end)}


def _load_volume(data: Body) -> Volume4D:
    outline = data["outline"]
    shape: tuple[tuple[float, float], ...] | Circle
    if "circle" in outline:
        c = outline["circle"]
        shape = Circle(float(c["lon"]), float(c["lat"]), float(c["radius_m"]))
    else:
        shape = tuple((float(lon), float(lat)) for lon, lat in outline["polygon"])
    return Volume4D(shape, float(data["lower_m"]), float(data["upper_m"]),
                    datetime.fromisoformat(data["start"]), datetime.fromisoformat(data["end"]))


def dump_intent(r: IntentRecord) -> Body:
    i = r.intent
    return {
        "id": i.id,
        "version": i.version,
        "state": str(i.state),
        "command": i.command,
        "nation": i.nation,
        "mandate": i.mandate,
        "priority": i.priority,
        "volumes": [_volume(v) for v in i.volumes],
        "off_nominal_volumes": [_volume(v) for v in i.off_nominal_volumes],
        "recorded_at": _time(r.recorded_at),
        "recorded_by": r.recorded_by,
    }


def load_intent(data: Body) -> IntentRecord:
    intent = OperationalIntent(
        id=data["id"],
        command=data["command"],
        nation=data["nation"],
        mandate=data["mandate"],
        priority=int(data["priority"]),
        state=IntentState(data["state"]),
        volumes=tuple(_load_volume(v) for v in data["volumes"]),
        version=int(data["version"]),
        off_nominal_volumes=tuple(_load_volume(v) for v in data["off_nominal_volumes"]),
    )
    return IntentRecord(intent, datetime.fromisoformat(data["recorded_at"]), data["recorded_by"])
