"""Evidence bundles: one JSON file that proves a record is in the log, checkable offline.

A bundle holds the record, the exact bytes that were hashed, the inclusion
proof, and the signed checkpoint with whatever witness cosignatures the log
collected. A verifier needs only the bundle, the log's public key (obtained
independently, never from the bundle) and, optionally, the keys of the
witnesses it trusts.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ceasefire.domain.errors import VerificationFailedError
from ceasefire.ledger.canonical import CanonicalError, canonical_json
from ceasefire.ledger.checkpoint import CheckpointError, open_checkpoint, verify_cosignature
from ceasefire.ledger.log import Ledger, LedgerNotFoundError
from ceasefire.ledger.merkle import ProofError, leaf_hash, verify_inclusion
from ceasefire.ledger.note import NoteError, Verifier

BUNDLE_FORMAT = "ceasefire-evidence-bundle/v1"


class BundleError(VerificationFailedError):
    """The bundle does not prove what it claims; the message says which check failed."""


@dataclass(frozen=True)
class BundleReport:
    """What a verified bundle establishes."""

    record_id: str
    leaf_index: int
    origin: str
    tree_size: int
    cosigners: list[str] = field(default_factory=list)


def make_bundle(ledger: Ledger, record_id: str) -> dict[str, Any]:
    """Bundle for `record_id`, proven against the latest checkpoint that covers it."""
    entry = ledger.entry(record_id)
    signed = ledger.latest_checkpoint()
    if signed is None or signed.checkpoint.size <= entry.index:
        detail = f"no checkpoint covers record {record_id!r} yet; sign one first"
        raise LedgerNotFoundError(detail)
    size = signed.checkpoint.size
    proof = ledger.inclusion_proof(entry.index, size)
    return {
        "format": BUNDLE_FORMAT,
        "origin": signed.checkpoint.origin,
        "record_id": entry.record_id,
        "leaf_index": entry.index,
        "tree_size": size,
        "record": json.loads(entry.data),
        "leaf_data": base64.b64encode(entry.data).decode(),
        "leaf_hash": leaf_hash(entry.data).hex(),
        "inclusion_proof": [base64.b64encode(p).decode() for p in proof],
        "checkpoint": signed.format(),
        "log_key_hint": ledger.log_key.vkey(),
    }


def _field(bundle: Mapping[str, Any], name: str, kind: type) -> Any:
    value = bundle.get(name)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise BundleError(f"bundle field {name!r} is missing or not a {kind.__name__}")
    return value


def verify_bundle(
    bundle: Mapping[str, Any],
    log_key: Verifier,
    witnesses: Sequence[Verifier] = (),
    min_cosignatures: int = 0,
) -> BundleReport:
    """Check every claim of a bundle; raise BundleError naming the first that fails."""
    if bundle.get("format") != BUNDLE_FORMAT:
        raise BundleError(f"not a {BUNDLE_FORMAT} bundle")
    record_id = _field(bundle, "record_id", str)
    index = _field(bundle, "leaf_index", int)
    size = _field(bundle, "tree_size", int)
    try:
        data = base64.b64decode(_field(bundle, "leaf_data", str), validate=True)
        proof = [
            base64.b64decode(p, validate=True) for p in _field(bundle, "inclusion_proof", list)
        ]
    except (binascii.Error, ValueError, TypeError):
        raise BundleError("leaf data or proof is not base64") from None
    try:
        if canonical_json(bundle.get("record")) != data:
            raise BundleError("the record shown is not the record that was hashed")
    except CanonicalError as exc:
        raise BundleError(f"the record shown is not canonical JSON: {exc}") from None
    record = bundle["record"]
    if not isinstance(record, dict) or record.get("id") != record_id:
        raise BundleError(f"the record's id is not {record_id!r}")
    try:
        signed = open_checkpoint(_field(bundle, "checkpoint", str), log_key)
    except CheckpointError as exc:
        raise BundleError(f"checkpoint: {exc}") from None
    if signed.checkpoint.size != size:
        raise BundleError(f"bundle says tree size {size}, its checkpoint {signed.checkpoint.size}")
    if bundle.get("origin") != signed.checkpoint.origin:
        raise BundleError("bundle origin differs from its checkpoint's origin")
    try:
        verify_inclusion(leaf_hash(data), index, size, proof, signed.checkpoint.root_hash)
    except ProofError as exc:
        raise BundleError(f"inclusion proof: {exc}") from None
    cosigners = []
    for witness in witnesses:
        try:
            verify_cosignature(signed.note, witness)
            cosigners.append(witness.name)
        except NoteError:
            continue
    if len(cosigners) < min_cosignatures:
        raise BundleError(
            f"{len(cosigners)} valid cosignatures from trusted witnesses, {min_cosignatures} needed"
        )
    return BundleReport(record_id, index, signed.checkpoint.origin, size, cosigners)
