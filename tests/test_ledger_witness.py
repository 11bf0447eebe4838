"""Witnesses: cosign consistent growth, catch forks, rollbacks and split views."""

import base64
import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ceasefire.cli import app
from ceasefire.ledger.checkpoint import verify_cosignature
from ceasefire.ledger.log import Ledger
from ceasefire.ledger.merkle import verify_consistency
from ceasefire.ledger.note import ALG_COSIGNATURE_V1, Signer, parse_note
from ceasefire.ledger.witness import (
    AddCheckpointRequest,
    ForkDetected,
    LedgerSource,
    SizeConflictError,
    WitnessError,
    WitnessState,
    add_checkpoint,
    check_evidence,
)
from ceasefire.store.sqlite_ledger import SqliteLedgerStorage

ORIGIN = "ceasefire.example/ledger"


def records(start: int, count: int, tweak: int | None = None) -> list[dict[str, object]]:
    out: list[dict[str, object]] = [{"id": f"obs-{i}", "n": i} for i in range(start, start + count)]
    for r in out:
        if r["n"] == tweak:
            r["n"] = -1
    return out


def make_log(path: Path, key: Signer) -> Ledger:
    storage = SqliteLedgerStorage(path)
    Ledger.initialise(storage, ORIGIN, key.verifier())
    return Ledger(storage)


@pytest.fixture
def keys() -> tuple[Signer, Signer]:
    return Signer.generate(ORIGIN), Signer.generate("witness.party-a.example", ALG_COSIGNATURE_V1)


def test_witness_cosigns_consistent_growth(tmp_path: Path, keys: tuple[Signer, Signer]) -> None:
    log_key, w_key = keys
    log = make_log(tmp_path / "log.db", log_key)
    state = WitnessState(ORIGIN, log_key.verifier().vkey())
    source = LedgerSource(log)
    for step, n in enumerate([3, 1, 254, 300, 1]):
        log.append_many(records(log.size, n))
        log.checkpoint(log_key)
        result = add_checkpoint(
            state, source.add_checkpoint_request(state.size()), w_key, 1000 + step
        )
        assert result.checkpoint.checkpoint.size == log.size
        note = parse_note(result.cosigned_note())
        assert verify_cosignature(note, w_key.verifier()) == 1000 + step
        state = result.state
    assert state.size() == 559
    # the same checkpoint again is fine (nothing new, nothing contradictory)
    again = add_checkpoint(state, source.add_checkpoint_request(559), w_key, 2000)
    assert again.state.size() == 559


def forked_pair(tmp_path: Path, log_key: Signer, common: int, tail: int) -> tuple[Ledger, Ledger]:
    """Two logs under the same key sharing `common` records, then different ones."""
    honest = make_log(tmp_path / "honest.db", log_key)
    forked = make_log(tmp_path / "forked.db", log_key)
    honest.append_many(records(0, common + tail))
    forked.append_many(records(0, common + tail, tweak=common))
    return honest, forked


def test_forked_log_is_caught_with_both_checkpoints(
    tmp_path: Path, keys: tuple[Signer, Signer]
) -> None:
    log_key, w_key = keys
    honest, forked = forked_pair(tmp_path, log_key, common=100, tail=50)
    honest.checkpoint(log_key)
    state = WitnessState(ORIGIN, log_key.verifier().vkey())
    state = add_checkpoint(state, LedgerSource(honest).add_checkpoint_request(0), w_key, 1).state
    forked.append_many(records(150, 10))
    forked.checkpoint(log_key)
    request = LedgerSource(forked).add_checkpoint_request(state.size())
    with pytest.raises(ForkDetected) as alarm:
        add_checkpoint(state, request, w_key, 2)
    assert alarm.value.kind == "inconsistent history"
    evidence = alarm.value.evidence()
    assert evidence["previously_cosigned_checkpoint"] == honest.latest_checkpoint().format()  # type: ignore[union-attr]
    assert evidence["conflicting_checkpoint"].startswith(f"{ORIGIN}\n160\n")
    # the evidence really is contradictory: no valid proof links the two trees
    with pytest.raises(ValueError, match="consistency proof"):
        verify_consistency(
            150,
            160,
            request.proof,
            alarm.value.ours.checkpoint.root_hash,
            alarm.value.theirs.checkpoint.root_hash,
        )


def test_split_view_at_equal_size(tmp_path: Path, keys: tuple[Signer, Signer]) -> None:
    log_key, w_key = keys
    honest, forked = forked_pair(tmp_path, log_key, common=10, tail=5)
    honest.checkpoint(log_key)
    forked.checkpoint(log_key)
    state = WitnessState(ORIGIN, log_key.verifier().vkey())
    state = add_checkpoint(state, LedgerSource(honest).add_checkpoint_request(0), w_key, 1).state
    with pytest.raises(ForkDetected) as alarm:
        add_checkpoint(state, LedgerSource(forked).add_checkpoint_request(15), w_key, 2)
    assert alarm.value.kind == "split view"
    verdict = check_evidence(alarm.value.evidence(), log_key.verifier())
    assert verdict == "split view proven: two signed roots for tree size 15"


