"""The numbers of one day, gathered from stored rows (pure: rows in, counts out).

Every count here is a count of stored rows under a rule stated in docs/reports.md, so that
a reader can re-derive it from the store (and the test does, from the raw files). Nothing is
estimated, merged or spread: a row is counted on the one Kyiv day `period.row_day` gives it,
a regional air command's tally is never added to the headquarters' launch counts it may
repeat, and what the rows cannot decide (no geocoded feed reaching the day, no reviewer
decision yet) is reported as such, never as a zero.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from ceasefire.domain import (
    ClockState,
    Finding,
    Incident,
    IncidentState,
    Observation,
    ReportKind,
    ResponseClock,
    Transition,
    Verdict,
)
from ceasefire.domain.agreement import Agreement
from ceasefire.report.daily.period import ReportDay, row_day
from ceasefire.verify.clocks import clock_status

#: Where a point lies, as an oblast name (None outside Ukraine's oblasts).
OblastOf = Callable[[float, float], str | None]

#: The place a row without an oblast is counted under.
OUTSIDE = "outside Ukraine's oblasts"


@dataclass(frozen=True, slots=True)
class Compared:
    """One line of a table that compares the day with the day before."""

    key: tuple[str, ...]
    day: int
    previous: int


@dataclass(frozen=True, slots=True)
class SourceCoverage:
    """What one source contributes to the day, and how far its stored rows reach."""

    source: str
    day: int
    previous: int
    first: date | None
    last: date | None
    """The first and last Kyiv day any of its rows is counted on, across the whole store."""


@dataclass(frozen=True, slots=True)
class StrikeRow:
    """One bulletin row counted on the day, as published."""

    observation_id: str
    publisher: str
    report_kind: str
    weapon_class: str
    model: str
    region: str
    start: str
    end: str
    """The row's reported period in Kyiv local time."""
    launched: int | None
    destroyed: int | None


@dataclass(frozen=True, slots=True)
class StrikeTotal:
    """Launch reports summed per weapon class, the day against the day before."""

    weapon_class: str
    rows: int
    launched: int
    destroyed: int
    previous_rows: int
    previous_launched: int
    previous_destroyed: int


@dataclass(frozen=True, slots=True)
class ClauseCount:
    clause: str
    verdict: str
    findings: int
    launched: int


@dataclass(frozen=True, slots=True)
class AgreementFacts:
    """One agreement's stored findings about the rows of the day and of the day before."""

    agreement: Agreement
    by_place: tuple[Compared, ...]
    """(oblast or region, category, verdict) -> findings; not_covered left out."""
    by_clause: tuple[ClauseCount, ...]
    """The day's findings by verdict and the clause that decided them."""
    verdicts: Mapping[str, int]
    """Every verdict's count on the day, not_covered included (they add up to the rows)."""
    previous_verdicts: Mapping[str, int]


@dataclass(frozen=True, slots=True)
class PlacedIncident:
    id: str
    category: str
    oblast: str
    state: str
    sources: int
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class ClockLine:
    clock_id: str
    incident_id: str
    party: str
    track: str
    state: str
    due: str
    overdue_hours: float | None


@dataclass(frozen=True, slots=True)
class ClockFacts:
    started: int
    """Clocks whose violation was verified during the day."""
    acknowledged: int
    """Acknowledgments received during the day."""
    running: int
    overdue: tuple[ClockLine, ...]
    """Clocks unanswered past their deadline at the end of the day."""
    late: tuple[ClockLine, ...]
    """Clocks acknowledged during the day, after their deadline."""
    total: int
    """Clocks started at any time up to the end of the day."""


@dataclass(frozen=True, slots=True)
class DailyFacts:
    day: ReportDay
    observations: int
    previous_observations: int
    coarse: int
    """Rows overlapping the day whose dating is coarser than a day: counted on no day."""
    coverage: tuple[SourceCoverage, ...]
    by_place: tuple[Compared, ...]
    """(oblast or region, category) -> observations."""
    strikes: tuple[StrikeRow, ...]
    strike_totals: tuple[StrikeTotal, ...]
    tallies: tuple[StrikeRow, ...]
    """Regional air commands' tallies and other non-launch bulletin rows of the day."""
    incidents: tuple[PlacedIncident, ...]
    previous_incidents: int
    incidents_by_place: tuple[Compared, ...]
    incident_states: Mapping[str, int]
    agreements: tuple[AgreementFacts, ...]
    unassessed: tuple[str, ...]
    """Agreements in force (or proposed) on the day whose findings the store does not hold."""
    clocks: ClockFacts


def place_of(observation: Observation, oblast_of: OblastOf) -> str:
    """The oblast a point lies in, or the region as a region-only source names it."""
    loc = observation.location
    if loc.lat is not None and loc.lon is not None:
        return oblast_of(loc.lat, loc.lon) or OUTSIDE
    return loc.region or OUTSIDE


