"""Issue 9, defect 3: a re-published export neither doubles the data nor loses a correction.

Every source names its records by a natural key that survives cosmetic changes of the export
(ceasefire.ingest.ids); a changed record under a known key supersedes the stored one, with
history in the store and the ledger (`Store.add_or_correct`).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ceasefire.cli import app
from ceasefire.domain import RecordKind, RecordRef, Transition
from ceasefire.ingest.airforce_bulletins import read_bulletins
from ceasefire.ingest.bellingcat import read_bellingcat_json, read_cir_csv
from ceasefire.ingest.detect import catalog_for, read_source
from ceasefire.ingest.ucdp import read_ucdp
from ceasefire.ledger.note import Signer
from ceasefire.pipeline import ingest_files
from ceasefire.store import SqliteStore, Store, open_store

runner = CliRunner()
CORPUS = Path(__file__).parent / "bad_input" / "keys"
T0 = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)

Rows = list[dict[str, str]]


def _read(path: Path) -> tuple[list[str], Rows]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def _write(path: Path, columns: list[str], rows: Rows) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def _extra_empty_column(columns: list[str], rows: Rows) -> tuple[list[str], Rows]:
    return [*columns, "comment"], [{**r, "comment": ""} for r in rows]


def _reordered(columns: list[str], rows: Rows) -> tuple[list[str], Rows]:
    return list(reversed(columns)), list(reversed(rows))


def _integers(columns: list[str], rows: Rows) -> tuple[list[str], Rows]:
    """Every `5.0` written `5`, as a re-export through another tool would."""
    return columns, [{k: v.removesuffix(".0") for k, v in r.items()} for r in rows]


def _renamed_case_and_padded(columns: list[str], rows: Rows) -> tuple[list[str], Rows]:
    renamed = {c: f" {c.upper()}" for c in columns}
    return list(renamed.values()), [{renamed[k]: f" {v} " for k, v in r.items()} for r in rows]


COSMETIC: dict[str, Callable[[list[str], Rows], tuple[list[str], Rows]]] = {
    "extra empty column": _extra_empty_column,
    "reordered columns and rows": _reordered,
    "5.0 written 5": _integers,
    "header case and padding": _renamed_case_and_padded,
}


@pytest.fixture(scope="module")
def bulletins(bulletins_csv: Path) -> tuple[list[str], Rows]:
    return _read(bulletins_csv)


@pytest.mark.parametrize("change", sorted(COSMETIC))
def test_cosmetic_variant_of_the_bundled_bulletins_adds_nothing(
    change: str, tmp_path: Path, bulletins_csv: Path, bulletins: tuple[list[str], Rows]
) -> None:
    variant = _write(tmp_path / "variant.csv", *COSMETIC[change](*bulletins))
    store = open_store("memory://")
    (first,) = ingest_files(store, [bulletins_csv], at=T0)
    (again,) = ingest_files(store, [variant], at=T0)
    assert (first.stored.added, first.stored.corrected) == (3701, 0)
    assert (again.stored.added, again.stored.corrected, again.stored.already_present) == (
        0,
        0,
        3701,
    )
    assert again.report.errors == []
    assert sum(1 for _ in store.stored_records()) == 3701


def test_bundled_keys_are_unique(data: Path, bulletins_csv: Path) -> None:
    """Post, model, period, target and launch place name each bulletin row; no collision
    suffix (`~`) is needed in the bundled files, except CIR's five shared `entry` ids."""
    reports = {
        "airforce": read_bulletins(bulletins_csv, catalog_for(bulletins_csv, bulletins_csv.parent)),
        "bellingcat": read_bellingcat_json(data / "events" / "bellingcat_incidents.json"),
        "ucdp": read_ucdp(data / "events" / "peacerep_UCDP-Ukraine.csv"),
        "cir": read_cir_csv(data / "events" / "mauforonda_cir_events.csv"),
    }
    for name, report in reports.items():
        ids = [o.id for o in report.observations]
        assert len(set(ids)) == len(ids), name
        suffixed = sum("~" in i for i in ids)
        assert suffixed == (5 if name == "cir" else 0), name


def _ledger_store(tmp_path: Path) -> Store:
    store = open_store(f"sqlite:///{tmp_path}/keys.db")
    store.initialise_ledger("test/keys", Signer.generate("test/keys").verifier())
    return store


