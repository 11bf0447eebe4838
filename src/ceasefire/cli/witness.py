"""`ceasefire witness ...`: a party's own witness of the evidence log.

The witness keeps its state in a directory of its own: ``witness.key``
(private, mode 600), ``witness.vkey`` (public, give it to verifiers),
``state.json`` (log key, origin, last cosigned checkpoint) and, when the log
misbehaves, ``evidence-*.json`` files.

Exit codes follow the one table (docs/errors.md): 0 cosigned; 1 fork evidence
does not check out (`check-evidence`); 2 usage error; 3 FORK OR REWRITE
DETECTED; 4 request or file refused (malformed, not signed by the log);
5 the request assumed another old size (re-read, retry); 6 no witness state
or no log at that path.
"""

from __future__ import annotations

import json
import os
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.panel import Panel

from ceasefire.cli.errors import exits_on_error
from ceasefire.cli.ledger import open_ledger, read_signer, read_text, read_vkey, write_secret
from ceasefire.cli.options import COUNT, Range, check_number, describe_parse_error
from ceasefire.domain.errors import (
    OUTCOMES,
    ConflictError,
    ErrorCode,
    InvalidInputError,
    NotFoundError,
    UsageError,
)
from ceasefire.ledger.note import ALG_COSIGNATURE_V1, NoteError, Signer
from ceasefire.ledger.witness import (
    AddCheckpointRequest,
    ForkDetected,
    LedgerSource,
    WitnessState,
    add_checkpoint,
    check_evidence,
)
from ceasefire.safe_files import parse_json

#: Seconds between a watching witness's polls: up to a day (0: poll again at once).
POLL_S = Range("seconds", 0.0, 86_400.0, low_closed=True)

