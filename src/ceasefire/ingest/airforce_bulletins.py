"""Ukrainian Air Force daily bulletins (`missile_attacks_daily.csv`): one row per weapon model.

Times are Kyiv local time with daylight saving. A row is dated as widely as its text can mean
(`localtime.bulletin_interval`): a date-only row covers its day and the 24 hours before it, a
night whose start is not given starts the evening before. The bulletins name target regions,
not points, so locations are regions.

Every row is kept, even one that cannot be dated or whose weapon the catalogue does not know:
a row that vanished would be an attack nobody can assess. Such a row is dated by the file's
whole span, or classed unknown, and its description says so; it is reported as a warning.
Only rows whose counts are impossible (negative, fractional, more destroyed than launched)
are refused.

The `source` column names the account that published the row: the Air Force headquarters
(`kpszsu`), a regional air command (`PvKPivden`, `pvkshid`, `PvkZahid`, `PvkCenter`), the
General Staff, ... (`PUBLISHERS`); it decides the row's `publisher` and `report_kind`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from ceasefire.domain import (
    Location,
    Observation,
    ReportKind,
    Side,
    TimeInterval,
    TimePrecision,
)
from ceasefire.domain.errors import Problem, Severity
from ceasefire.ingest.csvrows import parse_count, read_csv_rows
from ceasefire.ingest.ids import (
    KeyRegister,
    canonical_rows,
    content_id,
    filled,
    key_id,
    observation_id,
)
from ceasefire.ingest.localtime import bulletin_interval
from ceasefire.ingest.report import IngestReport
from ceasefire.ingest.weapons import UNKNOWN_KIND, WeaponCatalog

SOURCE = "airforce"
REQUIRED_COLUMNS = ("time_start", "time_end", "model", "launched", "destroyed")

#: Every account the bundled file's `source` column names (lower case), what it is, and what
#: its rows count (docs/assessment.md, "Point 1"). The headquarters, the General Staff and the
#: Commander-in-Chief publish country-wide launch counts; the regional air commands publish
#: what they shot down in their region; the rest report single strikes.
PUBLISHERS: dict[str, tuple[str, ReportKind]] = {
    "kpszsu": ("Air Force Command headquarters", ReportKind.LAUNCH_REPORT),
    "generalstaff.ua": ("General Staff of the Armed Forces", ReportKind.LAUNCH_REPORT),
    "cincafu": ("Commander-in-Chief of the Armed Forces", ReportKind.LAUNCH_REPORT),
    "pvkpivden": ("Air Command South", ReportKind.REGIONAL_TALLY),
    "pvkshid": ("Air Command East", ReportKind.REGIONAL_TALLY),
    "pvkzahid": ("Air Command West", ReportKind.REGIONAL_TALLY),
    "pvkcenter": ("Air Command Centre", ReportKind.REGIONAL_TALLY),
    "chiefukrdiu": ("Defence Intelligence of Ukraine", ReportKind.INCIDENT_REPORT),
    "war_monitor": ("war_monitor Telegram channel", ReportKind.INCIDENT_REPORT),
    "kharkivoda.gov.ua": ("Kharkiv regional military administration", ReportKind.INCIDENT_REPORT),
}


def publisher_of(source: str) -> tuple[str, ReportKind]:
    """The account a `source` value names (as written), and the kind of report it publishes.

    `kpszsu/posts/...`, `kpszsu/videos/...` and `https://t.me/kpszsu/...` are the same account;
    a bare `watch/?v=...` video link names none: publisher "", kind unknown.
    """
    text = source.strip()
    for prefix in ("https://t.me/", "http://t.me/", "t.me/"):
        if text.startswith(prefix):
            text = text[len(prefix) :]
            break
    account = text.split("/", 1)[0]
    if account.startswith("watch") or not account:
        return "", ReportKind.UNKNOWN
    known = PUBLISHERS.get(account.lower())
    return account, known[1] if known else ReportKind.UNKNOWN


def read_bulletins(path: Path, catalog: WeaponCatalog) -> IngestReport:
    """Read every row; refuse (and report) only rows whose counts are impossible."""
    report = IngestReport(source=SOURCE, path=str(path))
    rows = sorted(_numbered_observations(path, catalog, report), key=lambda row: row[0])
    report.observations.extend(observation for _, observation in rows)  # in file order
    return report


def bulletin_observations(
    path: Path, catalog: WeaponCatalog, report: IngestReport
) -> Iterator[Observation]:
    """The file's observations as a stream, its problems added to `report` as they are met.

    Dated rows are yielded as they are read. An undated row is dated by the span of every
    dated row of the file, known only at its end, so undated rows are held aside and yielded
    last (they are few: none of the 3,701 bundled rows is undated).
    """
    return (observation for _, observation in _numbered_observations(path, catalog, report))


def _numbered_observations(
    path: Path, catalog: WeaponCatalog, report: IngestReport
) -> Iterator[tuple[int, Observation]]:
    """(line, observation) in the order of `bulletin_observations`."""
    undated: list[tuple[int, Observation]] = []
    span: tuple[datetime, datetime] | None = None
    keys = KeyRegister()
    for line, row in canonical_rows(read_csv_rows(path, problems=report.issues)):
        missing = [c for c in REQUIRED_COLUMNS if c not in row]
        if missing:
            report.issues.append(Problem(str(path), f"missing columns {missing}", line=line))
            return
        key = natural_key(row)
        try:
            observation, doubts = _row_to_observation(row, catalog, key)
        except ValueError as exc:
            report.issues.append(Problem(str(path), f"model {row['model']!r}: {exc}", line=line))
            continue
        assigned = keys.assign(key, line, content_id(filled(row)))
        if assigned.record_id is None:
            reason = f"row with the same content repeats line {assigned.first_line}; kept once"
            report.issues.append(_warning(path, reason, line))
            continue
        if assigned.record_id != key:
            reason = (
                f"same post, model, period, target and launch place as line"
                f" {assigned.first_line} but other content: loaded as {assigned.record_id}"
            )
            report.issues.append(_warning(path, reason, line))
            rid = assigned.record_id
            observation = replace(observation, id=observation_id(SOURCE, rid), source_record_id=rid)
        for doubt in doubts:
            report.issues.append(_warning(path, f"model {row['model']!r}: {doubt}", line))
        interval = observation.interval
        if interval is _PLACEHOLDER:
            undated.append((line, observation))
            continue
        span = (
            (interval.start, interval.end)
            if span is None
            else (min(span[0], interval.start), max(span[1], interval.end))
        )
        yield line, observation
    if span is not None:  # with no dated row there is no span to give: none is yielded
        whole = TimeInterval(span[0], span[1], TimePrecision.YEAR)
        yield from ((line, replace(o, interval=whole)) for line, o in undated)


def natural_key(row: dict[str, str]) -> str:
    """Which report a row is: the post that published it (`source`), the weapon model, the
    period, and the target and launch place (one post may list a model per region and per
    launch site). Counts and details are what the row reports, so a row re-published with a
    corrected count keeps its key and becomes a correction, not a second observation."""
    return key_id(
        row.get("source", ""),
        row["model"],
        row["time_start"],
        row["time_end"],
        row.get("target", ""),
        row.get("launch_place", ""),
    )


def _warning(path: Path, reason: str, line: int) -> Problem:
    return Problem(str(path), reason, line=line, severity=Severity.WARNING)


def _row_to_observation(
    row: dict[str, str], catalog: WeaponCatalog, record_id: str
) -> tuple[Observation, list[str]]:
    """The row as an observation, and the doubts about it (each becomes a warning)."""
    model = row["model"].strip()
    launched = parse_count(row["launched"], "launched")
    destroyed = parse_count(row["destroyed"], "destroyed")
    if launched is not None and destroyed is not None and destroyed > launched:
        raise ValueError(f"destroyed ({destroyed}) exceeds launched ({launched})")
    doubts: list[str] = []
    notes: list[str] = []
    dated = bulletin_interval(row["time_start"], row["time_end"])
    if dated is None:
        interval = _PLACEHOLDER
        why = (
            f"no usable time ({row['time_start'].strip()!r} to {row['time_end'].strip()!r}): "
            "dated by the whole span of the file"
        )
        doubts.append(why)
        notes.append(why)
    else:
        interval, how = dated
        if how:
            notes.append(how)
        if "before it starts" in how or "unreadable time" in how:
            doubts.append(how)
    kind = catalog.classify(model) if model else None
    if kind is None:
        what = "no model given" if not model else "not in the weapons catalogue"
        doubts.append(f"{what}; weapon class unknown")
        notes.append(f"weapon {what}: class unknown")
    publisher, report_kind = publisher_of(row.get("source", ""))
    region = row.get("target", "").strip() or "Ukraine"
    shown = model or "unnamed weapon"
    if report_kind is ReportKind.REGIONAL_TALLY:
        description = f"{shown} over {region}, regional tally of {publisher}"
    else:
        description = f"{shown} launched at {region}"
    if notes:
        description += f" ({'; '.join(notes)})"
    observation = Observation(
        id=observation_id(SOURCE, record_id),
        source=SOURCE,
        source_record_id=record_id,
        interval=interval,
        location=Location(region=region),
        category=(kind or UNKNOWN_KIND).category,
        weapon_model=model or None,
        weapon_class=(kind or UNKNOWN_KIND).weapon_class,
        launched=launched,
        destroyed=destroyed,
        side=Side.RU,
        description=description,
        extras=filled(row),
        publisher=publisher,
        report_kind=report_kind,
    )
    return observation, doubts


#: An undated row's interval until `bulletin_observations` gives it the file's span.
_PLACEHOLDER = TimeInterval(
    datetime(1970, 1, 1, tzinfo=UTC), datetime(1970, 1, 1, tzinfo=UTC), TimePrecision.YEAR
)
