"""Persisted interior hashes, cut into tiles after C2SP tlog-tiles.

A C2SP tile at level ``L``, index ``N`` holds up to 256 consecutive hashes of
tree height ``8 * L``. Serving a proof from such tiles alone means re-hashing
up to 255 nodes inside each tile, which is too slow in Python for a proof in
under 100 µs. So each stored tile blob is the C2SP tile (row 0) followed by its
seven interior rows, ``row r`` holding the complete nodes of height
``8 * L + r`` above it::

    blob = row0 (w hashes) || row1 (w >> 1) || ... || row7 (w >> 7)

where ``w`` (1..256) is the tile's width. Row 0 is byte for byte the C2SP tile,
so a tile server for C2SP clients (none is built yet) only has to send the first
``32 * w`` bytes. A proof over 10^7 leaves reads three blobs and hashes nothing.

Hashes of complete subtrees never change, so a full tile (w = 256) is
immutable and may be cached forever; only the right edge (one partial tile per
level) changes as the log grows.

This module is pure: it computes tile blobs; `ceasefire.ledger.storage`
says how they are kept.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence

from ceasefire.ledger.merkle import HASH_SIZE, NodeCoord, ProofError

TILE_HEIGHT = 8
TILE_WIDTH = 1 << TILE_HEIGHT

TileKey = tuple[int, int]
"""(level, index) of a tile."""


def _rows_total(width: int) -> int:
    return sum(width >> r for r in range(TILE_HEIGHT))


_WIDTH_BY_BLOB_LEN = {HASH_SIZE * _rows_total(w): w for w in range(1, TILE_WIDTH + 1)}
_ROW_OFFSETS = {
    w: [sum(w >> k for k in range(r)) for r in range(TILE_HEIGHT)] for w in range(1, TILE_WIDTH + 1)
}


def tile_width(blob: bytes) -> int:
    """Width of a tile blob, read from its length (a torn or foreign blob is an error)."""
    try:
        return _WIDTH_BY_BLOB_LEN[len(blob)]
    except KeyError:
        raise ProofError(f"tile blob of {len(blob)} bytes has no valid width") from None


def node_from_blob(blob: bytes, row: int, pos: int) -> bytes:
    """Hash at (row, pos) of a tile blob; raises if the tile does not hold it yet."""
    width = tile_width(blob)
    if pos >= width >> row:
        raise ProofError(f"tile of width {width} has no complete node at row {row}, position {pos}")
    at = (_ROW_OFFSETS[width][row] + pos) * HASH_SIZE
    return blob[at : at + HASH_SIZE]


def row_bytes(blob: bytes, row: int) -> bytes:
    """The concatenated hashes of one row of a tile blob."""
    width = tile_width(blob)
    at = _ROW_OFFSETS[width][row] * HASH_SIZE
    return blob[at : at + (width >> row) * HASH_SIZE]


def is_prefix_tile(short: bytes, long: bytes) -> bool:
    """True if tile `long` is tile `short` grown further: every row of `short` starts `long`'s."""
    if tile_width(short) > tile_width(long):
        return False
    return all(row_bytes(long, r).startswith(row_bytes(short, r)) for r in range(TILE_HEIGHT))


def _split_rows(blob: bytes) -> list[list[bytes]]:
    width = tile_width(blob)
    rows = []
    for r in range(TILE_HEIGHT):
        at = _ROW_OFFSETS[width][r] * HASH_SIZE
        rows.append(
            [blob[at + i * HASH_SIZE : at + (i + 1) * HASH_SIZE] for i in range(width >> r)]
        )
    return rows


def _grow_rows(rows: list[list[bytes]], new_row0: Sequence[bytes]) -> None:
    """Append hashes to row 0 and compute only the interior nodes that became complete."""
    sha = hashlib.sha256
    rows[0].extend(new_row0)
    for r in range(1, TILE_HEIGHT):
        below = rows[r - 1]
        have = len(rows[r])
        pairs = len(below) >> 1
        if pairs > have:
            rows[r].extend(
                sha(b"\x01" + below[2 * k] + below[2 * k + 1]).digest() for k in range(have, pairs)
            )


def _blob(rows: list[list[bytes]]) -> bytes:
    return b"".join(b"".join(row) for row in rows)


