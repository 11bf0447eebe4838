"""One page of what a caller may see, read from the store's keyset pages.

The store pages by id; the service then drops what the caller may not see or did not ask for,
so a page of `limit` visible items may take several store pages. Every list route filters
the same way: read from the cursor (first `limit` records, then twice as many each step that
dropped some, at most `SCAN_BATCH`), keep what passes, stop at `limit`,
and hand back the last id *read* (not the last kept) as the next cursor, or none when the
store has nothing after it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from ceasefire.store import Page

T = TypeVar("T")
R = TypeVar("R")

#: Most records read from the store in one step while filtering a page. The first step reads
#: only `limit`: a reader who may see everything then decodes only what it is sent (reading
#: 500 for a page of 50 made a read ten times dearer; docs/benchmarks.md, "Service load").
SCAN_BATCH = 500


def filtered_page(
    fetch: Callable[[str | None, int], Page[T]],
    keep: Callable[[T], R | None],
    key: Callable[[T], str],
    after: str | None,
    limit: int,
) -> tuple[list[R], str | None]:
    """Up to `limit` kept items after `after`, and the cursor of the next page (None at the
    end). `keep` returns what to show for an item, or None to drop it."""
    items: list[R] = []
    cursor = after
    size = limit  # enough when nothing is dropped; doubled after each step that drops
    while True:
        page = fetch(cursor, min(size, SCAN_BATCH))
        for item in page.items:
            cursor = key(item)
            kept = keep(item)
            if kept is None:
                continue
            items.append(kept)
            if len(items) == limit:
                exhausted = page.next is None and cursor == key(page.items[-1])
                return items, None if exhausted else cursor
        if page.next is None:
            return items, None
        size = max(2 * size, limit - len(items))


def list_page(items: Sequence[T], key: Callable[[T], str], after: str | None,
              limit: int) -> tuple[list[T], str | None]:
    """Up to `limit` of `items` (already in key order and filtered) after `after`, and the
    next cursor: for the lists the service holds whole in memory (clocks, messages, reports,
    tracks, conflicts), with the same cursor rule as `filtered_page`."""
    rest = [item for item in items if after is None or key(item) > after]
    page = rest[:limit]
    return page, key(page[-1]) if len(rest) > limit else None
