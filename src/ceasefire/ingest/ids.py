"""Stable ids: the same record gets the same id on any machine and from any export of it.

A source re-publishes its data: a column is added or reordered, a header changes case, a count
is written `5` where it was `5.0`. None of that may create a second observation. So every
source names its records by a **natural key** (the fields that say *which* report a row is,
not *what* it reports), and a row is first brought to its **canonical form** (column names
trimmed and lower-cased, cells trimmed, decimals without trailing zeros, empty cells dropped)
before anything is derived from it. A row whose key is known but whose content changed is a
correction, which the store records as one (`Store.add_or_correct`).
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

#: A plain decimal with a fractional part: `5.0`, `-3.50`, `12.` (not `1e3`, not `007`).
_DECIMAL = re.compile(r"([+-]?\d+)\.(\d*)")


def content_id(record: Mapping[str, Any]) -> str:
    """A short hash of a record's canonical JSON (pass it a canonical row: `filled`)."""
    canonical = json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:20]


def key_id(*parts: str | float | None) -> str:
    """A short hash of a natural key; text parts count with their whitespace collapsed."""
    canonical = [" ".join(p.split()) if isinstance(p, str) else p for p in parts]
    return content_id({"key": canonical})


def observation_id(source: str, source_record_id: str) -> str:
    return f"{source}:{source_record_id}"


def canonical_name(name: str) -> str:
    """A column name as every export means it: `Launched ` and `launched` are one column."""
    return " ".join(name.split()).lower()


def canonical_text(value: str) -> str:
    """A cell trimmed, and a decimal written without trailing zeros (`5.0` and `5` agree).

    Only plain decimals with a point are rewritten: an exponent or a leading zero (`007`, a
    code rather than a number) stays as written.
    """
    text = value.strip()
    decimal = _DECIMAL.fullmatch(text)
    if decimal is None:
        return text
    fraction = decimal.group(2).rstrip("0")
    return f"{decimal.group(1)}.{fraction}" if fraction else decimal.group(1)


def canonical_row(row: Mapping[str, str]) -> dict[str, str]:
    """The row with canonical names and cells; empty cells are kept (as "") for the parser.

    Two columns whose names differ only in case or spacing are one column: they may not
    disagree (ValueError names both).
    """
    out: dict[str, str] = {}
    named: dict[str, str] = {}
    for name, value in row.items():
        key, text = canonical_name(name), canonical_text(value)
        if key in out and out[key] and text and out[key] != text:
            raise ValueError(
                f"columns {named[key]!r} and {name!r} are one column (names differ only in"
                f" case or spacing) but hold {out[key]!r} and {text!r}"
            )
        if key not in out or not out[key]:
            out[key], named[key] = text, name
    return out


def canonical_rows(
    rows: Iterable[tuple[int, dict[str, str]]],
) -> Iterator[tuple[int, dict[str, str]]]:
    """`canonical_row` over (line, row) pairs; a ValueError names the line."""
    for line, row in rows:
        try:
            yield line, canonical_row(row)
        except ValueError as exc:
            raise ValueError(f"line {line}: {exc}") from None


def filled(row: Mapping[str, str]) -> dict[str, str]:
    """The non-empty cells: an added empty column changes nothing a record keeps."""
    return {k: v for k, v in row.items() if v}


def canonical_record(record: Mapping[str, Any]) -> dict[str, Any]:
    """A JSON object in canonical form: names as `canonical_name`, text (also in lists) as
    `canonical_text`, null and empty values dropped. Numbers stay numbers (5 and 5.0 are
    already one value in JSON)."""
    out: dict[str, Any] = {}
    for name, value in record.items():
        if isinstance(value, str):
            value = canonical_text(value)
        elif isinstance(value, list):
            value = [canonical_text(v) if isinstance(v, str) else v for v in value]
        if value is None or value == "" or value == []:
            continue
        out.setdefault(canonical_name(str(name)), value)
    return out


@dataclass(frozen=True, slots=True)
class Assigned:
    """What `KeyRegister.assign` decided for a row."""

    record_id: str | None
    """The row's record id, or None when it repeats a row already read (keep that one)."""
    first_line: int
    """The first line read under the same key (the row's own line if it is the first)."""
    same_sourcing: bool = True
    """For a repeat: whether it is the very same row, not only the same event."""


class KeyRegister:
    """Record ids by natural key, within one file.

    The first row under a key gets the key as its id. A later row under the same key that
    reports the same event is a repeat (None). One that reports another event is another
    record, `key~<first 8 hex digits of its content hash>`: stable as long as its content is,
    and never taking the first row's id.

    The register lives in a private temporary SQLite database on disk, not in Python objects:
    it must remember every row of the file, and at ~0.45 kB of dicts and strings a row it was
    what still made a million-row ingest cost 2.4 times the memory of a 100,000-row one
    (docs/failure.md, "Defect 10 (ingest)"). Keys are stored as 16-byte digests.
    """

    def __init__(self) -> None:
        self._db = sqlite3.connect("")  # "" = a temporary file, deleted when closed
        self._db.execute(
            "CREATE TABLE seen (key BLOB, event TEXT, line INTEGER, whole TEXT,"
            " PRIMARY KEY (key, event)) WITHOUT ROWID"
        )

    def assign(self, key: str, line: int, event: str, whole: str | None = None) -> Assigned:
        """`event` digests what the row reports, `whole` (default: `event`) the whole row."""
        whole = event if whole is None else whole
        digest = hashlib.blake2b(key.encode("utf-8"), digest_size=16).digest()
        db = self._db
        known = db.execute(
            "SELECT line, whole FROM seen WHERE key = ? AND event = ?", (digest, event)
        ).fetchone()
        if known is not None:
            return Assigned(None, known[0], whole == known[1])
        db.execute("INSERT INTO seen VALUES (?, ?, ?, ?)", (digest, event, line, whole))
        count, first = db.execute(
            "SELECT count(*), min(line) FROM seen WHERE key = ?", (digest,)
        ).fetchone()
        if count == 1:
            return Assigned(key, line)
        return Assigned(f"{key}~{whole[:8]}", first)


def sorted_texts(values: Sequence[Any] | None) -> list[str]:
    """A list of texts whose order means nothing (a record's source links), in one order."""
    return sorted(str(v) for v in values or ())
