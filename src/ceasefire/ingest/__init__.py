"""Source adapters: one module per real source format, each turning files into typed records.

Every observation adapter (bulletins, Bellingcat/CIR, UCDP) returns an `IngestReport`: the
observations it could read plus one `Problem` per bad or doubtful row (file, line, reason).
The track feeds (`adsb`, `ais`) yield track states plus one `Problem` per bad record, and
`deepstate` reads territory maps. A bad row never stops the run.

Formats are found through registries (`ingest.registry.Registry`), never through a list of
names kept in some other module: `ingest.sources.OBSERVATION_SOURCES` holds the observation
sources (airforce, ucdp, cir, bellingcat) and `ingest.track_feeds.TRACK_FEEDS` the live-track
recordings (adsb-json, adsb-sbs, ais-nmea). Each entry has a `name` (the one place that
source is named; `ingest --kind` offers exactly these), a one-line `description`,
`detect(head, path)` (does the file's first 4 KiB, gunzipped if need be, look like this
format?) and `read`. Detection asks the entries in registration order, specific formats
first, and an unknown file is refused with the list of formats the registry knows. A new
format is one `register(...)` call; `detect.py` and the CLI need no edit.
"""

from ceasefire.ingest.report import IngestReport

__all__ = ["IngestReport"]
