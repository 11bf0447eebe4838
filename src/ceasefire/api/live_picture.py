"""The service's live track picture: the latest state of each track, in memory.

Why memory: a track's state is worth seconds; the picture is for deconfliction now, not
evidence, and an append-only ledger of every position report would grow without bound. So a
restart forgets the picture (clients keep reporting and it refills within a report interval);
issue 13 moves the picture onto the message bus (NATS), where several services can share it.

Bounds, so a client cannot exhaust the service's memory:
- a track not reported for `stale_s` seconds (default 300) is dropped, at every report and
  every read, and a report already that old is refused;
- at most `max_tracks` tracks (default 20,000) are held; a batch that would add more new
  tracks than there is room for is refused whole (409), nothing taken. Reports of tracks
  already held are always taken.
Reports stamped more than `FUTURE_SLACK_S` after the service's clock are refused too (a clock
that is wrong would otherwise keep a track alive, extrapolated from the future).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass

from ceasefire.deconflict.tactical import Traffic
from ceasefire.deconflict.tracks import StoredTrack, TrackStore
from ceasefire.domain.errors import ConflictError, Problem
from ceasefire.domain.track import TrackState

#: Most tracks held at once.
MAX_TRACKS = 20_000
#: Seconds after its last report when a track is dropped.
STALE_S = 300.0
#: How far ahead of the service's clock a report may be stamped.
FUTURE_SLACK_S = 60.0


@dataclass(frozen=True, slots=True)
class HeldTrack:
    """A track as held: its latest accepted report, smoothed velocity, and who reported it."""

    track: StoredTrack
    reported_by: str


@dataclass(frozen=True, slots=True)
class Taken:
    """What a batch did: reports taken, reports refused (index in the batch, reason),
    tracks dropped as stale before it, tracks held after it."""

    taken: int
    refused: list[tuple[int, Problem]]
    expired: int
    held: int


def time_problems(t: float, now: float, stale_s: float) -> list[str]:
    """Why a report's time does not belong in the picture at `now` (empty when it does)."""
    if t > now + FUTURE_SLACK_S:
        return [f"t is {t - now:.0f} s after the service's clock (at most {FUTURE_SLACK_S:g} s)"]
    if now - t > stale_s:
        return [f"t is {now - t:.0f} s old; the picture drops tracks after {stale_s:g} s"]
    return []


class LivePicture:
    """Thread-safe: one lock around the track store."""

    def __init__(self, max_tracks: int = MAX_TRACKS, stale_s: float = STALE_S) -> None:
        self.max_tracks = max_tracks
        self.stale_s = stale_s
        self._tracks = TrackStore()
        self._reporters: dict[str, str] = {}
        self._lock = threading.Lock()

    def _expire(self, now: float) -> int:
        dropped = self._tracks.expire(now, self.stale_s)
        if dropped:
            self._reporters = {k: v for k, v in self._reporters.items()
                               if self._tracks.get(k) is not None}
        return dropped

    def take(self, states: Sequence[TrackState], reporter: str, now: float) -> Taken:
        """Take a batch of validated reports in time order; a report the track store refuses
        (out of order, an impossible jump) is listed, the others are taken."""
        with self._lock:
            expired = self._expire(now)
            new = {s.id for s in states if self._tracks.get(s.id) is None}
            room = self.max_tracks - len(self._tracks)
            if len(new) > room:
                raise ConflictError(
                    f"the live picture holds {len(self._tracks)} tracks, at most"
                    f" {self.max_tracks}; this batch's {len(new)} new tracks do not fit,"
                    f" nothing taken (tracks unreported for {self.stale_s:g} s are dropped)")
            order = sorted(range(len(states)), key=lambda k: states[k].t)
            refused: list[tuple[int, Problem]] = []
            for k in order:
                problem = self._tracks.update(states[k])
                if problem is None:
                    self._reporters[states[k].id] = reporter
                else:
                    refused.append((k, problem))
            refused.sort(key=lambda item: item[0])
            return Taken(len(states) - len(refused), refused, expired, len(self._tracks))

    def held(self, now: float) -> list[HeldTrack]:
        """Every held track, by id, after dropping the stale ones."""
        with self._lock:
            self._expire(now)
            out = []
            for track_id in sorted(self._reporters):
                track = self._tracks.get(track_id)
                if track is not None:
                    out.append(HeldTrack(track, self._reporters[track_id]))
            return out

    def snapshot(self, now: float) -> Traffic:
        """Every held track extrapolated to `now` (what conflict detection needs)."""
        with self._lock:
            self._expire(now)
            return self._tracks.snapshot(now)
