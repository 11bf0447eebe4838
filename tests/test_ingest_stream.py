"""Issue 9, defect 10 (ingest): a file streams into the store in bounded batches.

Before, ingest held the whole file (its bytes, its text, its lines, every observation and every
encoded record) at once: 600 MiB for 10^5 bulletin rows, 4.3 GiB for 10^6. Now memory holds a
batch, so a file ten times longer costs about the same; and the file is still one unit of work,
so a failure in its last batch leaves nothing of it in store or ledger.
"""

from __future__ import annotations

import csv
import tracemalloc
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ceasefire.cli import app
from ceasefire.domain import RecordKind, RecordRef
from ceasefire.domain.errors import Problem
from ceasefire.ingest.csvrows import MAX_LINE_CHARS, read_csv_rows
from ceasefire.ledger.note import Signer
from ceasefire.pipeline import ingest_files
from ceasefire.store import ConflictingRecordError, SqliteStore

T0 = datetime(2026, 1, 1, tzinfo=UTC)
runner = CliRunner()


@pytest.fixture(scope="module")
def bundled(data: Path) -> tuple[list[str], list[list[str]]]:
    with (data / "missile_attacks" / "missile_attacks_daily.csv").open(newline="") as f:
        reader = csv.reader(f)
        return next(reader), list(reader)


def bulletin_file(
    out: Path, bundled: tuple[list[str], list[list[str]]], n: int, last: list[str] | None = None
) -> Path:
    """`n` distinct bulletin rows (the bundled ones again and again, each copy under its own
    post, as bench/bench_memory.py writes them), then `last` if given."""
    header, rows = bundled
    source = header.index("source")
    with out.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        for k in range(n):
            row = list(rows[k % len(rows)])
            row[source] = f"{row[source]}-stream{k}"
            writer.writerow(row)
        if last is not None:
            writer.writerow(last)
    return out


def traced_peak_of_ingest(path: Path, db: Path) -> tuple[int, int]:
    """(rows read, peak bytes Python allocated while ingesting `path` into a new store)."""
    store = SqliteStore(db)
    tracemalloc.start()
    try:
        (outcome,) = ingest_files(store, [path], at=T0, batch_size=250)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        store.close()
    return outcome.read, peak


def test_peak_memory_of_ingest_does_not_grow_with_the_file(
    tmp_path: Path, bundled: tuple[list[str], list[list[str]]]
) -> None:
    small = bulletin_file(tmp_path / "small.csv", bundled, 1_000)
    large = bulletin_file(tmp_path / "large.csv", bundled, 10_000)
    read_small, peak_small = traced_peak_of_ingest(small, tmp_path / "small.db")
    read_large, peak_large = traced_peak_of_ingest(large, tmp_path / "large.db")
    assert (read_small, read_large) == (1_000, 10_000)
    # Holding the whole file cost about 3.6 kB of Python memory per row (3.9 -> 36.5 MiB
    # here); a batch at a time, only the in-file repeat register grows with the file, under
    # 0.4 kB a row (docs/failure.md).
    per_row = (peak_large - peak_small) / (read_large - read_small)
    assert per_row < 1024, (peak_small, peak_large)


def ledgered(db: Path) -> SqliteStore:
    store = SqliteStore(db)
    store.initialise_ledger("test/stream", Signer.generate("test/stream").verifier())
    return store


def test_a_failure_in_the_last_batch_leaves_nothing_of_the_file(
    tmp_path: Path, bundled: tuple[list[str], list[list[str]]]
) -> None:
    """The last row of the file corrects an observation whose stored version was superseded
    under another id: the store refuses it (exit 5) after two batches were written."""
    header, rows = bundled
    first = bulletin_file(tmp_path / "first.csv", bundled, 1)
    db = tmp_path / "store.db"
    store = ledgered(db)
    (done,) = ingest_files(store, [first], at=T0)
    assert done.stored.added == 1
    [stored] = store.observations()
    store.supersede(
        RecordRef(RecordKind.OBSERVATION, stored.id),
        replace(stored, id=stored.id + "-moved"),
        actor="test",
        reason="moved by hand",
        at=T0,
    )
    ledger = store.ledger()
    assert ledger is not None
    before = (store.count_observations(), ledger.size)
    changed = list(rows[0])
    changed[header.index("source")] += "-stream0"
    changed[header.index("launched")] = str(int(float(changed[header.index("launched")])) + 1)
    path = bulletin_file(tmp_path / "changed.csv", (header, rows[1:]), 600, last=changed)
    with pytest.raises(ConflictingRecordError):
        ingest_files(store, [path], at=T0, batch_size=250)  # 250 + 250 + (100 + the bad one)
    ledger = store.ledger()
    assert ledger is not None
    assert (store.count_observations(), ledger.size) == before
    store.close()
    result = runner.invoke(app, ["verify", "--db", str(db)])
    assert result.exit_code == 0, result.output


def test_an_endless_line_is_refused_at_its_line_with_the_rows_before_kept(
    tmp_path: Path,
) -> None:
    path = tmp_path / "one-line.csv"
    with path.open("w", encoding="utf-8") as f:
        f.write("a,b\n1,2\n")
        f.write("x" * (MAX_LINE_CHARS + 1))
    problems: list[Problem] = []
    rows = list(read_csv_rows(path, problems=problems))
    assert rows == [(2, {"a": "1", "b": "2"})]
    [problem] = problems
    assert (problem.source, problem.line) == (str(path), 3)
    assert f"line longer than {MAX_LINE_CHARS:,} characters" in problem.reason


def test_the_encoding_is_decided_by_the_whole_file_not_its_first_chunk(tmp_path: Path) -> None:
    """A byte that is not UTF-8 two megabytes in makes the whole file Windows-1252: the first
    row is read the same way as the last, never one way before and another after."""
    path = tmp_path / "mixed.csv"
    with path.open("wb") as f:
        f.write(b"name,note\n")
        f.write("caf\u00e9,first\n".encode())  # UTF-8 bytes C3 A9
        for k in range(40_000):
            f.write(b"filler,%d\n" % k)
        f.write(b"caf\xe9,last\n")  # Windows-1252 byte E9
    rows = [row for _, row in read_csv_rows(path, ("utf-8", "cp1252"))]
    assert rows[0]["name"] == "caf\u00c3\u00a9"  # the UTF-8 bytes, read as Windows-1252
    assert rows[-1]["name"] == "caf\u00e9"
