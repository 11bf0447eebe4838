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
    ALG_ED25519,
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


def _secret_spellings(signer: Signer) -> list[str]:
    """Every way the seed could show up in text: raw bytes repr, hex, base64, the skey."""
    seed = signer.seed
    typed = bytes([signer.alg]) + seed
    spellings = [
        repr(seed)[2:-1],  # the body of b'...', as a dataclass repr would print it
        seed.hex(),
        seed.hex().upper(),
        base64.b64encode(seed).decode(),
        base64.urlsafe_b64encode(seed).decode(),
        base64.b64encode(typed).decode(),
        signer.skey(),
        str(list(seed)),
    ]
    # Inside a longer blob base64 depends on the seed's alignment (offset mod 3); characters
    # 4..40 encode seed bytes only, whatever came before, so test each alignment's middle.
    for offset in range(3):
        spellings.append(base64.b64encode(bytes(offset) + seed).decode()[4:40])
    return spellings


def _leaks(text: str, signer: Signer) -> list[str]:
    return [s for s in _secret_spellings(signer) if s in text]


@pytest.mark.parametrize("alg", [ALG_ED25519, ALG_COSIGNATURE_V1])
def test_signer_text_forms_name_the_key_but_never_the_seed(alg: int) -> None:
    signer = Signer.generate("log.example/a", alg)
    key_id_hex = signer.verifier().key_id.hex()
    for text in (repr(signer), str(signer), f"{signer}", f"{signer!r}", repr([signer])):
        assert "log.example/a" in text, text
        assert key_id_hex in text, text
        assert _leaks(text, signer) == [], text


def test_signer_in_a_traceback_or_log_line_does_not_leak_the_seed(
    caplog: pytest.LogCaptureFixture,
) -> None:
    import logging
    import traceback

    signer = Signer.generate("log.example/a")

    def fail_while_holding(key: Signer) -> None:
        raise RuntimeError(f"could not sign with {key}")

    try:
        fail_while_holding(signer)
    except RuntimeError as exc:
        # capture_locals prints every frame's locals with repr, as rich and sentry do
        frames = traceback.TracebackException.from_exception(exc, capture_locals=True)
        formatted = "".join(frames.format())
    assert "signer = Signer(name='log.example/a'" in formatted  # the locals really were printed
    assert _leaks(formatted, signer) == []

    with caplog.at_level(logging.DEBUG):
        logging.getLogger("ceasefire.test").debug("key %s / %r / %s", signer, signer, [signer])
    assert caplog.text.count("log.example/a") == 3
    assert _leaks(caplog.text, signer) == []


def test_signer_equality_is_by_key_and_hash_ignores_the_seed() -> None:
    a = Signer.generate("log.example/a")
    same = Signer.from_skey(a.skey())
    other = Signer.generate("log.example/a")
    assert a == same
    assert hash(a) == hash(same)
    assert a != other
    assert a != Signer(a.name, ALG_COSIGNATURE_V1, a.seed)
    with pytest.raises(NoteError, match="32 bytes"):
        Signer("log.example/a", ALG_ED25519, b"short")


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
