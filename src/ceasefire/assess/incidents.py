"""An incident's finding against an agreement, from the findings of the reports it fuses.

Why from the members' findings and not by assessing the fused incident as one report: the
members were each placed and dated by their own source's precision, and each finding says
why; the incident adds no new fact about where or when, only that these reports describe
one event. So the incident's verdict is what the reports agree on, and where they disagree
(one report's disc lies inside a zone, another's straddles it; one is dated inside the
window, another's wider day is not) the data cannot decide between them: the verdict widens
to `possible`, never narrows, and the reason lists who said what. A member that was not
assessed (stored after the last assessment) leaves the incident undecided in the same way.

`certainty` keeps its meaning (docs/assessment.md: a ranking aid, halved for each unresolved
doubt): the smallest of the members', halved once when they disagree.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from ceasefire.domain import Finding, Incident, RecordKind, RecordRef, Verdict

#: How many member ids a reason quotes before it says "and N more".
QUOTED_MEMBERS = 5


def incident_finding_id(agreement_id: str, incident_id: str) -> str:
    return f"{agreement_id}:{incident_id}"


def _ids(ids: Sequence[str]) -> str:
    shown = ", ".join(ids[:QUOTED_MEMBERS])
    more = len(ids) - QUOTED_MEMBERS
    return shown if more <= 0 else f"{shown} and {more} more"


def _clauses(members: Sequence[Finding], verdict: Verdict) -> tuple[str, ...]:
    """The clauses that gave `verdict` to any member, in the members' order, once each."""
    seen: dict[str, None] = {}
    for finding in members:
        if finding.verdict is verdict:
            seen.update(dict.fromkeys(finding.clauses))
    return tuple(seen)


def incident_finding(
    incident: Incident, by_observation: Mapping[str, Finding], agreement_id: str
) -> Finding | None:
    """The incident's finding, or None when none of its reports was assessed against the
    agreement (nothing to say rather than a guess) or all of them were found not covered
    (out of scope, as their own findings say: an incident finding for each would fill the
    ledger with tens of thousands of records that add nothing). `by_observation` maps
    observation ids to their findings under this agreement."""
    members = [by_observation[o] for o in incident.observation_ids if o in by_observation]
    if not members:
        return None
    unassessed = [o for o in incident.observation_ids if o not in by_observation]
    verdicts = Counter(f.verdict for f in members)
    certainty = min(f.certainty for f in members)
    sha256 = members[0].agreement_sha256
    subject = RecordRef(RecordKind.INCIDENT, incident.id)
    finding_id = incident_finding_id(agreement_id, incident.id)
    if len(verdicts) == 1 and not unassessed:
        verdict = members[0].verdict
        if verdict is Verdict.NOT_COVERED:
            return None  # out of scope: its reports' own findings say why
        clauses = _clauses(members, verdict)
        ids = [f.subject.id for f in members]
        agree = (f"its one report: {verdict}" if len(members) == 1
                 else f"all {len(members)} reports agree: {verdict}")
        reason = f"{agree} ({_ids(ids)}); {members[0].subject.id}: {members[0].reason}"
        return Finding(finding_id, agreement_id, subject, verdict, clauses, reason,
                       certainty, sha256)
    strongest = max(verdicts, key=lambda v: v.rank)
    said = "; ".join(
        f"{count} {v}: {_ids([f.subject.id for f in members if f.verdict is v])}"
        for v, count in sorted(verdicts.items(), key=lambda item: -item[0].rank)
    )
    missing = f"; {len(unassessed)} not assessed: {_ids(unassessed)}" if unassessed else ""
    why = "the reports disagree" if len(verdicts) > 1 else "not every report was assessed"
    reason = f"{why} ({said}{missing}): widened to possible"
    clauses = () if strongest is Verdict.NOT_COVERED else _clauses(members, strongest)
    return Finding(finding_id, agreement_id, subject, Verdict.POSSIBLE, clauses, reason,
                   round(certainty / 2, 4), sha256)


def incident_findings(
    incidents: Sequence[Incident], findings: Sequence[Finding], agreement_id: str
) -> list[Finding]:
    """One finding per incident that has an assessed report in scope or undecided, by id."""
    by_observation = {f.subject.id: f for f in findings
                      if f.subject.kind is RecordKind.OBSERVATION}
    out = (incident_finding(i, by_observation, agreement_id) for i in incidents)
    return sorted((f for f in out if f is not None), key=lambda f: f.id)