def edge_keys(size: int) -> list[TileKey]:
    """Keys of the partial tiles on the right edge of a tree of `size` leaves."""
    keys = []
    level, count = 0, size
    while count:
        if count % TILE_WIDTH:
            keys.append((level, count // TILE_WIDTH))
        level += 1
        count >>= TILE_HEIGHT
    return keys


def extend(
    size: int, edge: Mapping[int, bytes], new_leaf_hashes: Sequence[bytes]
) -> tuple[dict[TileKey, bytes], dict[int, bytes]]:
    """Tiles to write after appending `new_leaf_hashes` to a tree of `size` leaves.

    `edge` maps level to the blob of that level's partial right-edge tile (as
    given by `edge_keys`). Returns the tiles that changed or appeared and the
    new edge. Cost: one hash per new leaf plus about one per new interior node,
    no reads beyond the edge, which is what makes batched appends fast.
    """
    sha = hashlib.sha256
    written: dict[TileKey, bytes] = {}
    new_edge: dict[int, bytes] = {}
    incoming: Sequence[bytes] = new_leaf_hashes
    level, count = 0, size
    while True:
        if not incoming:
            # nothing reaches this level or above: their edge tiles are unchanged
            new_edge.update({lv: blob for lv, blob in edge.items() if lv >= level})
            break
        first_tile, used = divmod(count, TILE_WIDTH)
        rows: list[list[bytes]] = (
            _split_rows(edge[level]) if used else [[] for _ in range(TILE_HEIGHT)]
        )
        if used and len(rows[0]) != used:
            raise ProofError(
                f"edge tile at level {level} has width {len(rows[0])}, expected {used}"
            )
        completed: list[bytes] = []
        tile_index = first_tile
        at = 0
        while at < len(incoming):
            take = TILE_WIDTH - len(rows[0])
            _grow_rows(rows, incoming[at : at + take])
            at += take
            written[(level, tile_index)] = _blob(rows)
            if len(rows[0]) == TILE_WIDTH:
                completed.append(sha(b"\x01" + rows[-1][0] + rows[-1][1]).digest())
                tile_index += 1
                rows = [[] for _ in range(TILE_HEIGHT)]
        if rows[0]:
            new_edge[level] = written[(level, tile_index)]
        incoming = completed
        count >>= TILE_HEIGHT
        level += 1
    return written, new_edge


class TileNodes:
    """A `NodeSource` over persisted tiles, with a bounded cache of tiles.

    Complete subtrees never change, so any cached tile, even a partial one,
    stays right for every node it holds; when asked for a node a cached
    partial tile does not hold yet, the tile is read again.
    """

    def __init__(
        self,
        read_tiles: Callable[[Sequence[TileKey]], dict[TileKey, bytes]],
        cache_tiles: int = 4096,
    ) -> None:
        self._read = read_tiles
        self._cache: dict[TileKey, bytes] = {}
        self._cache_tiles = max(cache_tiles, 1)

    def get_nodes(self, coords: Sequence[NodeCoord]) -> list[bytes]:
        """Hash of each complete subtree, read from the tile that stores it."""
        # Node (height, index) lives in tile (height // 8, (index << row) >> 8) at row
        # height % 8; computed inline with node_from_blob's lookup: this is the proof hot path.
        # A proof's coordinates come bottom-up, so consecutive ones share a tile.
        cache = self._cache
        widths, offsets = _WIDTH_BY_BLOB_LEN, _ROW_OFFSETS
        out = []
        last_key: TileKey | None = None
        blob = b""
        width = 0
        row_offsets: list[int] = []
        for height, index in coords:
            row = height % TILE_HEIGHT
            tile_index = (index << row) >> TILE_HEIGHT
            key = (height // TILE_HEIGHT, tile_index)
            pos = index - (tile_index << (TILE_HEIGHT - row))
            if key != last_key or pos >= width >> row:
                cached = cache.get(key)
                if cached is None or pos >= widths[len(cached)] >> row:
                    cached = self._fetch(key)
                blob, last_key = cached, key
                width = widths.get(len(blob), 0)
                if pos >= width >> row:
                    raise ProofError(f"tile {key} has no complete node at row {row}, pos {pos}")
                row_offsets = offsets[width]
            at = (row_offsets[row] + pos) * HASH_SIZE
            out.append(blob[at : at + HASH_SIZE])
        return out

    def _fetch(self, key: TileKey) -> bytes:
        found = self._read([key])
        if key not in found:
            raise ProofError(f"tile {key} is not stored")
        blob = found[key]
        cache = self._cache
        cache.pop(key, None)
        cache[key] = blob
        if len(cache) > self._cache_tiles:  # evict the oldest read (FIFO: cheaper than LRU)
            del cache[next(iter(cache))]
        return blob
