"""`ceasefire ledger ...`: run the evidence log, prove records, audit the database.

Exit codes follow the one table (docs/errors.md): 0 all good; 1 the ledger or a
bundle does not verify, or a cosignature does not check out; 2 usage error;
4 a file or record is unreadable or invalid (each refused record is named by
file and line); 5 a record id is already used, or another writer got there
first; 6 no ledger at that path, or no such record.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sqlite3
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Annotated, Any, NamedTuple

import typer
from rich.console import Console
from rich.progress import Progress

from ceasefire import safe_files
from ceasefire.cli.errors import exits_on_error
from ceasefire.cli.options import (
    BATCH,
    COUNT,
    check_db_path,
    check_number,
    db_file,
    describe_parse_error,
)
from ceasefire.domain.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    Problem,
    UsageError,
    VerificationFailedError,
)
from ceasefire.ledger.bundle import BundleError, make_bundle, verify_bundle
from ceasefire.ledger.checkpoint import CheckpointError
from ceasefire.ledger.log import Ledger, LedgerError, batch_position, canonical_entries
from ceasefire.ledger.note import ALG_COSIGNATURE_V1, NoteError, Signer, Verifier, parse_note
from ceasefire.ledger.storage import StorageError
from ceasefire.ledger.witness import LedgerSource
from ceasefire.safe_files import InputFileError, InputKind
from ceasefire.store import open_store
from ceasefire.store.sqlite_ledger import SqliteLedgerStorage

app = typer.Typer(
    help="Tamper-evident evidence ledger: append, checkpoint, prove, verify.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console(stderr=True, soft_wrap=True)

DbOption = Annotated[
    str,
    typer.Option(
        "--db",
        envvar="CEASEFIRE_DB",
        help="The store holding the ledger: a SQLite file, or a URL (postgresql://...).",
    ),
]
KeyOption = Annotated[
    Path, typer.Option("--key", help="File holding the log's private key (PRIVATE+KEY+...).")
]


def read_text(path: Path, what: str, kind: InputKind = InputKind.SMALL) -> str:
    """The text of a file the user named; an unreadable one is invalid input, not a crash,
    and only a regular file within the size limit of `kind` is read (`safe_files`)."""
    try:
        return safe_files.read_text(path, kind)
    except InputFileError as exc:
        raise InvalidInputError(f"cannot read {what} {path}: {exc.reason}") from None


def read_stdin(kind: InputKind) -> str:
    """Standard input, refused beyond the size limit of `kind` rather than read without end."""
    limit = kind.limit()
    text = sys.stdin.read(limit + 1)
    if len(text) > limit:
        raise InvalidInputError(
            f"cannot read standard input: over the {kind.label} limit of {limit} characters"
            f" (raise it with {kind.env})"
        )
    return text


def read_vkey(value: str, what: str = "key") -> Verifier:
    """A verifier key given literally (name+hash+base64) or as a path to a file holding it.

    A malformed key is the user's input, hence invalid input (4) rather than the failed
    check (1) that NoteError means inside the ledger.
    """
    path = Path(value)
    text = read_text(path, what).strip() if path.is_file() else value
    try:
        return Verifier.from_vkey(text)
    except NoteError as exc:
        raise InvalidInputError(f"{what}: {exc.detail}") from None


def read_signer(path: Path) -> Signer:
    """A private key file."""
    try:
        return Signer.from_skey(read_text(path, "key"))
    except NoteError as exc:
        raise InvalidInputError(f"key {path}: {exc.detail}") from None


def write_secret(path: Path, text: str) -> None:
    """Create a private key file readable by its owner only; never overwrite one."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text + "\n")


def open_ledger(location: str | Path, *, readonly: bool = False) -> Ledger:
    """Open the ledger in `location`; refuse to create a database, or a schema, by accident.

    Commands that only read pass ``readonly=True``: the file is opened read-only and never
    written, so a read-only copy verifies and its bytes stay as they were. Whether `db` holds a
    ledger at all is asked read-only first, for writers too: an empty file or another database
    is refused as such, and left as it was. A server URL (``postgresql://``) opens the store
    and its ledger through the store, read-only for readers.
    """
    value = check_db_path(str(location))
    db = db_file(value)
    if db is None:
        return _store_ledger(value, readonly=readonly)
    if not db.exists():
        raise NotFoundError(f"no ledger database at {db} (run `ceasefire ledger init` first)")
    try:
        storage = SqliteLedgerStorage(db, readonly=True)
        found = storage.holds_ledger()
    except sqlite3.DatabaseError as exc:
        if exc.sqlite_errorcode != sqlite3.SQLITE_NOTADB:
            raise
        raise InvalidInputError(f"{db} is not a SQLite database ({exc})") from None
    if not found:
        storage.close()
        raise NotFoundError(
            f"{db} holds no ledger: nothing initialised in it (run `ceasefire ledger init` first)"
        )
    if not readonly:
        storage.close()
        storage = SqliteLedgerStorage(db)
    return Ledger(storage)


