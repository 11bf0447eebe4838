"""Bellingcat / Centre for Information Resilience civilian-harm incidents (geocoded).

Two real exports: the JSON list of the war-datasets dashboard (`bellingcat_incidents.json`,
2022-02..2025-07: date, location, description, sources, latitude, longitude) and the CSV of the
Russia-Ukraine monitor map (upstream `events.csv`, bundled as `mauforonda_cir_events.csv`,
2022-01..2024-02, with an `entry` id). Dates are local calendar days; points are
geolocated to a site, taken here as 1 km uncertain.

A row is dropped as a repeat only when it reports the same event as an earlier one; distinct
events that share a CIR `entry` id, or have none, are all kept under distinct stable ids, and
placeholder coordinates (0, 0) never become a point (docs/assessment.md, point 8).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from ceasefire.domain import Location, Observation, TimeInterval
from ceasefire.domain.errors import Problem, Severity
from ceasefire.geo.borders import Place, place_of
from ceasefire.ingest.csvrows import read_csv_rows
from ceasefire.ingest.geocoded import attribution, bundled_borders, parse_site, place_interval
from ceasefire.ingest.ids import (
    KeyRegister,
    canonical_record,
    canonical_rows,
    content_id,
    filled,
    key_id,
    observation_id,
    sorted_texts,
)
from ceasefire.ingest.keywords import classify_target, classify_text
from ceasefire.ingest.localtime import TimeParseError
from ceasefire.ingest.report import IngestReport
from ceasefire.safe_files import InputKind, parse_json, read_text

SOURCE_JSON = "bellingcat"
SOURCE_CIR = "cir"
SITE_UNCERTAINTY_M = 1_000.0
#: CIR columns that say who reported an event and where it was geolocated, not what happened:
#: two rows under one `entry` that differ only here are the same event, twice linked.
CIR_SOURCING_COLUMNS = frozenset({"link", "geolocation"})


def _observation(
    source: str,
    record_id: str,
    interval: TimeInterval,
    location: Location,
    text: str,
    raw: dict[str, Any],
    place: Place,
) -> Observation:
    category, weapon_class, keyword = classify_text(text)
    target, target_keyword = classify_target(text)
    side, attributed_by = attribution(place)
    return Observation(
        id=observation_id(source, record_id),
        source=source,
        source_record_id=record_id,
        interval=interval,
        location=location,
        category=category,
        weapon_class=weapon_class,
        target_class=target,
        side=side,
        description=text,
        extras={
            **raw,
            "classified_by": {"category": keyword, "target": target_keyword},
            "attributed_by": attributed_by,
        },
    )


def read_bellingcat_json(path: Path) -> IngestReport:
    """Read the dashboard's JSON list; each element is one incident (line = 1-based index)."""
    report = IngestReport(source=SOURCE_JSON, path=str(path))
    report.observations.extend(bellingcat_json_observations(path, report))
    return report


def bellingcat_json_observations(path: Path, report: IngestReport) -> Iterator[Observation]:
    """The incidents as a stream, problems added to `report`. The JSON list itself is parsed
    whole (a JSON document has no row boundaries to stream by): its memory is bounded by the
    source size limit, not by batches; the real export is 2.5 MB."""
    try:
        records = parse_json(read_text(path, InputKind.SOURCE), str(path))
    except json.JSONDecodeError as exc:
        report.issues.append(Problem(str(path), f"not valid JSON: {exc.msg}", line=exc.lineno))
        return
    except RecursionError:
        # json recurses once per level: a list nested thousands deep is not an incident list
        report.issues.append(Problem(str(path), "not readable: JSON nested too deeply"))
        return
    if not isinstance(records, list):
        report.issues.append(Problem(str(path), "expected a JSON list of incidents"))
        return
    keys = KeyRegister()
    for index, raw in enumerate(records, start=1):
        if not isinstance(raw, dict):
            problem = Problem(str(path), "not a JSON object", pointer=f"incident #{index}")
            report.issues.append(problem)
            continue
        record = canonical_record(raw)
        if isinstance(record.get("sources"), list):
            record["sources"] = sorted_texts(record["sources"])  # a set of links, in one order
        try:
            location, set_aside = parse_site(
                str(record.get("latitude")),
                str(record.get("longitude")),
                SITE_UNCERTAINTY_M,
                str(record.get("location") or ""),
            )
            place = place_of(location, bundled_borders())
            day = str(record.get("date") or "")
            interval = place_interval(day, day, place)
        except (TimeParseError, ValueError) as exc:
            report.issues.append(Problem(str(path), str(exc), pointer=f"incident #{index}"))
            continue
        key = key_id(
            day,
            str(record.get("location") or ""),
            location.lat,
            location.lon,
            *sorted_texts(record.get("sources")),
        )
        assigned = keys.assign(key, index, content_id(record))
        if assigned.record_id is None:
            reason = f"incident repeats #{assigned.first_line} (sources in any order); kept once"
            report.issues.append(_warning(path, reason, pointer=f"incident #{index}"))
            continue
        record_id = assigned.record_id
        if record_id != key:
            reason = (
                f"same date, place and sources as incident #{assigned.first_line} but other"
                f" content: loaded as {record_id}"
            )
            report.issues.append(_warning(path, reason, pointer=f"incident #{index}"))
        if set_aside is not None:
            report.issues.append(_warning(path, set_aside, pointer=f"incident #{index}"))
        text = str(record.get("description") or "")
        yield _observation(SOURCE_JSON, record_id, interval, location, text, record, place)


