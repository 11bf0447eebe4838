"""`ceasefire deconflict ...`: tactical (live tracks) and strategic (planned intents) checks.

I/O lives here; the decisions are made by the pure functions in `ceasefire.deconflict`.
Record-level problems are reported on stderr (one line each) and the valid records are still
processed; only a file that cannot be read at all ends the command, with exit code 4 (invalid
input); a bad option value exits 2. The codes are the one table of docs/errors.md.
"""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml

from ceasefire.agreement import load_agreement
from ceasefire.cli.errors import exits_on_error, print_problems
from ceasefire.deconflict.constraints import AirspaceConstraint, constraints_from_geojson
from ceasefire.deconflict.f3548 import parse_intents
from ceasefire.deconflict.from_agreement import airspace_constraints
from ceasefire.deconflict.incursion import predict_incursions
from ceasefire.deconflict.interuss import load_collection
from ceasefire.deconflict.snapshot import parse_snapshot
from ceasefire.deconflict.strategic import Decision, StrategicDeconflictor, submit_all
from ceasefire.deconflict.tactical import detect
from ceasefire.domain.errors import InvalidInputError, Problem, UsageError
from ceasefire.domain.intent import IntentError, OperationalIntent

app = typer.Typer(
    help="Deconflict the force: live tracks (tactical) and planned intents (strategic).",
    no_args_is_help=True,
)


def _now(value: str | None) -> datetime:
    if value is None:
        return datetime.now(UTC)
    t = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return t if t.tzinfo else t.replace(tzinfo=UTC)


def _load_zones(path: Path | None) -> list[AirspaceConstraint]:
    """Constraints from an agreement YAML (its zones) or a GeoJSON FeatureCollection."""
    if path is None:
        return []
    if path.suffix in (".yaml", ".yml"):
        return airspace_constraints(load_agreement(path))
    try:
        doc = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise InvalidInputError(f"{path}: cannot read zones: {exc}") from exc
    zones, errors = constraints_from_geojson(doc, str(path))
    print_problems(errors)
    return zones


@app.command()
@exits_on_error
def tactical(
    tracks: Annotated[
        Path, typer.Option(help="CSV snapshot: id,lat,lon,alt_m,trk_deg,gs_mps,vs_mps")
    ],
    out: Annotated[Path, typer.Option(help="Output CSV: id1,id2,tcpa_s,dcpa_m,tin_s,tout_s")],
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
    now: Annotated[str | None, typer.Option(help="Snapshot time, RFC 3339 (default: now)")] = None,
) -> None:
    """Detect conflicting pairs in one snapshot of tracks (state-based CPA, BlueSky definition)."""
    if rpz_m <= 0 or hpz_m <= 0 or lookahead_s <= 0:
        raise UsageError("--rpz-m, --hpz-m and --lookahead-s must be positive")
    try:
        with tracks.open(newline="") as f:
            reader = csv.reader(f)
            header = next(reader, [])
            traffic, errors = parse_snapshot(header, reader, str(tracks))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InvalidInputError(f"{tracks}: cannot read: {exc}") from exc
    print_problems(errors)
    result = detect(traffic, rpz_m, hpz_m, lookahead_s)
    rows = []
    for k in range(len(result)):
        a, b = str(traffic.ids[result.i[k]]), str(traffic.ids[result.j[k]])
        a, b = (a, b) if a < b else (b, a)
        rows.append((a, b, result.tcpa_s[k], result.dcpa_m[k], result.tin_s[k], result.tout_s[k]))
    rows.sort()
    with out.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id1", "id2", "tcpa_s", "dcpa_m", "tin_s", "tout_s"])
        for a, b, tcpa, dcpa, tin, tout in rows:
            w.writerow([a, b, f"{tcpa:.3f}", f"{dcpa:.3f}", f"{tin:.3f}", f"{tout:.3f}"])
    typer.echo(
        f"{len(traffic)} tracks ({len(errors)} rejected), {result.candidates} candidate pairs, "
        f"{len(rows)} conflicts -> {out}"
    )
    constraints = _load_zones(zones)
    if constraints:
        alerts = predict_incursions(traffic, constraints, _now(now), lookahead_s)
        for alert in alerts:
            state = "INSIDE" if alert.inside_now else f"enters in {alert.entry_s:.1f} s"
            typer.echo(f"incursion: {alert.track_id} {state} {alert.kind} {alert.constraint_id}")
        if incursions_out is not None:
            with incursions_out.open("w", newline="") as f:
                w = csv.writer(f)
                w.writerow(
                    [
                        "track_id",
                        "constraint_id",
                        "kind",
                        "entry_s",
                        "inside_now",
                        "entry_lat",
                        "entry_lon",
                        "entry_alt_m",
                    ]
                )
                for alert in alerts:
                    w.writerow(
                        [
                            alert.track_id,
                            alert.constraint_id,
                            alert.kind,
                            f"{alert.entry_s:.3f}",
                            int(alert.inside_now),
                            f"{alert.entry_lat:.6f}",
                            f"{alert.entry_lon:.6f}",
                            f"{alert.entry_alt_m:.1f}",
                        ]
                    )


def _load_intents(path: Path, now: datetime) -> list[OperationalIntent]:
    try:
        text = path.read_text()
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInputError(f"{path}: cannot read: {exc}") from exc
    try:
        doc: Any = yaml.safe_load(text) if path.suffix in (".yaml", ".yml") else json.loads(text)
    except (yaml.YAMLError, json.JSONDecodeError) as exc:
        kind = path.suffix.lstrip(".").upper()
        raise InvalidInputError(f"{path}: not valid {kind}: {exc}") from exc
    if isinstance(doc, dict) and isinstance(doc.get("intents"), dict):  # InterUSS collection
        try:
            return list(load_collection(doc, now).values())
        except (IntentError, KeyError, TypeError, ValueError) as exc:
            print_problems([Problem(str(path), f"bad InterUSS collection: {exc}")])
            return []
    intents, errors = parse_intents(doc, str(path))
    print_problems(errors)
    return intents


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
    t_now = _now(now)
    all_intents: list[OperationalIntent] = []
    for path in intents:
        all_intents.extend(_load_intents(path, t_now))
    deconflictor = StrategicDeconflictor(constraints=_load_zones(zones))
    decisions = submit_all(deconflictor, all_intents)
    for d in decisions:
        typer.echo(_describe(d))
    accepted = sum(d.accepted for d in decisions)
    typer.echo(f"{accepted} accepted, {len(decisions) - accepted} rejected")
