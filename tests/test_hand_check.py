"""The numbers `ceasefire assess --json` prints, checked against the raw bulletin rows.

The expected figures are computed here from the raw CSV with nothing but the csv module and
zoneinfo, and windows typed in by hand in UTC, independently of the package's parsers; the
literal numbers were checked row by row (docs/hand-check.md lists the rows).
"""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from ceasefire.cli import app

KYIV = ZoneInfo("Europe/Kyiv")

# Windows converted by hand: Moscow is UTC+3 all year; Kyiv is UTC+2 in December.
WINDOWS = {
    "easter-truce-2025": (
        datetime(2025, 4, 19, 15, tzinfo=UTC),
        datetime(2025, 4, 20, 21, tzinfo=UTC),
    ),
    "victory-day-truce-2025": (
        datetime(2025, 5, 7, 21, tzinfo=UTC),
        datetime(2025, 5, 10, 21, tzinfo=UTC),
    ),
    "christmas-truce-2025": (
        datetime(2025, 12, 23, 22, tzinfo=UTC),
        datetime(2025, 12, 26, 22, tzinfo=UTC),
    ),
    "energy-moratorium-2025": (
        datetime(2025, 3, 17, 21, tzinfo=UTC),
        datetime(2025, 4, 16, 21, tzinfo=UTC),
    ),
}

# Checked by hand against the rows listed in docs/hand-check.md: (rows, launched) per verdict.
HAND_CHECKED = {
    "easter-truce-2025": {"violation": (0, 0), "possible": (1, 6)},
    "victory-day-truce-2025": {"violation": (1, 2), "possible": (2, 2)},
    "christmas-truce-2025": {"violation": (3, 231), "possible": (7, 698)},
    "energy-moratorium-2025": {"violation": (0, 0), "possible": (70, 3213)},
}


NIGHT_START_HOUR = 18  # the headquarters' usual night start, Kyiv time

# The accounts of the `source` column (before `/posts/...`, or after `t.me/`), lower case.
LAUNCH_REPORTS = {"kpszsu", "generalstaff.ua", "cincafu"}
REGIONAL_TALLIES = {"pvkpivden", "pvkshid", "pvkzahid", "pvkcenter"}
GENERIC = {
    "Unknown UAV",
    "Unknown Missile",
    "Unknown Ballistic Missile",
    "Ballistic Missile",
    "Reconnaissance UAV",
    "Aerial Bomb",
}


def kyiv(day: datetime, hour: int = 0, minute: int = 0) -> datetime:
    return day.replace(hour=hour, minute=minute, tzinfo=KYIV).astimezone(UTC)


def raw_interval(start: str, end: str) -> tuple[datetime, datetime]:
    """docs/assessment.md, Point 2: a date-only row is its day or the 24 hours before it; a
    night with only a start date starts 18:00 the evening before the end's date."""
    start, end = start.strip(), end.strip()
    start_day = datetime.strptime(start[:10], "%Y-%m-%d")
    end_day = datetime.strptime(end[:10], "%Y-%m-%d")
    start_timed, end_timed = len(start) > 10, len(end) > 10
    if not start_timed and not end_timed:
        return kyiv(start_day - timedelta(days=1)), kyiv(end_day + timedelta(days=1))
    if start_timed:
        lower = datetime.strptime(start, "%Y-%m-%d %H:%M").replace(tzinfo=KYIV).astimezone(UTC)
    else:
        lower = min(kyiv(start_day), kyiv(end_day - timedelta(days=1), NIGHT_START_HOUR))
    if end_timed:
        upper = datetime.strptime(end, "%Y-%m-%d %H:%M").replace(tzinfo=KYIV).astimezone(UTC)
    else:
        upper = kyiv(end_day + timedelta(days=1))
    assert lower <= upper, (start, end)  # no inverted row in the bundled file
    return lower, upper


def account(source: str) -> str:
    text = source.strip().removeprefix("https://t.me/")
    return text.split("/", 1)[0].lower()


