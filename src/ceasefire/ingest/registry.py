"""Named format adapters, and detection of a file's format from its first bytes.

Both kinds of input (observation sources such as the Air Force bulletins, and track feeds such
as ADS-B or AIS) are open sets: a new format should be one new adapter, registered under its
name, and nothing else. So each kind has one `Registry`, and everything that used to repeat
the list of formats (detection, the `--kind` choices, the "expected one of" error) asks the
registry instead. Detection asks each adapter in registration order whether it recognises the
file's head; the first that does wins, so a registry registers specific formats before the
general ones (a CSV with known columns before "any JSON list").
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, Protocol, TypeVar

from ceasefire.domain.errors import InvalidInputError
from ceasefire.safe_files import InputFileError, InputKind, open_maybe_gzip

#: How much of a file detection looks at: enough for a CSV header or a few NMEA sentences.
HEAD_BYTES = 4096


class UnknownFormatError(InvalidInputError):
    """The file is none of the formats a registry knows (or cannot be read to find out)."""


class Adapter(Protocol):
    """What every registered format says about itself."""

    @property
    def name(self) -> str:
        """Stable identifier: used on the command line and stamped on what the format yields."""
        ...

    @property
    def description(self) -> str:
        """One line for people: what the format is and where it comes from."""
        ...

    def detect(self, head: str, path: Path) -> bool:
        """Whether a file whose first bytes decode to `head` is in this format."""
        ...


A = TypeVar("A", bound=Adapter)


def open_binary(path: Path, kind: InputKind = InputKind.RECORDING) -> io.BufferedReader:
    """The file's bytes, gunzipped when it is gzip: recordings are often shipped compressed,
    and a reader should not have to care (nor trust the file name's suffix). Only a regular
    file within the size limit of `kind` is opened (`safe_files`): detection must not block
    on a FIFO or read a device forever."""
    return open_maybe_gzip(path, kind)


def read_head(path: Path, kind: InputKind = InputKind.SOURCE) -> str:
    """The first `HEAD_BYTES` of the (decompressed) file as text; raises OSError, and
    `InputFileError` for what is not a regular file."""
    with open_binary(path, kind) as handle:
        return handle.read(HEAD_BYTES).decode("utf-8", errors="replace")


class Registry(Generic[A]):
    """Adapters by name, in registration order (which is also the detection order)."""

    def __init__(self, what: str, kind: InputKind = InputKind.SOURCE) -> None:
        self.what = what  # e.g. "source format", for error messages
        self.kind = kind  # which size limit the files of these formats are read under
        self._adapters: dict[str, A] = {}

    def register(self, adapter: A) -> A:
        """Add a format; a name can be registered once, so no two formats can shadow each other."""
        if adapter.name in self._adapters:
            raise ValueError(f"{self.what} {adapter.name!r} is already registered")
        self._adapters[adapter.name] = adapter
        return adapter

    def __iter__(self) -> Iterator[A]:
        return iter(self._adapters.values())

    def __len__(self) -> int:
        return len(self._adapters)

    def names(self) -> list[str]:
        return list(self._adapters)

    def get(self, name: str) -> A:
        """The adapter registered as `name`; an unknown name lists the known ones."""
        try:
            return self._adapters[name]
        except KeyError:
            raise UnknownFormatError(
                f"unknown {self.what} {name!r}; known: {', '.join(self._adapters)}"
            ) from None

    def detect(self, path: Path, among: Iterable[A] | None = None) -> A:
        """The first adapter (of `among`, default all) that recognises the file's head."""
        candidates = list(self if among is None else among)
        try:
            head = read_head(path, self.kind)
        except InputFileError as exc:
            if not exc.missing:  # a FIFO, a device, too big: refused as a whole (exit 4)
                raise
            raise UnknownFormatError(f"{path}: cannot read: {exc.reason}") from None
        except (OSError, EOFError) as exc:
            reason = getattr(exc, "strerror", None) or exc
            raise UnknownFormatError(f"{path}: cannot read: {reason}") from None
        for adapter in candidates:
            if adapter.detect(head, path):
                return adapter
        first_line = head.splitlines()[0] if head else ""
        expected = "; ".join(f"{a.name} ({a.description})" for a in candidates)
        raise UnknownFormatError(
            f"{path}: unrecognised format (header {first_line[:80]!r}); expected one of: {expected}"
        )


@dataclass(frozen=True, slots=True)
class SniffedFormat:
    """An adapter whose detection looks at the head only (all built-in formats do)."""

    name: str
    description: str
    sniff: Callable[[str], bool]

    def detect(self, head: str, path: Path) -> bool:
        return self.sniff(head)


def csv_header_has(*columns: str) -> Callable[[str], bool]:
    """Sniffer: the first line is a CSV header naming at least these columns (in any case:
    a re-export that capitalises its header is the same format)."""
    wanted = frozenset(c.lower() for c in columns)

    def sniff(head: str) -> bool:
        first_line = head.splitlines()[0] if head else ""
        return wanted <= {c.strip().strip('"').strip().lower() for c in first_line.split(",")}

    return sniff
