"""Replay a recording of track states as the pictures an operator would have seen.

A recording is not a snapshot: tracks report at their own rates and CPA detection needs every
track at one common time. So the states are fed to a `TrackStore` in time order and a picture
is taken on a fixed grid of the recording's own clock: at every multiple of `step_s` seconds
(POSIX time, so pictures fall on round times such as 11:30:10Z), after every state stamped at
or before that time has been applied. A grid time in whose step nothing arrived is skipped:
the picture would only repeat the last one, and a recording with a day-long gap must not
produce thousands of identical pictures.

Staleness: a track that has not been updated for more than `stale_s` seconds at a grid time
is dropped from the store before the picture is taken. Without that, an aircraft that landed
or left coverage would be extrapolated along its last velocity forever and cause phantom
conflicts. Every track in a picture is therefore extrapolated by at most `stale_s` seconds.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ceasefire.deconflict.tactical import Traffic
from ceasefire.deconflict.tracks import TrackStore
from ceasefire.domain.errors import Problem
from ceasefire.domain.track import TrackState

#: Defaults chosen for the feeds we read: ADS-B positions come every 0.5-10 s and a 10 s
#: picture matches the traffic library's samples; 60 s of silence is far beyond ADS-B's
#: update rate and AIS class A's rate under way (2-10 s), so a track that quiet is gone.
DEFAULT_STEP_S = 10.0
DEFAULT_STALE_S = 60.0


@dataclass(frozen=True, slots=True)
class Picture:
    """The tracks at one grid time, and what happened to the store since the last picture."""

    t: float
    traffic: Traffic
    refused: list[Problem]
    expired: int


def _grid_time_at_or_after(t: float, step_s: float) -> float:
    """The first multiple of `step_s` >= t (the division can round below; the loop must
    consume the state, or replay would never end)."""
    n = math.ceil(t / step_s)
    return n * step_s if n * step_s >= t else (n + 1) * step_s


def replay(
    states: Iterable[TrackState],
    step_s: float = DEFAULT_STEP_S,
    stale_s: float = DEFAULT_STALE_S,
    tau_s: float = 10.0,
) -> Iterator[Picture]:
    """Pictures in time order (see the module docstring); states may come in any order."""
    if step_s <= 0.0 or stale_s <= 0.0:
        raise ValueError("step_s and stale_s must be positive")
    ordered = sorted(states, key=lambda s: s.t)  # stable: equal times keep file order
    store = TrackStore(tau_s)
    k = 0
    while k < len(ordered):
        t = _grid_time_at_or_after(ordered[k].t, step_s)
        refused: list[Problem] = []
        while k < len(ordered) and ordered[k].t <= t:
            error = store.update(ordered[k])
            if error is not None:
                refused.append(error)
            k += 1
        expired = store.expire(t, stale_s)
        yield Picture(t, store.snapshot(t), refused, expired)
