"""Issue 9, defect 8: an auditor verifies a read-only copy of the ledger, and nothing is written.

The copies are made read-only the way an auditor receives them (file mode 444 in a directory of
mode 555). Root ignores those modes, and CI runs as root, so every subprocess here runs without
CAP_DAC_OVERRIDE / CAP_DAC_READ_SEARCH / CAP_FOWNER when the suite runs as root: the kernel then
enforces the modes on root too, exactly as for an unprivileged auditor. Every test also checks
that the database file's bytes and mtime are unchanged afterwards, which holds whoever runs it.
"""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ceasefire.cli import app
from ceasefire.ledger import standalone_verify
from ceasefire.ledger.bundle import BundleError, make_bundle, verify_bundle
from ceasefire.ledger.log import Ledger
from ceasefire.ledger.note import Signer
from ceasefire.store.sqlite_ledger import SqliteLedgerStorage

ORIGIN = "audit.example/ledger"
LOG_KEY = Signer.generate(ORIGIN)
BAD_INPUT = Path(__file__).parent / "bad_input" / "verify"
CEASEFIRE = str(Path(sys.executable).parent / "ceasefire")
STANDALONE = Path(standalone_verify.__file__)
runner = CliRunner()

_PR_CAPBSET_DROP = 24
_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH, _CAP_FOWNER = 1, 2, 3


def _as_unprivileged() -> None:
    """In the child, before exec: drop the capabilities that let root ignore file modes."""
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH, _CAP_FOWNER):
        if libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")


def run_as_auditor(*argv: str) -> subprocess.CompletedProcess[str]:
    """Run a command in a fresh process that file modes bind, root or not."""
    return subprocess.run(
        argv,
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=_as_unprivileged if os.geteuid() == 0 else None,
        check=False,
    )


def build_ledger(path: Path, n: int = 40) -> None:
    """A checkpointed ledger, all connections closed (so its WAL is folded into the file)."""
    with SqliteLedgerStorage(path) as storage:
        Ledger.initialise(storage, ORIGIN, LOG_KEY.verifier())
        ledger = Ledger(storage)
        ledger.append_many({"id": f"obs-{i}", "launched": i} for i in range(n))
        ledger.checkpoint(LOG_KEY)
    assert not Path(f"{path}-wal").exists()


