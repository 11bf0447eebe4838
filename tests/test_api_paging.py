"""`filtered_page`: a page of what a caller may see, read in growing steps from the store."""

from __future__ import annotations

from ceasefire.api.paging import SCAN_BATCH, filtered_page
from ceasefire.store import Page

IDS = [f"id-{n:05d}" for n in range(3000)]


class Source:
    """Keyset pages over sorted ids, as the store gives them; remembers each step's size."""

    def __init__(self) -> None:
        self.sizes: list[int] = []

    def fetch(self, after: str | None, size: int) -> Page[str]:
        self.sizes.append(size)
        rest = [i for i in IDS if after is None or i > after]
        items = rest[:size]
        return Page(items, items[-1] if len(rest) > size else None)


def _all_pages(keep_every: int, limit: int) -> tuple[list[str], Source]:
    source, seen, cursor = Source(), [], None
    while True:
        items, cursor = filtered_page(
            source.fetch, lambda i: i if int(i[3:]) % keep_every == 0 else None,
            lambda i: i, cursor, limit)
        seen += items
        if cursor is None:
            return seen, source


def test_an_unfiltered_page_reads_only_what_it_sends() -> None:
    source = Source()
    items, cursor = filtered_page(source.fetch, lambda i: i, lambda i: i, None, 50)
    assert items == IDS[:50]
    assert cursor == IDS[49]
    assert source.sizes == [50]


def test_a_filtered_listing_is_complete_and_in_order_whatever_the_steps() -> None:
    for keep_every, limit in ((1, 7), (7, 10), (997, 3), (5000, 10)):
        seen, source = _all_pages(keep_every, limit)
        assert seen == [i for i in IDS if int(i[3:]) % keep_every == 0]
        assert max(source.sizes) <= SCAN_BATCH


def test_steps_grow_when_most_is_dropped() -> None:
    source = Source()
    filtered_page(source.fetch, lambda i: i if i.endswith("999") else None,
                  lambda i: i, None, 2)
    assert source.sizes[:4] == [2, 4, 8, 16]
    assert source.sizes[-1] == SCAN_BATCH
