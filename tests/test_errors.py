"""One error model: every code has one exit status and one HTTP status, every error class of
ours belongs to the family, and the CLI exits by the table."""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
import sqlite3
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

import ceasefire
from ceasefire.agreement import AgreementError, load_agreement
from ceasefire.cli import app
from ceasefire.cli.errors import exits_on_error
from ceasefire.deconflict.snapshot import SnapshotError
from ceasefire.domain.errors import (
    OUTCOMES,
    CeasefireError,
    ConflictError,
    ErrorCode,
    ForbiddenError,
    ForkDetectedError,
    InvalidInputError,
    NotFoundError,
    Problem,
    Severity,
    StorageUnavailableError,
    UsageError,
    VerificationFailedError,
    problem_document,
)
from ceasefire.domain.intent import IntentError
from ceasefire.ingest.deepstate import TerritoryFileError
from ceasefire.ingest.detect import UnknownFormatError
from ceasefire.ingest.localtime import TimeParseError
from ceasefire.ledger.bundle import BundleError
from ceasefire.ledger.canonical import CanonicalError
from ceasefire.ledger.checkpoint import CheckpointError
from ceasefire.ledger.log import LedgerConflictError, LedgerError, LedgerNotFoundError
from ceasefire.ledger.merkle import ProofError
from ceasefire.ledger.note import NoteError
from ceasefire.ledger.storage import StorageError
from ceasefire.ledger.witness import EvidenceError, ForkDetected, SizeConflictError, WitnessError
from test_agreement_loader import GOOD, write

ORIGIN = "ceasefire.example/ledger"

#: Exception classes of ours that stay outside the family, each for a stated reason.
OUTSIDE_THE_FAMILY = {
    # stdlib + cryptography only, so that anyone can run it without installing ceasefire
    "ceasefire.ledger.standalone_verify.Invalid",
}


# -- the table ----------------------------------------------------------------------------


def test_every_code_has_one_outcome_and_no_two_share_an_exit_status() -> None:
    assert set(OUTCOMES) == set(ErrorCode)
    exits = [o.exit_code for o in OUTCOMES.values()]
    assert len(set(exits)) == len(exits)
    assert 0 not in exits  # 0 is success, never an error
    assert all(400 <= o.http_status < 600 for o in OUTCOMES.values())


def test_documented_exit_codes_match_the_table() -> None:
    """docs/errors.md and the README repeat the table; they must not drift from it."""
    root = Path(__file__).resolve().parents[1]
    docs = (root / "docs" / "errors.md").read_text(encoding="utf-8")
    readme = (root / "README.md").read_text(encoding="utf-8")
    for code, outcome in OUTCOMES.items():
        assert f"| {outcome.exit_code} | `{code}` | {outcome.http_status} |" in docs, code
        assert f"| {outcome.exit_code} | `{code}` |" in readme, code


FAMILY = [
    (VerificationFailedError, 1, 422),
    (UsageError, 2, 400),
    (ForkDetectedError, 3, 409),
    (InvalidInputError, 4, 422),
    (ConflictError, 5, 409),
    (NotFoundError, 6, 404),
    (StorageUnavailableError, 7, 503),
    (ForbiddenError, 8, 403),
    (CeasefireError, 70, 500),
]
SPECIFIC = [
    (AgreementError, InvalidInputError),
    (LedgerError, InvalidInputError),
    (LedgerConflictError, ConflictError),
    (LedgerNotFoundError, NotFoundError),
    (StorageError, ConflictError),
    (CanonicalError, InvalidInputError),
    (WitnessError, InvalidInputError),
    (SizeConflictError, ConflictError),
    (EvidenceError, VerificationFailedError),
    (ForkDetected, ForkDetectedError),
    (BundleError, VerificationFailedError),
    (ProofError, VerificationFailedError),
    (NoteError, VerificationFailedError),
    (CheckpointError, VerificationFailedError),
    (SnapshotError, InvalidInputError),
    (TerritoryFileError, InvalidInputError),
    (UnknownFormatError, InvalidInputError),
    (TimeParseError, InvalidInputError),
    (IntentError, InvalidInputError),
]


@pytest.mark.parametrize(("cls", "exit_code", "http_status"), FAMILY)
def test_family_class_maps_to_its_exit_and_http_status(
    cls: type[CeasefireError], exit_code: int, http_status: int
) -> None:
    error = cls("x")
    assert (error.exit_code, error.http_status) == (exit_code, http_status)


