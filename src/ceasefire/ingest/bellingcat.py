"""Bellingcat / Centre for Information Resilience civilian-harm incidents (geocoded).

Two real exports: the JSON list of the war-datasets dashboard (`bellingcat_incidents.json`,
2022-02..2025-07: date, location, description, sources, latitude, longitude) and the CSV of the
Russia-Ukraine monitor map (upstream `events.csv`, bundled as `mauforonda_cir_events.csv`,
2022-01..2024-02, with an `entry` id). Dates are local calendar days; points are
geolocated to a site, taken here as 1 km uncertain.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ceasefire.domain import Location, Observation, TimeInterval
from ceasefire.domain.errors import Problem
from ceasefire.ingest.csvrows import read_csv_rows
from ceasefire.ingest.geocoded import (
    Place,
    attribution,
    bundled_borders,
    parse_point,
    place_interval,
    place_of,
)
from ceasefire.ingest.ids import content_id, observation_id
from ceasefire.ingest.keywords import classify_target, classify_text
from ceasefire.ingest.localtime import TimeParseError
from ceasefire.ingest.report import IngestReport

SOURCE_JSON = "bellingcat"
SOURCE_CIR = "cir"
SITE_UNCERTAINTY_M = 1_000.0


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
    try:
        records = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        report.issues.append(Problem(str(path), f"not valid JSON: {exc.msg}", line=exc.lineno))
        return report
    if not isinstance(records, list):
        report.issues.append(Problem(str(path), "expected a JSON list of incidents"))
        return report
    for index, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            problem = Problem(str(path), "not a JSON object", pointer=f"incident #{index}")
            report.issues.append(problem)
            continue
        try:
            location = parse_point(
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
        record_id = content_id(record)
        if report.repeats(record_id, index, "identical incident"):
            continue
        text = str(record.get("description") or "")
        report.observations.append(
            _observation(SOURCE_JSON, record_id, interval, location, text, record, place)
        )
    return report


def read_cir_csv(path: Path) -> IngestReport:
    """Read the monitor map CSV; rows are keyed by their `entry` id."""
    report = IngestReport(source=SOURCE_CIR, path=str(path))
    for line, row in read_csv_rows(path):
        entry = row.get("entry", "").strip()
        try:
            if not entry:
                raise ValueError("empty entry id")
            location = parse_point(
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
        if report.repeats(entry, line, f"entry {entry}"):
            continue
        text = " ".join(
            part for part in (row.get("title", ""), row.get("arms/munition", "")) if part
        )
        report.observations.append(
            _observation(SOURCE_CIR, entry, interval, location, text, row, place)
        )
    return report
