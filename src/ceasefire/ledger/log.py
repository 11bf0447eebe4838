"""The ledger: an append-only Merkle log of canonical records, over a `LedgerStorage`.

Usage::

    ledger = Ledger(storage)                      # storage: e.g. SqliteLedgerStorage
    Ledger.initialise(storage, origin, log_key.verifier())   # once per log
    receipt = ledger.append({"id": "obs-1", ...})  # -> LeafReceipt(index, record_id, leaf_hash)
    ledger.append_many(records)                    # one transaction, batched hashing
    signed = ledger.checkpoint(log_key)            # C2SP signed checkpoint, stored
    proof = ledger.inclusion_proof(receipt.leaf_index, signed.checkpoint.size)

Every record is a JSON-like mapping with a string ``id``; its leaf is the
RFC 8785 canonical JSON of the whole record (see `canonical`). A batch is
atomic: if one record is refused, nothing of the batch is stored, and the
error lists every refused record with its reason.
"""

from __future__ import annotations

import functools
import hashlib
import json
import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from ceasefire.domain.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    Problem,
    VerificationFailedError,
)
from ceasefire.ledger import tiles
from ceasefire.ledger.canonical import CanonicalError, canonical_json
from ceasefire.ledger.checkpoint import (
    Checkpoint,
    CheckpointError,
    SignedCheckpoint,
    open_checkpoint,
    sign_checkpoint,
    verify_cosignature,
)
from ceasefire.ledger.merkle import (
    EMPTY_ROOT,
    ProofError,
    consistency_proof,
    fold_range,
    inclusion_proof,
    leaf_hash,
    node_hash,
    range_nodes,
)
from ceasefire.ledger.note import Signature, Signer, Verifier
from ceasefire.ledger.storage import LedgerStorage, StorageError, StoredEntry

META_ORIGIN = "origin"
META_LOG_KEY = "log_vkey"
MAX_RECORD_ID = 256


#: `Problem.source` of a refused record of a batch. Its pointer is ``[position]``, then the
#: record's id when it has one (``[3] 'obs-3'``); see `batch_position`.
BATCH = "batch"


class LedgerError(InvalidInputError):
    """The log refused a request; `problems` names each refused record and why."""


class LedgerConflictError(ConflictError, LedgerError):
    """The request contradicts the log: another record under a used id, another identity."""


class LedgerNotFoundError(NotFoundError, LedgerError):
    """The log is not initialised, or does not hold what was asked for."""


def _refused(position: int, reason: str, rid: str | None = None, at: str | None = None) -> Problem:
    pointer = f"[{position}]" if rid is None else f"[{position}] {rid!r}"
    return Problem(BATCH, reason, pointer=pointer, field=at)


def batch_position(problem: Problem) -> tuple[int, str | None] | None:
    """(position in the batch, the rest of the pointer) of a refused record, so a caller that
    knows where each record came from (a file and line) can say so; None for other problems."""
    if problem.source != BATCH or not problem.pointer or not problem.pointer.startswith("["):
        return None
    index, _, rest = problem.pointer[1:].partition("]")
    return (int(index), rest.strip() or None) if index.isdigit() else None


def _taken(rid: str, index: int) -> Problem:
    return Problem(BATCH, f"a different record with this id is at index {index}", pointer=repr(rid))


def _refuse(problems: Sequence[Problem]) -> LedgerError:
    count = f"{len(problems)} record" + ("" if len(problems) == 1 else "s")
    return LedgerError(f"{count} refused; nothing appended", problems)


class LeafReceipt(NamedTuple):
    """Where a record went: its index, its ID and the leaf hash that commits to it.

    A NamedTuple rather than a dataclass: bulk appends create one per record,
    and a frozen dataclass costs about 1 µs each, half the cost of hashing.
    """

    leaf_index: int
    record_id: str
    leaf_hash: bytes


