"""`ceasefire verify`: audit a store and its evidence ledger together, without writing.

`ledger verify` proves the log is intact; it cannot see a store edited behind the log's back.
This command does both: the ledger's own re-hash, then every stored record against the bytes
the ledger committed (and every committed record against the store), through a read-only
connection, so an auditor can run it on a copy.
"""

from __future__ import annotations

from typing import Annotated

import typer

from ceasefire.cli.errors import error_console, print_problems
from ceasefire.domain.errors import Problem, VerificationFailedError
from ceasefire.store import open_store
from ceasefire.store.audit import audit

#: How many problems are printed before the count of the rest (all are in the exit detail).
SHOWN = 50


def verify(
    db: Annotated[
        str,
        typer.Option(
            "--db", envvar="CEASEFIRE_DB", help="The store (SQLite file or URL) to audit."
        ),
    ],
) -> None:
    """Audit the store against the evidence ledger and the ledger itself; exit 1 on any
    disagreement, naming every record."""
    store = open_store(db, readonly=True)
    try:
        ledger = store.ledger()
        problems: list[Problem] = []
        if ledger is not None:
            checked = ledger.verify()
            if not checked.ok:
                at = (
                    "" if checked.first_bad_index is None else f" (index {checked.first_bad_index})"
                )
                problems.append(Problem("ledger", f"does not verify{at}: {checked.reason}"))
        report = audit(store)
    finally:
        store.close()
    problems += report.problems
    if problems:
        print_problems(problems[:SHOWN], error_console())
        more = f"; {len(problems) - SHOWN} more not shown" if len(problems) > SHOWN else ""
        raise VerificationFailedError(
            f"{len(problems)} problem(s): the store and the ledger disagree{more}"
        )
    if ledger is None:
        typer.echo(f"ok: {report.records} stored records consistent; this store keeps no ledger")
        return
    typer.echo(
        f"ok: ledger of {ledger.size} entries re-hashed; {report.records} stored records equal "
        f"what the ledger committed; {report.ledger_entries} committed records all stored"
    )
