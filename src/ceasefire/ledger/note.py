"""C2SP signed notes (c2sp.org/signed-note) with Ed25519 keys.

A note is UTF-8 text ending in a newline, a blank line, then one signature line
per signer::

    — <key name> base64(4-byte key ID || signature)

The key ID is ``SHA-256(name || "\\n" || type || public key)[:4]``; type 0x01
is a plain Ed25519 signature over the text, type 0x04 a timestamped Ed25519
cosignature (c2sp.org/tlog-cosignature, see `ceasefire.ledger.checkpoint`).
Keys travel as text, as Go's ``sumdb/note`` writes them, so any C2SP tool can
read them:

- verifier key: ``<name>+<hex key ID>+<base64(type || public key)>``
- signer key:   ``PRIVATE+KEY+<name>+<hex key ID>+<base64(type || seed)>``
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from ceasefire.domain.errors import VerificationFailedError

ALG_ED25519 = 0x01
ALG_COSIGNATURE_V1 = 0x04
_DASH = "\u2014 "
MAX_SIGNATURES = 100


class NoteError(VerificationFailedError):
    """A note or key is malformed, or a signature does not verify.

    Both are a failed check of signed evidence; where the bad key is the user's own input (a
    key file on the command line) the caller reports it as invalid input instead.
    """


def key_id(name: str, alg: int, public_key: bytes) -> bytes:
    """The 4-byte key ID that tells a verifier which signature line is its own."""
    return hashlib.sha256(name.encode() + b"\n" + bytes([alg]) + public_key).digest()[:4]


def _check_name(name: str) -> None:
    if not name or "+" in name or any(c.isspace() for c in name):
        raise NoteError(f"key name {name!r} must be non-empty, without spaces or '+'")


def _b64decode(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise NoteError(f"{what} is not valid base64") from None


@dataclass(frozen=True)
class Verifier:
    """A named public key able to check its own signature lines."""

    name: str
    alg: int
    public_key: bytes

    @property
    def key_id(self) -> bytes:
        """4-byte key ID of this key."""
        return key_id(self.name, self.alg, self.public_key)

    @classmethod
    def from_vkey(cls, vkey: str) -> Verifier:
        """Parse ``name+hash+base64``; the hash must match the key, or the key is refused."""
        parts = vkey.strip().split("+", 2)  # base64 may itself hold "+"
        if len(parts) != 3:
            raise NoteError("verifier key must look like name+hexkeyid+base64key")
        name, hex_id, b64 = parts
        _check_name(name)
        raw = _b64decode(b64, "verifier key")
        if len(raw) != 33 or raw[0] not in (ALG_ED25519, ALG_COSIGNATURE_V1):
            raise NoteError("verifier key is not an Ed25519 (0x01) or cosignature (0x04) key")
        verifier = cls(name, raw[0], raw[1:])
        if verifier.key_id.hex() != hex_id.lower() or len(hex_id) != 8:
            raise NoteError(f"verifier key ID {hex_id} does not match the key of {name}")
        return verifier

    def vkey(self) -> str:
        """Text form of this verifier key."""
        b64 = base64.b64encode(bytes([self.alg]) + self.public_key).decode()
        return f"{self.name}+{self.key_id.hex()}+{b64}"

    def verify_raw(self, signature: bytes, message: bytes) -> bool:
        """True if `signature` is this key's Ed25519 signature of `message`."""
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, message)
        except InvalidSignature:
            return False
        return True


@dataclass(frozen=True, eq=False)
class Signer:
    """A named Ed25519 private key (the log's, or a witness's with alg 0x04).

    The seed is the whole secret, and a signer ends up in tracebacks, debug logs
    and error reports; so `repr` and `str` name the key by its public ID only,
    and equality compares seeds in constant time rather than field by field.
    """

    name: str
    alg: int
    seed: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if len(self.seed) != 32:  # checked here so that repr (which derives the key ID) cannot fail
            raise NoteError(f"an Ed25519 seed has 32 bytes, not {len(self.seed)}")

    def __repr__(self) -> str:
        return f"Signer(name={self.name!r}, alg=0x{self.alg:02x}, key_id={self.key_id_hex()})"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Signer):
            return NotImplemented
        same_seed = hmac.compare_digest(self.seed, other.seed)
        return same_seed and (self.name, self.alg) == (other.name, other.alg)

    def __hash__(self) -> int:
        return hash((self.name, self.alg))  # equal signers share these; the seed stays out

    def key_id_hex(self) -> str:
        """Public key ID in hex: names the key in messages without revealing it."""
        return self.verifier().key_id.hex()

    @classmethod
    def generate(cls, name: str, alg: int = ALG_ED25519) -> Signer:
        """A fresh random key."""
        _check_name(name)
        seed = Ed25519PrivateKey.generate().private_bytes_raw()
        return cls(name, alg, seed)

    @classmethod
    def from_skey(cls, skey: str) -> Signer:
        """Parse ``PRIVATE+KEY+name+hash+base64`` and check the hash against the key."""
        parts = skey.strip().split("+", 4)
        if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"]:
            raise NoteError("signer key must look like PRIVATE+KEY+name+hexkeyid+base64key")
        name, hex_id, b64 = parts[2:]
        _check_name(name)
        raw = _b64decode(b64, "signer key")
        if len(raw) != 33 or raw[0] not in (ALG_ED25519, ALG_COSIGNATURE_V1):
            raise NoteError("signer key is not an Ed25519 (0x01) or cosignature (0x04) key")
        signer = cls(name, raw[0], raw[1:])
        if signer.verifier().key_id.hex() != hex_id.lower():
            raise NoteError(f"signer key ID {hex_id} does not match the key of {name}")
        return signer

    def skey(self) -> str:
        """Text form of this private key (keep it secret)."""
        b64 = base64.b64encode(bytes([self.alg]) + self.seed).decode()
        return f"PRIVATE+KEY+{self.name}+{self.key_id_hex()}+{b64}"

    def verifier(self) -> Verifier:
        """The matching public key."""
        public = (
            Ed25519PrivateKey.from_private_bytes(self.seed)
            .public_key()
            .public_bytes(Encoding.Raw, PublicFormat.Raw)
        )
        return Verifier(self.name, self.alg, public)

    def sign_raw(self, message: bytes) -> bytes:
        """Ed25519 signature of `message`."""
        return Ed25519PrivateKey.from_private_bytes(self.seed).sign(message)


