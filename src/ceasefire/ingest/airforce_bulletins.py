"""Ukrainian Air Force daily bulletins (`missile_attacks_daily.csv`): one row per weapon model.

Times are Kyiv local time with daylight saving; a row with only a date covers that whole
local day. The bulletins name target regions, not points, so locations are regions.
"""

from __future__ import annotations

from pathlib import Path

from ceasefire.domain import Location, Observation, Side
from ceasefire.domain.errors import Problem, Severity
from ceasefire.ingest.csvrows import parse_count, read_csv_rows
from ceasefire.ingest.ids import content_id, observation_id
from ceasefire.ingest.localtime import TimeParseError, local_interval
from ceasefire.ingest.report import IngestReport
from ceasefire.ingest.weapons import UNKNOWN_KIND, WeaponCatalog

SOURCE = "airforce"
REQUIRED_COLUMNS = ("time_start", "time_end", "model", "launched", "destroyed")


def read_bulletins(path: Path, catalog: WeaponCatalog) -> IngestReport:
    """Read every row; skip (and report) rows that cannot be dated or counted."""
    report = IngestReport(source=SOURCE, path=str(path))
    for line, row in read_csv_rows(path):
        missing = [c for c in REQUIRED_COLUMNS if c not in row]
        if missing:
            report.issues.append(Problem(str(path), f"missing columns {missing}", line=line))
            return report
        try:
            observation, catalogued = _row_to_observation(row, catalog)
        except (TimeParseError, ValueError) as exc:
            report.issues.append(Problem(str(path), f"model {row['model']!r}: {exc}", line=line))
            continue
        if report.repeats(observation.id, line, "row with the same content"):
            continue
        if not catalogued:
            report.issues.append(
                Problem(
                    str(path),
                    f"model {row['model']!r} is not in the weapons catalogue; category 'other'",
                    line=line,
                    severity=Severity.WARNING,
                )
            )
        report.observations.append(observation)
    return report


def _row_to_observation(row: dict[str, str], catalog: WeaponCatalog) -> tuple[Observation, bool]:
    """The row as an observation, and whether the catalogue knew its weapon model."""
    model = row["model"].strip()
    if not model:
        raise ValueError("empty model")
    interval = local_interval(row["time_start"], row["time_end"])
    launched = parse_count(row["launched"], "launched")
    destroyed = parse_count(row["destroyed"], "destroyed")
    if launched is not None and destroyed is not None and destroyed > launched:
        raise ValueError(f"destroyed ({destroyed}) exceeds launched ({launched})")
    kind = catalog.classify(model)
    record_id = content_id(row)
    region = row.get("target", "").strip() or "Ukraine"
    observation = Observation(
        id=observation_id(SOURCE, record_id),
        source=SOURCE,
        source_record_id=record_id,
        interval=interval,
        location=Location(region=region),
        category=(kind or UNKNOWN_KIND).category,
        weapon_model=model,
        weapon_class=(kind or UNKNOWN_KIND).weapon_class,
        launched=launched,
        destroyed=destroyed,
        side=Side.RU,
        description=f"{model} launched at {region}",
        extras=row,
    )
    return observation, kind is not None
