"""What a fusion run found, in numbers a reader can re-derive from the raw rows (pure).

Every count here says what it counts: observations are stored rows after the adapters'
duplicate rules; an incident is a connected group of fused observations; "independent
sources" follows `monitoring.origins` (rows that cite the same original post are one source).
The Bellingcat/CIR figures exist because the two feeds overlap: they show how many rows were
fused into shared incidents and that no incident counts a republished post twice.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from ceasefire.domain import Incident, Observation, RecordKind
from ceasefire.monitoring.fusion_run import FusionRun
from ceasefire.monitoring.origins import origin_keys
from ceasefire.store import Store
from ceasefire.verify.queue import QueueEntry

FEEDS = ("bellingcat", "cir")


@dataclass(frozen=True, slots=True)
class FeedOverlap:
    """Bellingcat and CIR rows in the same incidents, and how they were counted."""

    shared_incidents: int
    """Incidents holding at least one Bellingcat and one CIR row."""
    bellingcat_rows: int
    cir_rows: int
    """Rows of each feed in those incidents."""
    same_post_pairs: int
    """(Bellingcat row, CIR row) pairs in one incident that cite the same original post."""
    same_post_incidents: int
    """Incidents holding at least one such pair."""
    counted_twice: int
    """Such pairs counted as two independent sources: 0 when the rule holds."""
    corroborated_only_by_other_feed: int
    """Incidents counted as corroborated (>= 2 sources) whose sources would drop below two if
    every same-post pair were merged: 0 when the rule holds."""


@dataclass(frozen=True, slots=True)
class MonitoringSummary:
    observations: int
    fused_observations: int
    incidents: int
    corroborated: int
    by_sources: dict[int, int]
    supporting_rows: int
    supported_incidents: int
    unplaced_rows: int
    attribution: dict[str, int]
    overlap: FeedOverlap
    examples: list[Incident]
    waiting: int
    waiting_corroborated: int
    oldest: list[QueueEntry]
    incident_verdicts: dict[str, dict[str, int]] = field(default_factory=dict)
    """Per agreement id, its incident findings counted by verdict (`incident_verdicts`)."""


def incident_verdicts(store: Store) -> dict[str, dict[str, int]]:
    """Per assessed agreement, how many incident findings it has of each verdict."""
    counts: dict[str, dict[str, int]] = {}
    for agreement_id in store.assessed_agreements():
        found = Counter(str(f.verdict) for f in store.findings(agreement_id)
                        if f.subject.kind is RecordKind.INCIDENT)
        counts[agreement_id] = dict(sorted(found.items()))
    return counts


def feed_overlap(incidents: Sequence[Incident], by_id: dict[str, Observation]) -> FeedOverlap:
    shared = b_rows = c_rows = pairs = pair_incidents = twice = only_other = 0
    for incident in incidents:
        members = [by_id[o] for o in incident.observation_ids]
        bs = [m for m in members if m.source == "bellingcat"]
        cs = [m for m in members if m.source == "cir"]
        if not (bs and cs):
            continue
        shared += 1
        b_rows += len(bs)
        c_rows += len(cs)
        group = {o: n for n, g in enumerate(incident.sources) for o in g.observation_ids}
        found = [(b, c) for b in bs for c in cs if origin_keys(b) & origin_keys(c)]
        pairs += len(found)
        pair_incidents += bool(found)
        twice += sum(1 for b, c in found if group[b.id] != group[c.id])
        if found and incident.corroborated:
            only_other += _sources_if_merged(set(group.values()), found, group) < 2
    return FeedOverlap(shared, b_rows, c_rows, pairs, pair_incidents, twice, only_other)


def _sources_if_merged(
    groups: set[int],
    pairs: Sequence[tuple[Observation, Observation]],
    group: dict[str, int],
) -> int:
    """How many sources remain when the groups of every same-post pair are joined."""
    parent = {g: g for g in groups}

    def root(g: int) -> int:
        while parent[g] != g:
            g = parent[g]
        return g

    for b, c in pairs:
        parent[root(group[b.id])] = root(group[c.id])
    return len({root(g) for g in groups})


def _examples(incidents: Sequence[Incident]) -> list[Incident]:
    """Three incidents that show the reasoning: the most corroborated, one where two feeds
    republish one post, one with bulletin support."""
    chosen: list[Incident] = []
    ranked = sorted(incidents, key=lambda i: (-i.independent_sources, i.id))
    if ranked:
        chosen.append(ranked[0])
    republished = [
        i for i in ranked
        if any(set(FEEDS) <= set(g.sources) for g in i.sources) and i not in chosen
    ]
    chosen += republished[:1]
    supported = [i for i in ranked if i.supporting and i.location.region and i not in chosen]
    chosen += supported[:1]
    return chosen


def summarise_monitoring(run: FusionRun, queue: Sequence[QueueEntry]) -> MonitoringSummary:
    by_id = {o.id: o for o in run.observations}
    incidents = run.incidents
    attribution = Counter(
        "undetermined" if not i.attribution.determined else f"{i.side} by {i.attribution.method}"
        for i in incidents
    )
    return MonitoringSummary(
        observations=len(run.observations),
        fused_observations=run.fused_observations,
        incidents=len(incidents),
        corroborated=sum(1 for i in incidents if i.corroborated),
        by_sources=dict(sorted(Counter(i.independent_sources for i in incidents).items())),
        supporting_rows=run.supporting_rows,
        supported_incidents=sum(1 for i in incidents if i.supporting),
        unplaced_rows=len(run.unplaced_rows),
        attribution=dict(sorted(attribution.items())),
        overlap=feed_overlap(incidents, by_id),
        examples=_examples(incidents),
        waiting=len(queue),
        waiting_corroborated=sum(1 for e in queue if str(e.state) == "corroborated"),
        oldest=list(queue[:5]),
    )