def compare(day: Iterable[tuple[str, ...]], previous: Iterable[tuple[str, ...]]) -> tuple[
    Compared, ...
]:
    """Counts of each key on the day and the day before, keys sorted."""
    now, before = Counter(day), Counter(previous)
    return tuple(Compared(k, now[k], before[k]) for k in sorted(set(now) | set(before)))


def split_days(
    day: ReportDay, observations: Iterable[Observation]
) -> tuple[list[Observation], list[Observation], int]:
    """The rows counted on the day, on the day before, and how many overlap the day but are
    dated too coarsely to be counted on any day."""
    on_day: list[Observation] = []
    on_previous: list[Observation] = []
    coarse = 0
    previous = day.previous().day
    window = day.interval
    for o in observations:
        counted = row_day(o.interval)
        if counted == day.day:
            on_day.append(o)
        elif counted == previous:
            on_previous.append(o)
        elif counted is None and o.interval.overlap_with(window).value != "outside":
            coarse += 1
    return on_day, on_previous, coarse


def coverage(
    day: ReportDay, spans: Mapping[str, tuple[date, date]], on_day: Sequence[Observation],
    on_previous: Sequence[Observation],
) -> tuple[SourceCoverage, ...]:
    """Per source: its rows on the day and the day before, and its first and last day."""
    now = Counter(o.source for o in on_day)
    before = Counter(o.source for o in on_previous)
    return tuple(
        SourceCoverage(s, now[s], before[s], *spans.get(s, (None, None)))
        for s in sorted(set(spans) | set(now) | set(before))
    )


def source_spans(observations: Iterable[Observation]) -> dict[str, tuple[date, date]]:
    """The first and last Kyiv day each source has a row counted on."""
    spans: dict[str, tuple[date, date]] = {}
    for o in observations:
        counted = row_day(o.interval)
        if counted is None:
            continue
        first, last = spans.get(o.source, (counted, counted))
        spans[o.source] = (min(first, counted), max(last, counted))
    return spans


def _strike_row(day: ReportDay, o: Observation) -> StrikeRow:
    return StrikeRow(
        observation_id=o.id,
        publisher=o.publisher,
        report_kind=str(o.report_kind),
        weapon_class=str(o.weapon_class),
        model=o.weapon_model or "",
        region=o.location.region or "",
        start=day.local(o.interval.start),
        end=day.local(o.interval.end),
        launched=o.launched,
        destroyed=o.destroyed,
    )


def _is_bulletin(o: Observation) -> bool:
    return o.source == "airforce"


def strike_totals(
    on_day: Sequence[Observation], on_previous: Sequence[Observation]
) -> tuple[StrikeTotal, ...]:
    """Launch reports (country-wide counts) summed per weapon class; an unstated count adds
    nothing and is not a zero: such rows are counted in `rows` only."""

    def sums(rows: Sequence[Observation]) -> dict[str, tuple[int, int, int]]:
        out: dict[str, tuple[int, int, int]] = {}
        for o in rows:
            if not _is_bulletin(o) or o.report_kind is not ReportKind.LAUNCH_REPORT:
                continue
            n, launched, destroyed = out.get(str(o.weapon_class), (0, 0, 0))
            out[str(o.weapon_class)] = (
                n + 1, launched + (o.launched or 0), destroyed + (o.destroyed or 0)
            )
        return out

    now, before = sums(on_day), sums(on_previous)
    return tuple(
        StrikeTotal(c, *now.get(c, (0, 0, 0)), *before.get(c, (0, 0, 0)))
        for c in sorted(set(now) | set(before))
    )


def agreement_facts(
    agreement: Agreement,
    findings: Sequence[Finding],
    on_day: Sequence[Observation],
    on_previous: Sequence[Observation],
    oblast_of: OblastOf,
) -> AgreementFacts:
    """The agreement's stored findings about the day's rows and the previous day's."""
    by_subject = {f.subject.id: f for f in findings}

    def keyed(rows: Sequence[Observation]) -> list[tuple[Observation, Finding]]:
        return [(o, by_subject[o.id]) for o in rows if o.id in by_subject]

    day_pairs, previous_pairs = keyed(on_day), keyed(on_previous)

    def places(pairs: list[tuple[Observation, Finding]]) -> list[tuple[str, ...]]:
        return [
            (place_of(o, oblast_of), str(o.category), str(f.verdict))
            for o, f in pairs
            if f.verdict is not Verdict.NOT_COVERED
        ]

    clauses: dict[tuple[str, str], tuple[int, int]] = {}
    for o, f in day_pairs:
        key = (clause_name(f), str(f.verdict))
        n, launched = clauses.get(key, (0, 0))
        clauses[key] = (n + 1, launched + (o.launched or 0))
    return AgreementFacts(
        agreement=agreement,
        by_place=compare(places(day_pairs), places(previous_pairs)),
        by_clause=tuple(ClauseCount(c, v, n, x) for (c, v), (n, x) in sorted(clauses.items())),
        verdicts=Counter(str(f.verdict) for _, f in day_pairs),
        previous_verdicts=Counter(str(f.verdict) for _, f in previous_pairs),
    )


