"""Which incidents a map view asks for: the timeline's day and the filters (pure).

The filters are those of the dashboard's URL (category, source, state, oblast) so a shared
link shows the same incidents; a day of the timeline selects the incidents placed on that day
(`verify.territory.map_day`: Kyiv's date at the middle of the incident's interval, the day
whose line of contact attribution used).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from ceasefire.dashboard.index import Entry


@dataclass(frozen=True, slots=True)
class MapQuery:
    day: str | None = None
    state: str | None = None
    category: str | None = None
    source: str | None = None
    oblast: str | None = None

    def without_day(self) -> MapQuery:
        return MapQuery(None, self.state, self.category, self.source, self.oblast)


def matches(entry: Entry, query: MapQuery) -> bool:
    return (
        (query.day is None or entry.day == query.day)
        and (query.state is None or str(entry.state) == query.state)
        and (query.category is None or entry.row["category"] == query.category)
        and (query.source is None or query.source in entry.sources)
        and (query.oblast is None or entry.oblast == query.oblast)
    )


def facets(entries: Iterable[Entry]) -> dict[str, dict[str, int]]:
    """Counts by source, oblast, category and state: the choices the filters offer."""
    sources: Counter[str] = Counter()
    oblasts: Counter[str] = Counter()
    categories: Counter[str] = Counter()
    states: Counter[str] = Counter()
    for e in entries:
        sources.update(e.sources)
        oblasts[e.oblast or "unknown"] += 1
        categories[e.row["category"]] += 1
        states[str(e.state)] += 1
    return {name: dict(sorted(c.items())) for name, c in
            (("source", sources), ("oblast", oblasts), ("category", categories),
             ("state", states))}