def test_a_corrected_count_in_the_bundled_file_supersedes_with_history(
    tmp_path: Path, bulletins_csv: Path, bulletins: tuple[list[str], Rows]
) -> None:
    columns, rows = bulletins
    fixed = [dict(r) for r in rows]
    fixed[1500]["launched"] = str(int(float(fixed[1500]["launched"])) + 1)
    republished = _write(tmp_path / "republished.csv", columns, fixed)
    store = _ledger_store(tmp_path)
    ingest_files(store, [bulletins_csv], at=T0)
    (again,) = ingest_files(store, [republished], reported_by="mission/monitor-7", at=T0)
    stored = again.stored
    assert (stored.added, stored.corrected, stored.already_present) == (0, 1, 3700)
    assert stored.logged == 2  # the new version and its transition
    assert store.count_observations() == 3701
    read = read_source(bulletins_csv, bulletins_csv.parent).observations
    before = next(o for o in read if o.extras == _filled(rows[1500]))
    versions = store.history(RecordRef(RecordKind.OBSERVATION, before.id))
    assert [v.current for v in versions] == [False, True]
    old, new = (v.value() for v in versions)
    assert old == before
    assert new.launched == (before.launched or 0) + 1  # type: ignore[union-attr]
    transitions = [r.value() for r in store.stored_records() if r.ref.kind is RecordKind.TRANSITION]
    assert len(transitions) == 1
    (step,) = transitions
    assert isinstance(step, Transition)
    assert (step.actor, step.reason, step.at) == (
        "mission/monitor-7",
        "re-published source row changed",
        T0,
    )
    ledger = store.ledger()
    assert ledger is not None
    for version in versions:
        assert ledger.entry(version.ledger_id).data == version.data
    assert ledger.size == 3701 + 2
    assert ledger.verify().ok
    # the original export read again restores nothing: the correction stands
    (old_again,) = ingest_files(store, [bulletins_csv], at=T0)
    assert (old_again.stored.added, old_again.stored.corrected) == (0, 0)
    assert store.get_observation(before.id) == new
    store.close()


def _filled(row: dict[str, str]) -> dict[str, str]:
    from ceasefire.ingest.ids import canonical_row, filled

    return filled(canonical_row(row))


def _christmas(agreements: Path, db: Path) -> dict[str, object]:
    args = ["assess", "-a", str(agreements / "christmas-truce-2025.yaml"), "--db", str(db)]
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)["summary"]
    assert isinstance(summary, dict)
    return summary


def test_christmas_figures_unchanged_after_reimporting_a_cosmetic_variant(
    tmp_path: Path, agreements: Path, bulletins_csv: Path, bulletins: tuple[list[str], Rows]
) -> None:
    db = tmp_path / "c.db"
    assert runner.invoke(app, ["ingest", "--db", str(db), str(bulletins_csv)]).exit_code == 0
    before = _christmas(agreements, db)
    variant = _write(tmp_path / "v.csv", *_extra_empty_column(*_integers(*bulletins)))
    result = runner.invoke(app, ["ingest", "--db", str(db), str(variant)])
    assert result.exit_code == 0, result.output
    assert "3701 observations stored" in result.stdout
    assert _christmas(agreements, db) == before
    violation = before["violation"]
    assert isinstance(violation, dict)
    assert (violation["findings"], violation["launched"]) == (3, 231)  # README's table


#: One row per file of tests/bad_input/keys, ingested after base.csv into the same store:
#: (file, exit status, fragment of the output, observations stored, versions stored).
CASES = [
    ("base.csv", 0, "3 read, 0 added, 0 corrected", 3, 3),
    ("extra_empty_column.csv", 0, "3 read, 0 added, 0 corrected", 3, 3),
    ("reordered_columns.csv", 0, "3 read, 0 added, 0 corrected", 3, 3),
    ("integer_counts.csv", 0, "3 read, 0 added, 0 corrected", 3, 3),
    ("header_case_and_spaces.csv", 0, "3 read, 0 added, 0 corrected", 3, 3),
    ("corrected_count.csv", 0, "3 read, 0 added, 1 corrected", 3, 4),
    # a header that cannot be read makes the whole file unreadable: the run fails (exit 4)
    ("case_twins_disagree.csv", 4, "'launched' and 'Launched' are one column", 3, 3),
]


@pytest.mark.parametrize(("name", "status", "fragment", "current", "versions"), CASES)
def test_reimport_corpus(
    name: str, status: int, fragment: str, current: int, versions: int, tmp_path: Path
) -> None:
    db = tmp_path / "corpus.db"
    base = runner.invoke(app, ["ingest", "--db", str(db), str(CORPUS / "base.csv")])
    assert base.exit_code == 0, base.output
    assert "base.csv: 3 read, 3 added, 0 corrected" in base.stdout
    result = runner.invoke(app, ["ingest", "--db", str(db), str(CORPUS / name)])
    assert result.exit_code == status, result.output
    assert fragment in " ".join(result.output.split())
    store = SqliteStore(db)
    try:
        stored = [r for r in store.stored_records() if r.ref.kind is RecordKind.OBSERVATION]
        assert (store.count_observations(), len(stored)) == (current, versions)
    finally:
        store.close()


#: Rows of the bundled event files the tests use: enough for four of CIR's shared `entry` ids
#: and its repeats (lines 125 to 494), few enough to keep each test within seconds.
HEAD_ROWS = 500


