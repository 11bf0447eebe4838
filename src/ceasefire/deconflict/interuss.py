"""Resolve InterUSS `FlightIntentCollection` documents into operational intents.

InterUSS's uss_qualifier keeps its standard test intents as a collection in which an intent is
either `full` or a `delta` on another (`source`) with a `mutation` merged into it. Merging is
recursive for mappings, element-wise for lists of the same length, and a key spelled `+key`
replaces the inherited value instead of merging into it. Times are offsets from named moments
of the test ("TimeOfEvaluation", "StartOfScenario"...), all anchored here on one `now`.
This module turns the conformance data into our intents; it reads no files.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from ceasefire.domain.intent import Circle, IntentError, IntentState, OperationalIntent, Volume4D

_DURATION = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*([smhd])\s*$")
_UNIT_S = {"s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
_USAGE = {
    "Planned": IntentState.ACCEPTED,
    "InUse": IntentState.ACTIVATED,
    "Closed": IntentState.ENDED,
}


def merge(base: Any, mutation: Any) -> Any:
    """InterUSS-style override of `base` by `mutation` (see module docstring)."""
    if isinstance(base, Mapping) and isinstance(mutation, Mapping):
        out = dict(copy.deepcopy(base))
        for key, value in mutation.items():
            if isinstance(key, str) and key.startswith("+"):
                out[key[1:]] = copy.deepcopy(value)
            elif key in out:
                out[key] = merge(out[key], value)
            else:
                out[key] = copy.deepcopy(value)
        return out
    if isinstance(base, list) and isinstance(mutation, list) and len(base) == len(mutation):
        return [merge(b, m) for b, m in zip(base, mutation, strict=True)]
    return copy.deepcopy(mutation)


def resolve(collection: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Every intent of the collection, with deltas applied (raises IntentError on cycles)."""
    raw = collection.get("intents")
    if not isinstance(raw, Mapping):
        raise IntentError("collection has no 'intents' mapping")
    done: dict[str, dict[str, Any]] = {}

    def get(name: str, trail: tuple[str, ...]) -> dict[str, Any]:
        if name in done:
            return done[name]
        if name in trail:
            raise IntentError(f"delta cycle: {' -> '.join((*trail, name))}")
        entry = raw.get(name)
        if not isinstance(entry, Mapping):
            raise IntentError(f"unknown intent {name!r}")
        if "full" in entry:
            result = dict(entry["full"])
        elif "delta" in entry:
            delta = entry["delta"]
            result = merge(get(str(delta["source"]), (*trail, name)), delta.get("mutation", {}))
        else:
            raise IntentError(f"intent {name!r} is neither 'full' nor 'delta'")
        done[name] = result
        return result

    for name in raw:
        get(str(name), ())
    return done


def _offset(text: Any) -> timedelta:
    m = _DURATION.match(str(text))
    if not m:
        raise IntentError(f"cannot read duration {text!r}")
    return timedelta(seconds=float(m.group(1)) * _UNIT_S[m.group(2)])


def _time(spec: Any, now: datetime) -> datetime:
    if not isinstance(spec, Mapping) or "offset_from" not in spec:
        raise IntentError(f"unsupported time specification {spec!r}")
    return now + _offset(spec["offset_from"].get("offset", "0s"))


def to_intent(
    name: str, flight: Mapping[str, Any], now: datetime, command: str = "interuss"
) -> OperationalIntent:
    """One resolved InterUSS flight intent -> OperationalIntent, times anchored at `now`."""
    info = flight.get("basic_information", {})
    volumes: list[Volume4D] = []
    for k, area in enumerate(info.get("area", [])):
        if "outline_polygon" in area:
            outline: tuple[tuple[float, float], ...] | Circle = tuple(
                (float(p["lng"]), float(p["lat"])) for p in area["outline_polygon"]["vertices"]
            )
        elif "outline_circle" in area:
            c = area["outline_circle"]
            outline = Circle(
                float(c["center"]["lng"]), float(c["center"]["lat"]), float(c["radius"]["value"])
            )
        else:
            raise IntentError(f"{name}: area {k} has no outline")
        start = _time(area["start_time"], now)
        if "end_time" in area:
            end = _time(area["end_time"], now)
        elif "duration" in area:
            end = start + _offset(area["duration"])
        else:
            raise IntentError(f"{name}: area {k} has neither end_time nor duration")
        volumes.append(
            Volume4D(
                outline,
                float(area["altitude_lower"]["value"]),
                float(area["altitude_upper"]["value"]),
                start,
                end,
            )
        )
    state = _USAGE.get(str(info.get("usage_state", "Planned")), IntentState.ACCEPTED)
    if info.get("uas_state") == "OffNominal":
        state = IntentState.NONCONFORMING
    elif info.get("uas_state") == "Contingent":
        state = IntentState.CONTINGENT
    priority = int(flight.get("astm_f3548_21", {}).get("priority", 0))
    return OperationalIntent(
        id=name,
        command=command,
        nation="",
        mandate="interuss-conformance",
        priority=priority,
        state=state,
        volumes=tuple(volumes),
    )


def load_collection(
    collection: Mapping[str, Any], now: datetime, command: str = "interuss"
) -> dict[str, OperationalIntent]:
    """All intents of a collection, resolved and anchored at `now`."""
    return {name: to_intent(name, f, now, command) for name, f in resolve(collection).items()}
