"""Checkpoints (c2sp.org/tlog-checkpoint) and witness cosignatures (c2sp.org/tlog-cosignature).

A checkpoint body is three lines — origin, decimal tree size, base64 root
hash — optionally followed by extension lines; it is the text of a signed note
signed by the log's key. A witness adds a cosignature line to the same note: a
timestamped Ed25519 signature (key type 0x04) over::

    cosignature/v1
    time <unix seconds>
    <the whole checkpoint body>

and the signature bytes are ``key ID (4) || timestamp (8, big-endian) || sig (64)``.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from ceasefire.domain.errors import VerificationFailedError
from ceasefire.ledger.merkle import HASH_SIZE
from ceasefire.ledger.note import (
    ALG_COSIGNATURE_V1,
    Note,
    NoteError,
    Signature,
    Signer,
    Verifier,
    check_text,
    parse_note,
    sign_note,
    verify_note,
)


class CheckpointError(VerificationFailedError):
    """A checkpoint is malformed, unsigned, or signed by the wrong key."""


@dataclass(frozen=True)
class Checkpoint:
    """A tree head: which log (origin), how many entries, and their Merkle root."""

    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = ()

    def body(self) -> str:
        """The checkpoint text that gets signed."""
        lines = [self.origin, str(self.size), base64.b64encode(self.root_hash).decode()]
        return "".join(line + "\n" for line in (*lines, *self.extensions))

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        """Parse a checkpoint body, refusing anything a strict C2SP parser would."""
        try:
            check_text(text)
        except NoteError as exc:
            raise CheckpointError(f"checkpoint body: {exc}") from None
        lines = text.split("\n")[:-1]
        if len(lines) < 3:
            raise CheckpointError("checkpoint needs origin, size and root hash lines")
        origin, size_text, root_text, *ext = lines
        if not origin:
            raise CheckpointError("checkpoint origin line is empty")
        if not size_text.isdigit() or (size_text != "0" and size_text.startswith("0")):
            raise CheckpointError(f"checkpoint size {size_text!r} is not a decimal without zeros")
        try:
            root_hash = base64.b64decode(root_text, validate=True)
        except (binascii.Error, ValueError):
            raise CheckpointError("checkpoint root hash is not base64") from None
        if len(root_hash) != HASH_SIZE:
            raise CheckpointError(f"checkpoint root hash has {len(root_hash)} bytes, not 32")
        return cls(origin, int(size_text), root_hash, tuple(ext))


@dataclass(frozen=True)
class SignedCheckpoint:
    """A checkpoint together with the signed note that carries it."""

    checkpoint: Checkpoint
    note: Note

    def format(self) -> str:
        """The signed note text: body, blank line, signature and cosignature lines."""
        return self.note.format()


def sign_checkpoint(checkpoint: Checkpoint, signer: Signer) -> SignedCheckpoint:
    """The log signs its tree head."""
    return SignedCheckpoint(checkpoint, sign_note(checkpoint.body(), signer))


def open_checkpoint(
    note_text: str, log_key: Verifier, origin: str | None = None
) -> SignedCheckpoint:
    """Parse and verify a signed checkpoint; the origin must match when given."""
    try:
        note = parse_note(note_text)
        verify_note(note, log_key)
    except NoteError as exc:
        raise CheckpointError(f"checkpoint note: {exc}") from None
    checkpoint = Checkpoint.parse(note.text)
    if origin is not None and checkpoint.origin != origin:
        raise CheckpointError(f"checkpoint is for origin {checkpoint.origin!r}, not {origin!r}")
    return SignedCheckpoint(checkpoint, note)


def _cosigned_message(body: str, timestamp: int) -> bytes:
    return f"cosignature/v1\ntime {timestamp}\n{body}".encode()


def cosign(body: str, witness: Signer, timestamp: int) -> Signature:
    """A witness's cosignature of a checkpoint body it has verified as consistent."""
    if witness.alg != ALG_COSIGNATURE_V1:
        raise NoteError("a cosignature needs a cosignature/v1 (0x04) key")
    if not 0 <= timestamp < 2**63:
        raise NoteError("cosignature timestamp out of range")
    sig = witness.sign_raw(_cosigned_message(body, timestamp))
    return Signature(witness.name, witness.verifier().key_id, timestamp.to_bytes(8, "big") + sig)


def verify_cosignature(note: Note, witness: Verifier) -> int:
    """Check `witness`'s cosignature on `note`; return its timestamp, raise if absent or bad."""
    if witness.alg != ALG_COSIGNATURE_V1:
        raise NoteError("witness keys are cosignature/v1 (0x04) keys")
    sig = note.find(witness)
    if sig is None:
        raise NoteError(f"no cosignature by witness {witness.name}")
    if len(sig.signature) != 8 + 64:
        raise NoteError(f"cosignature by {witness.name} has the wrong length")
    timestamp = int.from_bytes(sig.signature[:8], "big")
    if timestamp >= 2**63:
        raise NoteError(f"cosignature by {witness.name} has an out-of-range timestamp")
    if not witness.verify_raw(sig.signature[8:], _cosigned_message(note.text, timestamp)):
        raise NoteError(f"cosignature by {witness.name} does not verify")
    return timestamp
