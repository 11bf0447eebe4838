"""`ceasefire demo`: the main job end to end on the bundled real data.

Ingest every bundled source into a fresh SQLite store whose evidence ledger commits to every
observation and finding, assess every shipped agreement, fuse the observations into incidents
(with their workflow's first steps, also in the ledger), sign a checkpoint, verify the whole
ledger, export one finding's evidence bundle and check it offline, then write the report.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from ceasefire.cli.errors import error_console
from ceasefire.cli.force_cmd import demo_lines as force_demo_lines
from ceasefire.cli.ledger import read_signer, write_secret
from ceasefire.cli.options import check_db_path
from ceasefire.cli.pipeline_cmds import ingest_or_exit
from ceasefire.cli.report_cmd import publish
from ceasefire.domain import Verdict
from ceasefire.domain.errors import VerificationFailedError
from ceasefire.ledger.bundle import make_bundle, verify_bundle
from ceasefire.ledger.log import Ledger
from ceasefire.ledger.note import Signer
from ceasefire.monitoring.fusion_run import fuse_stored
from ceasefire.monitoring.incident_assessment import assess_all_incidents
from ceasefire.monitoring.review import queue
from ceasefire.monitoring.setup import bundled_attributor, bundled_unit_of
from ceasefire.monitoring.summary import (
    MonitoringSummary,
    incident_verdicts,
    summarise_monitoring,
)
from ceasefire.paths import bundled_sources, shipped_agreements
from ceasefire.pipeline import Assessment, assess_stored
from ceasefire.records import encode
from ceasefire.report.daily.build import DailyReport, build_daily
from ceasefire.report.daily.period import ReportDay
from ceasefire.report.markdown import LedgerSummary, render_report
from ceasefire.report.monitoring_md import monitoring_section
from ceasefire.store import open_store
from ceasefire.store.audit import trusted_observations
from ceasefire.verify.territory import map_day

DEMO_ORIGIN = "ceasefire.demo/ledger"
#: What `make demo` ends by printing: the service with the dashboard over the same data.
DASHBOARD_COMMAND = ".venv/bin/ceasefire serve --demo --data-dir reports/dashboard"

#: The real day the demo writes a daily report for: the Christmas truce's last full day.
DEMO_REPORT_DAY = date(2025, 12, 26)


def _log_key(path: Path) -> Signer:
    """The demo log's key: kept beside the report so bundles stay checkable across runs."""
    if path.exists():
        return read_signer(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    signer = Signer.generate(DEMO_ORIGIN)
    write_secret(path, signer.skey())
    path.with_suffix(".vkey").write_text(signer.verifier().vkey() + "\n", encoding="utf-8")
    return signer


def _first_violation(assessments: list[Assessment]) -> tuple[Assessment, int] | None:
    for assessment in assessments:
        for index, finding in enumerate(assessment.findings):
            if finding.verdict is Verdict.VIOLATION:
                return assessment, index
    return None


def _seal(
    ledger: Ledger, signer: Signer, assessments: list[Assessment], out_dir: Path
) -> LedgerSummary:
    """Checkpoint, verify, and prove one violation's finding with an offline-checkable bundle."""
    signed = ledger.checkpoint(signer)
    verified = ledger.verify()
    bundle_path: Path | None = None
    bundle_record = ""
    chosen = _first_violation(assessments)
    if chosen is not None:
        assessment, index = chosen
        bundle_record = encode(assessment.findings[index]).ledger_id
        bundle = make_bundle(ledger, bundle_record)
        verify_bundle(bundle, signer.verifier())
        bundle_path = out_dir / "evidence-bundle.json"
        bundle_path.write_text(json.dumps(bundle, indent=2, ensure_ascii=False), encoding="utf-8")
    return LedgerSummary(
        origin=signed.checkpoint.origin,
        size=signed.checkpoint.size,
        root_hex=signed.checkpoint.root_hash.hex(),
        checkpoint=signed.format(),
        verified=verified.ok,
        verify_reason=verified.reason or "",
        bundle_path=str(bundle_path) if bundle_path else "",
        bundle_record_id=bundle_record,
    )


def _print_monitoring(console: Console, s: MonitoringSummary) -> None:
    o = s.overlap
    console.print(
        f"incidents: {s.fused_observations} observations with a point fused into {s.incidents}"
        f" incidents, {s.corroborated} corroborated by >= 2 independent sources;"
        f" {s.supporting_rows} bulletin rows support {s.supported_incidents} of them"
    )
    console.print(
        f"bellingcat/cir: {o.bellingcat_rows} Bellingcat and {o.cir_rows} CIR rows fused into"
        f" {o.shared_incidents} shared incidents; {o.same_post_pairs} pairs cite the same post,"
        f" counted twice: {o.counted_twice}; corroborated only by the other feed:"
        f" {o.corroborated_only_by_other_feed}"
    )
    for incident in s.examples:
        console.print(
            f"  e.g. {incident.id}: {incident.category} {map_day(incident.interval)}"
            f" {incident.location.region}, {len(incident.observation_ids)} observations,"
            f" {incident.independent_sources} sources: "
            + "; ".join(g.reason[:90] for g in incident.sources[:2])
        )
    console.print(
        f"review queue: {s.waiting} incidents wait ({s.waiting_corroborated} corroborated)"
    )


@dataclass(frozen=True, slots=True)
class DemoRun:
    """What a demo build made: the assessments, the fusion summary, the sealed ledger, the
    daily report."""

    assessments: list[Assessment]
    monitoring: MonitoringSummary
    sealed: LedgerSummary
    stored: int
    daily: DailyReport
    """The daily report of `DEMO_REPORT_DAY`, written beside the other outputs."""


def build_demo_store(db: Path, signer: Signer, out_dir: Path, console: Console) -> DemoRun:
    """Ingest the bundled data into a fresh store at `db` whose ledger `signer` signs, assess
    every shipped agreement, fuse, checkpoint and verify; `ceasefire demo` and `ceasefire serve
    --demo` build the same store this way."""
    check_db_path(str(db))  # never delete a directory or a file that is no database
    for leftover in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        leftover.unlink(missing_ok=True)
    store = open_store(str(db))
    ledger = store.initialise_ledger(signer.name, signer.verifier())
    agreements = shipped_agreements()
    sources = bundled_sources()
    assessments: list[Assessment] = []
    try:
        with Progress(
            SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=console
        ) as progress:
            task = progress.add_task("demo", total=len(sources) + len(agreements) + 3)
            for path in sources:
                progress.update(task, description=f"ingest {path.name}")
                ingest_or_exit(store, [path], None)
                progress.advance(task)
            observations = trusted_observations(store)
            for agreement in agreements:
                progress.update(task, description=f"assess {agreement.name}")
                assessments.append(assess_stored(store, agreement, observations))
                progress.advance(task)
            progress.update(task, description="fuse observations into incidents")
            moment = datetime.now(UTC)
            run = fuse_stored(store, unit_of=bundled_unit_of(), attributor=bundled_attributor(),
                              at=moment)
            assess_all_incidents(store)
            monitoring = replace(
                summarise_monitoring(run, [e for e, _ in queue(store, moment)]),
                incident_verdicts=incident_verdicts(store),
            )
            progress.advance(task)
            progress.update(task, description=f"daily report of {DEMO_REPORT_DAY}")
            out_dir.mkdir(parents=True, exist_ok=True)
            daily = build_daily(store, ReportDay(DEMO_REPORT_DAY), "en", moment,
                                observations=observations,
                                agreements=[a.agreement for a in assessments])
            publish(store, daily, out_dir)
            progress.advance(task)
            progress.update(task, description="checkpoint and verify the ledger")
            ledger.refresh()  # the store's writes went through its own view of the ledger
            sealed = _seal(ledger, signer, assessments, out_dir)
            progress.advance(task)
        stored = store.count_observations()
    finally:
        store.close()
    return DemoRun(assessments, monitoring, sealed, stored, daily)


def demo(
    out: Annotated[Path, typer.Option(help="Where to write the Markdown report.")] = Path(
        "reports/demo.md"
    ),
    db: Annotated[Path, typer.Option(help="SQLite store (and ledger) for the run.")] = Path(
        "reports/ceasefire.db"
    ),
) -> None:
    """Ingest the bundled real data, assess every shipped agreement, seal it in the ledger."""
    console = error_console()
    check_db_path(str(db))
    signer = _log_key(out.parent / "demo-log.key")
    built = build_demo_store(db, signer, out.parent, console)
    assessments, monitoring, sealed, stored, daily = (
        built.assessments, built.monitoring, built.sealed, built.stored, built.daily)
    report = render_report(assessments, datetime.now(UTC), sealed, monitoring_section(monitoring))
    out.write_text(report, encoding="utf-8")
    for result in assessments:
        violation = result.summary.totals[Verdict.VIOLATION]
        possible = result.summary.totals[Verdict.POSSIBLE]
        never = result.agreement.never_in_force
        label = result.agreement.id if never is None else f"{result.agreement.id} ({never})"
        would = "" if never is None else "would have been "
        console.print(
            f"{label}: {would}{violation.findings} violations "
            f"({violation.launched} launched), {possible.findings} possible "
            f"({possible.launched} launched)"
        )
    _print_monitoring(console, monitoring)
    for line in force_demo_lines():  # the force registry and one refused operation
        console.print(escape(line))
    console.print(
        f"ledger: {sealed.size} records, root {sealed.root_hex[:16]}..., "
        f"verify {'ok' if sealed.verified else 'FAILED: ' + sealed.verify_reason}"
    )
    typer.echo(f"{stored} observations stored in {db}; report written to {out}")
    typer.echo(f"daily report of {DEMO_REPORT_DAY}: {out.parent / daily.pdf.filename} and"
               f" {out.parent / daily.html.filename} (in the ledger; another day: ceasefire"
               f" report daily --date YYYY-MM-DD --out {out.parent} --db {db})")
    typer.echo(f"explore: ceasefire incidents list --db {db} --min-sources 2;"
               f" ceasefire review queue --db {db}")
    typer.echo(f"dashboard: {DASHBOARD_COMMAND}  (prints demo tokens, then open"
               " http://127.0.0.1:8765/)")
    if not sealed.verified:
        raise VerificationFailedError(f"the demo ledger does not verify: {sealed.verify_reason}")
