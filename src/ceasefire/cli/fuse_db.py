"""`ceasefire fuse --db DB --out OUT.csv`: fuse the stored observations, persist the incidents.

OUT.csv has one row per current observation (header below, a contract scripts depend on).
A region-only row (an Air Force bulletin's tally) is not fused: its `incident_id` and
`independent_sources` are empty, and the incidents it supports list it (`incidents show`).
"""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

import typer

from ceasefire.cli.options import atomic_output
from ceasefire.cli.stores import existing_store
from ceasefire.monitoring.fusion_run import FusionRun, fuse_stored
from ceasefire.monitoring.incident_assessment import assess_all_incidents
from ceasefire.monitoring.setup import bundled_attributor, bundled_unit_of

HEADER = ("observation_id", "source", "source_record_id", "incident_id", "independent_sources")


def write_assignments(run: FusionRun, out: Path) -> None:
    """One row per observation, by observation id, written whole or not at all."""
    of = run.incident_of_observation()
    with atomic_output(out) as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for o in sorted(run.observations, key=lambda o: o.id):
            incident = of.get(o.id)
            writer.writerow(
                (o.id, o.source, o.source_record_id,
                 "" if incident is None else incident.id,
                 "" if incident is None else incident.independent_sources)
            )


def fuse_db(db: str, out: Path, at: datetime) -> FusionRun:
    """Fuse the store at `db`, write OUT.csv, print a summary to stderr."""
    store = existing_store(db)
    try:
        run = fuse_stored(
            store, unit_of=bundled_unit_of(), attributor=bundled_attributor(), at=at
        )
        assessed = assess_all_incidents(store)
    finally:
        store.close()
    write_assignments(run, out)
    corroborated = sum(1 for i in run.incidents if i.corroborated)
    typer.echo(
        f"{run.fused_observations} observations with a point fused into {len(run.incidents)}"
        f" incidents ({corroborated} corroborated by >= 2 independent sources;"
        f" {run.added} new, {run.grown} grown, {len(run.merged)} merged,"
        f" {len(run.dissolved)} dissolved); {run.supporting_rows} region-only rows support"
        f" them, {len(run.unplaced_rows)} could not be placed; wrote {out}",
        err=True,
    )
    for agreement_id, result in assessed.items():
        typer.echo(f"{agreement_id}: incident findings {result.added} new or changed,"
                   f" {result.already_present} unchanged", err=True)
    return run
