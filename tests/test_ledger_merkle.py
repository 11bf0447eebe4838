"""RFC 9162 hashing, proofs and verification, against the RFC's own recursive definitions."""

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ceasefire.ledger import tiles
from ceasefire.ledger.merkle import (
    EMPTY_ROOT,
    LeafHashes,
    ProofError,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root,
    verify_consistency,
    verify_inclusion,
)

# The tree Certificate Transparency implementations test with.
CT_LEAVES = [
    bytes.fromhex(h)
    for h in [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ]
]
CT_ROOT_8 = "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"
CT_ROOT_1 = "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"


# -- the RFC's recursive definitions, written independently of the module --------


def ref_mth(d: list[bytes]) -> bytes:
    """MTH over leaf hashes (RFC 9162 §2.1.1)."""
    if not d:
        return hashlib.sha256(b"").digest()
    if len(d) == 1:
        return d[0]
    k = 1 << ((len(d) - 1).bit_length() - 1)
    return hashlib.sha256(b"\x01" + ref_mth(d[:k]) + ref_mth(d[k:])).digest()


def ref_path(m: int, d: list[bytes]) -> list[bytes]:
    """PATH(m, D[n]) (RFC 9162 §2.1.3.1)."""
    if len(d) == 1:
        return []
    k = 1 << ((len(d) - 1).bit_length() - 1)
    if m < k:
        return [*ref_path(m, d[:k]), ref_mth(d[k:])]
    return [*ref_path(m - k, d[k:]), ref_mth(d[:k])]


def ref_subproof(m: int, d: list[bytes], b: bool) -> list[bytes]:
    """SUBPROOF(m, D[n], b) (RFC 9162 §2.1.4.1)."""
    if m == len(d):
        return [] if b else [ref_mth(d)]
    k = 1 << ((len(d) - 1).bit_length() - 1)
    if m <= k:
        return [*ref_subproof(m, d[:k], b), ref_mth(d[k:])]
    return [*ref_subproof(m - k, d[k:], False), ref_mth(d[:k])]


def leaves(n: int) -> list[bytes]:
    return [leaf_hash(i.to_bytes(4, "big")) for i in range(n)]


def tile_source(hashes: list[bytes], batch: int) -> tiles.TileNodes:
    """Persist the tree as tiles, appending in batches, and serve nodes from them."""
    store: dict[tiles.TileKey, bytes] = {}
    edge: dict[int, bytes] = {}
    for start in range(0, len(hashes), batch):
        written, edge = tiles.extend(start, edge, hashes[start : start + batch])
        store.update(written)
    return tiles.TileNodes(lambda keys: {k: store[k] for k in keys if k in store})


