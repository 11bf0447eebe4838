"""Reading files that a user named, without letting the file decide how long it takes.

Every path that comes from a command line or a document (a source to ingest, an agreement and
the geometry it points to, intents, zones, recordings, records to append, bundles, witness
requests) is read through this module, because a path is not always a file: `/dev/zero` never
ends, a FIFO blocks until someone writes, a directory has no bytes, and a 10-kB YAML file of
nested aliases expands to billions of nodes. The rules:

- **regular files only**: the path is stat'ed before it is opened, and the opened descriptor is
  checked again (so a file swapped for a FIFO in between cannot block the open: it is opened
  non-blocking); anything else is refused with what it is;
- **a size limit per kind of input** (`InputKind`), checked against the file's size and again
  while reading (a growing file, a gzip bomb); raise one with the environment variable
  `CEASEFIRE_MAX_<KIND>_BYTES` (e.g. `CEASEFIRE_MAX_SOURCE_BYTES=5000000000`);
- **YAML** is loaded with the safe loader, after checking the composed document: at most
  `MAX_NODES` nodes counting every alias as the copy it stands for, at most `MAX_DEPTH` levels,
  no recursive alias and no key given twice in one mapping (PyYAML would keep the last silently);
- **JSON** is parsed by the standard library and then checked for the same depth bound.

Every refusal is an `InputFileError` (an `InvalidInputError`, exit 4) naming the file and the
reason. Parsing what the bytes mean is left to the caller.
"""

from __future__ import annotations

import codecs
import gzip
import io
import json
import os
import stat
from collections.abc import Iterator
from enum import Enum
from pathlib import Path
from typing import Any, Protocol

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ceasefire.domain.errors import InvalidInputError, UsageError

_MIB = 1 << 20

#: Most nodes a YAML document may have once every alias is counted as a copy of its anchor.
#: Real documents (agreements, InterUSS collections) have a few thousand; a billion-laughs
#: bomb has billions.
MAX_NODES = 1_000_000
#: Deepest nesting of YAML or JSON containers. Real documents nest under 20 levels; a
#: deeper one is an attack or a bug, and would exhaust Python's recursion further on.
MAX_DEPTH = 100

_GZIP_MAGIC = b"\x1f\x8b"
_CHUNK = 1 << 20


class InputKind(Enum):
    """What a file is for, and how large it may be by default (bytes).

    The defaults are far above every real file seen (the biggest bundled source is 2.5 MB,
    the Air Force bulletins export of the issue 210 MB) and far below what would exhaust a
    laptop when the file is loaded whole.
    """

    SOURCE = ("source", 2048 * _MIB)
    """Observation exports to ingest (CSV, Bellingcat JSON)."""
    RECORDING = ("recording", 2048 * _MIB)
    """Track recordings (ADS-B, AIS), counted after gunzipping."""
    AGREEMENT = ("agreement", 4 * _MIB)
    """Agreement YAML."""
    GEOMETRY = ("geometry", 512 * _MIB)
    """GeoJSON an agreement points to (territory maps, zones)."""
    DOCUMENT = ("document", 256 * _MIB)
    """JSON or YAML loaded whole: intents, zones, snapshots, records to append, bundles."""
    SMALL = ("small", 1 * _MIB)
    """Keys, checkpoints, cosignatures, witness requests and evidence."""

    def __init__(self, label: str, default_bytes: int) -> None:
        self.label = label
        self.default_bytes = default_bytes

    @property
    def env(self) -> str:
        """The environment variable that overrides this kind's limit."""
        return f"CEASEFIRE_MAX_{self.label.upper()}_BYTES"

    def limit(self) -> int:
        """The limit in force: the environment's value if set (a positive integer), or the
        default. A malformed value is a usage error, not a silent fallback."""
        raw = os.environ.get(self.env)
        if raw is None or not raw.strip():
            return self.default_bytes
        try:
            value = int(raw)
        except ValueError:
            value = 0
        if value <= 0:
            raise UsageError(f"{self.env}={raw!r}: must be a positive whole number of bytes")
        return value


