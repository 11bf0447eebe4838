"""CSV reading that keeps each row's physical line number for error messages."""

from __future__ import annotations

import csv
import math
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from ceasefire.domain.errors import InvalidInputError, Problem
from ceasefire.safe_files import InputKind, first_decoding, open_text

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


#: The longest physical line read (characters). A real row is a few hundred characters (the
#: UCDP extract's longest is under 3,000); a line of megabytes is not a row but a file without
#: line breaks, and reading it would hold all of it in memory at once.
MAX_LINE_CHARS = 16 * 2**20


def _lines(handle: TextIO) -> Iterator[str]:
    """The physical lines of `handle`, each at most `MAX_LINE_CHARS` long."""
    number = 0
    while line := handle.readline(MAX_LINE_CHARS + 1):
        number += 1
        if len(line) > MAX_LINE_CHARS:
            what = f"line longer than {MAX_LINE_CHARS:,} characters"
            raise CsvSyntaxError(number, f"{what}; rows from this line on were not read")
        yield line


def read_csv_rows(
    path: Path, encodings: tuple[str, ...] = ("utf-8",), problems: list[Problem] | None = None
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number of the row's first line, row) for every data row, as a stream.

    The file is opened through `safe_files` (a FIFO, a device or a file over the source size
    limit is refused before anything is read) and read a line at a time, so memory does not
    grow with the file. The encoding is the first of `encodings` that decodes the whole file
    (the UCDP extract is Windows-1252), decided by a streaming pre-scan before the first row,
    so a row is never decoded two different ways and a file no encoding reads yields nothing.
    Where the csv module gives up (a field over its limit, a NUL byte) or a line is longer than
    `MAX_LINE_CHARS`, the rows before are kept and reading stops: with `problems`, one Problem
    naming the line is added to it; without, `CsvSyntaxError` is raised.
    """
    encoding = first_decoding(path, InputKind.SOURCE, encodings)
    if encoding is None:
        raise ValueError(f"{path}: not readable as any of {', '.join(encodings)}")
    with open_text(path, InputKind.SOURCE, encoding) as handle:
        reader = csv.DictReader(_lines(handle))
        line_start = 2
        rows = iter(reader)
        while True:
            try:
                row = next(rows)
            except StopIteration:
                return
            except (csv.Error, CsvSyntaxError) as exc:
                # Once a quoted field has run past the limit, later lines may be the inside of
                # that field: reading on could load text as rows, so the file ends here.
                if isinstance(exc, CsvSyntaxError):
                    error = exc
                else:
                    reason = f"{exc}; rows from this line on were not read"
                    error = CsvSyntaxError(line_start, reason)
                if problems is None:
                    raise error from None
                problems.append(Problem(str(path), error.reason, line=error.line))
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
