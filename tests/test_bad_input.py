"""Hostile and careless input, one row per case: the command, its exit status, and a fragment
of the one-line message that names the file, record and reason (issue 9).

The corpus of small bad files lives in `tests/bad_input/<area>/`; big or pathological inputs
(deep nesting, over-long fields, a FIFO, an empty store) are made at run time by the `made`
fixture. To add a case, add a `Case` to `CASES` (or a list of your own area, concatenated into
it). `argv` is split as a shell would (`shlex`), then each word is formatted with `{bad}`
(tests/bad_input), `{tmp}` (a fresh directory per case), `{data}` and `{agreements}` (the
bundled ones) and `{made}` (the generated inputs). Every case also checks that no traceback
was printed: exit 70 means a bug, and no bad input may produce it.
"""

from __future__ import annotations

import json
import os
import resource
import shlex
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ceasefire.cli import app
from ceasefire.ingest.csvrows import MAX_COUNT
from ceasefire.paths import agreements_dir, data_dir
from ceasefire.store import SqliteStore

BAD = Path(__file__).parent / "bad_input"
VICTORY_DAY = "{agreements}/victory-day-truce-2025.yaml"
SNAPSHOT = "{bad}/input/snapshot_two_tracks.csv"


@dataclass(frozen=True)
class Case:
    """One command line and what it must do: exit status and a fragment of stderr/stdout."""

    name: str
    argv: str
    exit_code: int
    fragment: str


def _ingest(file: str, fragment: str, exit_code: int = 1) -> Case:
    """`ingest --strict` of one corpus file: the bad row is listed (file:line: reason) and
    --strict turns "rows were rejected" into exit 1."""
    argv = f"ingest --strict --db {{tmp}}/s.db {{bad}}/input/{file}"
    return Case(file, argv, exit_code, fragment.replace("FILE", f"{BAD}/input/{file}"))


def _tactical(option: str, value: str, fragment: str) -> Case:
    argv = f"deconflict tactical --tracks {SNAPSHOT} --out {{tmp}}/o.csv {option} {value}"
    return Case(f"tactical {option} {value}", argv, 2, fragment)


INGEST_CASES = [
    _ingest("bulletins_launched_1e300.csv", "FILE:3: model 'Kh-101': launched '1e300' exceeds"),
    _ingest("bulletins_launched_inf.csv", "FILE:3: model 'Kh-101': launched 'inf' is not a whole"),
    _ingest("bulletins_destroyed_nan.csv", "FILE:3: model 'Kh-101': destroyed 'nan' is not a"),
    _ingest("bulletins_launched_huge.csv", f"exceeds the largest plausible count {MAX_COUNT:,}"),
    _ingest("ucdp_best_inf.csv", "FILE:2: UCDP event 147997: best 'inf' is not a whole number"),
    _ingest("ucdp_best_1e300.csv", "FILE:2: UCDP event 147997: best '1e300' exceeds"),
    _ingest("ucdp_date_prec_99.csv", "FILE:2: UCDP event 147997: date_prec '99' is not a UCDP"),
    _ingest("ucdp_where_prec_inf.csv", "where_prec 'inf' is not a UCDP grade 1-7"),
    _ingest("ucdp_year_1.csv", "FILE:2: UCDP event 147997: '0001-01-01': year 1 is outside"),
    _ingest("ucdp_feb_30.csv", "date '2/30/2025 12:00:00 AM' is not"),
    _ingest("ucdp_end_before_start.csv", "date_end 2025-03-01 is before date_start 2025-03-02"),
    _ingest("cir_year_9999.csv", "FILE:2: entry X1: '9999-12-31': year 9999 is outside 1900"),
    _ingest("cir_feb_30.csv", "FILE:2: entry X1: '2025-02-30': day is out of range"),
    _ingest("bellingcat_year_1.json", "FILE: incident #1: '0001-01-01': year 1 is outside"),
    _ingest("bellingcat_lat_overflow.json", "FILE: incident #1: coordinates ('inf', '30.52')"),
    Case(
        "csv field over the csv module's limit",
        "ingest --strict --db {tmp}/s.db {made}/long_field.csv",
        1,
        "long_field.csv:3: field larger than field limit (131072); rows from this line on",
    ),
    Case(  # refused whole by the safe reader, before any row is parsed (docs/failure.md)
        "JSON nested 100,000 deep",
        "ingest --strict --db {tmp}/s.db {made}/deep.json",
        4,
        "deep.json: JSON nested deeper than 100 levels",
    ),
]