def flip(b: bytes, bit: int) -> bytes:
    bit %= 8 * len(b)
    out = bytearray(b)
    out[bit // 8] ^= 1 << (bit % 8)
    return bytes(out)


# -- reference vectors ------------------------------------------------------------


def test_ct_reference_tree_roots() -> None:
    hashes = [leaf_hash(x) for x in CT_LEAVES]
    assert root(hashes).hex() == CT_ROOT_8
    assert root(hashes[:1]).hex() == CT_ROOT_1
    assert root([]) == hashlib.sha256(b"").digest() == EMPTY_ROOT


def test_ct_reference_tree_every_proof_verifies() -> None:
    hashes = [leaf_hash(x) for x in CT_LEAVES]
    source = LeafHashes(hashes)
    for n in range(1, 9):
        r = root(hashes[:n])
        for i in range(n):
            proof = inclusion_proof(i, n, source)
            assert proof == ref_path(i, hashes[:n])
            verify_inclusion(hashes[i], i, n, proof, r)
        for m in range(1, n):
            proof = consistency_proof(m, n, source)
            assert proof == ref_subproof(m, hashes[:n], True)
            verify_consistency(m, n, proof, root(hashes[:m]), r)


def test_leaf_and_node_prefixes() -> None:
    assert leaf_hash(b"") == hashlib.sha256(b"\x00").digest()
    a, b = leaf_hash(b"a"), leaf_hash(b"b")
    assert node_hash(a, b) == hashlib.sha256(b"\x01" + a + b).digest()


# -- generated proofs equal the RFC's and verify ----------------------------------

sizes = st.integers(min_value=1, max_value=700)


@settings(max_examples=200, deadline=None)
@given(data=st.data(), n=sizes, batch=st.sampled_from([1, 7, 255, 256, 300, 1000]))
def test_inclusion_proofs_match_rfc_and_verify(data: st.DataObject, n: int, batch: int) -> None:
    hashes = leaves(n)
    i = data.draw(st.integers(0, n - 1))
    expected = ref_path(i, hashes)
    from_tiles = inclusion_proof(i, n, tile_source(hashes, batch))
    assert from_tiles == expected
    assert inclusion_proof(i, n, LeafHashes(hashes)) == expected
    verify_inclusion(hashes[i], i, n, from_tiles, ref_mth(hashes))


@settings(max_examples=200, deadline=None)
@given(data=st.data(), n=sizes, batch=st.sampled_from([1, 7, 256, 1000]))
def test_consistency_proofs_match_rfc_and_verify(data: st.DataObject, n: int, batch: int) -> None:
    hashes = leaves(n)
    m = data.draw(st.integers(0, n))
    expected = [] if m in (0, n) else ref_subproof(m, hashes, True)
    proof = consistency_proof(m, n, tile_source(hashes, batch))
    assert proof == expected
    verify_consistency(m, n, proof, ref_mth(hashes[:m]), ref_mth(hashes))


# -- any single-bit change makes verification fail -------------------------------


@settings(max_examples=300, deadline=None)
@given(data=st.data(), n=sizes)
def test_inclusion_bit_flips_fail(data: st.DataObject, n: int) -> None:
    hashes = leaves(n)
    i = data.draw(st.integers(0, n - 1))
    proof = ref_path(i, hashes)
    r = ref_mth(hashes)
    bit = data.draw(st.integers(0, 255))
    with pytest.raises(ProofError):
        verify_inclusion(flip(hashes[i], bit), i, n, proof, r)
    with pytest.raises(ProofError):
        verify_inclusion(hashes[i], i, n, proof, flip(r, bit))
    if proof:
        k = data.draw(st.integers(0, len(proof) - 1))
        bad = [*proof[:k], flip(proof[k], bit), *proof[k + 1 :]]
        with pytest.raises(ProofError):
            verify_inclusion(hashes[i], i, n, bad, r)
    index_bit = data.draw(st.integers(0, 20))
    with pytest.raises(ProofError):
        verify_inclusion(hashes[i], i ^ (1 << index_bit), n, proof, r)


def path_sides(i: int, n: int) -> list[bool]:
    """For each audit-path step, whether the sibling is on the left (RFC recursion)."""
    if n == 1:
        return []
    k = 1 << ((n - 1).bit_length() - 1)
    return [*path_sides(i, k), False] if i < k else [*path_sides(i - k, n - k), True]


@settings(max_examples=300, deadline=None)
@given(data=st.data(), n=sizes, size_bit=st.integers(0, 20))
def test_inclusion_size_flip_fails_unless_path_is_identical(
    data: st.DataObject, n: int, size_bit: int
) -> None:
    """A tree size is bound to its root only by the signed checkpoint (see the
    bundle tests, where every size flip fails). The bare RFC algorithm cannot
    tell two sizes apart when the audit path has the same shape (e.g. leaf 0 of
    5 and of 7); it must fail in every other case."""
    hashes = leaves(n)
    i = data.draw(st.integers(0, n - 1))
    proof = ref_path(i, hashes)
    r = ref_mth(hashes)
    n2 = n ^ (1 << size_bit)
    same_shape = i < n2 and path_sides(i, n2) == path_sides(i, n)
    if same_shape:
        verify_inclusion(hashes[i], i, n2, proof, r)
    else:
        with pytest.raises(ProofError):
            verify_inclusion(hashes[i], i, n2, proof, r)


@settings(max_examples=300, deadline=None)
@given(data=st.data(), n=st.integers(2, 700))
def test_consistency_bit_flips_fail(data: st.DataObject, n: int) -> None:
    hashes = leaves(n)
    m = data.draw(st.integers(1, n - 1))
    proof = ref_subproof(m, hashes, True)
    r1, r2 = ref_mth(hashes[:m]), ref_mth(hashes)
    bit = data.draw(st.integers(0, 255))
    with pytest.raises(ProofError):
        verify_consistency(m, n, proof, flip(r1, bit), r2)
    with pytest.raises(ProofError):
        verify_consistency(m, n, proof, r1, flip(r2, bit))
    k = data.draw(st.integers(0, len(proof) - 1))
    bad = [*proof[:k], flip(proof[k], bit), *proof[k + 1 :]]
    with pytest.raises(ProofError):
        verify_consistency(m, n, bad, r1, r2)
    # a flipped size that changes the proof's length is always caught here;
    # every size flip is caught once sizes are signed (test_ledger_bundle)
    size_bit = data.draw(st.integers(0, 10))
    m2, n2 = m ^ (1 << size_bit), n ^ (1 << size_bit)
    for a, b in ((m2, n), (m, n2)):
        out_of_range = a > b or a <= 0
        if out_of_range or len(ref_subproof(a, leaves(b), True)) != len(proof):
            with pytest.raises(ProofError):
                verify_consistency(a, b, proof, r1, r2)


# -- the edge cases RFC 9162 spells out ---------------------------------------------


def test_inclusion_edge_cases() -> None:
    hashes = leaves(5)
    r = root(hashes)
    proof = ref_path(2, hashes)
    with pytest.raises(ProofError, match="not below"):
        verify_inclusion(hashes[2], 5, 5, proof, r)
    with pytest.raises(ProofError, match="not below"):
        verify_inclusion(hashes[0], 0, 0, [], EMPTY_ROOT)
    with pytest.raises(ProofError, match="negative"):
        verify_inclusion(hashes[0], -1, 5, proof, r)
    with pytest.raises(ProofError, match="too long"):
        verify_inclusion(hashes[2], 2, 5, [*proof, hashes[0]], r)
    with pytest.raises(ProofError, match="too short"):
        verify_inclusion(hashes[2], 2, 5, proof[:-1], r)
    with pytest.raises(ProofError, match="bytes"):
        verify_inclusion(hashes[2], 2, 5, [proof[0][:31], *proof[1:]], r)
    with pytest.raises(ProofError, match="bytes"):
        verify_inclusion(hashes[2][:31], 2, 5, proof, r)
    with pytest.raises(ProofError, match="bytes"):
        verify_inclusion(hashes[2], 2, 5, proof, r + b"\x00")
    verify_inclusion(hashes[0], 0, 1, [], hashes[0])  # single leaf: empty proof
    with pytest.raises(ProofError, match="outside"):
        inclusion_proof(5, 5, LeafHashes(hashes))


def test_consistency_edge_cases() -> None:
    hashes = leaves(8)
    r3, r8 = root(hashes[:3]), root(hashes)
    proof = ref_subproof(3, hashes, True)
    verify_consistency(0, 8, [], EMPTY_ROOT, r8)
    with pytest.raises(ProofError, match="empty tree"):
        verify_consistency(0, 8, [r3], EMPTY_ROOT, r8)
    with pytest.raises(ProofError, match="SHA-256 of nothing"):
        verify_consistency(0, 8, [], r3, r8)
    verify_consistency(8, 8, [], r8, r8)
    with pytest.raises(ProofError, match="equal sizes"):
        verify_consistency(8, 8, [r8], r8, r8)
    with pytest.raises(ProofError, match="same tree size"):
        verify_consistency(8, 8, [], r3, r8)
    with pytest.raises(ProofError, match="larger"):
        verify_consistency(8, 3, proof, r8, r3)
    with pytest.raises(ProofError, match="empty"):
        verify_consistency(3, 8, [], r3, r8)
    with pytest.raises(ProofError, match="too long"):
        verify_consistency(3, 8, [*proof, r3], r3, r8)
    with pytest.raises(ProofError, match="too short"):
        verify_consistency(3, 8, proof[:-1], r3, r8)
    with pytest.raises(ProofError, match="bytes"):
        verify_consistency(3, 8, [proof[0] + b"\x00", *proof[1:]], r3, r8)
    with pytest.raises(ProofError, match="bytes"):
        verify_consistency(3, 8, proof, r3[:16], r8)
    # power-of-two first size: the old root is implied, not sent
    verify_consistency(4, 8, ref_subproof(4, hashes, True), root(hashes[:4]), r8)
    assert consistency_proof(0, 8, LeafHashes(hashes)) == []
    assert consistency_proof(8, 8, LeafHashes(hashes)) == []
    with pytest.raises(ProofError):
        consistency_proof(9, 8, LeafHashes(hashes))


@given(n=st.integers(0, 600))
@settings(deadline=None)
def test_root_matches_rfc_definition(n: int) -> None:
    hashes = leaves(n)
    assert root(hashes) == ref_mth(hashes)
