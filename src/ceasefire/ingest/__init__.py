"""Source adapters: one module per real source format, each turning files into typed records.

Every observation adapter (bulletins, Bellingcat/CIR, UCDP) returns an `IngestReport`: the
observations it could read plus one `RowIssue` per bad or doubtful row (file, line, reason).
The track adapters (`adsb`, `ais`) return track states plus one `RecordError` per bad record,
and `deepstate` reads territory maps. A bad row never stops the run.
"""

from ceasefire.ingest.report import IngestReport, RowIssue, Severity

__all__ = ["IngestReport", "RowIssue", "Severity"]
