"""C2SP signed notes, checkpoints and cosignatures."""

import base64

import pytest

from ceasefire.ledger.checkpoint import (
    Checkpoint,
    CheckpointError,
    cosign,
    open_checkpoint,
    sign_checkpoint,
    verify_cosignature,
)
from ceasefire.ledger.note import (
    ALG_COSIGNATURE_V1,
    NoteError,
    Signer,
    Verifier,
    key_id,
    parse_note,
    sign_note,
    verify_note,
)

# Test vector from the signed-note specification's reference implementation.
VECTOR_VKEY = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"
VECTOR_NOTE = (
    "This is an example message.\n\n"
    "\u2014 example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERY"
    "NZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n"
)


def test_reference_note_verifies() -> None:
    verifier = Verifier.from_vkey(VECTOR_VKEY)
    assert verifier.key_id.hex() == "530d903a"
    note = parse_note(VECTOR_NOTE)
    verify_note(note, verifier)
    assert note.text == "This is an example message.\n"
    tampered = parse_note(VECTOR_NOTE.replace("example message", "example massage"))
    with pytest.raises(NoteError, match="does not verify"):
        verify_note(tampered, verifier)


def test_keys_round_trip_and_hash_is_checked() -> None:
    for _ in range(50):  # base64 of some keys contains '+', the vkey separator
        signer = Signer.generate("log.example/a")
        assert Signer.from_skey(signer.skey()) == signer
        assert Verifier.from_vkey(signer.verifier().vkey()) == signer.verifier()
    vkey = Signer.generate("log.example/a").verifier().vkey()
    name, _, rest = vkey.split("+", 2)
    with pytest.raises(NoteError, match="does not match"):
        Verifier.from_vkey(f"{name}+00000000+{rest}")
    with pytest.raises(NoteError, match="name"):
        Signer.generate("has space")


def test_key_id_is_sha256_of_name_newline_type_key() -> None:
    import hashlib

    v = Signer.generate("w.example", ALG_COSIGNATURE_V1).verifier()
    expected = hashlib.sha256(b"w.example\n\x04" + v.public_key).digest()[:4]
    assert key_id(v.name, v.alg, v.public_key) == expected == v.key_id


def test_note_syntax_is_strict() -> None:
    signer = Signer.generate("log.example")
    with pytest.raises(NoteError, match="newline"):
        sign_note("no newline", signer)
    with pytest.raises(NoteError, match="blank line"):
        sign_note("a\n\nb\n", signer)
    with pytest.raises(NoteError, match="no signature"):
        parse_note("text\n\n")
    with pytest.raises(NoteError, match="em dash"):
        parse_note("text\n\n- log.example AAAA\n")


def test_checkpoint_format_and_parse() -> None:
    cp = Checkpoint("ceasefire.example/ledger", 20852163, bytes(range(32)))
    body = cp.body()
    assert body == (
        "ceasefire.example/ledger\n20852163\n" + base64.b64encode(bytes(range(32))).decode() + "\n"
    )
    assert Checkpoint.parse(body) == cp
    with pytest.raises(CheckpointError, match="zeros"):
        Checkpoint.parse(body.replace("20852163", "020852163"))
    with pytest.raises(CheckpointError, match="32"):
        Checkpoint.parse("o\n1\nAAAA\n")


def test_checkpoint_signature_binds_every_byte() -> None:
    log = Signer.generate("ceasefire.example/ledger")
    signed = sign_checkpoint(Checkpoint("ceasefire.example/ledger", 5, bytes(32)), log)
    text = signed.format()
    assert open_checkpoint(text, log.verifier()).checkpoint.size == 5
    with pytest.raises(CheckpointError):
        open_checkpoint(text.replace("\n5\n", "\n7\n"), log.verifier())
    with pytest.raises(CheckpointError, match="origin"):
        open_checkpoint(text, log.verifier(), origin="other.example/log")
    with pytest.raises(CheckpointError, match="not signed by"):
        open_checkpoint(text, Signer.generate("ceasefire.example/ledger").verifier())


def test_cosignature_v1() -> None:
    log = Signer.generate("ceasefire.example/ledger")
    witness = Signer.generate("witness.example/w1", ALG_COSIGNATURE_V1)
    signed = sign_checkpoint(Checkpoint("ceasefire.example/ledger", 5, bytes(32)), log)
    sig = cosign(signed.note.text, witness, 1679315147)
    assert sig.key_id == witness.verifier().key_id
    assert sig.signature[:8] == (1679315147).to_bytes(8, "big")
    message = b"cosignature/v1\ntime 1679315147\n" + signed.note.text.encode()
    assert witness.verifier().verify_raw(sig.signature[8:], message)
    note = signed.note.with_signature(sig)
    reparsed = parse_note(note.format())
    assert verify_cosignature(reparsed, witness.verifier()) == 1679315147
    verify_note(reparsed, log.verifier())  # the log's signature still stands
    forged = sig.signature[:7] + b"\x01" + sig.signature[8:]  # change the timestamp
    bad = signed.note.with_signature(type(sig)(sig.name, sig.key_id, forged))
    with pytest.raises(NoteError, match="does not verify"):
        verify_cosignature(bad, witness.verifier())
    with pytest.raises(NoteError, match="0x04"):
        cosign(signed.note.text, log, 1)
