"""Deeply immutable, hashable JSON-like values for the raw fields a record keeps.

An observation keeps its source row in `extras`. Once stored and committed to the ledger that
row is evidence: code that could still change it after the fact (a dict) would make the stored
record and the ledger disagree, and a record holding a dict cannot be hashed or put in a set.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any


class FrozenMap(Mapping[str, Any]):
    """A read-only mapping with string keys whose values are frozen too; equal to a dict with the
    same items, and hashable."""

    __slots__ = ("_hash", "_items")

    def __init__(self, items: Mapping[str, Any] | None = None) -> None:
        self._items: dict[str, Any] = {str(k): freeze(v) for k, v in (items or {}).items()}
        self._hash: int | None = None

    def __getitem__(self, key: str) -> Any:
        return self._items[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(frozenset(self._items.items()))
        return self._hash

    def __eq__(self, other: object) -> bool:
        if isinstance(other, FrozenMap):
            return self._items == other._items
        if isinstance(other, Mapping):
            return self._items == {k: freeze(v) for k, v in other.items()}
        return NotImplemented

    def __repr__(self) -> str:
        return f"FrozenMap({self._items!r})"


def freeze(value: Any) -> Any:
    """The immutable form of a JSON-like value: mappings become FrozenMap, lists tuples."""
    if isinstance(value, FrozenMap | str | int | float | bool) or value is None:
        return value
    if isinstance(value, Mapping):
        return FrozenMap(value)
    if isinstance(value, list | tuple):
        return tuple(freeze(v) for v in value)
    raise TypeError(f"cannot keep a {type(value).__name__} in a record: {value!r}")


def thaw(value: Any) -> Any:
    """The plain JSON form again (dicts and lists), for encoders and serialisers."""
    if isinstance(value, Mapping):
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [thaw(v) for v in value]
    return value