def test_rollback_is_caught(tmp_path: Path, keys: tuple[Signer, Signer]) -> None:
    log_key, w_key = keys
    log = make_log(tmp_path / "log.db", log_key)
    log.append_many(records(0, 20))
    log.checkpoint(log_key)
    state = WitnessState(ORIGIN, log_key.verifier().vkey())
    state = add_checkpoint(state, LedgerSource(log).add_checkpoint_request(0), w_key, 1).state
    truncated = make_log(tmp_path / "short.db", log_key)
    truncated.append_many(records(0, 12))
    truncated.checkpoint(log_key)
    with pytest.raises(ForkDetected) as alarm:
        add_checkpoint(state, LedgerSource(truncated).add_checkpoint_request(20), w_key, 2)
    assert alarm.value.kind == "rollback"
    verdict = check_evidence(alarm.value.evidence(), log_key.verifier())
    assert "signed trees of 12 and 20 entries" in verdict


def test_unusable_requests_are_refused_not_alarmed(
    tmp_path: Path, keys: tuple[Signer, Signer]
) -> None:
    log_key, w_key = keys
    log = make_log(tmp_path / "log.db", log_key)
    log.append_many(records(0, 8))
    log.checkpoint(log_key)
    state = WitnessState(ORIGIN, log_key.verifier().vkey())
    request = LedgerSource(log).add_checkpoint_request(0)
    with pytest.raises(SizeConflictError) as conflict:
        add_checkpoint(state, AddCheckpointRequest(5, request.proof, request.checkpoint), w_key, 1)
    assert conflict.value.witness_size == 0
    impostor = Signer.generate(ORIGIN)  # same name, different key
    fake = make_log(tmp_path / "fake.db", impostor)
    fake.append_many(records(0, 8))
    fake.checkpoint(impostor)
    with pytest.raises(WitnessError, match="not signed by"):
        add_checkpoint(state, LedgerSource(fake).add_checkpoint_request(0), w_key, 1)
    with pytest.raises(WitnessError, match="first checkpoint"):
        add_checkpoint(state, AddCheckpointRequest(0, (bytes(32),), request.checkpoint), w_key, 1)


def test_request_text_round_trips(tmp_path: Path, keys: tuple[Signer, Signer]) -> None:
    log_key, _ = keys
    log = make_log(tmp_path / "log.db", log_key)
    log.append_many(records(0, 7))
    log.checkpoint(log_key)
    log.append_many(records(7, 6))
    log.checkpoint(log_key)
    request = LedgerSource(log).add_checkpoint_request(7)
    text = request.format()
    assert text.startswith("old 7\n")
    assert AddCheckpointRequest.parse(text) == request
    with pytest.raises(WitnessError, match="old"):
        AddCheckpointRequest.parse("new 7\n\n" + request.checkpoint)


# -- end to end through the command line --------------------------------------------


def run(*args: str, code: int = 0) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result.output


def write_jsonl(path: Path, recs: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in recs))
    return path


