"""CSV reading that keeps each row's physical line number for error messages."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from ceasefire.safe_files import InputKind, read_bytes


def read_csv_rows(
    path: Path, encodings: tuple[str, ...] = ("utf-8",)
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number of the row's first line, row) for every data row.

    Tries each encoding in turn on the whole file (the UCDP extract is Windows-1252), so a
    row is never decoded two different ways. The file is read through `safe_files`: a FIFO,
    a device or a file over the source size limit is refused before anything is read.
    """
    data = read_bytes(path, InputKind.SOURCE)
    text: str | None = None
    for encoding in encodings:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if text is None:
        raise ValueError(f"{path}: not readable as any of {', '.join(encodings)}")
    lines = text.splitlines(keepends=True)
    reader = csv.DictReader(lines)
    line_start = 2
    for row in reader:
        yield line_start, {k: (v or "") for k, v in row.items() if k is not None}
        line_start = reader.line_num + 1


def parse_count(text: str, field: str) -> int | None:
    """'287.0' -> 287; '' -> None. Fractions and negatives are errors: counts are whole."""
    stripped = text.strip()
    if not stripped:
        return None
    try:
        value = float(stripped)
    except ValueError:
        raise ValueError(f"{field} {stripped!r} is not a number") from None
    if value != value or value < 0 or value != int(value):
        raise ValueError(f"{field} {stripped!r} is not a whole number >= 0")
    return int(value)
