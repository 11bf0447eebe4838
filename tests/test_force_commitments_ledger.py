"""Commitments in the evidence ledger: each status a pledge reached is one record; recording
again adds nothing, a corrected step supersedes (kept in history), the ledger verifies."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ceasefire.cli import app
from ceasefire.domain import RecordKind, RecordRef
from ceasefire.domain.commitment import CommitmentChange, CommitmentStatus
from ceasefire.force.commitments import CommitmentError, StatusChange
from ceasefire.force.ledgered import changes_of, record_commitments
from ceasefire.force.loader import load_commitments
from ceasefire.ledger.note import Signer
from ceasefire.paths import force_dir
from ceasefire.store import open_store

AT = datetime(2026, 3, 2, 9, tzinfo=UTC)


def test_each_step_is_one_record_and_recording_again_adds_nothing() -> None:
    loaded = load_commitments(force_dir() / "commitments.yaml")
    steps = sum(len(c.history) for c in loaded)
    store = open_store("memory://")
    store.initialise_ledger("test/force", Signer.generate("test/force").verifier())
    first = record_commitments(store, loaded, actor="analyst", at=AT)
    assert first.added == steps
    again = record_commitments(store, loaded, actor="analyst", at=AT)
    assert (again.added, again.corrected, again.already_present) == (0, 0, steps)
    de = next(c for c in loaded if c.id == "de-patriot-systems")
    stored = store.get(RecordRef(RecordKind.COMMITMENT, "de-patriot-systems:delivered"))
    assert stored is not None
    value = stored.value()
    assert isinstance(value, CommitmentChange)
    assert (value.status, value.day.isoformat(), value.value_eur, value.nation) == (
        CommitmentStatus.DELIVERED, "2026-03-01", 1_000_000_000, "DE")
    # the delivery's source is corrected in the file: that step alone is superseded
    delivered = replace(de.history[-1], source="Bundeswehr press release")
    corrected = replace(de, history=(*de.history[:-1], delivered))
    fixed = record_commitments(store, [corrected], actor="analyst", at=AT)
    assert (fixed.added, fixed.corrected) == (0, 1)
    history = store.history(RecordRef(RecordKind.COMMITMENT, "de-patriot-systems:delivered"))
    assert [v.value().source for v in history] == ["", "Bundeswehr press release"]  # type: ignore[union-attr]
    ledger = store.ledger()
    assert ledger is not None
    assert ledger.verify().ok
    store.close()


def test_a_value_that_is_not_whole_euros_is_refused() -> None:
    loaded = load_commitments(force_dir() / "commitments.yaml")
    odd = replace(loaded[0], value_eur=0.5)
    with pytest.raises(CommitmentError, match="not a whole number of euros"):
        changes_of([odd])


def test_ids_name_the_commitment_and_the_status() -> None:
    loaded = load_commitments(force_dir() / "commitments.yaml")
    one = replace(loaded[0], history=(StatusChange(CommitmentStatus.PLEDGED, AT.date()),))
    (change,) = changes_of([one])
    assert change.id == f"{one.id}:pledged"


def test_the_command_records_into_a_store(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    runner = CliRunner()
    first = runner.invoke(app, ["force", "commitments", "--db", str(db)])
    assert first.exit_code == 0, first.output
    assert "status changes new" in first.output
    again = runner.invoke(app, ["force", "commitments", "--db", str(db)])
    assert "0 status changes new, 0 corrected" in again.output