_new_receipt: Callable[[tuple[int, str, bytes]], LeafReceipt] = functools.partial(
    tuple.__new__, LeafReceipt
)


def record_id_of(record: Mapping[str, Any], position: int) -> str:
    """The record's ``id``, checked: a non-empty string without control characters."""
    rid = record.get("id") if isinstance(record, Mapping) else None
    if not isinstance(rid, str) or not rid:
        raise _refuse([_refused(position, "has no string 'id' field")])
    if len(rid) > MAX_RECORD_ID or any(ord(c) < 0x20 or c == "\x7f" for c in rid):
        raise _refuse([_refused(position, "id is too long or holds control characters")])
    return rid


def canonical_entries(records: Iterable[Mapping[str, Any]]) -> list[tuple[str, bytes]]:
    """(record ID, canonical bytes) per record; every refused record is reported at once."""
    out: list[tuple[str, bytes]] = []
    problems: list[Problem] = []
    seen: set[str] = set()
    for position, record in enumerate(records):
        try:
            rid = record_id_of(record, position)
        except LedgerError as exc:
            problems.extend(exc.problems)
            continue
        if rid in seen:
            problems.append(_refused(position, "appears twice in the same batch", rid))
            continue
        seen.add(rid)
        try:
            out.append((rid, canonical_json(record)))
        except CanonicalError as exc:
            problems.append(_refused(position, exc.reason, rid, exc.path))
    if problems:
        raise _refuse(problems)
    return out


