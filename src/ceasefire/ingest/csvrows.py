"""CSV reading that keeps each row's physical line number for error messages."""

from __future__ import annotations

import csv
import math
from collections.abc import Iterator
from pathlib import Path

from ceasefire.domain.errors import InvalidInputError, Problem
from ceasefire.safe_files import InputKind, read_bytes

#: The largest count one row may report (weapons launched or destroyed, deaths). The bundled
#: data's largest are 810 launched (one night's bulletin) and 5,294 deaths (one UCDP event);
#: a count 100 times beyond that is a typing or export error (`1e300`), and refusing it here
#: keeps every count an exact JSON integer for the ledger (far below 2**53).
MAX_COUNT = 100_000


class CsvSyntaxError(InvalidInputError):
    """The csv module gave up on the file at `line` (an over-long field, a NUL byte): nothing
    after that line can be split into rows reliably, so reading stops there."""

    def __init__(self, line: int, reason: str) -> None:
        self.line = line
        self.reason = reason
        super().__init__(f"line {line}: {reason}")


def read_csv_rows(
    path: Path, encodings: tuple[str, ...] = ("utf-8",), problems: list[Problem] | None = None
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number of the row's first line, row) for every data row.

    Tries each encoding in turn on the whole file (the UCDP extract is Windows-1252), so a
    row is never decoded two different ways. The file is read through `safe_files`: a FIFO,
    a device or a file over the source size limit is refused before anything is read.
    row is never decoded two different ways. Where the csv module gives up (a field over its
    limit, a NUL byte), the rows before are kept and reading stops: with `problems`, one
    Problem naming the line is added to it; without, `CsvSyntaxError` is raised.
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
    rows = iter(reader)
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except csv.Error as exc:
            # Once a quoted field has run past the limit, later lines may be the inside of
            # that field: reading on could load text as rows, so the file ends here.
            error = CsvSyntaxError(line_start, f"{exc}; rows from this line on were not read")
            if problems is None:
                raise error from None
            problems.append(Problem(str(path), error.reason, line=line_start))
            return
        yield line_start, {k: (v or "") for k, v in row.items() if k is not None}
        line_start = reader.line_num + 1


def parse_count(text: str, field: str) -> int | None:
    """'287.0' -> 287; '' -> None. Counts are whole, finite and at most `MAX_COUNT`:
    fractions, negatives, NaN, infinities and absurd magnitudes (`1e300`) are errors."""
    stripped = text.strip()
    if not stripped:
        return None
    try:
        value = float(stripped)
    except ValueError:
        raise ValueError(f"{field} {stripped!r} is not a number") from None
    if not math.isfinite(value) or value < 0 or value != int(value):
        raise ValueError(f"{field} {stripped!r} is not a whole number >= 0")
    if value > MAX_COUNT:
        raise ValueError(f"{field} {stripped!r} exceeds the largest plausible count {MAX_COUNT:,}")
    return int(value)
