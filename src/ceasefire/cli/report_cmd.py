"""`ceasefire report daily`: the day's report in HTML and PDF, recorded in the ledger."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from ceasefire.cli.errors import exits_on_error
from ceasefire.cli.ledger import read_signer
from ceasefire.cli.options import output_error, write_atomically
from ceasefire.cli.stores import DEFAULT_DB, existing_store
from ceasefire.domain.errors import InvalidInputError, UsageError
from ceasefire.report.daily.build import DailyReport, build_daily
from ceasefire.report.daily.period import ReportDay, parse_report_date
from ceasefire.report.daily.record import checkpoint_text, record_reports, require_ledger
from ceasefire.report.daily.texts import texts
from ceasefire.store import Store

app = typer.Typer(help="Reports on the store: the daily report in HTML and PDF.",
                  no_args_is_help=True)


def writable_dir(out: Path) -> None:
    """Create `out` if needed and prove a file can be written in it, before any work is done
    or anything is recorded: a report recorded in the ledger but never written is a lie."""
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out}: is not a directory")
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out):
            pass
    except OSError as exc:
        raise output_error("--out", out, exc) from None


def publish(store: Store, report: DailyReport, out: Path) -> list[str]:
    """Write both documents, then record them; if recording fails, the documents written
    are removed again, so what exists on disk is always what the ledger holds."""
    written: list[Path] = []
    try:
        for document in (report.html, report.pdf):
            path = out / document.filename
            write_atomically(path, document.data)
            written.append(path)
        return record_reports(store, [report.html, report.pdf])
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise


def daily(
    date: Annotated[str, typer.Option("--date", help="The Kyiv day, YYYY-MM-DD.")],
    out: Annotated[Path, typer.Option("--out", help="Directory for the HTML and PDF.")],
    agreement: Annotated[
        Path | None,
        typer.Option("--agreement", help="Report on this agreement's stored findings only "
                     "(default: every shipped agreement whose window meets the day)."),
    ] = None,
    lang: Annotated[str, typer.Option("--lang", help="Edition: en or de.")] = "en",
    db: Annotated[str | None, typer.Option("--db", help=f"Store (default {DEFAULT_DB}).")] = None,
    key: Annotated[
        Path | None,
        typer.Option("--key", help="The log's private key: sign the checkpoint that includes "
                     "the report (without it the unsigned tree head is printed)."),
    ] = None,
) -> None:
    """Write DIR/ceasefire-DATE.html and .pdf, append both to the ledger, print the checkpoint."""
    day = ReportDay(parse_report_date(date))
    texts(lang)  # an unknown edition fails before the store is opened
    signer = read_signer(key) if key is not None else None
    writable_dir(out)
    store = existing_store(db)
    try:
        ledger = require_ledger(store)
        if signer is not None and signer.verifier() != ledger.log_key:
            raise InvalidInputError(
                f"--key {key}: not the key of this log ({ledger.origin}, public key "
                f"{ledger.log_key.vkey()}); nothing was written"
            )
        report = build_daily(store, day, lang, datetime.now(UTC), agreement)
        ledger_ids = publish(store, report, out)
        checkpoint = checkpoint_text(ledger, signer)
    finally:
        store.close()
    for document in (report.html, report.pdf):
        typer.echo(f"wrote {out / document.filename} (sha256 {document.report.sha256})")
    typer.echo(f"recorded in the ledger as {', '.join(ledger_ids)}")
    label = "signed checkpoint" if signer else "tree head (unsigned; sign it with `ceasefire " \
        f"ledger checkpoint --db {store.url} --key KEY`)"
    typer.echo(f"{label} including them:")
    typer.echo(checkpoint.rstrip("\n"))


app.command("daily")(exits_on_error(daily))
