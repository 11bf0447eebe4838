"""Witness logic: cosign a new checkpoint only if it is consistent with the last one seen.

Each party runs its own witness, with its own key and its own state (the
last checkpoint it cosigned). A log that shows one party a history and another
party a different one, or rewrites its past, cannot get both witnesses to
cosign: the second view fails the consistency check against what the witness
saw before, and the witness keeps both signed checkpoints as evidence.

The exchange follows C2SP tlog-witness: the log (or anyone relaying for it)
sends an *add-checkpoint request*::

    old <size the witness is believed to hold>
    <base64 consistency proof hash, one per line>
    <blank line>
    <signed checkpoint note>

and gets back a cosignature line. Here the request travels as a file or is
built straight from a log database (`LedgerSource`); an HTTP transport only has
to carry the same text.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any, Protocol

from ceasefire.domain.errors import (
    ConflictError,
    ForkDetectedError,
    InvalidInputError,
    VerificationFailedError,
)
from ceasefire.ledger.checkpoint import (
    CheckpointError,
    SignedCheckpoint,
    cosign,
    open_checkpoint,
)
from ceasefire.ledger.log import Ledger
from ceasefire.ledger.merkle import ProofError, verify_consistency
from ceasefire.ledger.note import Signature, Signer, Verifier


class WitnessError(InvalidInputError):
    """A request the witness cannot act on (malformed, or not signed by the log)."""


class SizeConflictError(ConflictError, WitnessError):
    """The request assumed another old size (tlog-witness 409); retry from `witness_size`."""

    def __init__(self, witness_size: int, request_size: int) -> None:
        super().__init__(
            f"witness holds a checkpoint of size {witness_size}, request assumed {request_size}"
        )
        self.witness_size = witness_size


class EvidenceError(VerificationFailedError, WitnessError):
    """Fork evidence that proves nothing: not signed by the given log key, or no fork in it."""


class ForkDetected(ForkDetectedError):  # noqa: N818 -- it is an alarm, not an error of ours
    """The log presented a view that contradicts a checkpoint it signed before."""

    def __init__(
        self,
        kind: str,
        reason: str,
        ours: SignedCheckpoint,
        theirs: SignedCheckpoint,
        proof: tuple[bytes, ...],
    ) -> None:
        super().__init__(f"{kind}: {reason}")
        self.kind = kind
        self.reason = reason
        self.ours = ours
        self.theirs = theirs
        self.proof = proof

    def evidence(self) -> dict[str, Any]:
        """Both signed checkpoints and the offered proof, for anyone to re-check offline."""
        return {
            "format": "ceasefire-fork-evidence/v1",
            "kind": self.kind,
            "reason": self.reason,
            "origin": self.ours.checkpoint.origin,
            "previously_cosigned_checkpoint": self.ours.format(),
            "conflicting_checkpoint": self.theirs.format(),
            "consistency_proof": [base64.b64encode(p).decode() for p in self.proof],
        }


def check_evidence(evidence: dict[str, Any], log_key: Verifier) -> str:
    """Re-check fork evidence offline; return what it proves, raise EvidenceError if nothing.

    Two checkpoints signed by the log's key for the same size with different
    roots prove a split view outright. Otherwise the evidence proves the log
    signed both tree heads and that the proof it offered does not link them;
    the log can only answer by producing a valid consistency proof, which a
    forked log cannot.
    """
    if evidence.get("format") != "ceasefire-fork-evidence/v1":
        raise WitnessError("not a ceasefire fork evidence file")
    try:
        first = open_checkpoint(evidence["previously_cosigned_checkpoint"], log_key)
        second = open_checkpoint(evidence["conflicting_checkpoint"], log_key)
        proof = [base64.b64decode(p, validate=True) for p in evidence["consistency_proof"]]
    except (KeyError, TypeError, binascii.Error, ValueError) as exc:
        raise EvidenceError(
            f"evidence does not hold two checkpoints signed by the log: {exc}"
        ) from None
    a, b = first.checkpoint, second.checkpoint
    if a.origin != b.origin:
        raise EvidenceError("the two checkpoints are for different logs")
    if a.size == b.size:
        if a.root_hash == b.root_hash:
            raise EvidenceError("the two checkpoints agree: no fork")
        return f"split view proven: two signed roots for tree size {a.size}"
    old, new = (a, b) if a.size < b.size else (b, a)
    try:
        verify_consistency(old.size, new.size, proof, old.root_hash, new.root_hash)
    except ProofError as exc:
        return (
            f"the log signed trees of {old.size} and {new.size} entries and the proof it gave "
            f"does not link them ({exc}); a consistency proof from the log is needed to refute it"
        )
    raise EvidenceError(
        "the offered consistency proof is valid: the checkpoints are consistent, no fork"
    )


@dataclass(frozen=True)
class AddCheckpointRequest:
    """A C2SP tlog-witness add-checkpoint request body."""

    old_size: int
    proof: tuple[bytes, ...]
    checkpoint: str

    def format(self) -> str:
        """Serialise as the request body text."""
        lines = [f"old {self.old_size}"] + [base64.b64encode(p).decode() for p in self.proof]
        return "\n".join(lines) + "\n\n" + self.checkpoint

    @classmethod
    def parse(cls, text: str) -> AddCheckpointRequest:
        """Parse a request body; every malformed part is named."""
        head, sep, note = text.partition("\n\n")
        if not sep:
            raise WitnessError("request has no blank line between proof and checkpoint")
        lines = head.split("\n")
        if not lines[0].startswith("old ") or not lines[0][4:].isdigit():
            raise WitnessError("request must start with 'old <size>'")
        proof = []
        for i, line in enumerate(lines[1:]):
            try:
                proof.append(base64.b64decode(line, validate=True))
            except (binascii.Error, ValueError):
                raise WitnessError(f"proof line {i + 1} is not base64") from None
        return cls(int(lines[0][4:]), tuple(proof), note)


class CheckpointSource(Protocol):
    """Where a witness fetches the newest checkpoint and a proof from its old size."""

    def add_checkpoint_request(self, old_size: int) -> AddCheckpointRequest:
        """The log's latest checkpoint with a consistency proof from `old_size`."""
        ...