def _store_ledger(url: str, *, readonly: bool) -> Ledger:
    """The ledger of the store at a URL; a store without one is NotFoundError, as a file is.
    The ledger keeps the store (and its connections) alive as long as it is used."""
    store = open_store(url, readonly=True)
    ledger = store.ledger()
    if ledger is None:
        store.close()
        raise NotFoundError(
            f"{url} holds no ledger: nothing initialised in it (run `ceasefire ledger init` first)"
        )
    if readonly:
        return ledger
    store.close()
    writable = open_store(url).ledger()
    assert writable is not None
    return writable


@app.command()
@exits_on_error
def init(
    db: DbOption,
    origin: Annotated[str, typer.Option(help="Checkpoint origin line naming this log.")],
    key: Annotated[
        Path, typer.Option("--key", help="Private key file; created (mode 600) if absent.")
    ],
) -> None:
    """Create the log: fix its origin and public key, generating the key if needed."""
    if key.exists():
        signer = read_signer(key)
    else:
        try:
            signer = Signer.generate(origin)
        except NoteError as exc:
            raise UsageError(f"--origin: {exc.detail}") from None
        write_secret(key, signer.skey())
        key.with_suffix(".vkey").write_text(signer.verifier().vkey() + "\n")
        console.print(f"new log key written to {key} (public: {key.with_suffix('.vkey')})")
    store = open_store(check_db_path(db))
    try:
        # Through the store: records it held before the ledger existed are logged now.
        store.initialise_ledger(origin, signer.verifier())
    finally:
        store.close()
    typer.echo(signer.verifier().vkey())


class _Origin(NamedTuple):
    """Where a record was read: a file, and its line (JSON Lines) or index (JSON array)."""

    source: str
    line: int | None = None
    pointer: str | None = None


def _located(problem: Problem, origins: Sequence[_Origin]) -> Problem:
    """A refused record's problem, moved from its position in the batch to its file and line."""
    found = batch_position(problem)
    if found is None:
        return problem
    position, rest = found
    origin = origins[position]
    pointer = " ".join(p for p in (origin.pointer, rest) if p) or None
    return dataclasses.replace(problem, source=origin.source, line=origin.line, pointer=pointer)


def _read_records(path: Path) -> Iterator[tuple[_Origin, Any]]:
    """(origin, value) per record from a JSON array or JSON Lines file, '-' for stdin."""
    kind = InputKind.DOCUMENT
    text = read_stdin(kind) if str(path) == "-" else read_text(path, "records", kind)
    stripped = text.lstrip()
    if stripped.startswith("["):
        try:
            values = safe_files.parse_json(text, str(path))
        except json.JSONDecodeError as exc:
            problem = Problem(str(path), f"not valid JSON ({exc.msg})", line=exc.lineno)
            raise InvalidInputError(f"{path} is not a JSON array", [problem]) from None
        for i, value in enumerate(values):
            yield _Origin(str(path), pointer=f"[{i}]"), value
        return
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield _Origin(str(path), line=lineno), safe_files.parse_json(line, f"{path}:{lineno}")
        except json.JSONDecodeError as exc:
            problem = Problem(str(path), f"not valid JSON ({exc.msg})", line=lineno)
            raise InvalidInputError(f"{path} is not JSON Lines", [problem]) from None


@app.command()
@exits_on_error
def append(
    db: DbOption,
    files: Annotated[list[Path], typer.Argument(help="JSON Lines or JSON array files; - = stdin")],
    batch: Annotated[int, typer.Option(help="Records per transaction.")] = 10_000,
) -> None:
    """Append records (each a JSON object with a string "id"); all or nothing.

    Every record is checked before anything is written: if one is refused,
    all refusals are listed (file, line, id, reason) and nothing is appended.
    """
    check_number("--batch", batch, BATCH)
    ledger = open_ledger(db)
    records: list[Any] = []
    origins: list[_Origin] = []
    for path in files:
        for origin, value in _read_records(path):
            origins.append(origin)
            records.append(value)
    try:
        entries = canonical_entries(records)
    except LedgerError as exc:
        raise LedgerError(exc.detail, [_located(p, origins) for p in exc.problems]) from None
    known = [rid for rid, _ in entries if ledger.storage.index_of(rid) is not None]
    if known:
        raise ConflictError(
            f"records already in the ledger, nothing appended: {', '.join(known[:10])}"
        )
    start = ledger.size
    try:
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("appending", total=len(entries))
            for at in range(0, len(entries), batch):
                ledger.append_entries(entries[at : at + batch])
                progress.advance(task, len(entries[at : at + batch]))
    except StorageError as exc:
        detail = f"{exc.detail}; appended {ledger.size - start} before the failure"
        raise StorageError(detail, exc.problems) from None
    typer.echo(f"appended {ledger.size - start} records; log size {ledger.size}")


@app.command()
@exits_on_error
def checkpoint(db: DbOption, key: KeyOption) -> None:
    """Sign a checkpoint of the current tree with the log's key and print it."""
    ledger = open_ledger(db)
    signed = ledger.checkpoint(read_signer(key))
    typer.echo(signed.format(), nl=False)


