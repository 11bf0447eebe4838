"""Source adapters: one module per real source format, each turning files into Observations.

Every adapter returns an `IngestReport`: the observations it could read plus one `Problem`
per bad or doubtful row (file, line, reason). A bad row never stops the run.
"""

from ceasefire.ingest.report import IngestReport

__all__ = ["IngestReport"]