def clause_name(finding: Finding) -> str:
    """The deciding clause; `supports:<row>` (a tally or a repeated row counted as evidence
    of another row, docs/assessment.md) is one name whatever row it supports."""
    first = finding.clauses[0] if finding.clauses else ""
    return "supports" if first.startswith("supports:") else first


def _clock_line(clock: ResponseClock, state: str, overdue_hours: float | None) -> ClockLine:
    return ClockLine(
        clock.id, clock.incident_id, str(clock.notified_party), str(clock.track), state,
        clock.due_at.strftime("%Y-%m-%d %H:%MZ"), overdue_hours,
    )


def clock_facts(
    day: ReportDay, clocks: Sequence[tuple[ResponseClock, Sequence[Transition]]]
) -> ClockFacts:
    """The clocks as they stood at the end of the day (later transitions ignored)."""
    started = acknowledged = running = total = 0
    overdue: list[ClockLine] = []
    late: list[ClockLine] = []
    for clock, history in clocks:
        if clock.started_at >= day.end:
            continue
        total += 1
        if clock.started_at >= day.start:
            started += 1
        known = [t for t in history if t.at < day.end]
        status = clock_status(clock, known, day.end)
        hours = None if status.overdue_by is None else status.overdue_by.total_seconds() / 3600
        acked = status.acknowledged_at
        if acked is not None and acked >= day.start:
            acknowledged += 1
            if hours is not None:
                late.append(_clock_line(clock, str(status.state), hours))
        if status.state is ClockState.OVERDUE:
            overdue.append(_clock_line(clock, str(status.state), hours))
        elif status.state is ClockState.RUNNING:
            running += 1
    return ClockFacts(started, acknowledged, running, tuple(overdue), tuple(late), total)


def incident_facts(
    day: ReportDay,
    incidents: Sequence[tuple[Incident, IncidentState]],
    oblast_of: OblastOf,
) -> tuple[tuple[PlacedIncident, ...], int, tuple[Compared, ...]]:
    """The day's fused incidents (with their state at the end of the day), the previous
    day's count, and both by oblast and category."""
    placed: list[PlacedIncident] = []
    previous: list[tuple[str, ...]] = []
    for incident, state in incidents:
        counted = row_day(incident.interval)
        loc = incident.location
        if loc.lat is None or loc.lon is None:
            continue
        oblast = oblast_of(loc.lat, loc.lon) or OUTSIDE
        if counted == day.day:
            placed.append(PlacedIncident(
                incident.id, str(incident.category), oblast, str(state),
                incident.independent_sources, loc.lat, loc.lon,
            ))
        elif counted == day.previous().day:
            previous.append((oblast, str(incident.category)))
    by_place = compare(((p.oblast, p.category) for p in placed), previous)
    return tuple(placed), len(previous), by_place


def gather(
    day: ReportDay,
    observations: Sequence[Observation],
    spans: Mapping[str, tuple[date, date]],
    incidents: Sequence[tuple[Incident, IncidentState]],
    findings: Sequence[tuple[Agreement, Sequence[Finding]]],
    clocks: Sequence[tuple[ResponseClock, Sequence[Transition]]],
    oblast_of: OblastOf,
    unassessed: Sequence[str] = (),
) -> DailyFacts:
    """Every number of the day's report. `observations` must hold every stored row that
    overlaps the day or the day before (more does no harm); `spans` is `source_spans` over
    the whole store; `incidents` carry their workflow state at the end of the day."""
    on_day, on_previous, coarse = split_days(day, observations)
    bulletins = [o for o in on_day if _is_bulletin(o)]
    placed, previous_incidents, incidents_by_place = incident_facts(day, incidents, oblast_of)
    return DailyFacts(
        day=day,
        observations=len(on_day),
        previous_observations=len(on_previous),
        coarse=coarse,
        coverage=coverage(day, spans, on_day, on_previous),
        by_place=compare(
            ((place_of(o, oblast_of), str(o.category)) for o in on_day),
            ((place_of(o, oblast_of), str(o.category)) for o in on_previous),
        ),
        strikes=tuple(
            _strike_row(day, o) for o in bulletins if o.report_kind is ReportKind.LAUNCH_REPORT
        ),
        strike_totals=strike_totals(on_day, on_previous),
        tallies=tuple(
            _strike_row(day, o) for o in bulletins if o.report_kind is not ReportKind.LAUNCH_REPORT
        ),
        incidents=placed,
        previous_incidents=previous_incidents,
        incidents_by_place=incidents_by_place,
        incident_states=Counter(p.state for p in placed),
        agreements=tuple(
            agreement_facts(a, f, on_day, on_previous, oblast_of) for a, f in findings
        ),
        unassessed=tuple(unassessed),
        clocks=clock_facts(day, clocks),
    )