@app.command()
@exits_on_error
def status(db: DbOption) -> None:
    """Origin, log key, size and latest checkpoint with its cosigners."""
    ledger = open_ledger(db, readonly=True)
    typer.echo(f"origin:  {ledger.origin}")
    typer.echo(f"log key: {ledger.log_key.vkey()}")
    typer.echo(f"entries: {ledger.size}")
    latest = ledger.latest_checkpoint()
    if latest is None:
        typer.echo("checkpoint: none yet (run `ceasefire ledger checkpoint`)")
    else:
        typer.echo(f"checkpoint: size {latest.checkpoint.size}")
        typer.echo(latest.format(), nl=False)


@app.command()
@exits_on_error
def verify(db: DbOption) -> None:
    """Re-hash every stored record and rebuild every tile; report the first mismatch.

    Opens the database read-only and never writes to it (an auditor's read-only copy verifies).
    """
    ledger = open_ledger(db, readonly=True)
    size = ledger.storage.tree_size()
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("re-hashing", total=size)
        report = ledger.verify(progress=lambda done: progress.update(task, completed=done))
    if not report.ok:
        where = (
            "" if report.first_bad_index is None else f"first bad index {report.first_bad_index}: "
        )
        raise VerificationFailedError(f"ledger does NOT verify: {where}{report.reason}")
    typer.echo(
        f"ok: {report.size} entries re-hashed; tiles match; "
        f"signed roots match at sizes {report.checkpoints_checked or 'none'}"
    )


@app.command("export-proof")
@exits_on_error
def export_proof(
    db: DbOption,
    record_id: Annotated[str, typer.Argument(help="The record's id.")],
    out: Annotated[Path | None, typer.Option(help="Bundle file (default: stdout).")] = None,
) -> None:
    """Write a self-contained evidence bundle for one record."""
    bundle = make_bundle(open_ledger(db, readonly=True), record_id)
    text = json.dumps(bundle, indent=2, ensure_ascii=False) + "\n"
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text)
        console.print(f"bundle for {record_id!r} written to {out}")


@app.command("verify-bundle")
@exits_on_error
def verify_bundle_cmd(
    file: Annotated[Path, typer.Argument(help="Evidence bundle (JSON).")],
    log_key: Annotated[
        str, typer.Option(help="The log's public key (name+hash+base64) or a file holding it.")
    ],
    witness_key: Annotated[
        list[str] | None, typer.Option(help="A trusted witness's key or key file; repeatable.")
    ] = None,
    min_cosignatures: Annotated[
        int, typer.Option(help="Valid cosignatures required from the trusted witnesses.")
    ] = 0,
) -> None:
    """Check a bundle offline: record bytes, inclusion proof, signed checkpoint, cosignatures."""
    check_number("--min-cosignatures", min_cosignatures, COUNT)
    try:
        bundle = safe_files.parse_json(read_text(file, "bundle", InputKind.DOCUMENT), str(file))
    except (json.JSONDecodeError, RecursionError) as exc:
        raise InvalidInputError(f"bundle {file} is not JSON: {describe_parse_error(exc)}") from None
    witnesses = [read_vkey(w, "witness key") for w in witness_key or []]
    verifier = read_vkey(log_key, "log key")
    try:
        if not isinstance(bundle, dict):
            raise BundleError(f"{file} is not a bundle")
        report = verify_bundle(bundle, verifier, witnesses, min_cosignatures)
    except BundleError as exc:
        raise BundleError(f"bundle does NOT verify: {exc.detail}") from None
    typer.echo(
        f"ok: record {report.record_id!r} is entry {report.leaf_index} of {report.origin} "
        f"(signed tree of {report.tree_size}); cosigned by {', '.join(report.cosigners) or 'none'}"
    )


@app.command("witness-request")
@exits_on_error
def witness_request(
    db: DbOption,
    old: Annotated[int, typer.Option(help="Tree size of the witness's last checkpoint.")],
    out: Annotated[Path | None, typer.Option(help="Request file (default: stdout).")] = None,
) -> None:
    """Write a C2SP add-checkpoint request (latest checkpoint + consistency proof) for a witness."""
    check_number("--old", old, COUNT)
    text = LedgerSource(open_ledger(db, readonly=True)).add_checkpoint_request(old).format()
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text)


@app.command("add-cosignature")
@exits_on_error
def add_cosignature(
    db: DbOption,
    file: Annotated[Path, typer.Argument(help="Cosigned checkpoint note from a witness.")],
    witness_key: Annotated[str, typer.Option(help="The witness's public key or key file.")],
) -> None:
    """Store a witness's cosignature, after checking it, so bundles carry it."""
    witness = read_vkey(witness_key, "witness key")
    if witness.alg != ALG_COSIGNATURE_V1:
        raise InvalidInputError("witness keys are cosignature/v1 (type 0x04) keys")
    ledger = open_ledger(db)
    note = read_text(file, "cosigned checkpoint")
    try:
        parse_note(note)
        size = ledger.add_cosignature(note, witness)
    except (NoteError, CheckpointError) as exc:
        raise VerificationFailedError(f"cosignature refused: {exc.detail}") from None
    typer.echo(f"cosignature of {witness.name} stored for checkpoint of size {size}")
