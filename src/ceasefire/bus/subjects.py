"""Where an observation goes on the bus: its subject (per source and sector) and message id.

Pure functions. A subject is ``ceasefire.obs.<source>.<sector>`` so that a worker, a post's
leaf node or an auditor can take one source or one sector with a wildcard
(``ceasefire.obs.*.kharkiv``, ``ceasefire.obs.ucdp.>``) without decoding a byte.

The **sector** of an observation, in order:

1. a point inside one of Ukraine's 27 first-level units (24 oblasts, Crimea, Kyiv city,
   Sevastopol): that unit (``kharkiv``, ``kyiv-city``);
2. no point, and a region text naming exactly one unit ("Odesa oblast", "Kryvyi Rih"): that
   unit;
3. otherwise ``unplaced``: a point at sea or abroad, a region spanning several units ("south",
   "Ukraine"), or a region text no rule reads.

Why units and not the region text itself: the set of sectors stays closed (28 values), so
subjects, consumers and any per-sector fusion are bounded, and two spellings of one oblast
land in one sector.

The **message id** is the record's ledger id, ``observation/<id>/<digest>``: it names the
record *and* its exact content, so a re-send of the same row is a duplicate the bus drops,
while a corrected row under the same id is a new message that goes through (docs/bus.md).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ceasefire.bus.contract import Outgoing, StreamSpec
from ceasefire.domain import Observation
from ceasefire.geo.regions import units_named
from ceasefire.records import encode

UnitOf = Callable[[float, float], str | None]

OBSERVATIONS_PREFIX = "ceasefire.obs"
DEAD_LETTER_PREFIX = "ceasefire.dead"
UNPLACED = "unplaced"

#: How long the bus remembers a message id (one hour): a re-send within it is dropped by the
#: bus; a later one reaches a worker, whose idempotent store write adds nothing.
DUPLICATE_WINDOW_S = 3600.0

OBSERVATION_STREAM = StreamSpec("CEASEFIRE_OBS", (f"{OBSERVATIONS_PREFIX}.>",), DUPLICATE_WINDOW_S)
DEAD_LETTER_STREAM = StreamSpec("CEASEFIRE_DEAD", (f"{DEAD_LETTER_PREFIX}.>",), DUPLICATE_WINDOW_S)
STREAMS = (OBSERVATION_STREAM, DEAD_LETTER_STREAM)

#: Headers of a dead letter: why it was set aside, and where it was first published.
REASON_HEADER = "Ceasefire-Reason"
ORIGINAL_SUBJECT_HEADER = "Ceasefire-Subject"

_UNSAFE = re.compile(r"[^a-z0-9_-]+")


def token(text: str) -> str:
    """`text` as one subject token: lower case, runs of anything but letters, digits, ``_``
    and ``-`` (dots, spaces, wildcards) made one ``-``; never empty."""
    cleaned = _UNSAFE.sub("-", text.strip().lower()).strip("-")
    return cleaned or "unknown"


def sector_of(observation: Observation, unit_of: UnitOf) -> str:
    """The observation's sector token (see the module's rules)."""
    location = observation.location
    if location.lat is not None and location.lon is not None:
        unit = unit_of(location.lat, location.lon)
        return token(unit) if unit else UNPLACED
    named = units_named(location.region or "")
    if named is not None and len(named) == 1:
        return token(next(iter(named)))
    return UNPLACED


def subject_of(observation: Observation, unit_of: UnitOf) -> str:
    """``ceasefire.obs.<source>.<sector>``."""
    return f"{OBSERVATIONS_PREFIX}.{token(observation.source)}.{sector_of(observation, unit_of)}"


def observation_message(observation: Observation, unit_of: UnitOf) -> Outgoing:
    """The message carrying an observation: its canonical envelope (the very bytes the store
    and the ledger keep), under its ledger id as message id. RecordFormatError if the
    observation cannot be recorded exactly (nothing is published then)."""
    encoded = encode(observation)
    return Outgoing(subject_of(observation, unit_of), encoded.data, encoded.ledger_id)


def dead_letter(subject: str, data: bytes, msg_id: str, reason: str) -> Outgoing:
    """A message set aside: same bytes, under ``ceasefire.dead.<original subject>``, with the
    reason and the original subject in its headers (a header is one line: newlines go)."""
    one_line = " ".join(reason.split())[:1000]
    return Outgoing(
        f"{DEAD_LETTER_PREFIX}.{subject}",
        data,
        f"dead/{msg_id}",
        {REASON_HEADER: one_line, ORIGINAL_SUBJECT_HEADER: subject},
    )
