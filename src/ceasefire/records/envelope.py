"""The envelope every record travels in, and dispatch to the codec of its kind and version.

Envelope (RFC 8785 canonical JSON, UTF-8; these exact bytes are the ledger leaf and the store's
copy)::

    {"id": "<kind>/<record id>/<digest>", "kind": "<kind>", "schema": <n>, "<kind>": {body}}

`digest` is the first 16 hex digits of SHA-256 over the canonical JSON of
``[kind, schema, body]``. The ledger id therefore names the record *and* its content: the same
record logged twice is one entry (the ledger is idempotent), and a corrected record under the
same id is a second entry beside the first, never a rewrite.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ceasefire.domain import (
    AuditEntry,
    Finding,
    Incident,
    Message,
    Observation,
    RecordKind,
    RecordRef,
    Report,
    ResponseClock,
    Transition,
)
from ceasefire.domain.commitment import CommitmentChange
from ceasefire.domain.errors import InvalidInputError, Problem
from ceasefire.domain.intent_record import IntentRecord
from ceasefire.ledger.canonical import CanonicalError, canonical_json
from ceasefire.records import v1, v2, v3, v4, v5

Record = (
    Observation | Finding | Incident | Transition | Report | AuditEntry | ResponseClock | Message
    | IntentRecord | CommitmentChange
)


class RecordFormatError(InvalidInputError):
    """A record cannot be encoded (a value JSON cannot carry exactly) or bytes are no record."""


@dataclass(frozen=True, slots=True)
class Codec:
    """How one version of one kind is written and read."""

    dump: Callable[[Any], dict[str, Any]]
    load: Callable[[dict[str, Any]], Any]


#: Every (kind, schema) ever released. Add versions; never edit or remove one.
CODECS: dict[tuple[RecordKind, int], Codec] = {
    (RecordKind.OBSERVATION, 1): Codec(v1.dump_observation, v1.load_observation),
    (RecordKind.FINDING, 1): Codec(v1.dump_finding, v1.load_finding),
    (RecordKind.INCIDENT, 1): Codec(v1.dump_incident, v1.load_incident),
    (RecordKind.TRANSITION, 1): Codec(v1.dump_transition, v1.load_transition),
    (RecordKind.REPORT, 1): Codec(v1.dump_report, v1.load_report),
    (RecordKind.AUDIT, 1): Codec(v1.dump_audit, v1.load_audit),
    (RecordKind.INCIDENT, 2): Codec(v2.dump_incident, v2.load_incident),
    (RecordKind.TRANSITION, 2): Codec(v2.dump_transition, v2.load_transition),
    (RecordKind.CLOCK, 1): Codec(v2.dump_clock, v2.load_clock),
    (RecordKind.MESSAGE, 1): Codec(v3.dump_message, v3.load_message),
    (RecordKind.INTENT, 1): Codec(v4.dump_intent, v4.load_intent),
    (RecordKind.COMMITMENT, 1): Codec(v5.dump_commitment, v5.load_commitment),
}

#: The version new records are written in.
CURRENT_SCHEMA: dict[RecordKind, int] = {
    RecordKind.OBSERVATION: 1,
    RecordKind.FINDING: 1,
    RecordKind.INCIDENT: 2,
    RecordKind.TRANSITION: 2,
    RecordKind.REPORT: 1,
    RecordKind.AUDIT: 1,
    RecordKind.CLOCK: 1,
    RecordKind.MESSAGE: 1,
    RecordKind.INTENT: 1,
    RecordKind.COMMITMENT: 1,
}

_KIND_OF_TYPE: dict[type, RecordKind] = {
    Observation: RecordKind.OBSERVATION,
    Finding: RecordKind.FINDING,
    Incident: RecordKind.INCIDENT,
    Transition: RecordKind.TRANSITION,
    Report: RecordKind.REPORT,
    AuditEntry: RecordKind.AUDIT,
    ResponseClock: RecordKind.CLOCK,
    Message: RecordKind.MESSAGE,
    IntentRecord: RecordKind.INTENT,
    CommitmentChange: RecordKind.COMMITMENT,
}


@dataclass(frozen=True, slots=True)
class EncodedRecord:
    """A record in its stored and logged form."""

    ref: RecordRef
    ledger_id: str
    """The id of the record's ledger entry: ``kind/id/digest``."""
    schema: int
    data: bytes
    """Canonical JSON of the envelope: the ledger leaf, and the store's copy, byte for byte."""


def ref_of(record: Record) -> RecordRef:
    """Kind and id of a domain record."""
    return RecordRef(_KIND_OF_TYPE[type(record)], record.id)


def encode(record: Record, schema: int | None = None) -> EncodedRecord:
    """The envelope bytes of a record, in `schema` (default: the kind's current version)."""
    ref = ref_of(record)
    version = CURRENT_SCHEMA[ref.kind] if schema is None else schema
    codec = _codec(ref.kind, version, str(ref))
    try:
        body = canonical_json(codec.dump(record))
    except (CanonicalError, ValueError) as exc:
        raise RecordFormatError(f"{ref}: cannot be recorded exactly: {exc}") from None
    kind = str(ref.kind)
    # Both documents are assembled around the body's canonical bytes, exactly as RFC 8785 would
    # write them (ASCII member names sort as UTF-16 does); the body is serialised once, not twice.
    digest = hashlib.sha256(b"[%s,%d,%s]" % (_text(kind), version, body)).hexdigest()[:16]
    ledger_id = f"{ref}/{digest}"
    members = {"id": _text(ledger_id), "kind": _text(kind), "schema": b"%d" % version, kind: body}
    data = b"{" + b",".join(_text(k) + b":" + members[k] for k in sorted(members)) + b"}"
    return EncodedRecord(ref, ledger_id, version, data)


def encode_many(records: Iterable[Record]) -> list[EncodedRecord]:
    """Encode a batch; every record that cannot be encoded is named in one error, whose
    problems point at each record (``kind/id``) so a caller can set them aside and retry."""
    out: list[EncodedRecord] = []
    problems: list[Problem] = []
    for record in records:
        try:
            out.append(encode(record))
        except RecordFormatError as exc:
            problems.append(Problem("record", exc.detail, pointer=str(ref_of(record))))
    if problems:
        more = f" (and {len(problems) - 10} more)" if len(problems) > 10 else ""
        detail = "; ".join(p.reason for p in problems[:10]) + more
        raise RecordFormatError(detail, problems)
    return out


def decode(data: bytes) -> Record:
    """The domain record in envelope bytes, read with the codec of the version it was written in."""
    try:
        envelope = json.loads(data)
        kind = RecordKind(envelope["kind"])
        schema = envelope["schema"]
        body = envelope[str(kind)]
    except (ValueError, KeyError, TypeError) as exc:
        raise RecordFormatError(f"not a record envelope: {exc}") from None
    if not isinstance(schema, int):
        raise RecordFormatError(f"{envelope.get('id')}: schema {schema!r} is not a version number")
    codec = _codec(kind, schema, str(envelope.get("id")))
    try:
        value: Record = codec.load(body)
    except (ValueError, KeyError, TypeError) as exc:
        raise RecordFormatError(
            f"{envelope.get('id')}: not a valid {kind} v{schema}: {exc}"
        ) from None
    return value


def _text(value: str) -> bytes:
    return canonical_json(value)


def _codec(kind: RecordKind, schema: int, who: str) -> Codec:
    codec = CODECS.get((kind, schema))
    if codec is None:
        known = sorted(v for k, v in CODECS if k is kind)
        raise RecordFormatError(f"{who}: no {kind} schema version {schema} (known: {known})")
    return codec
