"""Deconfliction of the force's operations: strategic (4D intents) and tactical (live tracks).

Public API (see docs/deconfliction.md):
- strategic: `StrategicDeconflictor` (submit / view), `Decision`, `AirspaceConstraint`;
  F3548 JSON via `deconflict.f3548`, InterUSS collections via `deconflict.interuss`;
- tactical: `Traffic`, `detect` (state-based CPA, BlueSky definition), `TrackStore`,
  `predict_incursions`.
"""

from ceasefire.deconflict.constraints import AirspaceConstraint
from ceasefire.deconflict.incursion import Incursion, predict_incursions
from ceasefire.deconflict.strategic import Decision, StrategicDeconflictor
from ceasefire.deconflict.tactical import PairConflicts, Traffic, detect
from ceasefire.deconflict.tracks import TrackStore

__all__ = [
    "AirspaceConstraint",
    "Decision",
    "Incursion",
    "PairConflicts",
    "StrategicDeconflictor",
    "TrackStore",
    "Traffic",
    "detect",
    "predict_incursions",
]