@pytest.fixture(scope="module")
def original(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ledger") / "log.db"
    build_ledger(path)
    return path


def fingerprint(path: Path) -> tuple[bytes, int, int]:
    """What must not change: the bytes, the mtime, the mode."""
    st = path.stat()
    return path.read_bytes(), st.st_mtime_ns, stat.S_IMODE(st.st_mode)


@pytest.fixture
def audit_copy(original: Path, tmp_path: Path) -> Iterator[Path]:
    """The auditor's copy: the file alone, mode 444, in a directory of mode 555."""
    folder = tmp_path / "audit"
    folder.mkdir()
    copy = folder / "log.db"
    shutil.copyfile(original, copy)
    copy.chmod(0o444)
    folder.chmod(0o555)
    try:
        yield copy
    finally:
        folder.chmod(0o755)


def test_auditor_runs_every_reading_command_on_a_read_only_copy(
    audit_copy: Path, tmp_path: Path
) -> None:
    before = fingerprint(audit_copy)
    db = ["--db", str(audit_copy)]
    verify = run_as_auditor(CEASEFIRE, "ledger", "verify", *db)
    assert verify.returncode == 0, verify.stderr
    assert "ok: 40 entries re-hashed" in verify.stdout
    status = run_as_auditor(CEASEFIRE, "ledger", "status", *db)
    assert status.returncode == 0, status.stderr
    assert "entries: 40" in status.stdout
    proof = run_as_auditor(CEASEFIRE, "ledger", "export-proof", *db, "obs-7")
    assert proof.returncode == 0, proof.stderr
    assert json.loads(proof.stdout)["record"] == {"id": "obs-7", "launched": 7}
    request = run_as_auditor(CEASEFIRE, "ledger", "witness-request", *db, "--old", "0")
    assert request.returncode == 0, request.stderr
    assert request.stdout.startswith("old 0\n")
    state = tmp_path / "witness"  # the witness's own directory stays writable
    vkey = LOG_KEY.verifier().vkey()
    init = run_as_auditor(
        CEASEFIRE, "witness", "init", "--state", str(state), "--name", "w.example",
        "--log-key", vkey, "--origin", ORIGIN,
    )  # fmt: skip
    assert init.returncode == 0, init.stderr
    cosign = run_as_auditor(
        CEASEFIRE, "witness", "update", "--state", str(state), "--log-db", str(audit_copy)
    )
    assert cosign.returncode == 0, cosign.stderr
    assert "cosigned checkpoint of size 40" in cosign.stdout
    assert fingerprint(audit_copy) == before
    assert sorted(p.name for p in audit_copy.parent.iterdir()) == ["log.db"]


def test_in_process_verify_leaves_the_file_as_it_was(audit_copy: Path) -> None:
    """The same through the CLI in this process: when that is root, modes stop nothing, so only
    the unchanged bytes and mtime show that verification opened the file read-only."""
    before = fingerprint(audit_copy)
    for argv in (["verify"], ["status"], ["export-proof", "obs-1"]):
        result = runner.invoke(app, ["ledger", *argv, "--db", str(audit_copy)])
        assert result.exit_code == 0, result.output
    assert fingerprint(audit_copy) == before


def test_pending_write_ahead_log_in_a_read_only_directory_is_refused(
    original: Path, tmp_path: Path
) -> None:
    """Changes still in the -wal cannot be read without the shared-memory file, which cannot be
    created in a read-only directory; reading the main file alone would verify a stale log."""
    live = tmp_path / "live"
    live.mkdir()
    shutil.copyfile(original, live / "log.db")
    writer = sqlite3.connect(live / "log.db", isolation_level=None)
    writer.execute("PRAGMA wal_autocheckpoint=0")
    writer.execute("INSERT INTO ledger_meta (key, value) VALUES ('note', 'pending')")
    folder = tmp_path / "audit"
    folder.mkdir()
    for name in ("log.db", "log.db-wal"):
        shutil.copyfile(live / name, folder / name)
    writer.close()
    assert (folder / "log.db-wal").stat().st_size > 0
    folder.chmod(0o555)
    try:
        before = fingerprint(folder / "log.db")
        result = run_as_auditor(CEASEFIRE, "ledger", "verify", "--db", str(folder / "log.db"))
        assert fingerprint(folder / "log.db") == before
    finally:
        folder.chmod(0o755)
    if os.geteuid() == 0 and result.returncode == 0:
        pytest.fail("dropping capabilities did not make the directory read-only")
    assert result.returncode == 7, result.stderr
    assert "write-ahead log" in result.stderr
    assert "Traceback" not in result.stderr


READING_COMMANDS = [
    ["ledger", "verify"],
    ["ledger", "status"],
    ["ledger", "export-proof", "obs-1"],
    ["ledger", "witness-request", "--old", "0"],
]
NOT_A_LEDGER = [
    # (file in tests/bad_input/verify, exit status, fragment of the message)
    ("empty.db", 6, "holds no ledger"),
    ("not-a-database.db", 4, "is not a SQLite database"),
]


@pytest.mark.parametrize("command", READING_COMMANDS, ids=" ".join)
@pytest.mark.parametrize(("name", "status", "fragment"), NOT_A_LEDGER)
def test_a_file_that_holds_no_ledger_is_refused_and_left_alone(
    tmp_path: Path, command: list[str], name: str, status: int, fragment: str
) -> None:
    copy = tmp_path / name
    shutil.copyfile(BAD_INPUT / name, copy)
    before = fingerprint(copy)
    result = runner.invoke(app, [*command, "--db", str(copy)])
    assert result.exit_code == status, result.output
    assert fragment in result.output
    assert str(copy) in result.output
    assert fingerprint(copy) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


def test_a_store_without_a_ledger_is_refused_without_writing(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE store_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    db.commit()
    db.close()
    before = fingerprint(path)
    result = runner.invoke(app, ["ledger", "verify", "--db", str(path)])
    assert result.exit_code == 6, result.output
    assert "holds no ledger" in result.output
    assert fingerprint(path) == before


# -- the standalone verifier, run as an auditor runs it: the one file, copied alone ----------


@pytest.fixture
def bundle_files(original: Path, tmp_path: Path) -> tuple[Path, Path, Path, dict[str, object]]:
    """(verifier script copied alone, bundle file, log key file, bundle)."""
    with SqliteLedgerStorage(original, readonly=True) as storage:
        bundle = make_bundle(Ledger(storage), "obs-3")
    script = tmp_path / "standalone_verify.py"
    shutil.copyfile(STANDALONE, script)
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle))
    vkey = tmp_path / "log.vkey"
    vkey.write_text(LOG_KEY.verifier().vkey() + "\n")
    return script, path, vkey, bundle


