"""ASTM F3548-21 JSON in and out for operational intents.

Wire shape: an F3548 `OperationalIntent` ({"reference": ..., "details": ...}) plus one
extension object "ceasefire" carrying what F3548 has no field for: owning command, nation
and mandate. `reference.state` may also be "Ended" (F3548 deletes instead; we keep history).
Parsing reports every problem of a record in one message and never raises past the record.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from ceasefire.domain.errors import Problem
from ceasefire.domain.intent import Circle, IntentError, IntentState, OperationalIntent, Volume4D

_STATE_IN = {
    "accepted": IntentState.ACCEPTED,
    "activated": IntentState.ACTIVATED,
    "nonconforming": IntentState.NONCONFORMING,
    "contingent": IntentState.CONTINGENT,
    "ended": IntentState.ENDED,
}
_STATE_OUT = {s: s.value.capitalize() for s in IntentState}


def parse_time(value: Any, what: str) -> datetime:
    """An F3548 Time ({"value": RFC3339}) or a bare RFC3339 string -> aware UTC datetime."""
    raw = value.get("value") if isinstance(value, Mapping) else value
    if not isinstance(raw, str):
        raise IntentError(f"{what}: expected an RFC3339 time, got {raw!r}")
    try:
        t = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError as exc:
        raise IntentError(f"{what}: not an RFC3339 time: {raw!r}") from exc
    if t.tzinfo is None:
        raise IntentError(f"{what}: time {raw!r} has no time zone")
    return t.astimezone(UTC)


def _altitude(value: Any, what: str) -> float:
    if not isinstance(value, Mapping) or not isinstance(value.get("value"), int | float):
        raise IntentError(f"{what}: expected {{'value': number, 'reference': 'W84', 'units': 'M'}}")
    if value.get("reference", "W84") != "W84" or value.get("units", "M") != "M":
        raise IntentError(f"{what}: only WGS84 altitudes in metres are supported")
    return float(value["value"])


def parse_volume(d: Any, what: str = "volume") -> Volume4D:
    """An F3548 Volume4D dict -> Volume4D (raises IntentError naming the problem)."""
    if not isinstance(d, Mapping) or not isinstance(d.get("volume"), Mapping):
        raise IntentError(f"{what}: missing 'volume'")
    vol = d["volume"]
    outline: tuple[tuple[float, float], ...] | Circle
    if vol.get("outline_polygon") and vol.get("outline_circle"):
        raise IntentError(f"{what}: has both outline_polygon and outline_circle")
    if vol.get("outline_polygon"):
        verts = vol["outline_polygon"].get("vertices")
        if not isinstance(verts, list):
            raise IntentError(f"{what}: outline_polygon.vertices must be a list")
        try:
            outline = tuple((float(p["lng"]), float(p["lat"])) for p in verts)
        except (KeyError, TypeError, ValueError) as exc:
            raise IntentError(f"{what}: vertices need numeric lng and lat") from exc
    elif vol.get("outline_circle"):
        c = vol["outline_circle"]
        try:
            radius = c["radius"]
            if radius.get("units", "M") != "M":
                raise IntentError(f"{what}: circle radius must be in metres")
            outline = Circle(
                float(c["center"]["lng"]), float(c["center"]["lat"]), float(radius["value"])
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise IntentError(f"{what}: circle needs center.lng/lat and radius.value") from exc
    else:
        raise IntentError(f"{what}: needs outline_polygon or outline_circle")
    if "time_start" not in d or "time_end" not in d:
        raise IntentError(f"{what}: time_start and time_end are required")
    if "altitude_lower" not in vol or "altitude_upper" not in vol:
        raise IntentError(f"{what}: altitude_lower and altitude_upper are required")
    return Volume4D(
        outline=outline,
        lower_m=_altitude(vol["altitude_lower"], f"{what}.altitude_lower"),
        upper_m=_altitude(vol["altitude_upper"], f"{what}.altitude_upper"),
        start=parse_time(d["time_start"], f"{what}.time_start"),
        end=parse_time(d["time_end"], f"{what}.time_end"),
    )


def parse_intent(d: Any) -> OperationalIntent:
    """One wire-format intent -> OperationalIntent (raises IntentError naming the problem)."""
    if not isinstance(d, Mapping):
        raise IntentError("intent must be a JSON object")
    ref = d.get("reference")
    det = d.get("details")
    ext = d.get("ceasefire", {})
    if not isinstance(ref, Mapping) or not isinstance(det, Mapping) or not isinstance(ext, Mapping):
        raise IntentError("intent needs 'reference' and 'details' objects")
    intent_id = ref.get("id")
    if not isinstance(intent_id, str) or not intent_id:
        raise IntentError("reference.id must be a non-empty string")
    state_raw = str(ref.get("state", "Accepted")).lower()
    if state_raw not in _STATE_IN:
        raise IntentError(f"{intent_id}: unknown state {ref.get('state')!r}")
    priority = det.get("priority", 0)
    if not isinstance(priority, int) or isinstance(priority, bool):
        raise IntentError(f"{intent_id}: priority must be an integer")
    version = ref.get("version", 0)
    if not isinstance(version, int) or isinstance(version, bool) or version < 0:
        raise IntentError(f"{intent_id}: version must be a non-negative integer")
    vols_raw = det.get("volumes") or []
    offn_raw = det.get("off_nominal_volumes") or []
    if not isinstance(vols_raw, list) or not isinstance(offn_raw, list):
        raise IntentError(f"{intent_id}: volumes must be lists")
    volumes = tuple(parse_volume(v, f"{intent_id}: volume {k}") for k, v in enumerate(vols_raw))
    off = tuple(
        parse_volume(v, f"{intent_id}: off-nominal volume {k}") for k, v in enumerate(offn_raw)
    )
    command = ext.get("command", ref.get("manager", ""))
    return OperationalIntent(
        id=intent_id,
        command=str(command),
        nation=str(ext.get("nation", "")),
        mandate=str(ext.get("mandate", "")),
        priority=priority,
        state=_STATE_IN[state_raw],
        volumes=volumes,
        version=version,
        off_nominal_volumes=off,
    )


def parse_intents(doc: Any, source: str) -> tuple[list[OperationalIntent], list[Problem]]:
    """A JSON document (a list of intents or {"intents": [...]}) -> valid intents + errors."""
    placed, errors = parse_placed_intents(doc, source)
    return [intent for _, intent in placed], errors


def parse_placed_intents(
    doc: Any, source: str
) -> tuple[list[tuple[str, OperationalIntent]], list[Problem]]:
    """As `parse_intents`, each valid intent with its place in the document (`[k]`), so that
    a caller can name both places of an id given twice."""
    items = doc.get("intents") if isinstance(doc, Mapping) else doc
    if not isinstance(items, list):
        return [], [Problem(source, "expected a list of intents or {'intents': [...]}")]
    ok: list[tuple[str, OperationalIntent]] = []
    errors: list[Problem] = []
    for k, item in enumerate(items):
        ref = item.get("reference") if isinstance(item, Mapping) else None
        label = str(ref.get("id", k)) if isinstance(ref, Mapping) else str(k)
        try:
            ok.append((f"[{k}]", parse_intent(item)))
        except IntentError as exc:
            errors.append(Problem(source, str(exc), pointer=label))
    return ok, errors


def format_time(t: datetime) -> dict[str, str]:
    """Aware datetime -> F3548 Time."""
    return {"value": t.astimezone(UTC).isoformat().replace("+00:00", "Z"), "format": "RFC3339"}


def volume_to_f3548(v: Volume4D) -> dict[str, Any]:
    """Volume4D -> F3548 Volume4D dict."""
    vol: dict[str, Any] = {
        "altitude_lower": {"value": v.lower_m, "reference": "W84", "units": "M"},
        "altitude_upper": {"value": v.upper_m, "reference": "W84", "units": "M"},
    }
    if isinstance(v.outline, Circle):
        vol["outline_circle"] = {
            "center": {"lng": v.outline.lon, "lat": v.outline.lat},
            "radius": {"value": v.outline.radius_m, "units": "M"},
        }
    else:
        vol["outline_polygon"] = {"vertices": [{"lng": x, "lat": y} for x, y in v.outline]}
    return {"volume": vol, "time_start": format_time(v.start), "time_end": format_time(v.end)}


def intent_to_f3548(
    intent: OperationalIntent, base_url: str = "https://uss.invalid"
) -> dict[str, Any]:
    """OperationalIntent -> F3548 OperationalIntent dict with the "ceasefire" extension."""
    vols: Sequence[Volume4D] = intent.volumes or intent.off_nominal_volumes
    ref: dict[str, Any] = {
        "id": intent.id,
        "manager": intent.command,
        "uss_availability": "Normal",
        "version": intent.version,
        "state": _STATE_OUT[intent.state],
        "ovn": f"{intent.id}.v{intent.version}",
        "uss_base_url": base_url,
        "subscription_id": f"sub-{intent.id}",
    }
    if vols:
        ref["time_start"] = format_time(min(v.start for v in vols))
        ref["time_end"] = format_time(max(v.end for v in vols))
    return {
        "reference": ref,
        "details": {
            "volumes": [volume_to_f3548(v) for v in intent.volumes],
            "off_nominal_volumes": [volume_to_f3548(v) for v in intent.off_nominal_volumes],
            "priority": intent.priority,
        },
        "ceasefire": {
            "command": intent.command,
            "nation": intent.nation,
            "mandate": intent.mandate,
        },
    }