def read_cir_csv(path: Path) -> IngestReport:
    """Read the monitor map CSV; rows are keyed by their `entry` id, made unique if need be.

    The first row of an `entry` keeps it as its id, so ids stored before stay valid. A later
    row under the same `entry` is a repeat (kept once) if it differs at most in its sourcing
    columns; otherwise it is another event, loaded as `entry~<hash of the row>`. A row with no
    `entry` is identified by the hash of its content, as the dashboard JSON is.
    """
    report = IngestReport(source=SOURCE_CIR, path=str(path))
    report.observations.extend(cir_csv_observations(path, report))
    return report


def cir_csv_observations(path: Path, report: IngestReport) -> Iterator[Observation]:
    """The monitor map's events as a stream (see `read_cir_csv`), problems added to `report`."""
    keys = KeyRegister()
    for line, row in canonical_rows(read_csv_rows(path, problems=report.issues)):
        entry = row.get("entry", "").strip()
        try:
            location, set_aside = parse_site(
                row.get("lat", ""),
                row.get("lon", ""),
                SITE_UNCERTAINTY_M,
                row.get("town/city", "") or row.get("province", ""),
            )
            place = place_of(location, bundled_borders())
            interval = place_interval(row.get("date", ""), row.get("date", ""), place)
        except (TimeParseError, ValueError) as exc:
            report.issues.append(Problem(str(path), f"entry {entry or '?'}: {exc}", line=line))
            continue
        record_id = _cir_record_id(path, report, keys, entry, line, row)
        if record_id is None:
            continue
        if set_aside is not None:
            report.issues.append(_warning(path, f"entry {entry or '?'}: {set_aside}", line=line))
        text = " ".join(
            part for part in (row.get("title", ""), row.get("arms/munition", "")) if part
        )
        yield _observation(SOURCE_CIR, record_id, interval, location, text, filled(row), place)


def _cir_record_id(
    path: Path,
    report: IngestReport,
    keys: KeyRegister,
    entry: str,
    line: int,
    row: Mapping[str, str],
) -> str | None:
    """The row's stable record id, or None if it repeats an event already read (warned)."""
    cells = filled(row)
    whole = content_id(cells)
    if not entry:
        record_id = whole
        if report.repeats(record_id, line, "row without entry id"):
            return None
        report.issues.append(
            _warning(path, f"no entry id; identified by its content as {record_id}", line=line)
        )
        return record_id
    event = content_id({k: v for k, v in cells.items() if k not in CIR_SOURCING_COLUMNS})
    assigned = keys.assign(entry, line, event, whole)
    if assigned.record_id is None:
        how = "" if assigned.same_sourcing else " with other sourcing (link, geolocation)"
        reason = f"entry {entry} repeats line {assigned.first_line}{how}; kept once"
        report.issues.append(_warning(path, reason, line=line))
        return None
    if assigned.record_id != entry:
        reason = (
            f"entry {entry} is also line {assigned.first_line}, a different event;"
            f" loaded as {assigned.record_id}"
        )
        report.issues.append(_warning(path, reason, line=line))
    return assigned.record_id


def _warning(
    path: Path, reason: str, *, line: int | None = None, pointer: str | None = None
) -> Problem:
    return Problem(str(path), reason, line=line, pointer=pointer, severity=Severity.WARNING)