@dataclass(frozen=True)
class Signature:
    """One parsed signature line."""

    name: str
    key_id: bytes
    signature: bytes

    def line(self) -> str:
        """The line as it appears in a note, without the newline."""
        return f"{_DASH}{self.name} {base64.b64encode(self.key_id + self.signature).decode()}"

    @classmethod
    def from_line(cls, line: str) -> Signature:
        """Parse ``— name base64``."""
        if not line.startswith(_DASH):
            raise NoteError(f"signature line does not start with an em dash: {line[:40]!r}")
        fields = line[len(_DASH) :].split(" ")
        if len(fields) != 2:
            raise NoteError(f"malformed signature line: {line[:60]!r}")
        name, b64 = fields
        _check_name(name)
        raw = _b64decode(b64, f"signature of {name}")
        if len(raw) < 5:
            raise NoteError(f"signature of {name} is too short")
        return cls(name, raw[:4], raw[4:])


@dataclass(frozen=True)
class Note:
    """A note's signed text and its signature lines (verified or not)."""

    text: str
    signatures: tuple[Signature, ...]

    def format(self) -> str:
        """Serialise as text, blank line, signature lines."""
        return self.text + "\n" + "".join(s.line() + "\n" for s in self.signatures)

    def with_signature(self, sig: Signature) -> Note:
        """The same note with one more signature line (a duplicate key is replaced)."""
        kept = tuple(s for s in self.signatures if (s.name, s.key_id) != (sig.name, sig.key_id))
        return Note(self.text, (*kept, sig))

    def find(self, verifier: Verifier) -> Signature | None:
        """The signature line made with `verifier`'s key, if any."""
        for sig in self.signatures:
            if sig.name == verifier.name and sig.key_id == verifier.key_id:
                return sig
        return None


def check_text(text: str) -> None:
    """A note text must be non-empty, end in a newline and hold no blank line or control char."""
    if not text.endswith("\n"):
        raise NoteError("note text must end with a newline")
    if "\n\n" in text or text.startswith("\n"):
        raise NoteError("note text must not contain a blank line")
    if any(ord(c) < 0x20 and c != "\n" for c in text):
        raise NoteError("note text must not contain control characters")


def parse_note(note: str) -> Note:
    """Split a signed note into text and signature lines; syntax only, nothing verified."""
    if len(note) > 1_000_000:
        raise NoteError("note is larger than 1 MB")
    if not note.endswith("\n"):
        raise NoteError("signed note must end with a newline")
    cut = note.rfind("\n\n")
    if cut < 0:
        raise NoteError("signed note has no blank line before its signatures")
    text = note[: cut + 1]
    check_text(text)
    lines = note[cut + 2 :].split("\n")[:-1]
    if not lines:
        raise NoteError("signed note has no signature")
    if len(lines) > MAX_SIGNATURES:
        raise NoteError(f"signed note has more than {MAX_SIGNATURES} signatures")
    return Note(text, tuple(Signature.from_line(line) for line in lines))


def sign_note(text: str, signer: Signer) -> Note:
    """Sign `text` with an Ed25519 (0x01) key."""
    if signer.alg != ALG_ED25519:
        raise NoteError("only an Ed25519 (0x01) key signs a note directly")
    check_text(text)
    sig = signer.sign_raw(text.encode())
    return Note(text, (Signature(signer.name, signer.verifier().key_id, sig),))


def verify_note(note: Note, verifier: Verifier) -> None:
    """Raise NoteError unless `note` carries a valid Ed25519 signature by `verifier`."""
    if verifier.alg != ALG_ED25519:
        raise NoteError("verify_note takes an Ed25519 (0x01) key")
    sig = note.find(verifier)
    if sig is None:
        raise NoteError(f"note is not signed by {verifier.name} (key {verifier.key_id.hex()})")
    if not verifier.verify_raw(sig.signature, note.text.encode()):
        raise NoteError(f"signature by {verifier.name} does not verify")
