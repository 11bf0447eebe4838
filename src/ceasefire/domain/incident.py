"""An incident: the observations of one real event, fused, with the reasons they were fused.

Fusion (`ceasefire.fusion`) builds incidents; the verification workflow (`ceasefire.verify`)
moves them through `IncidentState` by transitions, which are records of their own, so an
incident's record says only what the evidence is, never what reviewers decided about it.
Every reason is kept on the record, because a party that disputes an incident disputes the
reasoning first: which observation joined on which gate, which sources were judged to be one
source and why, which bulletin rows support it, and how it was attributed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from ceasefire.domain.observation import Location
from ceasefire.domain.taxonomy import Category, Side
from ceasefire.domain.timeinterval import TimeInterval


class IncidentState(StrEnum):
    """Where an incident stands in verification (docs/verification.md has the diagram)."""

    REPORTED = "reported"
    """Fused from observations, at most one independent source."""
    CORROBORATED = "corroborated"
    """At least two independent sources report it; waits for a reviewer."""
    VERIFIED = "verified"
    """A reviewer independent of every reporter confirmed it happened as recorded."""
    UNVERIFIABLE = "unverifiable"
    """A reviewer found the evidence cannot decide."""
    DISMISSED = "dismissed"
    """A reviewer found it did not happen, or not as reported."""


#: States a reviewer has decided; an incident in one of them leaves the review queue.
DECIDED_STATES: frozenset[IncidentState] = frozenset(
    {IncidentState.VERIFIED, IncidentState.UNVERIFIABLE, IncidentState.DISMISSED}
)


@dataclass(frozen=True, slots=True)
class FusionLink:
    """Why one observation is part of the incident: the candidate pair that connected it."""

    observation_id: str
    partner_id: str
    """The member it was found to be a candidate with."""
    distance_m: float
    """Great-circle distance between the two reported points."""
    reach_m: float
    """The spatial gate it passed: both uncertainty radii plus the spatial tolerance."""
    gap_s: float
    """Time between the two reported intervals before widening; 0 when they overlap."""
    tolerance_s: float
    """The time gate it passed: the widening applied for the two sources' precisions."""
    categories: tuple[str, str]
    """The two categories the compatibility gate accepted."""


@dataclass(frozen=True, slots=True)
class SourceGroup:
    """Observations that count as one independent source, and why they were judged one."""

    observation_ids: tuple[str, ...]
    sources: tuple[str, ...]
    reason: str


@dataclass(frozen=True, slots=True)
class SupportingLink:
    """A report that supports the incident without being one of its observations.

    An Air Force bulletin row counts a night's attacks over a region: it may include this
    event, but it is not a report *of* it, so it is linked, never fused (it neither moves the
    incident's place nor counts as a corroborating source).
    """

    observation_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class Attribution:
    """Which side an act came from, how sure, and the reasoning a party can check."""

    side: Side = Side.UNKNOWN
    """`Side.UNKNOWN` is the answer `undetermined`."""
    confidence: float = 0.0
    method: str = "none"
    """How it was decided: ``territory`` (impact point against the day's map), ``launch_area``
    (a bulletin names where launches came from), ``source`` (the report names the perpetrator),
    or ``none``."""
    reasons: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not 0.0 <= self.confidence <= 1.0:
            raise ValueError(f"attribution confidence {self.confidence} must lie in [0, 1]")

    @property
    def determined(self) -> bool:
        return self.side is not Side.UNKNOWN


@dataclass(frozen=True, slots=True)
class Incident:
    """One real-world event and the observations that corroborate it."""

    id: str
    observation_ids: tuple[str, ...]
    interval: TimeInterval
    location: Location
    category: Category
    side: Side = Side.UNKNOWN
    confidence: float = 0.0
    independent_sources: int = 0
    """How many independent sources report it (`sources` says which, and why)."""
    links: tuple[FusionLink, ...] = ()
    """One per member after the first: the pairs that connect the incident."""
    sources: tuple[SourceGroup, ...] = ()
    supporting: tuple[SupportingLink, ...] = ()
    attribution: Attribution = field(default_factory=Attribution)

    def __post_init__(self) -> None:
        if not self.observation_ids:
            raise ValueError("an incident needs at least one observation")
        if not 0.0 <= self.confidence <= 1.0:
            raise ValueError(f"confidence {self.confidence} must lie in [0, 1]")
        if self.independent_sources < 0:
            raise ValueError(f"independent sources {self.independent_sources} must be >= 0")

    @property
    def corroborated(self) -> bool:
        """Reported by at least two independent sources."""
        return self.independent_sources >= 2
