"""Observation x agreement -> Finding: which clause applies, the verdict, and why."""

from ceasefire.assess.engine import assess
from ceasefire.assess.summary import Summary, VerdictTotals, summarise

__all__ = ["Summary", "VerdictTotals", "assess", "summarise"]