class LedgerSource:
    """A `CheckpointSource` reading a log's storage directly (same machine, or a copy)."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger

    def add_checkpoint_request(self, old_size: int) -> AddCheckpointRequest:
        """Latest stored checkpoint; the proof is empty when the log is behind the witness."""
        self.ledger.refresh()  # the log may have grown since this reader opened it
        text = self.ledger.storage.checkpoint()
        if text is None:
            raise WitnessError("the log has no checkpoint yet")
        size = int(text.split("\n", 2)[1])
        proof: list[bytes] = []
        if old_size <= size:
            proof = self.ledger.consistency_proof(old_size, size)
        return AddCheckpointRequest(old_size, tuple(proof), text)


@dataclass(frozen=True)
class WitnessState:
    """What a witness remembers: which log it watches and the last checkpoint it cosigned."""

    origin: str
    log_key: str
    checkpoint: str | None = None

    def size(self) -> int:
        """Tree size of the last cosigned checkpoint (0 before the first)."""
        return 0 if self.checkpoint is None else self.opened().checkpoint.size

    def opened(self) -> SignedCheckpoint:
        """The last cosigned checkpoint, re-verified (the state file could be edited)."""
        if self.checkpoint is None:
            raise WitnessError("the witness has not seen a checkpoint yet")
        return open_checkpoint(self.checkpoint, Verifier.from_vkey(self.log_key), self.origin)

    def to_json(self) -> str:
        """State file content."""
        return json.dumps(
            {"origin": self.origin, "log_key": self.log_key, "checkpoint": self.checkpoint},
            indent=2,
        )

    @classmethod
    def from_json(cls, text: str) -> WitnessState:
        """Read a state file."""
        data = json.loads(text)
        return cls(data["origin"], data["log_key"], data.get("checkpoint"))


@dataclass(frozen=True)
class Cosigned:
    """The witness accepted the checkpoint: its cosignature and its new state."""

    state: WitnessState
    checkpoint: SignedCheckpoint
    cosignature: Signature

    def cosigned_note(self) -> str:
        """The checkpoint note with the witness's cosignature line added."""
        return self.checkpoint.note.with_signature(self.cosignature).format()


def add_checkpoint(
    state: WitnessState, request: AddCheckpointRequest, key: Signer, now: int
) -> Cosigned:
    """Verify `request` against `state`; cosign if consistent, raise ForkDetected if not.

    Raises WitnessError (and subclass SizeConflictError) for requests that are
    merely unusable; ForkDetected only when the log signed something that
    contradicts a checkpoint it signed before.
    """
    log_key = Verifier.from_vkey(state.log_key)
    try:
        theirs = open_checkpoint(request.checkpoint, log_key, state.origin)
    except CheckpointError as exc:
        raise WitnessError(f"checkpoint refused: {exc}") from None
    ours = None if state.checkpoint is None else state.opened()
    our_size = 0 if ours is None else ours.checkpoint.size
    new_size = theirs.checkpoint.size
    if request.old_size != our_size:
        raise SizeConflictError(our_size, request.old_size)
    if ours is not None:
        if new_size < our_size:
            raise ForkDetected(
                "rollback",
                f"the log's latest checkpoint has {new_size} entries, "
                f"but it signed {our_size} before",
                ours,
                theirs,
                request.proof,
            )
        try:
            verify_consistency(
                our_size,
                new_size,
                request.proof,
                ours.checkpoint.root_hash,
                theirs.checkpoint.root_hash,
            )
        except ProofError as exc:
            kind = "split view" if new_size == our_size else "inconsistent history"
            raise ForkDetected(kind, str(exc), ours, theirs, request.proof) from None
    elif request.proof:
        raise WitnessError("a first checkpoint takes no consistency proof")
    cosignature = cosign(theirs.note.text, key, now)
    new_state = WitnessState(state.origin, state.log_key, theirs.format())
    return Cosigned(new_state, theirs, cosignature)
