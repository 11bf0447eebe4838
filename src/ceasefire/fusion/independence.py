"""How many independent sources an incident has, and why each group counts once.

Corroboration is only worth something when the reports do not copy one another: Bellingcat and
CIR geolocating the same Telegram post are one source, not two. The rule (docs/fusion.md,
"Independence"):

- members that share an origin key (the original post's URL, ``bulletin:<document>``) are one
  source, transitively;
- members without origin keys are one source when they have the same `source` and the same
  `document` (a source that names no document counts once however many rows it gave).
"""

from __future__ import annotations

from collections.abc import Sequence

from ceasefire.fusion.model import Sighting, SourceGroup


def source_groups(members: Sequence[Sighting]) -> tuple[SourceGroup, ...]:
    """The independent sources among `members`, sorted by their first observation id."""
    parent = list(range(len(members)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        ri, rj = root(i), root(j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)

    first_with: dict[tuple[str, ...], int] = {}
    for i, s in enumerate(members):
        keys: list[tuple[str, ...]] = [("key", k) for k in s.origin_keys]
        keys = keys or [("feed", s.source, s.document or "")]
        for key in keys:
            if key in first_with:
                union(i, first_with[key])
            else:
                first_with[key] = i
    grouped: dict[int, list[int]] = {}
    for i in range(len(members)):
        grouped.setdefault(root(i), []).append(i)
    groups = [_group([members[i] for i in rows]) for rows in grouped.values()]
    return tuple(sorted(groups, key=lambda g: g.observation_ids))


def _group(rows: list[Sighting]) -> SourceGroup:
    ids = tuple(sorted(s.id for s in rows))
    sources = tuple(sorted({s.source for s in rows}))
    return SourceGroup(ids, sources, _reason(rows, sources))


def _reason(rows: list[Sighting], sources: tuple[str, ...]) -> str:
    if len(rows) == 1:
        return "one source"
    shared = sorted(_shared_keys(rows))
    if shared:
        who = _names(sources)
        verb = "republishes" if len(sources) == 1 else "republish"
        what = "the same original report" if len(shared) == 1 else "the same original reports"
        return f"{who} {verb} {what} {', '.join(shared)}"
    document = rows[0].document
    where = f" from document {document}" if document else ""
    return f"{len(rows)} rows of {sources[0]}{where}, one source"


def _shared_keys(rows: list[Sighting]) -> set[str]:
    """Origin keys carried by more than one member: the ones that tie the group together."""
    seen: set[str] = set()
    shared: set[str] = set()
    for s in rows:
        shared |= seen & s.origin_keys
        seen |= s.origin_keys
    return shared


def _names(sources: tuple[str, ...]) -> str:
    if len(sources) == 1:
        return sources[0]
    return ", ".join(sources[:-1]) + f" and {sources[-1]}"