def test_cli_end_to_end_two_witnesses_bundle_and_fork(tmp_path: Path) -> None:
    db, key = str(tmp_path / "log.db"), str(tmp_path / "log.key")
    run("ledger", "init", "--db", db, "--origin", ORIGIN, "--key", key)
    vkey = str(tmp_path / "log.vkey")
    run("ledger", "append", "--db", db, str(write_jsonl(tmp_path / "a.jsonl", records(0, 30))))
    run("ledger", "checkpoint", "--db", db, "--key", key)

    wa, wb = str(tmp_path / "wa"), str(tmp_path / "wb")
    for state, name in ((wa, "witness.party-a.example"), (wb, "witness.party-b.example")):
        run(
            "witness",
            "init",
            "--state",
            state,
            "--name",
            name,
            "--log-key",
            vkey,
            "--origin",
            ORIGIN,
        )
    # witness A reads the log database directly and submits its cosignature
    assert "cosigned checkpoint of size 30" in run(
        "witness", "update", "--state", wa, "--log-db", db, "--submit"
    )
    run("ledger", "append", "--db", db, str(write_jsonl(tmp_path / "b.jsonl", records(30, 20))))
    run("ledger", "checkpoint", "--db", db, "--key", key)
    run("witness", "update", "--state", wa, "--log-db", db, "--submit")
    # witness B gets files only: a request in, a cosigned note out
    request = tmp_path / "request.txt"
    run("ledger", "witness-request", "--db", db, "--old", "0", "--out", str(request))
    cosigned = tmp_path / "cosigned.txt"
    run("witness", "update", "--state", wb, "--request", str(request), "--out", str(cosigned))
    run(
        "ledger",
        "add-cosignature",
        "--db",
        db,
        str(cosigned),
        "--witness-key",
        f"{wb}/witness.vkey",
    )

    bundle = tmp_path / "obs-42.json"
    run("ledger", "export-proof", "--db", db, "obs-42", "--out", str(bundle))
    out = run(
        "ledger",
        "verify-bundle",
        str(bundle),
        "--log-key",
        vkey,
        "--witness-key",
        f"{wa}/witness.vkey",
        "--witness-key",
        f"{wb}/witness.vkey",
        "--min-cosignatures",
        "2",
    )
    assert "entry 42" in out
    other = str(tmp_path / "other.vkey")
    Path(other).write_text(Signer.generate(ORIGIN).verifier().vkey())
    assert "does NOT verify" in run(
        "ledger", "verify-bundle", str(bundle), "--log-key", other, code=1
    )
    status = run("ledger", "status", "--db", db)
    assert "entries: 50" in status
    assert "\u2014 witness.party-b.example " in status
    assert "witness.party-a.example, witness.party-b.example" in out

    # the log operator rewrites history under the same key: witness A sounds the alarm
    fork_db = str(tmp_path / "fork.db")
    run("ledger", "init", "--db", fork_db, "--origin", ORIGIN, "--key", key)
    forked = records(0, 60, tweak=17)
    run("ledger", "append", "--db", fork_db, str(write_jsonl(tmp_path / "f.jsonl", forked)))
    run("ledger", "checkpoint", "--db", fork_db, "--key", key)
    state_before = Path(wa, "state.json").read_text()
    # witness B runs as a long-lived process and stops at the fork with exit code 3
    run("witness", "watch", "--state", wb, "--log-db", db, "--every", "0", "--rounds", "2")
    out = run("witness", "watch", "--state", wb, "--log-db", fork_db, "--every", "0", code=3)
    assert "FORK OR REWRITE DETECTED" in out
    out = run("witness", "update", "--state", wa, "--log-db", fork_db, "--submit", code=3)
    assert "FORK OR REWRITE DETECTED" in out
    assert "INCONSISTENT HISTORY" in out
    assert Path(wa, "state.json").read_text() == state_before
    [evidence_file] = Path(wa).glob("evidence-*.json")
    assert len(list(Path(wb).glob("evidence-*.json"))) == 1
    evidence = json.loads(evidence_file.read_text())
    assert evidence["previously_cosigned_checkpoint"].startswith(f"{ORIGIN}\n50\n")
    assert evidence["conflicting_checkpoint"].startswith(f"{ORIGIN}\n60\n")
    assert not SqliteLedgerStorage(fork_db).cosignatures(60)  # nothing was cosigned
    verdict = run("witness", "check-evidence", str(evidence_file), "--log-key", vkey)
    assert "signed trees of 50 and 60 entries" in verdict
    other = Signer.generate(ORIGIN).verifier().vkey()
    run("witness", "check-evidence", str(evidence_file), "--log-key", other, code=1)


def test_cli_verify_reports_tampered_row_index(tmp_path: Path) -> None:
    db, key = str(tmp_path / "log.db"), str(tmp_path / "log.key")
    run("ledger", "init", "--db", db, "--origin", ORIGIN, "--key", key)
    run("ledger", "append", "--db", db, str(write_jsonl(tmp_path / "a.jsonl", records(0, 500))))
    run("ledger", "checkpoint", "--db", db, "--key", key)
    assert "ok: 500 entries" in run("ledger", "verify", "--db", db)
    con = sqlite3.connect(db)
    con.execute("UPDATE ledger_entries SET data = ? WHERE idx = 321", (b'{"id":"obs-321","n":0}',))
    con.commit()
    out = run("ledger", "verify", "--db", db, code=1)
    assert "first bad index 321" in out


def test_cli_append_refuses_bad_records_by_line(tmp_path: Path) -> None:
    db, key = str(tmp_path / "log.db"), str(tmp_path / "log.key")
    run("ledger", "init", "--db", db, "--origin", ORIGIN, "--key", key)
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id":"a","v":1}\n{"v":2}\n{"id":"c","v":NaN}\n')
    out = run("ledger", "append", "--db", db, str(bad), code=4)
    assert "error[invalid-input]: 2 records refused" in out
    assert f"{bad}:2: has no string 'id' field" in out
    assert f"{bad}:3: 'c': $.v: nan is not a JSON number" in out
    assert "nothing appended" in out
    assert SqliteLedgerStorage(db).tree_size() == 0


def test_consistent_checkpoints_are_not_evidence(
    tmp_path: Path, keys: tuple[Signer, Signer]
) -> None:
    log_key, _ = keys
    log = make_log(tmp_path / "log.db", log_key)
    log.append_many(records(0, 9))
    first = log.checkpoint(log_key)
    log.append_many(records(9, 4))
    second = log.checkpoint(log_key)
    evidence = {
        "format": "ceasefire-fork-evidence/v1",
        "previously_cosigned_checkpoint": first.format(),
        "conflicting_checkpoint": second.format(),
        "consistency_proof": [base64.b64encode(p).decode() for p in log.consistency_proof(9)],
    }
    with pytest.raises(WitnessError, match="no fork"):
        check_evidence(evidence, log_key.verifier())
    evidence["consistency_proof"] = []
    assert "signed trees of 9 and 13" in check_evidence(evidence, log_key.verifier())
