"""Incident findings: an incident's verdict is what its reports' findings agree on, widened to
possible where they disagree or were not all assessed (assess/incidents.py), kept in step by
`assess` and `fuse` (monitoring/incident_assessment.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ceasefire.assess.incidents import incident_finding, incident_findings
from ceasefire.domain import (
    Category,
    Finding,
    Incident,
    Location,
    Observation,
    RecordKind,
    RecordRef,
    Side,
    TimeInterval,
    TimePrecision,
    Verdict,
)
from ceasefire.monitoring.fusion_run import fuse_stored
from ceasefire.monitoring.incident_assessment import assess_all_incidents
from ceasefire.monitoring.setup import bundled_attributor, bundled_unit_of
from ceasefire.pipeline import assess_stored
from ceasefire.store import open_store

T0 = datetime(2025, 4, 19, 12, tzinfo=UTC)


def _incident(*members: str) -> Incident:
    return Incident(
        id="inc-1", observation_ids=members,
        interval=TimeInterval(T0, T0 + timedelta(hours=1), TimePrecision.HOUR),
        location=Location(lat=48.0, lon=37.0, uncertainty_m=500.0),
        category=Category.ARTILLERY_SHELLING, independent_sources=len(members),
    )


def _finding(observation_id: str, verdict: Verdict, clauses: tuple[str, ...] = ("scope",),
             certainty: float = 1.0) -> Finding:
    return Finding(
        id=f"agr:{observation_id}", agreement_id="agr",
        subject=RecordRef(RecordKind.OBSERVATION, observation_id), verdict=verdict,
        clauses=clauses, reason=f"{observation_id} says {verdict}", certainty=certainty,
        agreement_sha256="ab" * 32,
    )


def test_reports_that_agree_give_their_verdict_and_every_clause() -> None:
    found = incident_finding(_incident("a", "b"), {
        "a": _finding("a", Verdict.VIOLATION, ("zone.z1",), 0.5),
        "b": _finding("b", Verdict.VIOLATION, ("scope", "zone.z1"), 1.0),
    }, "agr")
    assert found is not None
    assert (found.id, found.subject) == ("agr:inc-1", RecordRef(RecordKind.INCIDENT, "inc-1"))
    assert found.verdict is Verdict.VIOLATION
    assert found.clauses == ("zone.z1", "scope")
    assert found.certainty == 0.5  # the least certain report
    assert found.reason.startswith("all 2 reports agree: violation (a, b); a: a says")
    assert found.agreement_sha256 == "ab" * 32


@pytest.mark.parametrize(
    ("verdicts", "clauses"),
    [
        ((Verdict.VIOLATION, Verdict.NOT_COVERED), ("zone.z1",)),
        ((Verdict.VIOLATION, Verdict.POSSIBLE), ("zone.z1",)),
        ((Verdict.POSSIBLE, Verdict.NOT_COVERED), ("zone.z1",)),
    ],
)
def test_reports_that_disagree_widen_to_possible(
    verdicts: tuple[Verdict, Verdict], clauses: tuple[str, ...]
) -> None:
    found = incident_finding(_incident("a", "b"), {
        "a": _finding("a", verdicts[0], ("zone.z1",), 0.8),
        "b": _finding("b", verdicts[1], ("other",), 0.6),
    }, "agr")
    assert found is not None
    assert found.verdict is Verdict.POSSIBLE
    assert found.clauses == clauses  # those of the strongest verdict a report gave
    assert found.certainty == 0.3  # the least certain, halved for the disagreement
    assert found.reason.startswith(f"the reports disagree (1 {verdicts[0]}: a; 1 {verdicts[1]}: b)")
    assert found.reason.endswith("widened to possible")


def test_an_unassessed_report_leaves_the_incident_undecided() -> None:
    found = incident_finding(_incident("a", "b"), {"a": _finding("a", Verdict.NOT_COVERED)},
                             "agr")
    assert found is not None
    assert found.verdict is Verdict.POSSIBLE
    assert found.clauses == ()
    assert "not every report was assessed (1 not_covered: a; 1 not assessed: b)" in found.reason


def test_out_of_scope_or_unassessed_incidents_get_no_finding() -> None:
    assert incident_finding(_incident("a"), {}, "agr") is None
    assert incident_finding(_incident("a", "b"), {
        "a": _finding("a", Verdict.NOT_COVERED), "b": _finding("b", Verdict.NOT_COVERED)},
        "agr") is None
    one = incident_finding(_incident("a"), {"a": _finding("a", Verdict.POSSIBLE)}, "agr")
    assert one is not None
    assert one.reason.startswith("its one report: possible (a)")


def test_incident_findings_ignore_other_incident_findings_and_sort_by_id() -> None:
    second = Incident(**{**{f: getattr(_incident("c"), f) for f in Incident.__slots__},
                         "id": "inc-0", "observation_ids": ("c",)})
    stale = Finding("agr:inc-9", "agr", RecordRef(RecordKind.INCIDENT, "inc-9"),
                    Verdict.VIOLATION, ("x",), "old", 1.0)
    found = incident_findings(
        [_incident("a"), second],
        [_finding("a", Verdict.POSSIBLE), _finding("c", Verdict.VIOLATION), stale], "agr")
    assert [(f.id, f.verdict) for f in found] == [
        ("agr:inc-0", Verdict.VIOLATION), ("agr:inc-1", Verdict.POSSIBLE)]


def test_assess_and_fuse_keep_incident_findings_in_step(tmp_path: Path) -> None:
    """Two reports of one drone strike inside the Easter truce window, from two sources:
    after `assess` and `fuse` the incident is a violation; assessing again adds nothing; a
    third report of it, stored and fused but not yet assessed, makes it undecided until the
    next assessment."""
    agreement = Path(__file__).parents[1] / "agreements" / "easter-truce-2025.yaml"
    store = open_store("memory://")
    moment = datetime(2025, 4, 19, 18, 0, tzinfo=UTC)

    def report(source: str, n: int) -> Observation:
        return Observation(
            id=f"{source}:{n}", source=source, source_record_id=str(n),
            interval=TimeInterval(moment, moment + timedelta(minutes=10), TimePrecision.MINUTE),
            location=Location(lat=49.99, lon=36.23, uncertainty_m=500.0),
            category=Category.UNIDENTIFIED_DRONE, side=Side.RU)

    store.add_observations([report("mission-a", 1), report("mission-b", 2)])
    assess_stored(store, agreement)
    fuse_stored(store, unit_of=bundled_unit_of(), attributor=bundled_attributor(), at=moment)
    assess_all_incidents(store)
    (incident,) = store.incidents()
    found = [f for f in store.findings("easter-truce-2025")
             if f.subject.kind is RecordKind.INCIDENT]
    assert [(f.subject.id, f.verdict) for f in found] == [(incident.id, Verdict.VIOLATION)]
    again = assess_stored(store, agreement)
    assert again.findings  # observations re-assessed...
    assert [f for f in store.findings("easter-truce-2025")
            if f.subject.kind is RecordKind.INCIDENT] == found  # ...the incident's unchanged
    store.add_observations([report("mission-c", 3)])
    fuse_stored(store, unit_of=bundled_unit_of(), attributor=bundled_attributor(), at=moment)
    assess_all_incidents(store)
    (widened,) = [f for f in store.findings("easter-truce-2025")
                  if f.subject.kind is RecordKind.INCIDENT]
    assert widened.verdict is Verdict.POSSIBLE
    assert "1 not assessed: mission-c:3" in widened.reason
    assess_stored(store, agreement)
    (settled,) = [f for f in store.findings("easter-truce-2025")
                  if f.subject.kind is RecordKind.INCIDENT]
    assert settled.verdict is Verdict.VIOLATION
    assert settled.reason.startswith("all 3 reports agree")
    store.close()
