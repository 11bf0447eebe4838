"""UCDP Georeferenced Event Dataset (GED) extract for Ukraine.

Each row is one fatal event with its own `id`, a date range whose precision `date_prec` grades
(1 = day ... 5 = year) and a place whose precision `where_prec` grades (1 = exact ... 7 =
international waters). Those grades become the interval's precision and the point's
uncertainty radius, so a province-level event straddles zone edges honestly.
"""

from __future__ import annotations

from collections.abc import Container, Iterator
from datetime import date, datetime
from pathlib import Path

from ceasefire.domain import (
    Category,
    Observation,
    Side,
    TimeInterval,
    TimePrecision,
    WeaponClass,
)
from ceasefire.domain.errors import Problem
from ceasefire.geo.borders import Place, place_of
from ceasefire.ingest.csvrows import parse_count, read_csv_rows
from ceasefire.ingest.geocoded import bundled_borders, parse_point, place_interval
from ceasefire.ingest.ids import canonical_rows, filled, observation_id
from ceasefire.ingest.report import IngestReport

SOURCE = "ucdp"

#: Radius within which UCDP's `where_prec` grade places the event (UCDP GED codebook).
WHERE_PREC_RADIUS_M = {
    1: 1_000.0,  # exact place
    2: 25_000.0,  # within 25 km of a known point
    3: 50_000.0,  # second-order administrative division
    4: 150_000.0,  # first-order administrative division (oblast)
    5: 100_000.0,  # between places / along a line
    6: 600_000.0,  # the country
    7: 300_000.0,  # international waters or airspace
}

DATE_PREC = {
    1: TimePrecision.DAY,
    2: TimePrecision.WEEK,  # 2-6 days
    3: TimePrecision.WEEK,
    4: TimePrecision.MONTH,
    5: TimePrecision.YEAR,
}

_TYPE_OF_VIOLENCE = {"1": "state-based", "2": "non-state", "3": "one-sided"}

#: UCDP's names of the governments that are parties to the shipped agreements.
_GOVERNMENTS = {
    "Government of Russia (Soviet Union)": Side.RU,
    "Government of Ukraine": Side.UA,
}


def _side(row: dict[str, str]) -> Side:
    """Who acted, where UCDP says so: in one-sided violence (type 3) `side_a` is the
    perpetrator. A state-based event (type 1) records fighting between `side_a` and `side_b`
    and its deaths on both, not who fired, so its side stays unknown (docs/assessment.md,
    point 5)."""
    if row.get("type_of_violence", "").strip() != "3":
        return Side.UNKNOWN
    return _GOVERNMENTS.get(row.get("side_a", "").strip(), Side.UNKNOWN)


def _parse_ucdp_date(text: str) -> date:
    """UCDP exports write `M/D/YYYY h:mm:ss AM`, `MM/DD/YYYY HH:MM` or ISO `YYYY-MM-DD`."""
    stripped = text.strip()
    for fmt in ("%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %H:%M", "%Y-%m-%d", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(stripped, fmt).date()
        except ValueError:
            continue
    raise ValueError(
        f"date {stripped!r} is not M/D/YYYY [h:mm:ss AM], MM/DD/YYYY HH:MM or YYYY-MM-DD"
    )


def _grade(row: dict[str, str], field: str, grades: Container[int], described: str) -> int:
    """A UCDP precision grade (`where_prec`, `date_prec`); empty means 1, the most precise.

    Anything but one of the codebook's small whole numbers is refused: a grade outside the
    table would silently be read as "exact" and put the event on the wrong side of a line.
    """
    text = row.get(field, "").strip() or "1"
    grade = int(text) if text.isdigit() and len(text) <= 2 else None
    if grade is None or grade not in grades:
        raise ValueError(f"{field} {text[:40]!r} is not a UCDP grade {described}")
    return grade


def _interval(row: dict[str, str], place: Place) -> TimeInterval:
    start, end = _parse_ucdp_date(row["date_start"]), _parse_ucdp_date(row["date_end"])
    if end < start:
        raise ValueError(f"date_end {end.isoformat()} is before date_start {start.isoformat()}")
    precision_grade = _grade(row, "date_prec", DATE_PREC, "1-5")
    day_interval = place_interval(start.isoformat(), end.isoformat(), place)
    return TimeInterval(day_interval.start, day_interval.end, DATE_PREC[precision_grade])


def read_ucdp(path: Path) -> IngestReport:
    """Read every event; refuse (and report) rows that cannot be placed, dated or counted."""
    report = IngestReport(source=SOURCE, path=str(path))
    report.observations.extend(ucdp_observations(path, report))
    return report


def ucdp_observations(path: Path, report: IngestReport) -> Iterator[Observation]:
    """The file's events as a stream, its problems added to `report` as they are met."""
    for line, row in canonical_rows(read_csv_rows(path, ("utf-8", "cp1252"), report.issues)):
        event_id = row.get("id", "").strip()
        try:
            if not event_id:
                raise ValueError("empty id")
            where = _grade(row, "where_prec", WHERE_PREC_RADIUS_M, "1-7")
            location = parse_point(
                row.get("latitude", ""),
                row.get("longitude", ""),
                WHERE_PREC_RADIUS_M[where],
                row.get("where_coordinates", "") or row.get("adm_1", ""),
            )
            interval = _interval(row, place_of(location, bundled_borders()))
            deaths = parse_count(row.get("best", ""), "best")
        except ValueError as exc:
            reason = f"UCDP event {event_id or '?'}: {exc}"
            report.issues.append(Problem(str(path), reason, line=line))
            continue
        if report.repeats(event_id, line, f"event {event_id}"):
            continue
        violence = _TYPE_OF_VIOLENCE.get(row.get("type_of_violence", ""), "unknown")
        yield (
            Observation(
                id=observation_id(SOURCE, event_id),
                source=SOURCE,
                source_record_id=event_id,
                interval=interval,
                location=location,
                category=Category.STRIKE_UNSPECIFIED,
                weapon_class=WeaponClass.UNKNOWN,
                side=_side(row),
                description=(
                    f"{violence} violence, {row.get('dyad_name', '')}: "
                    f"{deaths if deaths is not None else '?'} deaths (best estimate)"
                ),
                extras=filled(row),
            )
        )
