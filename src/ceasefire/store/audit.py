"""Cross-check the store against the evidence ledger, record by record.

The ledger proves what was committed; the store is what assessments read. Verifying the ledger
alone proves nothing about the store: someone with write access to the database can change a
stored record (its bytes, or only the columns queries filter on) and every ledger check still
passes. So an audit re-derives, for every version the store holds:

- that its bytes are a well-formed record which re-encodes to exactly those bytes, under
  exactly its ledger id (the digest names the content);
- that the ledger holds an entry under that id with exactly those bytes;
- that the backend's query columns agree with the record (`Store.index_problems`);

and for every record entry in the ledger, that the store still holds it (the store keeps every
version, so nothing committed may be missing). Each disagreement is a `Problem` naming the
record; the audit never stops at the first.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ceasefire.domain import Observation, RecordKind
from ceasefire.domain.errors import Problem, VerificationFailedError
from ceasefire.ledger.log import Ledger
from ceasefire.records import RecordFormatError, decode, encode
from ceasefire.store.contract import Store, StoredRecord

SOURCE = "store"
_KINDS = frozenset(str(k) for k in RecordKind)


@dataclass
class AuditReport:
    """What an audit checked and every disagreement it found."""

    records: int = 0
    ledger_entries: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def record_problems(stored: StoredRecord, ledger: Ledger | None) -> list[str]:
    """Why this stored version cannot be trusted (empty when it can)."""
    try:
        value = decode(stored.data)
    except RecordFormatError as exc:
        return [f"stored bytes are not a readable record: {exc.detail}"]
    again = encode(value, stored.schema)
    problems = []
    if again.data != stored.data:
        problems.append("stored bytes are not what the record's format writes for its content")
    if again.ledger_id != stored.ledger_id:
        problems.append(f"ledger id {stored.ledger_id} does not name its content")
    if again.ref != stored.ref:
        problems.append(f"stored under {stored.ref} but the record is {again.ref}")
    if ledger is not None:
        index = ledger.storage.index_of(stored.ledger_id)
        entry = None if index is None else ledger.storage.entry(index)
        if entry is None:
            problems.append("not in the ledger: never committed, or written behind its back")
        elif entry.data != stored.data:
            problems.append(f"differs from what the ledger committed at index {index}")
    return problems


def audit(store: Store, progress: Callable[[int], None] | None = None) -> AuditReport:
    """Every stored version against the ledger, and every ledger record against the store."""
    ledger = store.ledger()
    report = AuditReport()
    held: set[str] = set()
    for stored in store.stored_records():
        report.records += 1
        held.add(stored.ledger_id)
        for reason in record_problems(stored, ledger):
            report.problems.append(Problem(SOURCE, reason, pointer=stored.ledger_id))
        if progress is not None and report.records % 10_000 == 0:
            progress(report.records)
    report.problems += store.index_problems()
    if ledger is not None:
        for index, record_id in _record_entries(ledger):
            report.ledger_entries += 1
            if record_id not in held:
                reason = f"committed at ledger index {index} but missing from the store"
                report.problems.append(Problem(SOURCE, reason, pointer=record_id))
    return report


def _record_entries(ledger: Ledger) -> Iterable[tuple[int, str]]:
    """(index, id) of the ledger entries that are store records (kind and schema set); other
    entries (raw `ledger append` input) have no store copy to compare."""
    for entry in ledger.storage.entries(0, ledger.size):
        try:
            value = json.loads(entry.data)
        except ValueError:
            continue  # the ledger's own verify reports entries that are not JSON
        if isinstance(value, dict) and value.get("kind") in _KINDS and "schema" in value:
            yield entry.index, entry.record_id


def trusted_observations(store: Store) -> list[Observation]:
    """The store's current observations, refused if any of them disagrees with the ledger.

    An assessment read from a tampered store would be signed as evidence; so when the store
    keeps a ledger, every observation's stored bytes are compared with the bytes the ledger
    committed under its id, and a single disagreement refuses the whole assessment, naming
    every record that failed. (Byte equality is enough here: the ledger's own verification
    re-hashes those bytes, and `audit` re-derives them from the record.)
    """
    ledger = store.ledger()
    if ledger is None:
        return store.observations()
    observations: list[Observation] = []
    problems: list[Problem] = []
    for stored in store.stored_records():
        if not stored.current or stored.ref.kind is not RecordKind.OBSERVATION:
            continue
        index = ledger.storage.index_of(stored.ledger_id)
        entry = None if index is None else ledger.storage.entry(index)
        if entry is None or entry.data != stored.data:
            why = "not in the ledger" if entry is None else f"differs from ledger index {index}"
            problems.append(Problem(SOURCE, why, pointer=stored.ledger_id))
            continue
        value = decode(stored.data)
        assert isinstance(value, Observation)
        observations.append(value)
    if problems:
        raise VerificationFailedError(
            f"{len(problems)} stored observation(s) differ from the evidence ledger; "
            "not assessing (run `ceasefire verify` for the full audit)",
            problems,
        )
    return sorted(observations, key=lambda o: o.id)
