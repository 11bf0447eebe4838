"""The intents file of `force check`: the F3548 intents `ceasefire deconflict` reads, with
three more keys in their `ceasefire` extension object beside `command`, `nation`, `mandate`:

    "ceasefire": {"command": "mnfu-air", "nation": "GB", "mandate": "gb-government-2026",
                  "units": ["gb-typhoon-1"], "task": "air_policing",
                  "mandates": ["gb-government-2026", "coalition-mnfu"]}

The deconflictor ignores the new keys (it reads only the three it knows), so one file serves
both commands. Here they are required: an intent without units or task cannot be checked and
is reported as a bad record, as a malformed volume is.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ceasefire.deconflict.f3548 import parse_placed_intents
from ceasefire.domain.errors import Problem
from ceasefire.force.checks import ForceIntent
from ceasefire.force.model import Task

_TASKS = ", ".join(t.value for t in Task)


def _names(ext: Mapping[str, Any], key: str) -> tuple[str, ...] | None:
    value = ext.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        return None
    return tuple(value)


def _extension(item: Any) -> Mapping[str, Any]:
    ext = item.get("ceasefire") if isinstance(item, Mapping) else None
    return ext if isinstance(ext, Mapping) else {}


def parse_force_intents(
    doc: Any, source: str
) -> tuple[list[tuple[str, ForceIntent]], list[Problem]]:
    """Every intent of the document with its place (`[k]`), and one problem per bad one."""
    placed, problems = parse_placed_intents(doc, source)
    items: Any = doc.get("intents") if isinstance(doc, Mapping) else doc  # a list if any placed
    out: list[tuple[str, ForceIntent]] = []
    for where, intent in placed:
        ext = _extension(items[int(where.strip("[]"))])
        pointer = f"{where} {intent.id}"
        units = _names(ext, "units")
        mandates = _names(ext, "mandates")
        task = ext.get("task")
        if units is None or not units:
            reason = "must be a non-empty list of unit ids"
            problems.append(Problem(source, reason, pointer=pointer, field="ceasefire.units"))
        elif mandates is None:
            reason = "must be a list of mandate ids"
            problems.append(Problem(source, reason, pointer=pointer, field="ceasefire.mandates"))
        elif task not in set(Task):
            reason = f"{task!r} is not one of {_TASKS}"
            problems.append(Problem(source, reason, pointer=pointer, field="ceasefire.task"))
        else:
            out.append((where, ForceIntent(intent, units, Task(task), mandates)))
    return out, problems