def _head(source: Path, target: Path) -> Path:
    columns, rows = _read_any(source)
    return _write(target, columns, rows[:HEAD_ROWS])


def _csv_variant(source: Path, target: Path, *, same_row_order: bool) -> Path:
    """Every cosmetic change at once: columns reversed and upper-cased, cells padded, an
    empty column added, decimals without trailing zeros; rows reversed unless told not to."""
    columns, rows = _read_any(source)
    for change in (_integers, _reordered, _extra_empty_column, _renamed_case_and_padded):
        columns, rows = change(columns, rows)
    return _write(target, columns, list(reversed(rows)) if same_row_order else rows)


#: CIR rows sharing an `entry` id are told apart by file order (the first keeps the bare
#: entry: docs/failure.md), so its variant keeps the rows in order; UCDP ids are its own.
@pytest.mark.parametrize(
    ("name", "same_row_order"),
    [("peacerep_UCDP-Ukraine.csv", False), ("mauforonda_cir_events.csv", True)],
)
def test_cosmetic_variant_of_the_bundled_event_csvs_adds_nothing(
    name: str, same_row_order: bool, tmp_path: Path, data: Path
) -> None:
    original = _head(data / "events" / name, tmp_path / f"head-{name}")
    variant = _csv_variant(original, tmp_path / name, same_row_order=same_row_order)
    store = open_store("memory://")
    (first,) = ingest_files(store, [original], at=T0)
    (again,) = ingest_files(store, [variant], at=T0)
    assert first.stored.added == first.read > 0
    shared = sum("~" in o.id for o in read_source(original, data / "missile_attacks").observations)
    assert shared == (4 if name.startswith("mauforonda") else 0)  # CIR's shared entry ids
    assert (again.stored.added, again.stored.corrected) == (0, 0)
    assert again.stored.already_present == first.stored.added


def test_cosmetic_variant_of_the_bundled_bellingcat_json_adds_nothing(
    tmp_path: Path, data: Path
) -> None:
    original = data / "events" / "bellingcat_incidents.json"
    records = json.loads(original.read_text(encoding="utf-8"))
    variant = [
        {
            **{f" {k.title()} ": f" {v} " if isinstance(v, str) else v for k, v in r.items()},
            "Sources": list(reversed(r["sources"])),
            "notes": None,
            "extra": "",
        }
        for r in reversed(records)
    ]
    for r in variant:
        del r[" Sources "]
    path = tmp_path / "incidents.json"
    path.write_text(json.dumps(variant, indent=2), encoding="utf-8")
    store = open_store("memory://")
    (first,) = ingest_files(store, [original], at=T0)
    (again,) = ingest_files(store, [path], at=T0)
    assert (again.stored.added, again.stored.corrected) == (0, 0)
    assert again.stored.already_present == first.stored.added == 2511


def test_ucdp_revised_estimate_is_a_correction(tmp_path: Path, data: Path) -> None:
    original = _head(data / "events" / "peacerep_UCDP-Ukraine.csv", tmp_path / "head.csv")
    columns, rows = _read_any(original)
    rows[0] = {**rows[0], "best": str(int(rows[0]["best"] or 0) + 3)}
    revised = _write(tmp_path / "ucdp.csv", columns, rows)
    store = open_store("memory://")
    ingest_files(store, [original], at=T0)
    (again,) = ingest_files(store, [revised], at=T0)
    assert (again.stored.added, again.stored.corrected) == (0, 1)
    ref = RecordRef(RecordKind.OBSERVATION, f"ucdp:{rows[0]['id'].strip()}")
    assert len(store.history(ref)) == 2


def _read_any(path: Path) -> tuple[list[str], Rows]:
    try:
        return _read(path)
    except UnicodeDecodeError:
        with path.open(newline="", encoding="cp1252") as handle:
            reader = csv.DictReader(handle)
            return list(reader.fieldnames or []), list(reader)


def test_the_same_rows_from_a_second_reporter_change_nothing() -> None:
    """The first submitter keeps the observation; another party's changed row is a
    correction that names that party on its transition."""
    store = open_store("memory://")
    ingest_files(store, [CORPUS / "base.csv"], reported_by="mission/monitor-7", at=T0)
    (same,) = ingest_files(store, [CORPUS / "base.csv"], reported_by="party/ua", at=T0)
    assert (same.stored.added, same.stored.corrected, same.stored.already_present) == (0, 0, 3)
    (changed,) = ingest_files(store, [CORPUS / "corrected_count.csv"], reported_by="party/ru")
    assert changed.stored.corrected == 1
    assert {o.reported_by for o in store.observations()} == {"mission/monitor-7"}
    (step,) = [r.value() for r in store.stored_records() if r.ref.kind is RecordKind.TRANSITION]
    assert isinstance(step, Transition)
    assert step.actor == "party/ru"