class InputFileError(InvalidInputError):
    """A file that is not read: not a regular file, too big, too deep, or a YAML bomb."""

    def __init__(
        self, path: Path | str, reason: str, line: int | None = None, *, missing: bool = False
    ) -> None:
        self.path = str(path)
        self.reason = reason
        self.line = line
        self.missing = missing  # nothing at that path: some callers report it as a bad row
        where = self.path if line is None else f"{self.path}:{line}"
        super().__init__(f"{where}: {reason}")


def _what(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _too_big(path: Path, kind: InputKind, size: int | None = None) -> InputFileError:
    limit = kind.limit()
    have = f"{size} bytes" if size is not None else "more"
    return InputFileError(
        path,
        f"{have}, over the {kind.label} limit of {limit} bytes (raise it with {kind.env})",
    )


def check_regular(path: Path) -> os.stat_result:
    """The file's status if it is a regular file; otherwise refuse it, without opening it."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise InputFileError(path, "file not found", missing=True) from None
    except OSError as exc:
        raise InputFileError(path, f"cannot read: {exc.strerror or exc}") from None
    if not stat.S_ISREG(st.st_mode):
        raise InputFileError(path, f"is {_what(st.st_mode)}, not a regular file")
    return st


def open_regular(path: Path, kind: InputKind) -> io.BufferedReader:
    """The file opened for reading (binary) once it is known to be a regular file within the
    limit of `kind`. Reading more than the limit (a file growing meanwhile) is refused too."""
    path = Path(path)
    st = check_regular(path)
    limit = kind.limit()
    if st.st_size > limit:
        raise _too_big(path, kind, st.st_size)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise InputFileError(path, f"cannot read: {exc.strerror or exc}") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):  # swapped after the first check
            raise InputFileError(path, f"is {_what(st.st_mode)}, not a regular file")
        os.set_blocking(fd, True)
        raw = os.fdopen(fd, "rb", buffering=0)
    except BaseException:
        os.close(fd)
        raise
    return io.BufferedReader(_Bounded(raw, limit, path, kind), _CHUNK)


class _Source(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...

    def close(self) -> None: ...


class _Bounded(io.RawIOBase):
    """A binary reader that refuses to deliver more than `limit` bytes in total."""

    def __init__(self, inner: _Source, limit: int, path: Path, kind: InputKind) -> None:
        super().__init__()
        self._inner = inner
        self._left = limit
        self._path = path
        self._kind = kind

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        want = min(len(view), self._left + 1)
        data = self._inner.read(want)
        if len(data) > self._left:
            raise _too_big(self._path, self._kind)
        self._left -= len(data)
        view[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._inner.close()
        super().close()


def open_maybe_gzip(path: Path, kind: InputKind) -> io.BufferedReader:
    """The file's bytes, gunzipped when it is gzip, with the limit of `kind` applied to what
    the reader gets (so a small gzip bomb is refused like a big file)."""
    path = Path(path)
    handle = open_regular(path, kind)
    if handle.peek(2)[:2] != _GZIP_MAGIC:
        return handle
    unzipped = gzip.GzipFile(fileobj=handle, mode="rb")
    return io.BufferedReader(_Bounded(unzipped, kind.limit(), path, kind), _CHUNK)


def read_bytes(path: Path, kind: InputKind) -> bytes:
    """The whole file, within the limit of `kind`."""
    with open_regular(path, kind) as handle:
        return handle.read()


def first_decoding(path: Path, kind: InputKind, encodings: tuple[str, ...]) -> str | None:
    """The first of `encodings` that decodes the whole file, or None if none does.

    Decided by streaming the file once per candidate through an incremental decoder, a chunk
    at a time, so a file over a gigabyte costs a chunk of memory, not its size; each attempt
    stops at the first byte its encoding refuses (the UCDP extract is refused as UTF-8 early).
    """
    for encoding in encodings:
        decoder = codecs.getincrementaldecoder(encoding)()
        with open_regular(path, kind) as handle:
            try:
                while chunk := handle.read(_CHUNK):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                continue
        return encoding
    return None


def open_text(path: Path, kind: InputKind, encoding: str) -> io.TextIOWrapper:
    """The file opened as text for streaming (a regular file within the limit of `kind`, as
    `open_regular` checks), newlines left as they are: what the csv module needs to read
    quoted fields that span lines."""
    return io.TextIOWrapper(open_regular(path, kind), encoding=encoding, newline="")


def read_text(path: Path, kind: InputKind, encoding: str = "utf-8") -> str:
    """The whole file decoded; bytes that are not `encoding` are refused with their offset."""
    data = read_bytes(path, kind)
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        reason = f"not valid {encoding} (byte {exc.start}: {exc.reason})"
        raise InputFileError(path, reason) from None


def load_yaml(path: Path, kind: InputKind) -> Any:
    """The YAML document in the file (see `parse_yaml`)."""
    return parse_yaml(read_text(path, kind), str(path))


def load_json(path: Path, kind: InputKind) -> Any:
    """The JSON document in the file (see `parse_json`)."""
    return parse_json(read_text(path, kind), str(path))


def parse_yaml(text: str, source: str) -> Any:
    """A YAML document, safely: composed first, checked (`MAX_NODES` with aliases expanded,
    `MAX_DEPTH`, no recursive alias, no duplicate key), then constructed by the safe loader.

    Raises `InputFileError` for what the checks refuse and lets `yaml.YAMLError` through for
    syntax errors (callers report those with their line and column)."""
    loader = yaml.SafeLoader(text)
    try:
        try:
            node = loader.get_single_node()
        except RecursionError:
            raise InputFileError(source, f"YAML nested deeper than {MAX_DEPTH} levels") from None
        if node is None:
            return None
        _check_yaml(node, source)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _check_yaml(root: Node, source: str) -> None:
    """Count nodes as if aliases were copied, without copying: each distinct node's expanded
    size is computed once (memo), so the check is linear in the composed document."""
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(node: Node, depth: int) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        line = node.start_mark.line + 1
        if key in active:
            raise InputFileError(source, "recursive YAML alias (a node contains itself)", line)
        if depth > MAX_DEPTH:
            raise InputFileError(source, f"YAML nested deeper than {MAX_DEPTH} levels", line)
        total = 1
        if isinstance(node, SequenceNode | MappingNode):
            active.add(key)
            if isinstance(node, MappingNode):
                _check_keys(node, source)
                children: Iterator[Node] = (n for pair in node.value for n in pair)
            else:
                children = iter(node.value)
            for child in children:
                total += size(child, depth + 1)
                if total > MAX_NODES:
                    raise InputFileError(
                        source,
                        f"YAML document expands to more than {MAX_NODES} nodes"
                        " (aliases counted as copies)",
                        line,
                    )
            active.discard(key)
        sizes[key] = total
        return total

    size(root, 0)


def _check_keys(node: MappingNode, source: str) -> None:
    seen: dict[tuple[str, str], int] = {}
    for key, _ in node.value:
        if not isinstance(key, ScalarNode) or key.tag == "tag:yaml.org,2002:merge":
            continue
        ident = (key.tag, key.value)
        line = key.start_mark.line + 1
        if ident in seen:
            first = seen[ident]
            reason = f"key {key.value!r} given twice in one mapping (lines {first} and {line})"
            raise InputFileError(source, reason, line)
        seen[ident] = line


def parse_json(text: str | bytes, source: str) -> Any:
    """A JSON document nested at most `MAX_DEPTH` levels. Syntax errors are raised as
    `json.JSONDecodeError` (callers report them with their line)."""
    try:
        doc = json.loads(text)
    except RecursionError:
        raise InputFileError(source, f"JSON nested deeper than {MAX_DEPTH} levels") from None
    check_depth(doc, source)
    return doc


def check_depth(doc: Any, source: str) -> None:
    """Refuse a parsed JSON value nested deeper than `MAX_DEPTH` (iteratively: no recursion)."""
    stack: list[tuple[Any, int]] = [(doc, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise InputFileError(source, f"JSON nested deeper than {MAX_DEPTH} levels")
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values() if isinstance(v, dict | list))
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value if isinstance(v, dict | list))
