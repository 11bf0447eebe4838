"""CSV text in and out for the tabular exports, and the checks that make import exact.

Writing is RFC 4180 (CRLF, fields quoted when they hold a comma, quote or line break), so text
with any of those survives any conforming reader. Reading refuses, with the line and the
column, every row that is not exactly what the exporter would have written for the incident in
its `cf_record`: a file that imports is a file whose every cell can be trusted.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Protocol

from ceasefire.domain.errors import InvalidInputError, Problem
from ceasefire.domain.incident import Incident
from ceasefire.export.lossless import incident_from_record

Render = Callable[[Incident], Mapping[str, str]]


class _Reader(Protocol):
    """What we use of a `csv.reader`: its rows, and how many physical lines it has read."""

    @property
    def line_num(self) -> int: ...

    def __iter__(self) -> Iterator[list[str]]: ...


def write_table(header: Sequence[str], rows: Sequence[Mapping[str, str]]) -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row[column] for column in header])
    return out.getvalue()


@contextmanager
def _fields_up_to(size: int) -> Iterator[None]:
    """Let one field be as long as the whole text: `cf_record` of an incident with many links
    outgrows the csv module's 128 KiB default, and a field can never exceed the text it is in,
    which is already in memory. The process-wide limit is put back afterwards."""
    previous = csv.field_size_limit()
    csv.field_size_limit(max(previous, size + 1))
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def read_table(
    text: str,
    source: str,
    header: Sequence[str],
    render: Render,
    unchecked: frozenset[str],
    dataset: str,
) -> list[Incident]:
    """The incidents of an export, in file order, or one InvalidInputError naming every row
    (by line, incident and column) that is not what the exporter would write.

    `unchecked` columns describe the export rather than the incident (the country named by
    the exporter's options, the export time) and are not compared.
    """
    text = text.removeprefix("\ufeff")  # a byte-order mark that a spreadsheet added
    with _fields_up_to(len(text)):
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        try:
            names = next(reader, None)
            if names is None:
                raise InvalidInputError(f"{source}: empty: no header row")
            _check_header(names, header, source, dataset)
            return _rows(reader, names, source, render, unchecked)
        except csv.Error as exc:
            raise InvalidInputError(
                f"{source}: not readable as CSV",
                [Problem(source, f"CSV syntax: {exc}", line=reader.line_num)],
            ) from None


def _check_header(names: list[str], header: Sequence[str], source: str, dataset: str) -> None:
    missing = [n for n in header if n not in names]
    unexpected = [n for n in names if n not in header]
    repeated = sorted({n for n in names if names.count(n) > 1})
    reasons = []
    if missing:
        reasons.append(f"missing column(s) {', '.join(missing[:10])}")
    if unexpected:
        reasons.append(f"unexpected column(s) {', '.join(unexpected[:10])}")
    if repeated:
        reasons.append(f"repeated column(s) {', '.join(repeated)}")
    if reasons:
        detail = f"{source}: not a ceasefire {dataset} export"
        reason = "; ".join(reasons) + " (an export has exactly its dataset's and the cf_ columns)"
        raise InvalidInputError(detail, [Problem(source, reason, line=1)])


def _rows(
    reader: _Reader,
    names: list[str],
    source: str,
    render: Render,
    unchecked: frozenset[str],
) -> list[Incident]:
    incidents: list[Incident] = []
    problems: list[Problem] = []
    first_line: dict[str, int] = {}
    line_num = reader.line_num
    rows = 0
    for cells in reader:
        # A quoted field may hold line breaks: a row starts on the line after the last one.
        line, line_num = line_num + 1, reader.line_num
        if not cells:
            continue  # a blank line, as some editors leave at the end
        rows += 1
        if len(cells) != len(names):
            reason = f"{len(cells)} fields where the header has {len(names)}"
            problems.append(Problem(source, reason, line=line))
            continue
        row = dict(zip(names, cells, strict=True))
        found = _row(row, source, line, render, unchecked, problems)
        if found is None:
            continue
        if found.id in first_line:
            reason = f"incident {found.id!r} again (first on line {first_line[found.id]})"
            problems.append(Problem(source, reason, line=line, field="cf_record"))
            continue
        first_line[found.id] = line
        incidents.append(found)
    if problems:
        raise InvalidInputError(f"{source}: {len(problems)} of {rows} rows refused", problems)
    return incidents


def _row(
    row: dict[str, str],
    source: str,
    line: int,
    render: Render,
    unchecked: frozenset[str],
    problems: list[Problem],
) -> Incident | None:
    try:
        incident = incident_from_record(row["cf_record"].encode("utf-8"))
    except (ValueError, UnicodeEncodeError) as exc:
        problems.append(Problem(source, str(exc), line=line, field="cf_record"))
        return None
    expected = render(incident)
    bad = [
        Problem(
            source,
            f"says {_quoted(row[name])} but the record gives {_quoted(expected[name])}"
            " (edited after export?)",
            line=line,
            pointer=f"incident {incident.id}",
            field=name,
        )
        for name in row
        if name not in unchecked and row[name] != expected[name]
    ]
    problems.extend(bad)
    return None if bad else incident


def _quoted(value: str) -> str:
    return repr(value if len(value) <= 60 else value[:57] + "...")