@dataclass
class VerifyReport:
    """Result of re-hashing the stored log; `ok` is False when anything disagreed."""

    size: int
    first_bad_index: int | None = None
    reason: str | None = None
    checkpoints_checked: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every entry, tile and stored checkpoint matched."""
        return self.reason is None


class Ledger:
    """Append records, sign checkpoints, produce proofs; one writer per log."""

    def __init__(self, storage: LedgerStorage, cache_tiles: int = 4096) -> None:
        self.storage = storage
        self._cache_tiles = cache_tiles
        self._nodes = tiles.TileNodes(storage.read_tiles, cache_tiles)
        self._size = 0
        self._edge: dict[int, bytes] = {}
        self.refresh()

    @staticmethod
    def initialise(storage: LedgerStorage, origin: str, log_key: Verifier) -> None:
        """Name the log and fix its public key; refuses to change an existing log's identity."""
        if "\n" in origin or not origin.strip():
            raise LedgerError(f"origin {origin!r} must be one non-empty line")
        for key, value in ((META_ORIGIN, origin), (META_LOG_KEY, log_key.vkey())):
            old = storage.get_meta(key)
            if old is not None and old != value:
                raise LedgerConflictError(f"the log is already initialised with {key} {old!r}")
            storage.set_meta(key, value)

    @property
    def origin(self) -> str:
        """The checkpoint origin line, naming this deployment's log."""
        value = self.storage.get_meta(META_ORIGIN)
        if value is None:
            raise LedgerNotFoundError("the log is not initialised: no origin")
        return value

    @property
    def log_key(self) -> Verifier:
        """The log's public key, as recorded at initialisation."""
        value = self.storage.get_meta(META_LOG_KEY)
        if value is None:
            raise LedgerNotFoundError("the log is not initialised: no log key")
        return Verifier.from_vkey(value)

    @property
    def size(self) -> int:
        """Number of entries, as of the last append or `refresh` (a long-lived reader
        of a log that another process writes should call `refresh` first)."""
        return self._size

    def reset(self) -> None:
        """Forget every cached tile and re-read the log: after a caller's transaction that
        held an append was rolled back, the cache may hold tiles the database no longer has."""
        self._nodes = tiles.TileNodes(self.storage.read_tiles, self._cache_tiles)
        self.refresh()

    def refresh(self) -> None:
        """Re-read the size and right-edge tiles (after another writer, or a failed write)."""
        size = self.storage.tree_size()
        keys = tiles.edge_keys(size)
        blobs = self.storage.read_tiles(keys)
        missing = [k for k in keys if k not in blobs]
        if missing:
            raise VerificationFailedError(
                f"the store is damaged: right-edge tiles {missing} are missing for size {size}"
            )
        self._size = size
        self._edge = {level: blobs[(level, index)] for level, index in keys}

    # -- writing -------------------------------------------------------------

    def append(self, record: Mapping[str, Any]) -> LeafReceipt:
        """Append one record; appending the identical record again returns its old receipt."""
        [(rid, data)] = canonical_entries([record])
        index = self.storage.index_of(rid)
        if index is not None:
            stored = self.storage.entry(index)
            if stored is not None and stored.data == data:
                return LeafReceipt(index, rid, leaf_hash(data))
            raise LedgerConflictError("the id is taken by a different record", [_taken(rid, index)])
        return self.append_entries([(rid, data)])[0]

    def append_many(self, records: Iterable[Mapping[str, Any]]) -> list[LeafReceipt]:
        """Append a batch in one transaction; all or nothing."""
        return self.append_entries(canonical_entries(records))

    def append_missing(self, records: Iterable[Mapping[str, Any]]) -> list[LeafReceipt]:
        """Append, in one transaction, the records not yet in the log; return the new receipts.

        The batch form of `append`'s idempotence, for pipelines that re-run over the same
        data: an identical record already logged is skipped, a different record under a used
        id refuses the whole batch (nothing is stored).
        """
        return self.append_missing_entries(canonical_entries(records))

    def append_missing_entries(self, entries: Sequence[tuple[str, bytes]]) -> list[LeafReceipt]:
        """`append_missing` for entries already canonical (the store's records carry their
        bytes), with `append_entries`'s promise about those bytes."""
        return self.append_entries(self.missing_entries(entries))

    def missing_entries(self, entries: Sequence[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
        """The entries the log does not hold yet; raises, naming them, if an id is held with
        other bytes. What `append_missing_entries` would append, without appending it."""
        fresh: list[tuple[str, bytes]] = []
        problems: list[Problem] = []
        for rid, data in entries:
            index = self.storage.index_of(rid)
            if index is None:
                fresh.append((rid, data))
                continue
            stored = self.storage.entry(index)
            if stored is None or stored.data != data:
                problems.append(_taken(rid, index))
        if problems:
            detail = f"{len(problems)} id(s) taken by different records; nothing appended"
            raise LedgerConflictError(detail, problems)
        return fresh

    def append_entries(self, entries: Sequence[tuple[str, bytes]]) -> list[LeafReceipt]:
        """Append already-canonical (record ID, bytes) pairs; the fast path for bulk loads.

        The caller promises that each ``bytes`` is ``canonical_json(record)`` and
        each ID is that record's ``id`` (checking it here would cost more than
        the hashing); `verify` reports any entry that breaks the promise.
        """
        if not entries:
            return []
        start = self._size
        sha = hashlib.sha256  # leaf_hash inlined: the bulk append hot path
        hashes = [sha(b"\x00" + data).digest() for _, data in entries]
        written, edge = tiles.extend(start, self._edge, hashes)
        try:
            self.storage.append(start, entries, written)
        except StorageError:
            self.refresh()
            raise
        self._size = start + len(entries)
        self._edge = edge
        # tuple.__new__ through partial/zip/itemgetter: no Python frame per record
        # (calling LeafReceipt itself runs its Python __new__: ~2x slower here)
        rids = map(operator.itemgetter(0), entries)
        return list(map(_new_receipt, zip(range(start, self._size), rids, hashes, strict=True)))

    def checkpoint(self, signer: Signer) -> SignedCheckpoint:
        """Sign and store a checkpoint of the current tree; the key must be the log's key."""
        if signer.verifier() != self.log_key:
            raise LedgerError(f"key {signer.name} is not this log's key")
        signed = sign_checkpoint(Checkpoint(self.origin, self._size, self.root()), signer)
        self.storage.save_checkpoint(self._size, signed.format())
        return signed

    def add_cosignature(self, note_text: str, witness: Verifier) -> int:
        """Store a witness's cosignature from a note it returned; returns the tree size."""
        signed = open_checkpoint(note_text, self.log_key, self.origin)
        size = signed.checkpoint.size
        ours = self.storage.checkpoint(size)
        if ours is None or open_checkpoint(ours, self.log_key).checkpoint != signed.checkpoint:
            raise CheckpointError(f"the log never issued this checkpoint of size {size}")
        verify_cosignature(signed.note, witness)
        sig = signed.note.find(witness)
        assert sig is not None
        self.storage.add_cosignature(size, witness.name, sig.line())
        return size

    # -- reading -------------------------------------------------------------

    def root(self, size: int | None = None) -> bytes:
        """Merkle root of the first `size` entries (default: all), from O(log n) stored nodes."""
        size = self._size if size is None else size
        if not 0 <= size <= self._size:
            raise ProofError(f"no tree of size {size}; the log has {self._size} entries")
        if size == 0:
            return EMPTY_ROOT
        return fold_range(self._nodes.get_nodes(range_nodes(0, size)))

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """RFC 9162 inclusion proof of entry `index` in the tree of `size` entries."""
        size = self._size if size is None else size
        if size > self._size:
            raise ProofError(f"no tree of size {size}; the log has {self._size} entries")
        return inclusion_proof(index, size, self._nodes)

    def consistency_proof(self, old: int, new: int | None = None) -> list[bytes]:
        """RFC 9162 consistency proof from tree `old` to tree `new` (default: current)."""
        new = self._size if new is None else new
        if new > self._size:
            raise ProofError(f"no tree of size {new}; the log has {self._size} entries")
        return consistency_proof(old, new, self._nodes)

    def entry(self, record_id: str) -> StoredEntry:
        """The stored entry of a record ID; LedgerError if the log has no such record."""
        index = self.storage.index_of(record_id)
        entry = None if index is None else self.storage.entry(index)
        if entry is None:
            raise LedgerNotFoundError(f"record {record_id!r} is not in the ledger")
        return entry

    def latest_checkpoint(self) -> SignedCheckpoint | None:
        """The newest stored checkpoint, verified, with its cosignatures attached."""
        text = self.storage.checkpoint()
        return None if text is None else self.with_cosignatures(text)

    def with_cosignatures(self, note_text: str) -> SignedCheckpoint:
        """Verify a stored checkpoint and add the cosignature lines collected for it."""
        signed = open_checkpoint(note_text, self.log_key, self.origin)
        note = signed.note
        for line in self.storage.cosignatures(signed.checkpoint.size):
            note = note.with_signature(Signature.from_line(line))
        return SignedCheckpoint(signed.checkpoint, note)

    # -- auditing ------------------------------------------------------------

    def verify(self, progress: Callable[[int], None] | None = None) -> VerifyReport:
        """Re-hash every stored entry and rebuild every tile; report the first disagreement.

        Checks, in index order: each entry's bytes hash to the leaf hash in its
        tile, its ``id`` matches its record-ID column, every interior hash of
        every tile equals the one recomputed from the leaves, and the root at
        each stored checkpoint's size equals the signed root.
        """
        size = self.storage.tree_size()
        report = VerifyReport(size)
        wanted: dict[int, bytes] = {}
        for text in self._all_checkpoints():
            try:
                cp = open_checkpoint(text, self.log_key, self.origin).checkpoint
            except CheckpointError as exc:
                report.reason = f"stored checkpoint does not verify: {exc}"
                return report
            wanted[cp.size] = cp.root_hash
        if wanted and max(wanted) > size:
            report.first_bad_index = size
            report.reason = (
                f"a signed checkpoint covers {max(wanted)} entries but only {size} are stored"
            )
            return report
        if 0 in wanted:
            self._check_root(report, 0, EMPTY_ROOT, wanted[0])
        batch = tiles.TILE_WIDTH * 64
        rebuilt_edge: dict[int, bytes] = {}
        stack: list[tuple[int, bytes]] = []  # (height, hash) of complete subtrees, for roots
        done = 0
        while done < size:
            end = min(size, done + batch)
            entries = list(self.storage.entries(done, end))
            hashes = []
            problems: list[tuple[int | None, str]] = []
            for offset, entry in enumerate(entries):
                index = done + offset
                if entry.index != index:
                    problems.append((index, f"entry {index} is missing"))
                    break
                problem = _entry_problem(entry)
                if problem:
                    problems.append((index, problem))
                    break
                hashes.append(leaf_hash(entry.data))
            if len(entries) < end - done and not problems:
                problems.append((done + len(entries), f"entry {done + len(entries)} is missing"))
            written, rebuilt_edge = tiles.extend(done, rebuilt_edge, hashes)
            stored = self.storage.read_tiles(sorted(written))
            for key in sorted(written):
                have = stored.get(key)
                if have == written[key]:
                    continue
                if have is not None and end < size and tiles.is_prefix_tile(written[key], have):
                    continue  # rebuilt mid-log, this tile is still partial; the stored one grew on
                problems.append(_tile_problem(key, have, written[key]))
                break
            if problems:
                indexed = [p for p in problems if p[0] is not None]
                report.first_bad_index, report.reason = min(indexed) if indexed else problems[0]
                return report
            for offset, h in enumerate(hashes):
                _push(stack, h)
                count = done + offset + 1
                if count in wanted:
                    self._check_root(report, count, _stack_root(stack), wanted[count])
                    if not report.ok:
                        return report
            done = end
            if progress:
                progress(done)
        return report

    def _all_checkpoints(self) -> list[str]:
        out: list[str] = []
        size = 0
        while True:
            text = self.storage.checkpoint_at_or_after(size)
            if text is None:
                return out
            out.append(text)
            size = int(text.split("\n", 2)[1]) + 1

    @staticmethod
    def _check_root(report: VerifyReport, size: int, computed: bytes, signed: bytes) -> None:
        report.checkpoints_checked.append(size)
        if computed != signed:
            report.reason = f"root of the first {size} entries differs from the signed checkpoint"


def _entry_problem(entry: StoredEntry) -> str | None:
    try:
        value = json.loads(entry.data)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return f"entry {entry.index} ({entry.record_id!r}) is not valid JSON"
    if not isinstance(value, dict) or value.get("id") != entry.record_id:
        return f"entry {entry.index}: record-ID column {entry.record_id!r} differs from its JSON id"
    return None


def _tile_problem(
    key: tiles.TileKey, stored: bytes | None, rebuilt: bytes
) -> tuple[int | None, str]:
    level, index = key
    if stored is None:
        return None, f"tile {key} is missing"
    if level == 0:
        width = tiles.tile_width(rebuilt)
        for pos in range(width):
            try:
                if tiles.node_from_blob(stored, 0, pos) != tiles.node_from_blob(rebuilt, 0, pos):
                    at = index * tiles.TILE_WIDTH + pos
                    return at, f"entry {at} does not hash to the leaf hash stored for it"
            except ProofError:
                break
    return None, f"interior hashes of tile {key} differ from those recomputed from the entries"


def _push(stack: list[tuple[int, bytes]], h: bytes) -> None:
    height = 0
    while stack and stack[-1][0] == height:
        _, left = stack.pop()
        h = node_hash(left, h)
        height += 1
    stack.append((height, h))


def _stack_root(stack: list[tuple[int, bytes]]) -> bytes:
    acc = stack[-1][1]
    for _, h in reversed(stack[:-1]):
        acc = node_hash(h, acc)
    return acc
