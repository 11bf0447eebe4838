"""`ceasefire force ...`: who is where under whose command and mandate, and checks of
operations and own-asset tracks against the mandates (docs/force.md).

I/O only: the files are read here and by `force.loader`; every decision is made by the pure
functions of `ceasefire.force`. A refusal or an alert is a check that said no (exit 1); a bad
file or record is invalid input (exit 4), as docs/errors.md says.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from ceasefire.cli.deconflict import read_intent_document
from ceasefire.cli.errors import exits_on_error, print_problems
from ceasefire.cli.options import Range, check_db_path, check_number, parse_time_option
from ceasefire.deconflict.strategic import PlacedIntent, duplicate_ids
from ceasefire.domain.errors import InvalidInputError, Problem, UsageError, VerificationFailedError
from ceasefire.domain.track import TrackSource
from ceasefire.force.checks import ForceIntent, Verdict, check_all
from ceasefire.force.commitments import Commitment, progress
from ceasefire.force.force import Force
from ceasefire.force.intents import parse_force_intents
from ceasefire.force.ledgered import record_commitments
from ceasefire.force.loader import load_commitments, load_force
from ceasefire.force.tracks import track_alerts
from ceasefire.force.who import Presence
from ceasefire.force.who import who as who_is_there
from ceasefire.ingest.track_feeds import read_track_file
from ceasefire.paths import force_dir
from ceasefire.store import open_store

app = typer.Typer(
    help="The force: who answers for what, where, under which mandate; checks against mandates.",
    no_args_is_help=True,
)

RADIUS_KM = Range("kilometres", 0.0, 1_000.0, low_closed=True)

RegistryOption = Annotated[
    Path | None, typer.Option(help="Force registry YAML (default: the shipped example)")
]
MandatesOption = Annotated[
    Path | None, typer.Option(help="Mandates YAML (default: the shipped example)")
]


def bundled_force(registry: Path | None = None, mandates: Path | None = None) -> Force:
    """The force from the given files, or from the shipped illustrative example."""
    return load_force(
        registry or force_dir() / "registry.yaml", mandates or force_dir() / "mandates.yaml"
    )


def read_force_intents(paths: list[Path]) -> tuple[list[ForceIntent], list[Problem]]:
    """Operations of every file, in order; ids given twice (across files) end the command."""
    placed: list[tuple[PlacedIntent, ForceIntent]] = []
    problems: list[Problem] = []
    for path in paths:
        found, bad = parse_force_intents(read_intent_document(path), str(path))
        placed += [(PlacedIntent(str(path), where, fi.intent), fi) for where, fi in found]
        problems += bad
    twice = duplicate_ids([p for p, _ in placed])
    if twice:
        raise InvalidInputError(f"{len(twice)} intent ids given twice; nothing checked", twice)
    return [fi for _, fi in placed], problems


def describe_verdict(v: Verdict) -> str:
    """``ACCEPT id`` or ``REFUSE id`` and one indented line per refusal with its clause."""
    if v.accepted:
        return f"ACCEPT {v.intent_id}"
    return "\n".join([f"REFUSE {v.intent_id}", *(f"  {r}" for r in v.refusals)])


@app.command()
@exits_on_error
def check(
    intents: Annotated[
        list[Path], typer.Option(help="Intent files (F3548 JSON or YAML list) with the force keys")
    ],
    registry: RegistryOption = None,
    mandates: MandatesOption = None,
) -> None:
    """Check operations against the registry and the mandates, in file order (caps count
    the operations accepted before); exit 1 if any is refused, each listed with its clause."""
    force = bundled_force(registry, mandates)
    operations, problems = read_force_intents(intents)
    print_problems(problems)
    verdicts = check_all(force, operations)
    for v in verdicts:
        typer.echo(describe_verdict(v))
    refused = sum(not v.accepted for v in verdicts)
    typer.echo(f"{len(verdicts) - refused} accepted, {refused} refused")
    if problems:
        raise InvalidInputError(f"{len(problems)} intents could not be checked", problems)
    if refused:
        raise VerificationFailedError(f"{refused} of {len(verdicts)} operations refused")


def _parse_where(where: str) -> tuple[float, float]:
    try:
        lat_s, lon_s = where.split(",")
        lat, lon = float(lat_s), float(lon_s)
    except ValueError:
        raise UsageError(
            f"--where must be LAT,LON in degrees such as 50.45,30.52, got {where!r}"
        ) from None
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        raise UsageError(f"--where {where!r} is off the globe (lat -90..90, lon -180..180)")
    return lat, lon


def _presence_json(p: Presence) -> dict[str, Any]:
    return {
        "id": p.unit.id,
        "name": p.unit.name,
        "kind": p.unit.kind.value,
        "nation": p.unit.nation,
        "why": p.why,
        "answering": p.chain.answering,
        "chain": [
            {"relationship": r.id, "authority": r.authority.value, "command": r.superior}
            for r in p.chain.links
        ],
        "mandates": [
            {
                "id": m.mandate.id,
                "issuer": m.mandate.issuer_name,
                "allows_here": not m.refusals,
                "refusals": [{"clause": r.clause, "reason": r.reason} for r in m.refusals],
            }
            for m in p.mandates
        ],
    }


def _presence_text(p: Presence) -> str:
    mandates = []
    for m in p.mandates:
        verdict = (
            "allows here"
            if not m.refusals
            else "forbids here: " + "; ".join(f"{r.clause} {r.reason}" for r in m.refusals)
        )
        mandates.append(f"{m.mandate.id} ({verdict})")
    return "\n".join(
        [
            f"{p.unit.id} ({p.unit.kind.value}, {p.unit.nation}): {p.why}",
            f"  chain: {p.chain.describe()}",
            f"  mandates: {', '.join(mandates) or 'none in force'}",
        ]
    )


@app.command()
@exits_on_error
def who(
    at: Annotated[str, typer.Option(help="The time, RFC 3339 (e.g. 2026-02-02T09:00:00Z)")],
    where: Annotated[str, typer.Option(help="The place: LAT,LON in degrees")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text")] = False,
    radius_km: Annotated[float, typer.Option(help="How near counts as there")] = 25.0,
    intents: Annotated[
        list[Path] | None, typer.Option(help="Also units of these planned operations")
    ] = None,
    registry: RegistryOption = None,
    mandates: MandatesOption = None,
) -> None:
    """List the units there then with nation, chain of command and mandates."""
    t = parse_time_option("--at", at)
    lat, lon = _parse_where(where)
    radius_m = check_number("--radius-km", radius_km, RADIUS_KM) * 1000.0
    force = bundled_force(registry, mandates)
    operations, problems = read_force_intents(intents or [])
    print_problems(problems)
    found = who_is_there(force, t, lat, lon, radius_m, operations)
    if as_json:
        doc = {
            "at": t.isoformat(),
            "where": {"lat": lat, "lon": lon},
            "radius_m": radius_m,
            "units": [_presence_json(p) for p in found],
        }
        typer.echo(json.dumps(doc, indent=2, ensure_ascii=False))
        return
    typer.echo(f"within {radius_km:g} km of {lat:g},{lon:g} at {t.isoformat()}:")
    for p in found:
        typer.echo(_presence_text(p))
    if not found:
        typer.echo("no unit of the force")


@app.command()
@exits_on_error
def tracks(
    file: Annotated[Path, typer.Argument(help="Recording: ADS-B (traffic JSON, SBS) or AIS NMEA")],
    feed: Annotated[str, typer.Option(help="adsb or ais")] = "adsb",
    now: Annotated[str | None, typer.Option(help="Time of untimed AIS records")] = None,
    registry: RegistryOption = None,
    mandates: MandatesOption = None,
) -> None:
    """Check the force's own tracks in a recording against their nation's mandates; exit 1
    on any alert (a track outside its mandated area, or after its mandate expired)."""
    feeds = {"adsb": TrackSource.ADSB, "ais": TrackSource.AIS}
    if feed not in feeds:
        raise UsageError(f"--feed must be adsb or ais, got {feed!r}")
    force = bundled_force(registry, mandates)
    batch = read_track_file(file, feeds[feed], parse_time_option("--now", now).timestamp())
    print_problems(batch.errors)
    alerts = track_alerts(force, batch.states)
    for alert in alerts:
        typer.echo(f"ALERT {alert.describe()}")
    own = {s.id for s in batch.states if force.registry.unit_for_track(s.id)}
    typer.echo(f"{len(batch.states)} states, {len(own)} own tracks, {len(alerts)} alerts")
    if alerts:
        raise VerificationFailedError(f"{len(alerts)} own-asset alerts")


@app.command()
@exits_on_error
def commitments(
    file: Annotated[Path | None, typer.Option(help="Commitments YAML")] = None,
    as_of: Annotated[str | None, typer.Option(help="Status as of this day (YYYY-MM-DD)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text")] = False,
    db: Annotated[str | None, typer.Option(
        help="Also record every status change in this store's evidence ledger (a SQLite file"
             " or store URL); recording again adds nothing, a corrected step supersedes.")
    ] = None,
) -> None:
    """Pledged, contracted and delivered value by nation and category (EUR)."""
    loaded = load_commitments(file or force_dir() / "commitments.yaml")
    if db is not None:
        _record(db, loaded)
    day = None
    if as_of is not None:
        try:
            day = date.fromisoformat(as_of)
        except ValueError:
            raise UsageError(f"--as-of must be a day such as 2026-03-01, got {as_of!r}") from None
    rows = progress(loaded, day)
    if as_json:
        doc = [
            {
                "nation": r.nation,
                "category": r.category.value,
                "pledged_eur": r.pledged_eur,
                "contracted_eur": r.contracted_eur,
                "delivered_eur": r.delivered_eur,
                "pledged_items": r.pledged_items,
                "delivered_items": r.delivered_items,
                "delivered_share": round(r.delivered_share, 4),
            }
            for r in rows
        ]
        typer.echo(json.dumps(doc, indent=2))
        return
    typer.echo(
        "nation  category             pledged_eur  contracted_eur  delivered_eur  items  delivered"
    )
    for r in rows:
        typer.echo(
            f"{r.nation:<7} {r.category.value:<20} {r.pledged_eur:>13,.0f}"
            f" {r.contracted_eur:>15,.0f} {r.delivered_eur:>14,.0f}"
            f" {r.delivered_items:>3}/{r.pledged_items:<2} {r.delivered_share:>9.0%}"
        )


def _record(db: str, loaded: list[Commitment]) -> None:
    store = open_store(check_db_path(db))
    try:
        result = record_commitments(store, loaded, actor="force commitments",
                                    at=datetime.now(UTC))
        ledger = store.ledger()
    finally:
        store.close()
    where = f"ledger of {db}" if ledger is not None else f"{db} (it has no ledger)"
    typer.echo(f"recorded in the {where}: {result.added} status changes new,"
               f" {result.corrected} corrected, {result.already_present} already there",
               err=True)


def demo_lines() -> list[str]:
    """For `ceasefire demo`: the shipped registry in one line, the example operations'
    verdicts and the first refusal with its clause."""
    force = bundled_force()
    reg = force.registry
    operations, _ = read_force_intents([force_dir() / "intents-example.yaml"])
    verdicts = check_all(force, operations)
    refused = [v for v in verdicts if not v.accepted]
    lines = [
        f"force (illustrative): {len(reg.nations)} nations, {len(reg.commands)} commands,"
        f" {len(reg.units)} units, {len(force.mandates)} mandates; example operations:"
        f" {len(verdicts) - len(refused)} accepted, {len(refused)} refused"
    ]
    if refused:
        lines.append(f"  e.g. REFUSE {refused[0].intent_id}: {refused[0].refusals[0]}")
    return lines
