"""The live-track formats this system reads, registered by name in `TRACK_FEEDS`.

Same mechanism as the observation sources (`ingest.registry`), for recordings of sensor feeds:
each format yields `TrackState`s plus one `Problem` per record it could not use. Every
format also says which feed it belongs to (`TrackSource.ADSB` or `.AIS`), so `--adsb FILE`
detects among the ADS-B formats only and a file of the wrong kind is refused by name.
Detection order: traffic-library JSON, BaseStation/SBS-1 text, AIS NMEA (their first
characters, `[`/`{`, `MSG,` and `!`/`\\`/`$`, cannot be confused). Files may be gzipped.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ceasefire.domain.errors import Problem
from ceasefire.domain.track import TrackSource, TrackState
from ceasefire.ingest.adsb import parse_sbs, parse_traffic_json
from ceasefire.ingest.ais import parse_nmea
from ceasefire.ingest.registry import Registry, SniffedFormat, open_binary
from ceasefire.safe_files import InputKind, parse_json


@dataclass
class TrackBatch:
    """What one recording gave: states in file order, and the records that were refused."""

    states: list[TrackState] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class TrackFeed(SniffedFormat):
    """A recording format of one feed. `reader(path, default_t)`: `default_t` (POSIX s) stamps
    records that carry no time of their own (AIS sentences without tag block or wrapper)."""

    feed: TrackSource
    reader: Callable[[Path, float], TrackBatch]

    def read(self, path: Path, default_t: float = 0.0) -> TrackBatch:
        return self.reader(path, default_t)


TRACK_FEEDS: Registry[TrackFeed] = Registry("track format", InputKind.RECORDING)

_SBS_MESSAGE_TYPES = frozenset({"MSG", "SEL", "ID", "AIR", "STA", "CLK"})
# An NMEA AIS sentence (!xxVDM / !xxVDO), optionally behind a 4.10 tag block, or a Gatehouse
# $PGHP time-stamp wrapper.
_NMEA_AIS = re.compile(r"^(\\[^\\]*\\)?(![A-Z]{2}VD[MO],|\$PGHP,)")


def _first_record_line(head: str) -> str:
    """The first line that is neither blank nor a `#` comment."""
    for line in head.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            return stripped
    return ""


def _is_traffic_json(head: str) -> bool:
    text = head.lstrip()
    return text[:1] in ("[", "{") and ('"icao24"' in text or '"timestamp"' in text)


def _is_sbs(head: str) -> bool:
    fields = _first_record_line(head).split(",")
    return len(fields) >= 10 and fields[0] in _SBS_MESSAGE_TYPES


def _is_nmea_ais(head: str) -> bool:
    return _NMEA_AIS.match(_first_record_line(head)) is not None


def _read_traffic_json(path: Path, _default_t: float) -> TrackBatch:
    with open_binary(path) as handle:
        doc = parse_json(handle.read(), str(path))
    result = parse_traffic_json(doc, str(path))
    return TrackBatch(result.states, result.errors)


def _read_sbs(path: Path, _default_t: float) -> TrackBatch:
    with open_binary(path) as handle:
        result = parse_sbs((raw.decode("utf-8", errors="replace") for raw in handle), str(path))
    return TrackBatch(result.states, result.errors)


def _read_nmea(path: Path, default_t: float) -> TrackBatch:
    with open_binary(path) as lines:
        result = parse_nmea(lines, str(path), default_t)
    return TrackBatch(result.states, result.errors)


TRACK_FEEDS.register(
    TrackFeed(
        name="adsb-json",
        description="ADS-B JSON of the traffic library (rows or pandas columns)",
        sniff=_is_traffic_json,
        feed=TrackSource.ADSB,
        reader=_read_traffic_json,
    )
)
TRACK_FEEDS.register(
    TrackFeed(
        name="adsb-sbs",
        description="ADS-B BaseStation/SBS-1 text (port 30003)",
        sniff=_is_sbs,
        feed=TrackSource.ADSB,
        reader=_read_sbs,
    )
)
TRACK_FEEDS.register(
    TrackFeed(
        name="ais-nmea",
        description="AIS NMEA 0183 sentences (!AIVDM/!AIVDO, tag blocks, $PGHP)",
        sniff=_is_nmea_ais,
        feed=TrackSource.AIS,
        reader=_read_nmea,
    )
)


def read_track_file(path: Path, feed: TrackSource, default_t: float) -> TrackBatch:
    """Detect which of `feed`'s formats the file is in, and read it.

    Raises UnknownFormatError (a ValueError) naming the formats of that feed when none
    recognises the file, and OSError / ValueError when it cannot be read as a whole.
    """
    adapter = TRACK_FEEDS.detect(path, [f for f in TRACK_FEEDS if f.feed is feed])
    return adapter.read(path, default_t)