def run_standalone(script: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-I", str(script), *argv],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=script.parent,
        check=False,
    )


def test_standalone_verifier_takes_the_log_key_as_text_or_as_a_file(
    bundle_files: tuple[Path, Path, Path, dict[str, object]],
) -> None:
    script, bundle, vkey, _ = bundle_files
    for key in (vkey.read_text().strip(), str(vkey)):
        result = run_standalone(script, str(bundle), key)
        assert result.returncode == 0, result.stdout + result.stderr
        assert result.stdout.startswith("valid: record 'obs-3' is entry 3")


def _record_shown_as(bundle: dict[str, object], record: object) -> dict[str, object]:
    return {**bundle, "record": record}


@pytest.mark.parametrize(
    "shown",
    [
        {"id": "obs-3", "launched": 300},  # the count an adversary would like to show
        {"id": "obs-3"},  # a field left out
        {"id": "obs-3", "launched": 3, "note": "x"},  # a field added
        {"id": "obs-3", "launched": True},  # same in a loose comparison (True == 1), not in JSON
        {"id": "obs-3", "launched": "3"},
        None,
    ],
)
def test_standalone_verifier_refuses_a_record_that_is_not_the_one_hashed(
    bundle_files: tuple[Path, Path, Path, dict[str, object]], shown: object
) -> None:
    """As `ledger verify-bundle` does: the record a reader sees is the record that was hashed."""
    script, path, vkey, bundle = bundle_files
    changed = _record_shown_as(bundle, shown)
    with pytest.raises(BundleError):
        verify_bundle(changed, LOG_KEY.verifier())
    path.write_text(json.dumps(changed))
    result = run_standalone(script, str(path), str(vkey))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "INVALID" in result.stdout
    assert "record shown" in result.stdout


def test_standalone_verifier_accepts_the_same_numbers_written_otherwise(
    bundle_files: tuple[Path, Path, Path, dict[str, object]],
) -> None:
    """JSON (RFC 8785) numbers are doubles: 3.0 is the number 3, as the package agrees."""
    script, path, vkey, bundle = bundle_files
    same = _record_shown_as(bundle, {"launched": 3.0, "id": "obs-3"})
    verify_bundle(same, LOG_KEY.verifier())
    path.write_text(json.dumps(same))
    result = run_standalone(script, str(path), str(vkey))
    assert result.returncode == 0, result.stdout + result.stderr


def test_standalone_verifier_reports_an_unreadable_bundle_or_key(
    bundle_files: tuple[Path, Path, Path, dict[str, object]],
) -> None:
    script, path, vkey, _ = bundle_files
    missing = run_standalone(script, str(path.with_name("nope.json")), str(vkey))
    assert missing.returncode == 2
    assert "cannot read" in missing.stdout
    path.write_text("{not json")
    broken = run_standalone(script, str(path), str(vkey))
    assert broken.returncode == 1
    assert "INVALID" in broken.stdout
    assert "Traceback" not in broken.stderr
