"""Recording a published daily report in the evidence ledger: one `Report` record per
document, holding the SHA-256 of its bytes, so any copy of the HTML or the PDF can later be
checked against the log (`ceasefire ledger export-proof` on the record id).

The id carries the digest's first 16 hex digits: issuing the same bytes again adds nothing,
and a re-issued report (a later run, another edition) is a record of its own beside the
first, never a conflicting write over it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from ceasefire.domain.errors import NotFoundError
from ceasefire.domain.report import Report
from ceasefire.ledger.checkpoint import Checkpoint
from ceasefire.ledger.log import Ledger
from ceasefire.ledger.note import Signer
from ceasefire.records import encode
from ceasefire.report.daily.period import ReportDay
from ceasefire.store import Store


@dataclass(frozen=True, slots=True)
class Published:
    """One document as written, and its record."""

    filename: str
    data: bytes
    report: Report


def report_record(
    day: ReportDay, lang: str, title: str, media_type: str, data: bytes, issued: datetime,
    agreement_ids: Sequence[str],
) -> Report:
    digest = hashlib.sha256(data).hexdigest()
    kind = media_type.rsplit("/", 1)[-1]
    return Report(
        id=f"daily-{day.day}-{lang}-{kind}-{digest[:16]}",
        title=title,
        period=day.interval,
        issued_at=issued,
        media_type=media_type,
        sha256=digest,
        agreement_ids=tuple(agreement_ids),
    )


def require_ledger(store: Store) -> Ledger:
    """The store's ledger; a store without one is an error before anything is written,
    since a report that is not in the ledger cannot be checked later."""
    ledger = store.ledger()
    if ledger is None:
        raise NotFoundError(
            f"{store.url} keeps no evidence ledger, so the report could not be recorded: "
            f"start one with `ceasefire ledger init --db {store.url} --origin ORIGIN --key KEY`"
        )
    return ledger


def record_reports(store: Store, published: Sequence[Published]) -> list[str]:
    """Store the reports' records (and so append them to the ledger, in one transaction);
    returns their ledger ids."""
    store.add_records([p.report for p in published])
    return [encode(p.report).ledger_id for p in published]


def checkpoint_text(ledger: Ledger, signer: Signer | None) -> str:
    """A signed checkpoint of the ledger as it now stands (which includes the reports), or,
    without the log's key, the unsigned tree head a signed checkpoint would carry."""
    ledger.refresh()
    if signer is not None:
        return ledger.checkpoint(signer).format()
    return Checkpoint(ledger.origin, ledger.size, ledger.root()).body()
