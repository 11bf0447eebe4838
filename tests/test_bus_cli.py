"""`ceasefire publish` and `ceasefire worker` on the embedded bus: what they store, and the
command lines they refuse (with what to do instead)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from ceasefire.cli import app
from ceasefire.store import open_store

EMBEDDED = {"CEASEFIRE_BUS": "memory"}


def test_embedded_publish_stores_exactly_what_ingest_stores(
    tmp_path: Path, bulletins_csv: Path
) -> None:
    """`publish --db` on the embedded bus (publisher and worker in one process) against
    `ingest`: the same records, byte for byte, and the same ledger ids."""
    small = tmp_path / "bulletins.csv"
    small.write_text(
        "".join(bulletins_csv.read_text(encoding="utf-8").splitlines(keepends=True)[:120]),
        encoding="utf-8",
    )
    runner = CliRunner()
    publish = ["publish", str(small), "--db", str(tmp_path / "b.db")]
    via_bus = runner.invoke(app, publish, env=EMBEDDED)
    assert via_bus.exit_code == 0, via_bus.output
    direct = runner.invoke(app, ["ingest", str(small), "--db", str(tmp_path / "i.db")])
    assert direct.exit_code == 0, direct.output
    stores = [open_store(str(tmp_path / name)) for name in ("b.db", "i.db")]
    bodies = [sorted((r.ledger_id, r.data) for r in s.stored_records()) for s in stores]
    assert len(bodies[0]) == 119
    assert bodies[0] == bodies[1]
    again = runner.invoke(app, publish, env=EMBEDDED)
    assert "119 already stored" in again.output
    assert sorted((r.ledger_id, r.data) for r in stores[0].stored_records()) == bodies[0]


def test_a_worker_on_the_embedded_bus_is_refused_with_what_to_set() -> None:
    result = CliRunner().invoke(app, ["worker"], env=EMBEDDED)
    assert result.exit_code == 2
    assert "CEASEFIRE_BUS=nats://HOST:PORT" in result.output


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["publish"], "give source files to publish, or --drain --spool DIR"),
        (["publish", "--drain"], "--drain sends the spool: give --spool DIR"),
        (["publish", "x.csv"], "give --db STORE to store what is published"),
        (["publish", "x.csv", "--db", "s.db", "--spool", "sp"], "--spool keeps messages"),
        (["publish", "x.csv", "--bus", "kafka://h:1"], "no bus backend for 'kafka'"),
        (["worker", "--bus", "nats://h:1", "--batch", "0"], "--batch must be"),
        (["worker", "--bus", "nats://h:1", "--durable", "a.b"], "--durable 'a.b'"),
    ],
)
def test_bad_command_lines_are_usage_errors_that_say_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], says: str
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, args, env=EMBEDDED)
    assert result.exit_code == 2, result.output
    assert says in " ".join(result.output.split())
    assert list(tmp_path.iterdir()) == []  # nothing created on the way
