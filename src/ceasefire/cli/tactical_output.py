"""Rows of the tactical command's CSV outputs, shared by the snapshot and the replay mode.

Both modes must write the same columns with the same formatting (replay only prepends the
picture's time), so the rows are built here once.
"""

from __future__ import annotations

from datetime import UTC, datetime

from ceasefire.deconflict.incursion import Incursion
from ceasefire.deconflict.tactical import PairConflicts, Traffic

CONFLICT_COLUMNS = ["id1", "id2", "tcpa_s", "dcpa_m", "tin_s", "tout_s"]
INCURSION_COLUMNS = [
    "track_id",
    "constraint_id",
    "kind",
    "entry_s",
    "inside_now",
    "entry_lat",
    "entry_lon",
    "entry_alt_m",
]


def conflict_rows(traffic: Traffic, result: PairConflicts) -> list[list[str]]:
    """One row per conflicting pair, ids in order within the pair, rows sorted, so the output
    of a run does not depend on the order the tracks came in."""
    rows = []
    for k in range(len(result)):
        a, b = str(traffic.ids[result.i[k]]), str(traffic.ids[result.j[k]])
        a, b = (a, b) if a < b else (b, a)
        rows.append((a, b, result.tcpa_s[k], result.dcpa_m[k], result.tin_s[k], result.tout_s[k]))
    rows.sort()
    return [
        [a, b, f"{tcpa:.3f}", f"{dcpa:.3f}", f"{tin:.3f}", f"{tout:.3f}"]
        for a, b, tcpa, dcpa, tin, tout in rows
    ]


def incursion_row(alert: Incursion) -> list[str]:
    return [
        alert.track_id,
        alert.constraint_id,
        alert.kind,
        f"{alert.entry_s:.3f}",
        str(int(alert.inside_now)),
        f"{alert.entry_lat:.6f}",
        f"{alert.entry_lon:.6f}",
        f"{alert.entry_alt_m:.1f}",
    ]


def describe_incursion(alert: Incursion) -> str:
    state = "INSIDE" if alert.inside_now else f"enters in {alert.entry_s:.1f} s"
    return f"{alert.track_id} {state} {alert.kind} {alert.constraint_id}"


def rfc3339(t: float) -> str:
    """POSIX seconds as RFC 3339 UTC with a `Z` (microseconds only when there are some)."""
    return datetime.fromtimestamp(t, UTC).isoformat().replace("+00:00", "Z")
