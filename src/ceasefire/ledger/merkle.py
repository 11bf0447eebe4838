"""RFC 9162 Merkle tree hashing, proof construction and proof verification.

Everything here is pure: bytes in, bytes out. Proof *construction* needs the
hashes of complete subtrees, which it asks for through the small `NodeSource`
protocol, so the same code runs over the persisted tiles of a log of 10^7
entries (see `ceasefire.ledger.tiles`) and over a plain list of leaf hashes in
tests. Proof *verification* follows RFC 9162 §2.1.3.2 and §2.1.4.2 step by
step, because a verifier that deviates from the RFC is a verifier another
party cannot re-implement and compare with.

Node coordinates: a complete subtree of height ``h`` whose leaves are
``[i * 2**h, (i + 1) * 2**h)`` is addressed as ``(h, i)``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Protocol

from ceasefire.domain.errors import VerificationFailedError

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()
_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"

NodeCoord = tuple[int, int]
"""(height, index) of a complete, aligned subtree."""


class ProofError(VerificationFailedError):
    """A proof, root or argument failed verification; the message says which step."""


class NodeSource(Protocol):
    """Gives the hashes of complete subtrees; a log serves them from persisted tiles."""

    def get_nodes(self, coords: Sequence[NodeCoord]) -> list[bytes]:
        """Return the hash of each complete subtree in `coords`, in order."""
        ...


def leaf_hash(data: bytes) -> bytes:
    """MTH of one entry: SHA-256(0x00 || data). The prefix stops a leaf posing as a node."""
    return hashlib.sha256(_LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Interior node: SHA-256(0x01 || left || right)."""
    return hashlib.sha256(_NODE_PREFIX + left + right).digest()


def root(leaf_hashes: Sequence[bytes]) -> bytes:
    """MTH(D[n]) of a list of leaf hashes, in O(n) time and O(log n) memory.

    Walks the leaves once, keeping a stack of complete subtrees (the binary
    counter trick), then folds the stack from the right exactly as the RFC's
    recursive split would.
    """
    if not leaf_hashes:
        return EMPTY_ROOT
    stack: list[bytes] = []
    for count, h in enumerate(leaf_hashes, start=1):
        _check_hash(h, "leaf hash")
        stack.append(h)
        # one merge per trailing one-bit of the new count
        c = count
        while c & 1 == 0:
            right = stack.pop()
            stack[-1] = node_hash(stack[-1], right)
            c >>= 1
    acc = stack.pop()
    while stack:
        acc = node_hash(stack.pop(), acc)
    return acc


def range_nodes(start: int, end: int) -> list[NodeCoord]:
    """Split the leaf range [start, end) into complete subtrees, left to right.

    Every range a RFC 9162 proof names is either a complete subtree or the
    right edge of the tree, [start, size), with `start` aligned to a power of
    two at least as large as the range; both split into decreasing complete
    subtrees.
    """
    out: list[NodeCoord] = []
    while start < end:
        height = (end - start).bit_length() - 1
        while start & ((1 << height) - 1):
            height -= 1
        out.append((height, start >> height))
        start += 1 << height
    return out


def fold_range(hashes: Sequence[bytes]) -> bytes:
    """MTH of a range from the hashes of its `range_nodes`, folded from the right."""
    acc = hashes[-1]
    for h in reversed(hashes[:-1]):
        acc = node_hash(h, acc)
    return acc


def _audit_path(
    leaf_index: int, tree_size: int, nodes: NodeSource, from_height: int = 0
) -> list[bytes]:
    """Audit path siblings of `leaf_index` in a tree of `tree_size`, bottom up, from `from_height`.

    Below ``inner`` the paths of this leaf and of the last leaf differ, so
    every level has a sibling; all are complete subtrees except perhaps the one
    at ``inner - 1``, which may be the truncated right edge of the tree and is
    folded from its complete parts. Above ``inner`` the paths merge and only
    left siblings (always complete) exist. All stored nodes are fetched in one
    `get_nodes` call.
    """
    last = tree_size - 1
    inner = (leaf_index ^ last).bit_length()
    coords = [(h, (leaf_index >> h) ^ 1) for h in range(from_height, inner - 1)]
    edge_parts: list[NodeCoord] = []
    edge_at = -1
    if from_height < inner:
        h = inner - 1
        start = ((leaf_index >> h) ^ 1) << h
        if start + (1 << h) <= tree_size:
            coords.append((h, start >> h))
        else:
            edge_at = len(coords)
            edge_parts = range_nodes(start, tree_size)
    coords.extend(
        (h, (leaf_index >> h) ^ 1)
        for h in range(max(inner, from_height), last.bit_length())
        if (leaf_index >> h) & 1
    )
    hashes = nodes.get_nodes(coords + edge_parts)
    if edge_at < 0:
        return hashes
    edge = fold_range(hashes[len(coords) :])
    return [*hashes[:edge_at], edge, *hashes[edge_at : len(coords)]]


def inclusion_proof(leaf_index: int, tree_size: int, nodes: NodeSource) -> list[bytes]:
    """PATH(leaf_index, D[tree_size]) of RFC 9162 §2.1.3.1, bottom-up, from stored nodes."""
    if not 0 <= leaf_index < tree_size:
        raise ProofError(f"leaf index {leaf_index} is outside a tree of size {tree_size}")
    return _audit_path(leaf_index, tree_size, nodes)