def catalogue_kinds(catalog: Path) -> dict[str, str]:
    """model -> 'recon' (reconnaissance-only UAV), 'uav', 'missile' or 'bomb', from the
    catalogue's own words."""
    kinds = {}
    with catalog.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            category, kind = row["category"].lower(), row["type"].lower()
            if category == "uav":
                recon = "reconnaissance" in kind and "armed" not in kind
                kinds[row["model"]] = "recon" if recon else "uav"
            else:
                kinds[row["model"]] = "bomb" if "bomb" in category else category
    return kinds


def parts(model: str) -> set[str]:
    return {p.strip() for a in model.split(" and ") for p in a.split("/")}


def same_weapon(tally: str, row: str, kinds: dict[str, str]) -> bool:
    """A tally repeats a launch report's weapon: its model is part of the row's, or either is a
    generic name of the same kind of weapon."""
    if tally in GENERIC or row in GENERIC:
        return kinds.get(tally) == kinds.get(row) or (
            tally == "Unknown UAV" and kinds.get(row) == "uav"
        )
    return parts(tally) <= parts(row)


def reconnaissance_models(catalog: Path) -> set[str]:
    with catalog.open(newline="", encoding="utf-8") as handle:
        return {
            row["model"]
            for row in csv.DictReader(handle)
            if "reconnaissance" in row["type"] and "armed" not in row["type"]
        }


def expected_from_raw(
    bulletins: Path, agreement_id: str, excluded: set[str], kinds: dict[str, str]
) -> dict[str, tuple[int, int]]:
    window_start, window_end = WINDOWS[agreement_id]
    rows = []
    with bulletins.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            start, end = raw_interval(row["time_start"], row["time_end"])
            if end <= window_start or start >= window_end or row["model"] in excluded:
                verdict = 0
            elif start >= window_start and end <= window_end:
                # The energy moratorium only prohibits strikes on energy: bulletins never say.
                verdict = 1 if agreement_id == "energy-moratorium-2025" else 2
            else:
                verdict = 1
            rows.append((row, start, end, verdict))
    reports = [r for r in rows if account(r[0]["source"]) in LAUNCH_REPORTS]
    totals = {"violation": [0, 0], "possible": [0, 0]}
    for row, start, end, verdict in rows:
        if verdict and account(row["source"]) in REGIONAL_TALLIES:
            repeated = [
                v
                for other, s, e, v in reports
                if s < end and start < e and same_weapon(row["model"], other["model"], kinds)
            ]
            if repeated and max(repeated) >= verdict:
                continue  # supporting evidence of a launch report: counted there
            if repeated:
                verdict = 1  # may repeat a weaker row: possible
        if verdict:
            key = "violation" if verdict == 2 else "possible"
            totals[key][0] += 1
            totals[key][1] += int(float(row["launched"] or 0))
    return {k: (v[0], v[1]) for k, v in totals.items()}


@pytest.mark.parametrize("agreement_id", sorted(WINDOWS))
def test_assess_json_matches_the_raw_rows(
    agreement_id: str, agreements: Path, bulletins_csv: Path
) -> None:
    result = CliRunner().invoke(
        app,
        [
            "assess",
            "--agreement",
            str(agreements / f"{agreement_id}.yaml"),
            "--source",
            str(bulletins_csv),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)["summary"]
    got = {k: (summary[k]["findings"], summary[k]["launched"]) for k in ("violation", "possible")}
    # No shipped truce's scope names reconnaissance flights: they are not acts of force
    # (docs/assessment.md, "Point 3"), so their rows are left out of every agreement.
    excluded = reconnaissance_models(bulletins_csv.parent / "weapons_catalog.csv")
    excluded |= {"Картограф"}  # classified as reconnaissance by our supplement
    folder = bulletins_csv.parent
    kinds = catalogue_kinds(folder / "weapons_catalog.csv")
    kinds |= catalogue_kinds(folder / "weapons_catalog_supplement.csv")
    assert got == expected_from_raw(bulletins_csv, agreement_id, excluded, kinds)
    assert got == HAND_CHECKED[agreement_id]
