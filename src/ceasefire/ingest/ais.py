"""AIS NMEA 0183 (!AIVDM/!AIVDO) -> vessel track states, decoded with pyais.

Handles single and multi-fragment sentences, NMEA 4.10 tag blocks (receiver time `c:`) and
Gatehouse `$PGHP` wrappers (their time stamps the following sentence). Only position reports
become states (types 1, 2, 3, 18, 19, 27); other messages are counted, not errors. A line
that cannot be decoded, or a position report with "not available" values (lat 91, lon 181,
SOG 102.3 kn, COG 360), is reported as a Problem naming the line and why.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC
from typing import Any

from pyais.exceptions import InvalidNMEAMessageException, UnknownMessageException
from pyais.messages import AISSentence, GatehouseSentence, NMEAMessage, NMEASentenceFactory

from ceasefire.domain.errors import Problem
from ceasefire.domain.track import TrackSource, TrackState, state_problems

KNOT_MPS = 1852.0 / 3600.0
POSITION_TYPES = frozenset({1, 2, 3, 18, 19, 27})
_MAX_FRAGMENT_WAIT = 20  # lines after which an incomplete multi-part message is dropped


@dataclass
class AisResult:
    """States decoded, errors per line, and how many valid non-position messages were seen."""

    states: list[TrackState] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    other_messages: int = 0


def _state_from(msg: Any, t: float) -> TrackState | str:
    """A decoded position report -> TrackState, or the reason it cannot be one."""
    lat, lon = getattr(msg, "lat", None), getattr(msg, "lon", None)
    speed, course = getattr(msg, "speed", None), getattr(msg, "course", None)
    if lat is None or lon is None or lat == 91.0 or lon == 181.0:
        return "position not available (lat 91 / lon 181)"
    if speed is None or speed >= 102.3 or (msg.msg_type == 27 and speed >= 63):
        return "speed over ground not available (102.3 kn; 63 kn in type 27)"
    if course is None or course >= 360.0:
        return "course over ground not available (360; 511 in type 27)"
    gs = float(speed) * KNOT_MPS
    problems = state_problems(float(lat), float(lon), 0.0, float(course), gs, 0.0)
    if problems:
        return "; ".join(problems)
    return TrackState(
        id=f"mmsi:{msg.mmsi}",
        t=t,
        lat=float(lat),
        lon=float(lon),
        alt_m=0.0,
        trk_deg=float(course),
        gs_mps=gs,
        vs_mps=0.0,
        source=TrackSource.AIS,
    )


def _time_of(sentence: AISSentence, wrapper_t: float | None, default_t: float) -> float:
    tb = sentence.tag_block
    if tb is not None:
        tb.init()
        if tb.receiver_timestamp:
            return float(tb.receiver_timestamp)
    if wrapper_t is not None:
        return wrapper_t
    return default_t


def _expire_fragments(
    pending: dict[tuple[Any, ...], tuple[int, list[AISSentence]]],
    lineno: int,
    source: str,
    out: AisResult,
) -> None:
    """Drop fragments that never completed, so a corrupt stream cannot grow memory."""
    for key, (first, _) in list(pending.items()):
        if lineno - first > _MAX_FRAGMENT_WAIT:
            del pending[key]
            out.errors.append(Problem(source, "incomplete multi-part message", line=first))


def parse_nmea(lines: Iterable[str | bytes], source: str, default_t: float = 0.0) -> AisResult:
    """Decode NMEA lines. `default_t` (POSIX s) stamps sentences that carry no time."""
    out = AisResult()
    pending: dict[tuple[Any, ...], tuple[int, list[AISSentence]]] = {}
    wrapper_t: float | None = None
    for lineno, raw in enumerate(lines, start=1):
        line = raw.encode() if isinstance(raw, str) else raw
        line = line.strip()
        if not line or line.startswith(b"#"):
            continue
        _expire_fragments(pending, lineno, source, out)
        try:
            sentence = NMEASentenceFactory.produce(line)
        except (InvalidNMEAMessageException, UnknownMessageException, ValueError) as exc:
            out.errors.append(
                Problem(source, f"not a valid NMEA sentence: {exc}", line=lineno)
            )
            continue
        if isinstance(sentence, GatehouseSentence):
            ts = sentence.timestamp
            wrapper_t = ts.replace(tzinfo=UTC).timestamp() if ts is not None else None
            continue
        if not isinstance(sentence, AISSentence):
            continue
        t = _time_of(sentence, wrapper_t, default_t)
        wrapper_t = None
        if not sentence.is_valid:
            out.errors.append(Problem(source, "checksum mismatch", line=lineno))
            continue
        if sentence.is_single:
            parts = [sentence]
        else:
            key = (sentence.seq_id, sentence.channel, sentence.frag_cnt)
            first, frags = pending.get(key, (lineno, []))
            frags.append(sentence)
            if len(frags) < sentence.frag_cnt:
                pending[key] = (first, frags)
                continue
            pending.pop(key, None)
            parts = sorted(frags, key=lambda s: s.frag_num)
        try:
            msg = (
                NMEAMessage.assemble_from_iterable(parts).decode()
                if len(parts) > 1
                else parts[0].decode()
            )
        except Exception as exc:  # pyais raises several types for corrupt payloads
            reason = f"empty or corrupt payload ({type(exc).__name__})"
            out.errors.append(Problem(source, reason, line=lineno))
            continue
        if msg.msg_type not in POSITION_TYPES:
            out.other_messages += 1
            continue
        state = _state_from(msg, t)
        if isinstance(state, str):
            out.errors.append(Problem(source, f"mmsi {msg.mmsi}: {state}", line=lineno))
        else:
            out.states.append(state)
    for first, _ in pending.values():
        out.errors.append(Problem(source, "incomplete multi-part message", line=first))
    return out