def consistency_proof(size1: int, size2: int, nodes: NodeSource) -> list[bytes]:
    """PROOF(size1, D[size2]) of RFC 9162 §2.1.4.1, from stored nodes.

    The proof is the subtree ending exactly at `size1` (omitted when `size1` is
    a power of two, since the verifier already holds it as the old root),
    followed by the audit path of that subtree inside the new tree. Size 0 and
    equal sizes give the empty proof.
    """
    if not 0 <= size1 <= size2:
        raise ProofError(f"no consistency proof from size {size1} to size {size2}")
    if size1 == 0 or size1 == size2:
        return []
    low = (size1 & -size1).bit_length() - 1  # height of the largest subtree ending at size1
    path = _audit_path(size1 - 1, size2, nodes, from_height=low)
    if size1 == 1 << low:
        return path
    return [*nodes.get_nodes([(low, (size1 >> low) - 1)]), *path]


def _check_hash(value: bytes, what: str) -> None:
    if len(value) != HASH_SIZE:
        raise ProofError(f"{what} has {len(value)} bytes, expected {HASH_SIZE}")


def root_from_inclusion_proof(
    leaf_hash_: bytes, leaf_index: int, tree_size: int, proof: Sequence[bytes]
) -> bytes:
    """Steps 1-5 of RFC 9162 §2.1.3.2 up to, not including, the root comparison."""
    if leaf_index < 0 or tree_size < 0:
        raise ProofError("leaf index and tree size must not be negative")
    if leaf_index >= tree_size:
        raise ProofError(f"leaf index {leaf_index} is not below tree size {tree_size}")
    _check_hash(leaf_hash_, "leaf hash")
    fn, sn = leaf_index, tree_size - 1
    r = leaf_hash_
    sha = hashlib.sha256  # node_hash inlined: this loop is the verifier's hot path
    for i, p in enumerate(proof):
        if len(p) != HASH_SIZE:
            _check_hash(p, f"proof element {i}")
        if sn == 0:
            raise ProofError(f"inclusion proof too long: {len(proof)} elements")
        if fn & 1 or fn == sn:
            r = sha(_NODE_PREFIX + p + r).digest()
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = sha(_NODE_PREFIX + r + p).digest()
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError(f"inclusion proof too short: {len(proof)} elements")
    return r


def verify_inclusion(
    leaf_hash: bytes, leaf_index: int, tree_size: int, proof: Sequence[bytes], root: bytes
) -> None:
    """RFC 9162 §2.1.3.2: raise ProofError unless `proof` puts the leaf under `root`."""
    _check_hash(root, "root hash")
    computed = root_from_inclusion_proof(leaf_hash, leaf_index, tree_size, proof)
    if computed != root:
        raise ProofError("inclusion proof does not lead to the given root")


def verify_consistency(
    size1: int, size2: int, proof: Sequence[bytes], root1: bytes, root2: bytes
) -> None:
    """RFC 9162 §2.1.4.2: raise ProofError unless tree `size2` extends tree `size1`.

    The RFC defines the algorithm for 0 < size1 < size2. The edges are decided
    the strict way: size1 = size2 needs an empty proof and equal roots; size1 =
    0 needs an empty proof and root1 equal to the empty tree's root.
    """
    _check_hash(root1, "first root hash")
    _check_hash(root2, "second root hash")
    for i, p in enumerate(proof):
        _check_hash(p, f"proof element {i}")
    if size1 < 0 or size2 < 0:
        raise ProofError("tree sizes must not be negative")
    if size1 > size2:
        raise ProofError(f"first size {size1} is larger than second size {size2}")
    if size1 == 0:
        if proof:
            raise ProofError("a consistency proof from the empty tree must be empty")
        if root1 != EMPTY_ROOT:
            raise ProofError("root of a tree of size 0 must be SHA-256 of nothing")
        return
    if size1 == size2:
        if proof:
            raise ProofError("a consistency proof between equal sizes must be empty")
        if root1 != root2:
            raise ProofError(f"two different roots for the same tree size {size1}")
        return
    # step 1
    if not proof:
        raise ProofError("consistency proof is empty")
    path = list(proof)
    # step 2
    if size1 & (size1 - 1) == 0:
        path.insert(0, root1)
    # steps 3-4
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    # step 5
    fr = sr = path[0]
    # step 6
    for c in path[1:]:
        if sn == 0:
            raise ProofError(f"consistency proof too long: {len(proof)} elements")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    # step 7
    if sn != 0:
        raise ProofError(f"consistency proof too short: {len(proof)} elements")
    if fr != root1:
        raise ProofError("consistency proof does not lead to the first root")
    if sr != root2:
        raise ProofError("consistency proof does not lead to the second root")


class LeafHashes:
    """A `NodeSource` that recomputes every subtree from a list of leaf hashes.

    This is the naive implementation the benchmark compares against (O(n) per
    proof), and a second, independent path for the tests.
    """

    def __init__(self, leaf_hashes: Sequence[bytes]) -> None:
        self._leaves = leaf_hashes

    def get_nodes(self, coords: Sequence[NodeCoord]) -> list[bytes]:
        """Hash each requested subtree from its leaves."""
        out = []
        for height, index in coords:
            start = index << height
            end = start + (1 << height)
            if end > len(self._leaves):
                raise ProofError(f"subtree ({height}, {index}) is not complete")
            out.append(root(self._leaves[start:end]))
        return out
