"""`ceasefire incidents list|show`: the fused incidents in the store, with their reasons."""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer
from rich.table import Table

from ceasefire.cli.errors import exits_on_error, wide_console
from ceasefire.cli.export_cmd import export_incidents
from ceasefire.cli.stores import existing_store
from ceasefire.domain import Incident, IncidentState, RecordKind, RecordRef
from ceasefire.domain.errors import NotFoundError
from ceasefire.monitoring.views import clock_view, incident_detail, incident_row, workflow_state

app = typer.Typer(help="Fused incidents: list them, show one with its reasoning.",
                  no_args_is_help=True)

DbOption = Annotated[str | None, typer.Option("--db", help="Store (default ceasefire.db).")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _print_json(value: Any) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=None)
    sys.stdout.write("\n")


def list_incidents(
    db: DbOption = None,
    state: Annotated[
        IncidentState | None, typer.Option(help="Only incidents in this workflow state.")
    ] = None,
    min_sources: Annotated[
        int, typer.Option(min=0, help="Only incidents with at least this many independent sources.")
    ] = 0,
    limit: Annotated[int, typer.Option(min=1, help="Show at most this many (table only).")] = 50,
    as_json: JsonOption = False,
) -> None:
    """List incidents by id, with state, place, time and independent sources."""
    store = existing_store(db, readonly=True)
    try:
        rows = []
        for incident in store.incidents():
            if incident.independent_sources < min_sources:
                continue
            current = workflow_state(store.transitions(RecordRef(RecordKind.INCIDENT,
                                                                  incident.id)))
            if state is not None and current is not state:
                continue
            rows.append(incident_row(incident, current))
    finally:
        store.close()
    if as_json:
        _print_json(rows)
        return
    table = Table(title=f"incidents ({len(rows)}; showing {min(limit, len(rows))})")
    columns = ("id", "state", "start", "category", "region", "obs", "indep.", "side", "conf.")
    for column in columns:
        table.add_column(column)
    for row in rows[:limit]:
        table.add_row(
            row["id"], row["state"], row["start"][:16], row["category"], row["region"] or "",
            str(row["observations"]), str(row["independent_sources"]), row["side"],
            f"{row['confidence']:.2f}",
        )
    wide_console().print(table)


def show_incident(
    incident_id: Annotated[str, typer.Argument(help="Incident id (inc-...).")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show one incident: observations, fusion reasoning, sources, support, attribution,
    workflow history and response clocks."""
    store = existing_store(db, readonly=True)
    try:
        ref = RecordRef(RecordKind.INCIDENT, incident_id)
        stored = store.get(ref)
        if stored is None:
            moves = store.transitions(ref)
            gone = next((m for m in reversed(moves) if m.successor is not None), None)
            hint = f"; it was {gone.to_state} into {gone.successor}" if gone else ""
            raise NotFoundError(f"no current incident {incident_id}{hint}")
        value = stored.value()
        assert isinstance(value, Incident)
        observations = [o for o in map(store.get_observation, value.observation_ids) if o]
        supporting = [
            o for o in (store.get_observation(s.observation_id) for s in value.supporting) if o
        ]
        detail = incident_detail(
            value,
            store.transitions(ref),
            observations,
            supporting,
            [clock_view(c) for c in store.clocks(incident_id)],
        )
    finally:
        store.close()
    if as_json:
        _print_json(detail)
        return
    _print_detail(detail)


def _print_detail(d: dict[str, Any]) -> None:
    out = typer.echo
    out(f"incident {d['id']}  [{d['state']}]  {d['category']}")
    out(f"  when   {d['start']} .. {d['end']} ({d['time_precision']})")
    out(f"  where  {d['lat']}, {d['lon']} ± {d['radius_m']:.0f} m  ({d['region'] or 'no oblast'})")
    out(f"  independent sources {d['independent_sources']}, confidence {d['confidence']:.2f}")
    a = d["attribution"]
    out(f"  attribution: {a['side']} (confidence {a['confidence']:.2f}, by {a['method']})")
    for reason in a["reasons"]:
        out(f"    - {reason}")
    out("  observations:")
    for o in d["observations"]:
        out(f"    {o['id']}  {o['source']}  {o['start'][:16]}  {o['description'][:70]}")
    out("  sources (each counts once):")
    for g in d["sources"]:
        out(f"    {', '.join(g['observation_ids'])}: {g['reason']}")
    if d["fusion"]:
        out("  fusion (which observation joined on which gates):")
        for f in d["fusion"]:
            out(
                f"    {f['observation_id']} joined {f['joined']}: {f['distance_m']:.0f} m <="
                f" {f['reach_m']:.0f} m, gap {f['gap_s']:.0f} s <= {f['tolerance_s']:.0f} s,"
                f" {f['categories'][0]} ~ {f['categories'][1]}"
            )
    if d["supporting"]:
        out(f"  supporting reports ({len(d['supporting'])}, not counted as sources):")
        for s in d["supporting"]:
            out(f"    {s['observation_id']}: {s['reason']}")
    out("  history:")
    for t in d["history"]:
        out(f"    {t['at'][:19]}  {t['from']} -> {t['to']}  by {t['actor']}"
            f"{' (' + t['organisation'] + ')' if t['organisation'] else ''}: {t['reason']}")
    for c in d["clocks"]:
        out(f"  clock {c['id']}: {c['track']} response by {c['notified_party']} due {c['due_at']}")


app.command("list")(exits_on_error(list_incidents))
app.command("show")(exits_on_error(show_incident))
app.command("export")(exits_on_error(export_incidents))
