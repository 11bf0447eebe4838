"""Reading what a daily report needs from the store (the I/O edge of `facts.gather`).

Which agreements: the one given with `--agreement` (its findings must be stored, and made
from this very file: a finding records the digest of the agreement file that produced it),
or else every shipped agreement whose window meets the day or the day before. A shipped
agreement the store holds no findings of is named in the report as not assessed, never
reported as "no violations".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ceasefire.agreement import load_agreement
from ceasefire.domain import (
    Finding,
    Incident,
    IncidentState,
    Observation,
    RecordKind,
    RecordRef,
)
from ceasefire.domain.agreement import Agreement
from ceasefire.domain.errors import ConflictError, NotFoundError
from ceasefire.geo.regions import load_oblasts
from ceasefire.monitoring.views import workflow_state
from ceasefire.paths import data_dir, shipped_agreements
from ceasefire.pipeline import file_sha256
from ceasefire.report.daily.facts import DailyFacts, gather, source_spans, split_days
from ceasefire.report.daily.period import ReportDay
from ceasefire.store import Store
from ceasefire.store.audit import trusted_observations
from ceasefire.verify.clocks import clock_ref


@dataclass(frozen=True, slots=True)
class Chosen:
    """The agreements to report on, with their stored findings, and those not assessed."""

    assessed: list[tuple[Agreement, Sequence[Finding]]]
    unassessed: list[str]


def oblasts_path() -> Path:
    return data_dir() / "basemap" / "derived_ukraine_oblasts.geojson"


def _given(store: Store, path: Path) -> Chosen:
    agreement = load_agreement(path)
    findings = store.findings(agreement.id)
    if not findings:
        raise NotFoundError(
            f"--agreement {path}: the store holds no findings of agreement {agreement.id}; "
            f"assess it first (`ceasefire assess --agreement {path} --db {store.url}`)"
        )
    digest = file_sha256(path)
    stale = next((f for f in findings if f.agreement_sha256 != digest), None)
    if stale is not None:
        raise ConflictError(
            f"--agreement {path}: finding {stale.id} was made from another version of this "
            f"file (sha256 {stale.agreement_sha256[:12]}..., the file is {digest[:12]}...); "
            f"assess it again (`ceasefire assess --agreement {path} --db {store.url}`)"
        )
    return Chosen([(agreement, findings)], [])


def _in_period(
    store: Store, day: ReportDay, agreements: Sequence[Agreement] | None
) -> Chosen:
    """The agreements (default: the shipped ones) whose window meets the day or the day
    before, split by whether the store holds their findings."""
    period = (day.previous().start, day.end)
    if agreements is None:
        agreements = [load_agreement(path) for path in shipped_agreements()]
    chosen = Chosen([], [])
    for agreement in agreements:
        if agreement.window.end <= period[0] or agreement.window.start >= period[1]:
            continue
        findings = store.findings(agreement.id)
        if findings:
            chosen.assessed.append((agreement, findings))
        else:
            chosen.unassessed.append(agreement.id)
    return chosen


def _incidents(store: Store, day: ReportDay) -> list[tuple[Incident, IncidentState]]:
    """Incidents meeting the two days, each with its workflow state at the day's end."""
    out = []
    for incident in store.incidents(overlapping=(day.previous().start, day.end)):
        moves = store.transitions(RecordRef(RecordKind.INCIDENT, incident.id))
        out.append((incident, workflow_state([t for t in moves if t.at < day.end])))
    return out


def load_facts(
    store: Store,
    day: ReportDay,
    agreement: Path | None = None,
    *,
    observations: Sequence[Observation] | None = None,
    agreements: Sequence[Agreement] | None = None,
) -> DailyFacts:
    """Every number of the report, read from `store`; a day no stored row is counted on is
    an error, so that an empty report never reads as a quiet day. `observations` (every
    current one, checked against the ledger) and `agreements` (instead of the shipped files)
    spare a caller that holds them already, as the demo does, reading them again."""
    if observations is None:
        observations = trusted_observations(store)
    spans = source_spans(observations)
    on_day, _, _ = split_days(day, observations)
    if not on_day:
        held = (
            f"its rows are counted on days from {min(s[0] for s in spans.values())} to "
            f"{max(s[1] for s in spans.values())}"
            if spans
            else "it holds no dated row"
        )
        raise NotFoundError(
            f"--date {day.day}: no stored row is counted on this day (Kyiv, "
            f"{day.local(day.start)} to 24:00 Europe/Kyiv) in {store.url}; {held}. Without "
            "rows there is nothing to report: nothing was written"
        )
    chosen = _given(store, agreement) if agreement is not None else _in_period(
        store, day, agreements
    )
    clocks = [(c, store.transitions(clock_ref(c))) for c in store.clocks()]
    oblasts = load_oblasts(oblasts_path())
    return gather(
        day, observations, spans, _incidents(store, day), chosen.assessed, clocks,
        oblasts.unit_of, chosen.unassessed,
    )
