"""The JSON shape `ceasefire assess --json` prints: agreement, summary, findings, and the
groups of findings that probably report the same event (`probable_same_event`)."""

from __future__ import annotations

from typing import Any

from ceasefire.assess.same_event import probable_same_events
from ceasefire.domain import Verdict
from ceasefire.pipeline import Assessment


def assessment_to_json(assessment: Assessment, include_not_covered: bool = False) -> dict[str, Any]:
    agreement = assessment.agreement
    findings = []
    for finding in assessment.findings:
        if finding.verdict is Verdict.NOT_COVERED and not include_not_covered:
            continue
        observation = assessment.observations[finding.subject.id]
        findings.append(
            {
                "id": finding.id,
                "verdict": str(finding.verdict),
                "clauses": list(finding.clauses),
                "certainty": finding.certainty,
                "reason": finding.reason,
                "observation": {
                    "id": observation.id,
                    "source": observation.source,
                    "start": observation.interval.start.isoformat(),
                    "end": observation.interval.end.isoformat(),
                    "precision": str(observation.interval.precision),
                    "category": str(observation.category),
                    "weapon_model": observation.weapon_model,
                    "launched": observation.launched,
                    "destroyed": observation.destroyed,
                    "lat": observation.location.lat,
                    "lon": observation.location.lon,
                    "region": observation.location.region,
                    "description": observation.description,
                },
            }
        )
    return {
        "agreement": {
            "id": agreement.id,
            "title": agreement.title,
            "status": agreement.status,
            "window": {
                "start": agreement.window.start.isoformat(),
                "end": agreement.window.end.isoformat(),
                "timezone": agreement.timezone,
            },
        },
        "summary": assessment.summary.as_dict(),
        "findings": findings,
        "probable_same_event": [
            {"findings": list(group.finding_ids), "reason": group.reason}
            for group in probable_same_events(assessment.findings, assessment.observations)
        ],
    }
