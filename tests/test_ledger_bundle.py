"""Evidence bundles: verified offline, and any single-bit change is refused."""

import base64
import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ceasefire.ledger.bundle import BundleError, make_bundle, verify_bundle
from ceasefire.ledger.checkpoint import Checkpoint, cosign, sign_checkpoint
from ceasefire.ledger.log import Ledger, LedgerError, LedgerNotFoundError
from ceasefire.ledger.note import ALG_COSIGNATURE_V1, Signature, Signer
from ceasefire.ledger.witness import LedgerSource, WitnessState, add_checkpoint
from ceasefire.store.sqlite_ledger import SqliteLedgerStorage

ORIGIN = "ceasefire.example/ledger"
LOG_KEY = Signer.generate(ORIGIN)
WITNESS = Signer.generate("witness.party-a.example", ALG_COSIGNATURE_V1)


def build(path: Path, n: int = 300) -> Ledger:
    storage = SqliteLedgerStorage(path)
    Ledger.initialise(storage, ORIGIN, LOG_KEY.verifier())
    ledger = Ledger(storage)
    ledger.append_many({"id": f"obs-{i}", "n": i, "w": "Shahed-136"} for i in range(n))
    ledger.checkpoint(LOG_KEY)
    state = WitnessState(ORIGIN, LOG_KEY.verifier().vkey())
    cosigned = add_checkpoint(state, LedgerSource(ledger).add_checkpoint_request(0), WITNESS, 7)
    ledger.add_cosignature(cosigned.cosigned_note(), WITNESS.verifier())
    return ledger


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Ledger:
    return build(tmp_path_factory.mktemp("bundle") / "log.db")


def test_bundle_verifies_offline_with_cosignature(ledger: Ledger) -> None:
    bundle = make_bundle(ledger, "obs-123")
    report = verify_bundle(bundle, LOG_KEY.verifier(), [WITNESS.verifier()], min_cosignatures=1)
    assert (report.record_id, report.leaf_index, report.tree_size) == ("obs-123", 123, 300)
    assert report.cosigners == ["witness.party-a.example"]
    assert bundle["record"] == {"id": "obs-123", "n": 123, "w": "Shahed-136"}


def test_bundle_refusals(ledger: Ledger) -> None:
    bundle = make_bundle(ledger, "obs-5")
    with pytest.raises(BundleError, match="not signed by"):
        verify_bundle(bundle, Signer.generate(ORIGIN).verifier())
    other_witness = Signer.generate("witness.party-b.example", ALG_COSIGNATURE_V1).verifier()
    with pytest.raises(BundleError, match="0 valid cosignatures"):
        verify_bundle(bundle, LOG_KEY.verifier(), [other_witness], min_cosignatures=1)
    shown = copy.deepcopy(bundle)
    shown["record"]["n"] = 6
    with pytest.raises(BundleError, match="not the record that was hashed"):
        verify_bundle(shown, LOG_KEY.verifier())
    with pytest.raises(BundleError, match="not a ceasefire"):
        verify_bundle({**bundle, "format": "x"}, LOG_KEY.verifier())
    with pytest.raises(LedgerError, match="is not in the ledger"):
        make_bundle(ledger, "obs-999")


def test_bundle_before_any_checkpoint_is_refused(tmp_path: Path) -> None:
    storage = SqliteLedgerStorage(tmp_path / "l.db")
    Ledger.initialise(storage, ORIGIN, LOG_KEY.verifier())
    ledger = Ledger(storage)
    ledger.append({"id": "x"})
    with pytest.raises(LedgerNotFoundError, match="no checkpoint covers record 'x'"):
        make_bundle(ledger, "x")


