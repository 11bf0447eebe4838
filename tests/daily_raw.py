"""The daily report's numbers recomputed from the raw bulletin CSV, without the report code.

Written from the documented rules only (docs/reports.md, docs/assessment.md): Kyiv local
times; a row timed on both sides spans start..end; a row dated only by day D spans D-1 00:00
to D+1 00:00; a row is counted on the Kyiv date at the middle of its span. The account in
the `source` column names the publisher; `kpszsu` (Air Force Command headquarters) publishes
country-wide launch reports, the `PvK...` accounts regional tallies.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

KYIV = ZoneInfo("Europe/Kyiv")
TIMED = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}")
DATED = re.compile(r"\d{4}-\d{2}-\d{2}")

#: The test's own reading of weapons_catalog.csv for the models of the days tested (the
#: `type` column): model -> (category, weapon class). A model outside it fails the test.
MODEL_KIND = {
    "Shahed-136/131": ("one_way_attack_drone", "attack_drone"),
    "Iskander-M": ("long_range_missile", "ballistic_missile"),
    "Unknown UAV": ("unidentified_drone", "unidentified_drone"),
    "Reconnaissance UAV": ("reconnaissance_drone", "reconnaissance_drone"),
}


@dataclass(frozen=True)
class RawRow:
    start: datetime
    end: datetime
    model: str
    target: str
    publisher: str
    launched: int | None
    destroyed: int | None

    @property
    def day(self) -> date:
        return (self.start + (self.end - self.start) / 2).date()

    @property
    def period(self) -> str:
        return f"{self.start:%Y-%m-%d %H:%M} - {self.end:%Y-%m-%d %H:%M}"


def _count(text: str) -> int | None:
    return int(float(text)) if text.strip() else None


def _span(start: str, end: str) -> tuple[datetime, datetime]:
    if TIMED.fullmatch(start) and TIMED.fullmatch(end):
        return (datetime.strptime(start, "%Y-%m-%d %H:%M").replace(tzinfo=KYIV),
                datetime.strptime(end, "%Y-%m-%d %H:%M").replace(tzinfo=KYIV))
    assert DATED.fullmatch(start), f"a dating this helper does not read: {start}"
    assert start == end, f"a date-only span this helper does not read: {start} to {end}"
    day = datetime.strptime(start, "%Y-%m-%d").replace(tzinfo=KYIV)
    return day - timedelta(days=1), day + timedelta(days=1)


def raw_rows(csv_path: Path, days: set[date]) -> list[RawRow]:
    """The bulletin rows counted on any of `days`."""
    rows = []
    with csv_path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if not any(row["time_start"].startswith(f"{d:%Y-%m}") for d in days) and not any(
                row["time_end"].startswith(f"{d:%Y-%m}") for d in days
            ):
                continue
            start, end = _span(row["time_start"].strip(), row["time_end"].strip())
            raw = RawRow(start, end, row["model"].strip(), row["target"].strip() or "Ukraine",
                         row["source"].split("/", 1)[0], _count(row["launched"]),
                         _count(row["destroyed"]))
            if raw.day in days:
                rows.append(raw)
    return rows


def by_place(rows: list[RawRow]) -> Counter[tuple[str, str]]:
    return Counter((r.target, MODEL_KIND[r.model][0]) for r in rows)


def launch_reports(rows: list[RawRow]) -> list[RawRow]:
    return [r for r in rows if r.publisher == "kpszsu"]


def tallies(rows: list[RawRow]) -> list[RawRow]:
    return [r for r in rows if r.publisher.lower().startswith("pvk")]


def csv_head_and_days(csv_path: Path, out: Path, months: tuple[str, ...]) -> Path:
    """A copy of the bundled CSV holding only the rows whose times fall in `months`
    (YYYY-MM-DD prefixes), for a fast store that is faithful for those days."""
    with csv_path.open(encoding="utf-8", newline="") as handle:
        lines = handle.read().splitlines(keepends=True)
    kept = [lines[0]] + [line for line in lines[1:] if line.startswith(months)]
    out.write_text("".join(kept), encoding="utf-8")
    return out