OPTION_CASES = [
    _tactical("--rpz-m", "nan", "--rpz-m must be a finite number of metres > 0 and <= 1,000,000"),
    _tactical("--hpz-m", "nan", "--hpz-m must be a finite number of metres > 0 and <= 50,000"),
    _tactical("--rpz-m", "inf", "got inf"),
    _tactical("--hpz-m", "1e308", "--hpz-m must be a finite number of metres"),
    _tactical("--lookahead-s", "nan", "--lookahead-s must be a finite number of seconds > 0"),
    _tactical("--lookahead-s", "1e308", "<= 86,400, got 1e+308"),
    _tactical("--step-s", "inf", "--step-s must be a finite number of seconds"),
    _tactical("--stale-s", "nan", "--stale-s must be a finite number of seconds"),
    _tactical("--now", "garbage", "--now must be an RFC 3339 time"),
    _tactical("--out", "{tmp}/no/such/dir/o.csv", "o.csv: cannot write: No such file"),
    Case(
        "strategic --now garbage",
        "deconflict strategic --intents {data}/interuss/conflicting_flights.yaml"
        " --now '31 February'",
        2,
        "--now must be an RFC 3339 time",
    ),
    Case(
        "ledger append --batch 0",
        "ledger append --db {tmp}/l.db --batch 0 {made}/deep.json",
        2,
        "--batch must be a whole number of records >= 1",
    ),
    Case(
        "ledger witness-request --old -1",
        "ledger witness-request --db {tmp}/l.db --old -1",
        2,
        "--old must be a whole number of items >= 0",
    ),
    Case(
        "verify-bundle --min-cosignatures -1",
        "ledger verify-bundle {bad}/input/bundle_not_json.json --log-key x --min-cosignatures -1",
        2,
        "--min-cosignatures must be a whole number",
    ),
    Case(
        "witness watch --every nan",
        "witness watch --state {tmp}/w --log-db {tmp}/l.db --every nan",
        2,
        "--every must be a finite number of seconds >= 0",
    ),
]

FILE_CASES = [
    Case(
        "snapshot with NaN, inf and 1e300 fields",
        "deconflict tactical --tracks {bad}/input/snapshot_nonfinite.csv --out {tmp}/o.csv",
        0,
        "snapshot_nonfinite.csv:2: A: gs_mps is not a finite number (nan)",
    ),
    Case(
        "bundle that is not JSON",
        "ledger verify-bundle {bad}/input/bundle_not_json.json --log-key x",
        4,
        "bundle_not_json.json is not JSON",
    ),
    Case(
        "bundle nested 100,000 deep",
        "ledger verify-bundle {made}/deep.json --log-key x",
        4,
        "deep.json: JSON nested deeper than 100 levels",
    ),
    Case(
        "strategic intents YAML nested 100,000 deep",
        "deconflict strategic --intents {made}/deep.yaml",
        4,
        "deep.yaml: YAML nested deeper than 100 levels",
    ),
    Case(
        "agreement YAML nested 100,000 deep",
        "assess -a {made}/deep.yaml",
        4,
        "deep.yaml: YAML nested deeper than 100 levels",
    ),
]

STORE_CASES = [
    Case(
        "assess --db on a store that does not exist",
        f"assess -a {VICTORY_DAY} --db {{tmp}}/none.db",
        6,
        "no store at {tmp}/none.db: ingest sources first (`ceasefire ingest --db",
    ),
    Case(
        "assess --db on an empty store",
        f"assess -a {VICTORY_DAY} --db {{made}}/empty.db",
        6,
        "holds no observations: ingest sources first",
    ),
    Case(
        "assess --db memory:// (always empty)",
        f"assess -a {VICTORY_DAY} --db memory://",
        6,
        "or pass --bundled to assess the bundled real data",
    ),
    Case(
        "assess --source and --bundled",
        f"assess -a {VICTORY_DAY} --bundled --source {SNAPSHOT}",
        2,
        "give --source files or --bundled, not both",
    ),
    Case(
        "ingest --db a directory",
        f"ingest --db {{tmp}} {SNAPSHOT}",
        2,
        "is a directory; give a database file",
    ),
    Case(
        "ingest --db a file that is no database",
        f"ingest --db {{tmp}}/not_a_database.db {SNAPSHOT}",
        4,
        "not_a_database.db is not a SQLite database",
    ),
    Case(
        "ledger verify --db a file that is no database",
        "ledger verify --db {tmp}/not_a_database.db",
        4,
        "not_a_database.db is not a SQLite database",
    ),
    Case(
        "demo --db a file that is no database (never deleted)",
        "demo --db {tmp}/not_a_database.db --out {tmp}/r.md",
        4,
        "not_a_database.db is not a SQLite database",
    ),
    Case(
        "ledger verify --db a FIFO",
        "ledger verify --db {made}/fifo",
        2,
        "is not a regular file",
    ),
]

