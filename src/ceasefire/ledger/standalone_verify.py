"""Independent evidence-bundle verifier: one file, Python standard library + `cryptography`.

A party that does not want to run (or trust) the ceasefire package copies this
file alone and runs::

    python standalone_verify.py BUNDLE.json LOG_VKEY [WITNESS_VKEY ...]

Each key is given as its text (name+hash+base64) or as the path of a file holding it.

It re-implements, without importing anything from ceasefire, the checks a
bundle needs: the signed-note signature of the checkpoint (c2sp.org/signed-note),
the checkpoint body (c2sp.org/tlog-checkpoint), the RFC 9162 §2.1.3.2
inclusion proof, and cosignature/v1 lines (c2sp.org/tlog-cosignature). It
reads the record from the hashed bytes themselves (``leaf_data``), so it needs
no canonical-JSON encoder, and refuses a bundle whose displayed ``record`` is
not the same JSON value as those bytes (a reader looks at ``record``). Exit
code 0 and a summary on success, 1 and the failed check otherwise, 2 when the
bundle or a key file cannot be read. The test suite runs it against the
package's own verifier on valid and tampered bundles.
"""

import base64
import hashlib
import json
import os
import sys
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

VKey = tuple[str, bytes, int, bytes]  # name, key ID, key type, public key


class Invalid(Exception):  # noqa: N818 -- kept short: this file is meant to be read
    """A check failed."""


def parse_vkey(vkey: str) -> VKey:
    """name+hexid+base64(type||key) -> (name, key_id, type, key)."""
    name, hex_id, b64 = vkey.strip().split("+", 2)
    raw = base64.b64decode(b64, validate=True)
    key_id = hashlib.sha256(name.encode() + b"\n" + raw).digest()[:4]
    if key_id.hex() != hex_id or len(raw) != 33:
        raise Invalid(f"verifier key for {name} is malformed")
    return name, key_id, raw[0], raw[1:]


def signature_by(note: str, vkey: VKey) -> tuple[str, bytes]:
    """(signed text, signature bytes after the key ID) of the line made by `vkey`."""
    name, key_id, _, _ = vkey
    cut = note.rfind("\n\n")
    if cut < 0:
        raise Invalid("checkpoint is not a signed note")
    text, lines = note[: cut + 1], note[cut + 2 :].split("\n")
    for line in lines:
        if line.startswith("\u2014 " + name + " "):
            raw = base64.b64decode(line.split(" ")[2], validate=True)
            if raw[:4] == key_id:
                return text, raw[4:]
    raise Invalid(f"no signature by {name}")


def ed25519_ok(public: bytes, signature: bytes, message: bytes) -> bool:
    """True if `signature` is a valid Ed25519 signature of `message`."""
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, message)
    except InvalidSignature:
        return False
    return True


def inclusion_root(leaf: bytes, index: int, size: int, proof: list[bytes]) -> bytes:
    """RFC 9162 §2.1.3.2 steps 1-4; returns the computed root."""
    if index >= size:
        raise Invalid("leaf index not below tree size")
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0 or len(p) != 32:
            raise Invalid("inclusion proof malformed or too long")
        if fn & 1 or fn == sn:
            r = hashlib.sha256(b"\x01" + p + r).digest()
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = hashlib.sha256(b"\x01" + r + p).digest()
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise Invalid("inclusion proof too short")
    return r


def same_json(a: Any, b: Any) -> bool:
    """True if two parsed JSON values are the same value. JSON numbers are doubles (RFC 8785),
    so 3 and 3.0 are one number; but true is no number and "3" no number, although Python's
    own == says True == 1."""
    numbers = (int, float)
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, numbers) and isinstance(b, numbers):
        if isinstance(a, int) and isinstance(b, int):
            return a == b
        return float(a) == float(b)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same_json(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same_json(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


def verify(
    bundle: dict[str, Any], log_vkey: str, witness_vkeys: list[str]
) -> tuple[dict[str, Any], str, int, list[str]]:
    """All checks; returns (record, origin, tree size, valid cosigners)."""
    log = parse_vkey(log_vkey)
    if log[2] != 0x01:
        raise Invalid("log key is not an Ed25519 note key")
    text, sig = signature_by(bundle["checkpoint"], log)
    if not ed25519_ok(log[3], sig, text.encode()):
        raise Invalid("checkpoint signature does not verify")
    origin, size_text, root_b64 = text.split("\n")[:3]
    size, root = int(size_text), base64.b64decode(root_b64, validate=True)
    if bundle["tree_size"] != size or bundle["origin"] != origin:
        raise Invalid("bundle's size or origin differs from its signed checkpoint")
    data = base64.b64decode(bundle["leaf_data"], validate=True)
    record: dict[str, Any] = json.loads(data)
    if not same_json(bundle.get("record"), record):
        raise Invalid("the record shown is not the record that was hashed")
    if record.get("id") != bundle["record_id"]:
        raise Invalid("hashed record has another id")
    proof = [base64.b64decode(p, validate=True) for p in bundle["inclusion_proof"]]
    leaf = hashlib.sha256(b"\x00" + data).digest()
    if inclusion_root(leaf, bundle["leaf_index"], size, proof) != root:
        raise Invalid("inclusion proof does not lead to the signed root")
    cosigners = []
    for vkey in witness_vkeys:
        witness = parse_vkey(vkey)
        try:
            _, raw = signature_by(bundle["checkpoint"], witness)
        except Invalid:
            continue
        stamp = int.from_bytes(raw[:8], "big")
        message = f"cosignature/v1\ntime {stamp}\n{text}".encode()
        if witness[2] == 0x04 and len(raw) == 72 and ed25519_ok(witness[3], raw[8:], message):
            cosigners.append(witness[0])
    return record, origin, size, cosigners


def key_text(value: str) -> str:
    """A key given as its text, or as the path of a file holding it (as the ceasefire CLI)."""
    if not os.path.isfile(value):
        return value
    with open(value, encoding="utf-8") as f:
        return f.read().strip()


def main(argv: list[str]) -> int:
    """Command line: bundle, log key, witness keys."""
    if len(argv) < 3:
        print(__doc__)
        return 2
    try:
        with open(argv[1], encoding="utf-8") as f:
            text = f.read()
        keys = [key_text(k) for k in argv[2:]]
    except (OSError, UnicodeDecodeError) as exc:
        print(f"cannot read: {exc}")
        return 2
    try:
        bundle = json.loads(text)
        if not isinstance(bundle, dict):
            raise Invalid("the bundle is not a JSON object")
        record, origin, size, cosigners = verify(bundle, keys[0], keys[1:])
    except (Invalid, KeyError, ValueError, TypeError, AttributeError, RecursionError) as exc:
        print(f"INVALID: {exc}")
        return 1
    print(
        f"valid: record {record['id']!r} is entry {bundle['leaf_index']} of {origin} "
        f"(signed tree of {size}); cosigned by {', '.join(cosigners) or 'none'}"
    )
    print(json.dumps(record, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