@pytest.mark.parametrize(("cls", "family"), SPECIFIC)
def test_specific_class_has_the_code_of_its_family(
    cls: type[CeasefireError], family: type[CeasefireError]
) -> None:
    assert issubclass(cls, family)
    # mixed bases (e.g. SizeConflictError is a WitnessError too): the family's code must win
    assert cls.code is family.code


def test_every_exception_class_in_src_belongs_to_the_family() -> None:
    strays = []
    for module_info in pkgutil.walk_packages(ceasefire.__path__, "ceasefire."):
        module = importlib.import_module(module_info.name)
        for name, obj in vars(module).items():
            if not (inspect.isclass(obj) and issubclass(obj, BaseException)):
                continue
            if obj.__module__ != module.__name__:
                continue
            qualified = f"{obj.__module__}.{name}"
            if qualified.startswith("ceasefire.domain.errors."):
                continue
            if not issubclass(obj, CeasefireError) and qualified not in OUTSIDE_THE_FAMILY:
                strays.append(qualified)
    assert strays == []


# -- Problem and the RFC 9457 document ----------------------------------------------------


def test_problem_text_reads_file_line_reason() -> None:
    assert str(Problem("a.csv", "bad date", line=3)) == "a.csv:3: bad date"
    assert str(Problem("a.yaml", "no such zone", pointer="zones[2]", field="id")) == (
        "a.yaml: zones[2]: id: no such zone"
    )
    warning = Problem("b.csv", "repeats line 2", line=5, severity=Severity.WARNING)
    assert str(warning) == "b.csv:5: warning: repeats line 2"


def test_error_text_quotes_the_first_problems_only() -> None:
    problems = [Problem("f", f"r{i}", line=i) for i in range(1, 13)]
    text = str(InvalidInputError("12 rows refused", problems))
    assert text.startswith("12 rows refused: f:1: r1; f:2: r2")
    assert "f:10: r10" in text
    assert "f:11" not in text
    assert text.endswith("; and 2 more")
    assert str(NotFoundError("no ledger")) == "no ledger"


def test_problem_document_follows_rfc_9457() -> None:
    error = AgreementError([Problem("a.yaml", "Field required", pointer="window")])
    document = problem_document(error, instance="/agreements/a")
    assert document == {
        "type": "/problems/invalid-input",
        "title": "Invalid input",
        "status": 422,
        "detail": "agreement a.yaml did not load (1 problem)",
        "code": "invalid-input",
        "instance": "/agreements/a",
        "problems": [
            {
                "source": "a.yaml",
                "reason": "Field required",
                "pointer": "window",
                "severity": "error",
            }
        ],
    }
    assert json.loads(json.dumps(document)) == document
    bare = problem_document(ForkDetectedError("split view"))
    assert bare["status"] == 409
    assert "problems" not in bare
    assert "instance" not in bare


# -- the agreement loader reports every geometry problem ----------------------------------

def load_problems(tmp_path: Path, geography: str) -> list[Problem]:
    """The problems of an otherwise good agreement with this `geography` section."""
    path = write(tmp_path, GOOD + geography)
    with pytest.raises(AgreementError) as caught:
        load_agreement(path)
    assert all(p.source == str(path) for p in caught.value.problems)
    return list(caught.value.problems)


def test_three_missing_geometry_files_give_three_problems(tmp_path: Path) -> None:
    problems = load_problems(
        tmp_path,
        """\
geography:
  no_fly:
    - {id: nfz-a, geometry: missing-a.geojson}
    - {id: nfz-b, geometry: missing-b.geojson}
  maritime_corridors:
    - {id: corridor, geometry: missing-c.geojson, prohibited: [all_hostilities]}
""",
    )
    assert [p.pointer for p in problems] == [
        "geography.no_fly[0].geometry",
        "geography.no_fly[1].geometry",
        "geography.maritime_corridors[0].geometry",
    ]
    assert all("not found" in p.reason for p in problems)


def test_a_broken_line_of_contact_reports_both_files_and_not_its_zones(tmp_path: Path) -> None:
    problems = load_problems(
        tmp_path,
        """\
geography:
  line_of_contact:
    occupied_territory: missing-territory.geojson
    country_outline: missing-outline.geojson
    occupied_side: RU
  buffers:
    - {id: buffer-ua, side: UA, width_m: 5000, prohibited: [all_hostilities]}
  no_fly:
    - {id: nfz-line, distance_m: 10000}
""",
    )
    assert [p.pointer for p in problems] == [
        "geography.line_of_contact.occupied_territory",
        "geography.line_of_contact.country_outline",
    ]