CASES = INGEST_CASES + OPTION_CASES + FILE_CASES + STORE_CASES


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Pathological inputs, made once: too big or too odd to commit."""
    where = tmp_path_factory.mktemp("made")
    (where / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    (where / "deep.yaml").write_text("[" * 100_000 + "]" * 100_000)
    header = "time_start,time_end,model,launched,destroyed,source\n"
    good = "2025-05-08 18:00,2025-05-09 08:00,Shahed-136/131,20,18,kpszsu/posts/a\n"
    long_row = f'2025-05-09 18:00,2025-05-10 08:00,"{"x" * 200_000}",5,1,kpszsu/posts/b\n'
    (where / "long_field.csv").write_text(header + good + long_row)
    SqliteStore(where / "empty.db").close()
    os.mkfifo(where / "fifo")
    return where


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_is_one_clear_line(case: Case, made: Path, tmp_path: Path) -> None:
    (tmp_path / "not_a_database.db").write_bytes((BAD / "input" / "not_a_database.db").read_bytes())
    names = {"bad": BAD, "tmp": tmp_path, "made": made}
    names |= {"data": data_dir(), "agreements": agreements_dir()}
    argv = [arg.format(**names) for arg in shlex.split(case.argv)]
    result = CliRunner().invoke(app, argv)
    assert "Traceback" not in result.output, result.output
    assert result.exit_code == case.exit_code, result.output
    assert case.fragment.format(**names) in result.output, result.output


def test_a_file_that_is_no_database_is_left_untouched(tmp_path: Path) -> None:
    target = tmp_path / "sheet.db"
    content = b"name,amount\nalpha,1\n"
    target.write_bytes(content)
    for argv in (["demo", "--db", str(target)], ["ledger", "verify", "--db", str(target)]):
        assert CliRunner().invoke(app, [*argv]).exit_code == 4
    assert target.read_bytes() == content


def test_an_absurd_count_is_one_bad_row_and_the_rest_reach_store_and_ledger(
    tmp_path: Path,
) -> None:
    """Issue 9 defect 2, the bulletin part: `1e300 launched` used to make the whole batch
    unloggable; now the parser refuses that row and both neighbours are stored and logged."""
    db, key = str(tmp_path / "s.db"), str(tmp_path / "log.key")
    runner = CliRunner()
    init = ["ledger", "init", "--db", db, "--origin", "example.org/bad-input", "--key", key]
    assert runner.invoke(app, init).exit_code == 0
    source = BAD / "input" / "bulletins_launched_1e300.csv"
    result = runner.invoke(app, ["ingest", "--db", db, str(source)])
    assert result.exit_code == 0, result.output
    assert f"{source}:3: model 'Kh-101': launched '1e300' exceeds" in result.output
    assert "2 observations stored" in result.stdout
    assert "ledger: 2 records" in result.stdout
    verified = runner.invoke(app, ["ledger", "verify", "--db", db])
    assert verified.exit_code == 0, verified.output


def test_assess_without_db_still_uses_the_bundled_data_and_bundled_fills_a_store(
    tmp_path: Path,
) -> None:
    """Defect 4: only an explicit --bundled (or no --db at all) reads the bundled data."""
    db = str(tmp_path / "b.db")
    victory = str(agreements_dir() / "victory-day-truce-2025.yaml")
    runner = CliRunner()
    refused = runner.invoke(app, ["assess", "-a", victory, "--db", db, "--json"])
    assert refused.exit_code == 6
    assert not Path(db).exists()  # nothing created by a refused command
    filled = runner.invoke(app, ["assess", "-a", victory, "--db", db, "--bundled", "--json"])
    assert filled.exit_code == 0, filled.output
    again = runner.invoke(app, ["assess", "-a", victory, "--db", db, "--json"])
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["summary"] == json.loads(filled.stdout)["summary"]


def _limit_file_size() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (64_000, 64_000))


@pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_FSIZE as a full disk: Linux only")
def test_a_full_disk_is_storage_unavailable_not_a_traceback(tmp_path: Path) -> None:
    """A file-size limit makes every write past 64 kB fail as a full disk would (EFBIG)."""
    source = data_dir() / "events" / "mauforonda_cir_events.csv"
    command = [
        sys.executable,
        "-c",
        "from ceasefire.cli import main; main()",
        "ingest",
        "--db",
        str(tmp_path / "f.db"),
    ]
    done = subprocess.run(
        [*command, str(source)],
        preexec_fn=_limit_file_size,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 7, done.stderr
    assert "error[storage-unavailable]" in done.stderr