app = typer.Typer(
    help="Witness the evidence log: cosign consistent checkpoints, raise the alarm on forks.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console(stderr=True, soft_wrap=True)
#: Exit statuses that stop `watch`: the alarm, and a bug (retrying would only repeat it).
STOPS_WATCHING = frozenset(
    OUTCOMES[code].exit_code for code in (ErrorCode.FORK_DETECTED, ErrorCode.INTERNAL)
)

StateOption = Annotated[
    Path, typer.Option("--state", help="The witness's own directory (key, state, evidence).")
]


def _load_state(state_dir: Path) -> WitnessState:
    path = state_dir / "state.json"
    if not path.exists():
        raise NotFoundError(f"no witness state in {state_dir} (run `ceasefire witness init`)")
    return WitnessState.from_json(path.read_text())


def _save_state(state_dir: Path, state: WitnessState) -> None:
    """Replace the state file atomically, so a crash never leaves half a state."""
    tmp = state_dir / "state.json.tmp"
    tmp.write_text(state.to_json() + "\n")
    os.replace(tmp, state_dir / "state.json")


@app.command()
@exits_on_error
def init(
    state: StateOption,
    name: Annotated[str, typer.Option(help="Witness key name, e.g. witness.party-a.example")],
    log_key: Annotated[str, typer.Option(help="The log's public key or a file holding it.")],
    origin: Annotated[str, typer.Option(help="Origin line of the log to watch.")],
) -> None:
    """Create a witness: a fresh cosigning key and an empty state for one log."""
    verifier = read_vkey(log_key, "log key")
    state.mkdir(parents=True, exist_ok=True)
    if (state / "state.json").exists():
        raise ConflictError(f"{state} already holds a witness")
    try:
        signer = Signer.generate(name, ALG_COSIGNATURE_V1)
    except NoteError as exc:
        raise UsageError(f"--name: {exc.detail}") from None
    write_secret(state / "witness.key", signer.skey())
    (state / "witness.vkey").write_text(signer.verifier().vkey() + "\n")
    _save_state(state, WitnessState(origin, verifier.vkey()))
    typer.echo(signer.verifier().vkey())


@app.command()
@exits_on_error
def update(
    state: StateOption,
    log_db: Annotated[
        Path | None, typer.Option(help="Read the log's latest checkpoint from its database.")
    ] = None,
    request: Annotated[
        Path | None, typer.Option(help="Or: a C2SP add-checkpoint request file.")
    ] = None,
    out: Annotated[Path | None, typer.Option(help="Write the cosigned checkpoint here.")] = None,
    submit: Annotated[
        bool, typer.Option(help="Store the cosignature in the log database (with --log-db).")
    ] = False,
) -> None:
    """Fetch a new checkpoint, check it extends the last one seen, and cosign it."""
    if (log_db is None) == (request is None):
        raise UsageError("give exactly one of --log-db and --request")
    current = _load_state(state)
    key = read_signer(state / "witness.key")
    try:
        if log_db is not None:
            ledger = open_ledger(log_db, readonly=True)
            req = LedgerSource(ledger).add_checkpoint_request(current.size())
        else:
            assert request is not None
            req = AddCheckpointRequest.parse(read_text(request, "request"))
        result = add_checkpoint(current, req, key, int(time.time()))
    except ForkDetected as alarm:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        evidence_path = state / f"evidence-{stamp}.json"
        evidence = alarm.evidence() | {"detected_at": stamp, "witness": key.name}
        evidence_path.write_text(json.dumps(evidence, indent=2) + "\n")
        console.print(
            Panel(
                f"[bold]{alarm.kind.upper()}[/]: {alarm.reason}\n"
                "Both below are signed by the log's key and cannot both be true.\n"
                f"Evidence saved to {evidence_path}.\n"
                "Nothing was cosigned; the witness state is unchanged.",
                title="[bold red]FORK OR REWRITE DETECTED[/]",
                border_style="red",
            ),
            highlight=False,
        )
        console.print("[bold]Checkpoint this witness cosigned before:[/]", highlight=False)
        console.print(alarm.ours.format(), markup=False, highlight=False)
        console.print("[bold]Checkpoint the log presents now:[/]", highlight=False)
        console.print(alarm.theirs.format(), markup=False, highlight=False)
        raise typer.Exit(alarm.exit_code) from None
    _save_state(state, result.state)
    cosigned = result.cosigned_note()
    if out is not None:
        out.write_text(cosigned)
    if submit:
        if log_db is None:
            raise UsageError("--submit needs --log-db")
        ledger = open_ledger(log_db)
        ledger.add_cosignature(cosigned, key.verifier())
    size = result.checkpoint.checkpoint.size
    typer.echo(f"cosigned checkpoint of size {size}")
    typer.echo(result.cosignature.line())


@app.command()
@exits_on_error
def watch(
    state: StateOption,
    log_db: Annotated[Path, typer.Option(help="The log's database to poll.")],
    every: Annotated[float, typer.Option(help="Seconds between polls.")] = 60.0,
    rounds: Annotated[int, typer.Option(help="Stop after this many polls (0: never).")] = 0,
    submit: Annotated[bool, typer.Option(help="Store cosignatures in the log database.")] = True,
) -> None:
    """Run as the party's long-lived witness process: poll, verify, cosign, repeat.

    Refusals (no checkpoint yet, a malformed one) are reported and retried on
    the next poll; a fork or rewrite stops the process with exit code 3, and a
    bug in ceasefire with 70.
    """
    check_number("--every", every, POLL_S)
    check_number("--rounds", rounds, COUNT)
    done = 0
    while True:
        try:
            update(state=state, log_db=log_db, request=None, out=None, submit=submit)
        except typer.Exit as exc:
            if exc.exit_code in STOPS_WATCHING:
                raise
        done += 1
        if rounds and done >= rounds:
            return
        time.sleep(every)


@app.command()
@exits_on_error
def show(state: StateOption) -> None:
    """Print the witness's key and the last checkpoint it cosigned."""
    current = _load_state(state)
    typer.echo(f"witness key: {(state / 'witness.vkey').read_text().strip()}")
    typer.echo(f"watching:    {current.origin} ({current.log_key})")
    typer.echo(f"last size:   {current.size()}")
    if current.checkpoint:
        typer.echo(current.checkpoint, nl=False)


@app.command("check-evidence")
@exits_on_error
def check_evidence_cmd(
    file: Annotated[Path, typer.Argument(help="An evidence-*.json file written by a witness.")],
    log_key: Annotated[str, typer.Option(help="The log's public key or a file holding it.")],
) -> None:
    """Re-check a witness's fork evidence offline, with the log's public key only."""
    try:
        evidence = parse_json(read_text(file, "evidence"), str(file))
        verdict = check_evidence(evidence, read_vkey(log_key, "log key"))
    except (json.JSONDecodeError, AttributeError, RecursionError) as exc:
        reason = describe_parse_error(exc)
        raise InvalidInputError(f"cannot read evidence {file}: {reason}") from None
    typer.echo(verdict)
