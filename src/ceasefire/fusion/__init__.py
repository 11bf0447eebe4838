"""Fusion: observations that describe the same event become one incident (docs/fusion.md).

Pure and deterministic: no file, database or clock is touched here. The store integration and
the `ceasefire fuse` command feed it sightings and write what it returns.
"""

from ceasefire.fusion.fuse import IncrementalFuser, fuse, refuse
from ceasefire.fusion.gates import categories_compatible, is_candidate, same_place, same_time
from ceasefire.fusion.model import FusedIncident, Join, Sighting, SourceGroup

__all__ = [
    "FusedIncident",
    "IncrementalFuser",
    "Join",
    "Sighting",
    "SourceGroup",
    "categories_compatible",
    "fuse",
    "is_candidate",
    "refuse",
    "same_place",
    "same_time",
]