def flip_bit(data: bytes, bit: int) -> bytes:
    out = bytearray(data)
    bit %= 8 * len(out)
    out[bit // 8] ^= 1 << (bit % 8)
    return bytes(out)


def with_checkpoint(bundle: dict[str, Any], size: int, root_hash: bytes) -> dict[str, Any]:
    """Put a changed size or root into the checkpoint body, keeping the old signature lines."""
    note_text: str = bundle["checkpoint"]
    _, _, sigs = note_text.partition("\n\n")
    changed = Checkpoint(ORIGIN, size, root_hash).body()
    return {**bundle, "checkpoint": changed + "\n" + sigs}


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    record=st.integers(0, 299),
    target=st.sampled_from(["leaf", "proof", "root", "size", "index", "bundle_size"]),
    bit=st.integers(0, 1023),
    data=st.data(),
)
def test_any_single_bit_change_is_refused(
    ledger: Ledger, record: int, target: str, bit: int, data: st.DataObject
) -> None:
    bundle = make_bundle(ledger, f"obs-{record}")
    verify_bundle(bundle, LOG_KEY.verifier())
    signed_root = base64.b64decode(bundle["checkpoint"].split("\n")[2])
    if target == "leaf":
        leaf = base64.b64decode(bundle["leaf_data"])
        bundle["leaf_data"] = base64.b64encode(flip_bit(leaf, bit)).decode()
    elif target == "proof":
        k = data.draw(st.integers(0, len(bundle["inclusion_proof"]) - 1))
        element = base64.b64decode(bundle["inclusion_proof"][k])
        bundle["inclusion_proof"][k] = base64.b64encode(flip_bit(element, bit)).decode()
    elif target == "root":
        bundle = with_checkpoint(bundle, bundle["tree_size"], flip_bit(signed_root, bit))
    elif target == "size":  # the signed size, and the bundle's copy of it, both changed
        size = bundle["tree_size"] ^ (1 << (bit % 20))
        bundle = with_checkpoint(bundle, size, signed_root)
        bundle["tree_size"] = size
    elif target == "index":
        bundle["leaf_index"] ^= 1 << (bit % 20)
    else:
        bundle["tree_size"] ^= 1 << (bit % 20)
    with pytest.raises(BundleError):
        verify_bundle(bundle, LOG_KEY.verifier())


def test_cosignature_on_another_checkpoint_does_not_count(ledger: Ledger) -> None:
    bundle = make_bundle(ledger, "obs-1")
    other = sign_checkpoint(Checkpoint(ORIGIN, 1, bytes(32)), LOG_KEY)
    stray = cosign(other.note.text, WITNESS, 9)
    lines = [line for line in bundle["checkpoint"].split("\n") if "witness.party-a" not in line]
    bundle["checkpoint"] = "\n".join(lines[:-1]) + "\n" + Signature.line(stray) + "\n"
    with pytest.raises(BundleError, match="0 valid cosignatures"):
        verify_bundle(bundle, LOG_KEY.verifier(), [WITNESS.verifier()], min_cosignatures=1)


def test_standalone_verifier_agrees_with_the_package(ledger: Ledger, tmp_path: Path) -> None:
    """A second, independent implementation of bundle checking (one file, no ceasefire
    imports) accepts what the package accepts and refuses what it refuses."""
    from ceasefire.ledger import standalone_verify

    log_vkey = LOG_KEY.verifier().vkey()
    witness_vkey = WITNESS.verifier().vkey()
    good = make_bundle(ledger, "obs-77")
    record, origin, size, cosigners = standalone_verify.verify(good, log_vkey, [witness_vkey])
    assert (record["id"], origin, size, cosigners) == ("obs-77", ORIGIN, 300, [WITNESS.name])
    path = tmp_path / "b.json"
    path.write_text(json.dumps(good))
    assert standalone_verify.main(["sv", str(path), log_vkey, witness_vkey]) == 0
    tampered = [
        {**good, "leaf_index": 78},
        {**good, "tree_size": 301},
        {**good, "leaf_data": base64.b64encode(b'{"id":"obs-77","n":0}').decode()},
        {**good, "inclusion_proof": good["inclusion_proof"][:-1]},
        with_checkpoint(good, 300, bytes(32)),
    ]
    for bad in tampered:
        with pytest.raises(BundleError):
            verify_bundle(bad, LOG_KEY.verifier())
        with pytest.raises(standalone_verify.Invalid):
            standalone_verify.verify(bad, log_vkey, [])
        path.write_text(json.dumps(bad))
        assert standalone_verify.main(["sv", str(path), log_vkey]) == 1
    other = Signer.generate(ORIGIN).verifier().vkey()
    with pytest.raises(standalone_verify.Invalid, match="no signature"):
        standalone_verify.verify(good, other, [])
