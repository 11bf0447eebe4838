"""`ceasefire deconflict ...`: tactical (live tracks) and strategic (planned intents) checks.

I/O lives here; the decisions are made by the pure functions in `ceasefire.deconflict`.
Record-level problems are reported on stderr (one line each) and the valid records are still
processed; only a file that cannot be read at all ends the command, with exit code 4 (invalid
input); a bad option value exits 2. The codes are the one table of docs/errors.md.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml

from ceasefire.agreement import load_agreement
from ceasefire.cli.errors import exits_on_error, print_problems
from ceasefire.cli.options import (
    Range,
    check_number,
    describe_parse_error,
    output_error,
    parse_time_option,
)
from ceasefire.cli.tactical_output import (
    CONFLICT_COLUMNS,
    INCURSION_COLUMNS,
    conflict_rows,
    describe_incursion,
    incursion_row,
    rfc3339,
)
from ceasefire.deconflict.constraints import AirspaceConstraint, constraints_from_geojson
from ceasefire.deconflict.f3548 import parse_placed_intents
from ceasefire.deconflict.from_agreement import airspace_constraints
from ceasefire.deconflict.incursion import predict_incursions
from ceasefire.deconflict.interuss import load_collection
from ceasefire.deconflict.replay import DEFAULT_STALE_S, DEFAULT_STEP_S, replay
from ceasefire.deconflict.snapshot import parse_snapshot
from ceasefire.deconflict.strategic import (
    Decision,
    PlacedIntent,
    StrategicDeconflictor,
    duplicate_ids,
    submit_all,
)
from ceasefire.deconflict.tactical import detect
from ceasefire.domain.errors import InvalidInputError, Problem, UsageError
from ceasefire.domain.intent import IntentError
from ceasefire.domain.track import TrackSource
from ceasefire.ingest.track_feeds import TrackBatch, read_track_file
from ceasefire.safe_files import (
    InputKind,
    load_json,
    open_regular,
    parse_json,
    parse_yaml,
    read_text,
)

app = typer.Typer(
    help="Deconflict the force: live tracks (tactical) and planned intents (strategic).",
    no_args_is_help=True,
)


#: Allowed values of the numeric options (docs/failure.md): a protected radius up to 1,000 km,
#: a half-height up to 50 km (the whole plausible altitude band of a track is 41 km), and
#: look-ahead, step and staleness up to one day.
RPZ_M = Range("metres", 0.0, 1_000_000.0)
HPZ_M = Range("metres", 0.0, 50_000.0)
SECONDS = Range("seconds", 0.0, 86_400.0)


def _load_zones(path: Path | None) -> list[AirspaceConstraint]:
    """Constraints from an agreement YAML (its zones) or a GeoJSON FeatureCollection."""
    if path is None:
        return []
    if path.suffix in (".yaml", ".yml"):
        return airspace_constraints(load_agreement(path))
    try:
        doc = load_json(path, InputKind.DOCUMENT)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise InvalidInputError(f"{path}: cannot read zones: {describe_parse_error(exc)}") from None
    zones, errors = constraints_from_geojson(doc, str(path))
    print_problems(errors)
    return zones


def _write_csv(path: Path, header: list[str], rows: list[list[str]], option: str) -> None:
    try:
        with path.open("w", newline="") as f:
            w = csv.writer(f)
            w.writerow(header)
            w.writerows(rows)
    except OSError as exc:
        raise output_error(option, path, exc) from None


@dataclass(frozen=True)
class _Limits:
    """The separation minima and look-ahead every picture is checked with."""

    rpz_m: float
    hpz_m: float
    lookahead_s: float


def _snapshot_mode(
    tracks: Path,
    out: Path,
    limits: _Limits,
    zones: Path | None,
    incursions_out: Path | None,
    now: datetime,
) -> None:
    try:
        with io.TextIOWrapper(open_regular(tracks, InputKind.DOCUMENT), newline="") as f:
            reader = csv.reader(f)
            header = next(reader, [])
            traffic, errors = parse_snapshot(header, reader, str(tracks))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InvalidInputError(f"{tracks}: cannot read: {exc}") from exc
    print_problems(errors)
    result = detect(traffic, limits.rpz_m, limits.hpz_m, limits.lookahead_s)
    rows = conflict_rows(traffic, result)
    _write_csv(out, CONFLICT_COLUMNS, rows, "--out")
    typer.echo(
        f"{len(traffic)} tracks ({len(errors)} rejected), {result.candidates} candidate pairs, "
        f"{len(rows)} conflicts -> {out}"
    )
    constraints = _load_zones(zones)  # after writing: a bad zones file keeps the conflicts
    if constraints:
        alerts = predict_incursions(traffic, constraints, now, limits.lookahead_s)
        for alert in alerts:
            typer.echo(f"incursion: {describe_incursion(alert)}")
        if incursions_out is not None:
            _write_csv(
                incursions_out,
                INCURSION_COLUMNS,
                [incursion_row(a) for a in alerts],
                "--incursions-out",
            )


def _read_recordings(files: list[tuple[Path, TrackSource]], default_t: float) -> TrackBatch:
    """All states of all recordings; bad records are reported, an unreadable file ends the run."""
    batch = TrackBatch()
    for path, feed in files:
        try:
            part = read_track_file(path, feed, default_t)
        except (OSError, ValueError) as exc:  # unreadable, unknown format, not JSON at all
            message = str(exc) if isinstance(exc, InvalidInputError) else f"{path}: {exc}"
            raise InvalidInputError(message) from None
        print_problems(part.errors)
        batch.states.extend(part.states)
        batch.errors.extend(part.errors)
    return batch


def _replay_mode(
    files: list[tuple[Path, TrackSource]],
    out: Path,
    limits: _Limits,
    constraints: list[AirspaceConstraint],
    incursions_out: Path | None,
    now: datetime,
    step_s: float,
    stale_s: float,
) -> None:
    batch = _read_recordings(files, now.timestamp())
    conflicts: list[list[str]] = []
    incursions: list[list[str]] = []
    rejected, pictures, times = len(batch.errors), 0, []
    track_ids: set[str] = set()
    pairs: set[tuple[str, str]] = set()
    for picture in replay(batch.states, step_s, stale_s):
        print_problems(picture.refused)
        rejected += len(picture.refused)
        pictures += 1
        times.append(picture.t)
        stamp = rfc3339(picture.t)
        track_ids.update(str(i) for i in picture.traffic.ids)
        found = detect(picture.traffic, limits.rpz_m, limits.hpz_m, limits.lookahead_s)
        for row in conflict_rows(picture.traffic, found):
            conflicts.append([stamp, *row])
            pairs.add((row[0], row[1]))
        if constraints:
            at = datetime.fromtimestamp(picture.t, UTC)
            for alert in predict_incursions(picture.traffic, constraints, at, limits.lookahead_s):
                typer.echo(f"incursion: {stamp} {describe_incursion(alert)}")
                incursions.append([stamp, *incursion_row(alert)])
    _write_csv(out, ["time", *CONFLICT_COLUMNS], conflicts, "--out")
    if constraints and incursions_out is not None:
        _write_csv(
            incursions_out, ["time", *INCURSION_COLUMNS], incursions, "--incursions-out"
        )
    span = f" from {rfc3339(times[0])} to {rfc3339(times[-1])}" if times else ""
    typer.echo(
        f"{pictures} snapshots every {step_s:g} s{span}, {len(track_ids)} tracks, "
        f"{rejected} records rejected, {len(conflicts)} conflicts "
        f"({len(pairs)} distinct pairs) -> {out}"
    )


@app.command()
@exits_on_error
def tactical(
    out: Annotated[
        Path,
        typer.Option(
            help="Output CSV: id1,id2,tcpa_s,dcpa_m,tin_s,tout_s (replay: preceded by time)"
        ),
    ],
    tracks: Annotated[
        Path | None, typer.Option(help="CSV snapshot: id,lat,lon,alt_m,trk_deg,gs_mps,vs_mps")
    ] = None,
    adsb: Annotated[
        list[Path] | None,
        typer.Option(help="ADS-B recording to replay (traffic JSON or SBS-1); repeatable"),
    ] = None,
    ais: Annotated[
        list[Path] | None,
        typer.Option(help="AIS NMEA recording to replay; repeatable"),
    ] = None,
    step_s: Annotated[
        float, typer.Option(help="Replay: a snapshot every this many seconds of recording time")
    ] = DEFAULT_STEP_S,
    stale_s: Annotated[
        float, typer.Option(help="Replay: drop a track not updated for this many seconds")
    ] = DEFAULT_STALE_S,
    rpz_m: Annotated[float, typer.Option(help="Horizontal protected radius (m)")] = 9260.0,
    hpz_m: Annotated[float, typer.Option(help="Vertical protected half-height (m)")] = 304.8,
    lookahead_s: Annotated[float, typer.Option(help="Look-ahead time (s)")] = 300.0,
    zones: Annotated[
        Path | None,
        typer.Option(help="Agreement YAML or GeoJSON constraints: also predict zone incursions"),
    ] = None,
    incursions_out: Annotated[
        Path | None, typer.Option(help="Output CSV for zone incursions (needs --zones)")
    ] = None,
    now: Annotated[
        str | None,
        typer.Option(
            help="Snapshot time, RFC 3339 (default: now); replay: the time of untimed records"
        ),
    ] = None,
) -> None:
    """Detect conflicting pairs (state-based CPA, BlueSky definition) in one CSV snapshot of
    tracks (--tracks), or in every snapshot of ADS-B/AIS recordings replayed (--adsb/--ais)."""
    limits = _Limits(
        check_number("--rpz-m", rpz_m, RPZ_M),
        check_number("--hpz-m", hpz_m, HPZ_M),
        check_number("--lookahead-s", lookahead_s, SECONDS),
    )
    check_number("--step-s", step_s, SECONDS)
    check_number("--stale-s", stale_s, SECONDS)
    at = parse_time_option("--now", now)
    recordings = [(p, TrackSource.ADSB) for p in adsb or []]
    recordings += [(p, TrackSource.AIS) for p in ais or []]
    if (tracks is None) == (not recordings):
        raise UsageError(
            "give either --tracks (one snapshot) or --adsb/--ais (recordings to replay)"
        )
    if tracks is not None:
        _snapshot_mode(tracks, out, limits, zones, incursions_out, at)
        return
    constraints = _load_zones(zones)
    _replay_mode(recordings, out, limits, constraints, incursions_out, at, step_s, stale_s)


def read_intent_document(path: Path) -> Any:
    """An intents file as a document: YAML by its suffix (.yaml, .yml), JSON otherwise; a file
    that does not parse ends the command (exit 4) naming it."""
    text = read_text(path, InputKind.DOCUMENT)  # a regular file within the limit
    try:
        yml = path.suffix in (".yaml", ".yml")
        return parse_yaml(text, str(path)) if yml else parse_json(text, str(path))
    except (yaml.YAMLError, json.JSONDecodeError, RecursionError) as exc:
        kind = path.suffix.lstrip(".").upper()
        raise InvalidInputError(f"{path}: not valid {kind}: {describe_parse_error(exc)}") from None


def _load_intents(path: Path, now: datetime) -> list[PlacedIntent]:
    doc = read_intent_document(path)
    if isinstance(doc, dict) and isinstance(doc.get("intents"), dict):  # InterUSS collection
        try:
            collection = load_collection(doc, now)
        except (IntentError, KeyError, TypeError, ValueError) as exc:
            print_problems([Problem(str(path), f"bad InterUSS collection: {exc}")])
            return []
        return [PlacedIntent(str(path), f"intents.{k}", i) for k, i in collection.items()]
    placed, errors = parse_placed_intents(doc, str(path))
    print_problems(errors)
    return [PlacedIntent(str(path), where, i) for where, i in placed]


def _describe(d: Decision) -> str:
    if d.accepted:
        line = f"ACCEPT {d.intent_id} v{d.version}: {d.reason}"
        for n in d.notifications:
            line += (
                f"\n  notify {n.recipient_command}: {n.intent_id} v{n.intent_version} - {n.reason}"
            )
        return line
    line = f"REJECT {d.intent_id}: {d.reason}"
    for m in d.missed:
        seen = "unseen" if m.seen_version is None else f"seen v{m.seen_version}"
        line += f"\n  missed {m.intent_id} v{m.current_version} ({seen})"
    for c in d.conflicts:
        for o in c.overlaps:
            ov = o.overlap
            who = f"{c.intent_id} v{c.version} ({c.command}, priority {c.priority})"
            when = f"{ov.start.isoformat()}..{ov.end.isoformat()}"
            line += (
                f"\n  conflicts with {who}: volume {o.own_volume} x {o.other_volume}, {when},"
                f" {ov.lower_m:g}..{ov.upper_m:g} m, {ov.area_m2:.0f} m2"
            )
    for z in d.constraint_conflicts:
        for o in z.overlaps:
            area = f"{o.overlap.area_m2:.0f} m2"
            line += f"\n  enters {z.kind} {z.constraint_id}: volume {o.own_volume}, {area}"
    return line


@app.command()
@exits_on_error
def strategic(
    intents: Annotated[
        list[Path], typer.Option(help="Intent files: F3548 JSON list, or InterUSS YAML collection")
    ],
    zones: Annotated[
        Path | None, typer.Option(help="Agreement YAML or GeoJSON constraints")
    ] = None,
    now: Annotated[str | None, typer.Option(help="Anchor for InterUSS relative times")] = None,
) -> None:
    """Submit intents in order (each with the current view of its area); print decisions."""
    t_now = parse_time_option("--now", now)
    placed: list[PlacedIntent] = []
    for path in intents:
        placed.extend(_load_intents(path, t_now))
    duplicates = duplicate_ids(placed)
    if duplicates:
        raise InvalidInputError(
            f"{len(duplicates)} intent ids given twice; nothing submitted", duplicates
        )
    deconflictor = StrategicDeconflictor(constraints=_load_zones(zones))
    decisions = submit_all(deconflictor, [p.intent for p in placed])
    for d in decisions:
        typer.echo(_describe(d))
    accepted = sum(d.accepted for d in decisions)
    typer.echo(f"{accepted} accepted, {len(decisions) - accepted} rejected")