# -- the CLI exits by the table -------------------------------------------------------------


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def ledger_with_records(tmp_path: Path, count: int) -> tuple[str, str]:
    db, key = str(tmp_path / "log.db"), str(tmp_path / "log.key")
    assert invoke("ledger", "init", "--db", db, "--origin", ORIGIN, "--key", key)[0] == 0
    records = tmp_path / "r.jsonl"
    records.write_text("".join(json.dumps({"id": f"r-{i}"}) + "\n" for i in range(count)))
    assert invoke("ledger", "append", "--db", db, str(records))[0] == 0
    assert invoke("ledger", "checkpoint", "--db", db, "--key", key)[0] == 0
    return db, key


def test_cli_unreadable_file_exits_4(tmp_path: Path) -> None:
    code, out = invoke("ledger", "verify-bundle", str(tmp_path / "nope.json"), "--log-key", "x")
    assert code == 4
    assert "error[invalid-input]: cannot read bundle" in out


def test_cli_missing_ledger_exits_6(tmp_path: Path) -> None:
    code, out = invoke("ledger", "status", "--db", str(tmp_path / "none.db"))
    assert code == 6
    assert "error[not-found]: no ledger database" in out


def test_cli_tampered_ledger_exits_1(tmp_path: Path) -> None:
    db, _ = ledger_with_records(tmp_path, 5)
    con = sqlite3.connect(db)
    con.execute("UPDATE ledger_entries SET data = ? WHERE idx = 2", (b'{"id":"r-2","x":1}',))
    con.commit()
    con.close()
    code, out = invoke("ledger", "verify", "--db", db)
    assert code == 1
    assert "error[verification-failed]: ledger does NOT verify" in out


def test_cli_witness_size_conflict_exits_5(tmp_path: Path) -> None:
    db, _ = ledger_with_records(tmp_path, 6)
    state = str(tmp_path / "w")
    vkey = str(tmp_path / "log.vkey")
    name = "witness.party-a.example"
    init = invoke(
        "witness", "init", "--state", state, "--name", name, "--log-key", vkey, "--origin", ORIGIN
    )
    assert init[0] == 0, init[1]
    # the request claims the witness holds a tree of 3; it holds none
    request = tmp_path / "request.txt"
    made = invoke("ledger", "witness-request", "--db", db, "--old", "3", "--out", str(request))
    assert made[0] == 0, made[1]
    code, out = invoke("witness", "update", "--state", state, "--request", str(request))
    assert code == 5
    assert "error[conflict]: witness holds a checkpoint of size 0" in out


def test_cli_record_id_reused_by_a_different_record_exits_5(tmp_path: Path) -> None:
    db, _ = ledger_with_records(tmp_path, 2)
    again = tmp_path / "again.jsonl"
    again.write_text(json.dumps({"id": "r-1", "changed": True}) + "\n")
    code, out = invoke("ledger", "append", "--db", db, str(again))
    assert code == 5
    assert "r-1" in out


def test_cli_helper_escapes_markup_and_turns_a_bug_into_exit_70() -> None:
    small = typer.Typer()

    @small.command()
    @exits_on_error
    def run(bug: bool = False) -> None:
        if bug:
            raise KeyError("oops")
        raise InvalidInputError("pattern [a-z] refused", [Problem("p.csv", "[bold]x", line=2)])

    refused = CliRunner().invoke(small, [])
    assert refused.exit_code == 4
    assert "error[invalid-input]: pattern [a-z] refused" in refused.output
    assert "p.csv:2: [bold]x" in refused.output
    crashed = CliRunner().invoke(small, ["--bug"])
    assert crashed.exit_code == 70
    assert "error[internal]: KeyError" in crashed.output
    assert "Traceback" in crashed.output


def test_cli_helper_reports_a_locked_store_as_unavailable(tmp_path: Path) -> None:
    db = tmp_path / "locked.db"
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN EXCLUSIVE")
    small = typer.Typer()

    @small.command()
    @exits_on_error
    def write() -> None:
        con = sqlite3.connect(db, timeout=0)
        try:
            con.execute("INSERT INTO t VALUES (1)")
        finally:
            con.close()

    try:
        result = CliRunner().invoke(small, [])
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.exit_code == 7
    assert "error[storage-unavailable]: the store is unavailable: database is locked" in (
        result.output
    )
