"""Typed records shared by every layer.

Inside the system all lengths are metres, all speeds metres per second and all times
timezone-aware UTC datetimes; conversion happens once, in the adapters at the edge.
`domain` imports nothing else of ours, so every other package can depend on it.
"""

from ceasefire.domain.audit import AuditEntry, AuditOutcome
from ceasefire.domain.clock import ClockState, ClockTrack, ResponseClock
from ceasefire.domain.finding import Finding, Verdict
from ceasefire.domain.incident import (
    Attribution,
    FusionLink,
    Incident,
    IncidentState,
    SourceGroup,
    SupportingLink,
)
from ceasefire.domain.message import Message, MessageKind, MessageState
from ceasefire.domain.observation import Location, Observation
from ceasefire.domain.ref import RecordKind, RecordRef
from ceasefire.domain.report import Report
from ceasefire.domain.taxonomy import Category, ReportKind, Side, TargetClass, WeaponClass
from ceasefire.domain.timeinterval import TimeInterval, TimePrecision, WindowOverlap
from ceasefire.domain.workflow import Transition

__all__ = [
    "Attribution",
    "AuditEntry",
    "AuditOutcome",
    "Category",
    "ClockState",
    "ClockTrack",
    "Finding",
    "FusionLink",
    "Incident",
    "IncidentState",
    "Location",
    "Message",
    "MessageKind",
    "MessageState",
    "Observation",
    "RecordKind",
    "RecordRef",
    "Report",
    "ReportKind",
    "ResponseClock",
    "Side",
    "SourceGroup",
    "SupportingLink",
    "TargetClass",
    "TimeInterval",
    "TimePrecision",
    "Transition",
    "Verdict",
    "WeaponClass",
    "WindowOverlap",
]
