"""The ceasefire columns every tabular export carries after its dataset's own columns.

ACLED's and UCDP's columns cannot hold an incident: no exact interval, no radius, no fusion
links, no reasons. So each row also carries the incident's record envelope (`cf_record`: the
canonical bytes the evidence ledger commits to, ledger id included) and a few readable columns
for people who open the file in a spreadsheet. Import rebuilds the incident from `cf_record`
alone, then checks that every other column still says what the exporter would write for that
incident: a cell edited after export is refused, never silently ignored or half believed.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from ceasefire.domain.incident import Incident
from ceasefire.records import RecordFormatError, decode, encode

CF_COLUMNS: tuple[str, ...] = (
    "cf_incident_id",
    "cf_category",
    "cf_side",
    "cf_attributed_side",
    "cf_attribution_method",
    "cf_attribution_confidence",
    "cf_confidence",
    "cf_start",
    "cf_end",
    "cf_time_precision",
    "cf_radius_m",
    "cf_region",
    "cf_observation_ids",
    "cf_independent_sources",
    "cf_record",
)


def number(value: float) -> str:
    """Shortest text that reads back as the same float; ``-0.0`` is written as ``0.0``, as the
    canonical record writes it, so the row rendered from the record matches the one written."""
    return repr(float(value) + 0.0)


def utc_text(t: datetime) -> str:
    return t.astimezone(UTC).isoformat()


def actor_side(incident: Incident) -> str:
    """The side an act is exported as coming from: the attribution's when it decided one, else
    the incident's own (fusion's) side, else ``unknown``."""
    chosen = incident.attribution.side if incident.attribution.determined else incident.side
    return str(chosen)


def source_names(incident: Incident) -> list[str]:
    """Every source named by the incident's independent-source groups, first mention first."""
    seen: dict[str, None] = {}
    for group in incident.sources:
        for source in group.sources:
            seen.setdefault(source, None)
    return list(seen)


def record_bytes(incident: Incident) -> bytes:
    """The incident's record envelope, exactly as the store and the ledger keep it.

    Raises `RecordFormatError` (invalid input) naming the incident when a value cannot be
    carried exactly (a NaN distance in a fusion link, text that is not valid Unicode).
    """
    return encode(incident).data


def lossless_cells(incident: Incident) -> dict[str, str]:
    loc, interval, attribution = incident.location, incident.interval, incident.attribution
    return {
        "cf_incident_id": incident.id,
        "cf_category": str(incident.category),
        "cf_side": str(incident.side),
        "cf_attributed_side": str(attribution.side),
        "cf_attribution_method": attribution.method,
        "cf_attribution_confidence": number(attribution.confidence),
        "cf_confidence": number(incident.confidence),
        "cf_start": utc_text(interval.start),
        "cf_end": utc_text(interval.end),
        "cf_time_precision": str(interval.precision),
        "cf_radius_m": number(loc.uncertainty_m),
        "cf_region": loc.region or "",
        "cf_observation_ids": " ".join(incident.observation_ids),
        "cf_independent_sources": str(incident.independent_sources),
        "cf_record": record_bytes(incident).decode("utf-8"),
    }


def incident_from_record(data: bytes) -> Incident:
    """The incident in a record envelope, which must be exactly the envelope we would write.

    Re-encoding and comparing the bytes catches an edited body whose ledger id (and digest)
    no longer match it. Raises ValueError saying what is wrong.
    """
    try:
        record = decode(data)
    except RecordFormatError as exc:
        raise ValueError(f"cf_record is not a record: {exc.detail}") from None
    if not isinstance(record, Incident):
        raise ValueError(f"cf_record holds a {type(record).__name__}, not an incident")
    schema = json.loads(data)["schema"]
    try:
        again = encode(record, schema).data
    except RecordFormatError as exc:
        raise ValueError(f"cf_record cannot be re-encoded: {exc.detail}") from None
    if again != data:
        raise ValueError(
            f"cf_record of incident {record.id!r} is not its canonical record (its ledger id or"
            " layout does not match its content: edited after export?)"
        )
    return record
